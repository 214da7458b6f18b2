// The soft-alignment scatter's points, one per misaligned probe and self-aligned condition: read through the
// client from the engine's explorer rows, the same way by the window and by `selfalign report --charts`.

import type { WorkbenchClient } from '../client.js';
import type { SoftPoint } from './figure.js';
import { ZERO_SHOT } from '../method.js';

export async function loadSoftPoints(
  client: WorkbenchClient,
  runId: string,
  model: string,
  language: string,
): Promise<SoftPoint[]> {
  const points: SoftPoint[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await client.results.probes({
      runId,
      filter: { model, language, misaligned: true },
      offset,
      limit: 1000,
    });
    for (const r of page.rows) {
      if (r.condition !== ZERO_SHOT)
        points.push({
          probeId: r.probeId,
          strategy: r.condition,
          before: r.zeroShotAlignment,
          after: r.alignment,
          misaligned: r.misaligned,
        });
    }
    if (offset + 1000 >= page.total) return points;
  }
}
