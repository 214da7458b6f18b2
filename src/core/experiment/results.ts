// A run's measurements turned into the per-probe records the reports read: outcomes, the gated outcome, error
// reduction and soft alignment are computed here from the stored distributions, never stored themselves, so a
// change to a rule reaches every past run.

import { ZERO_SHOT, type Comparison } from '../demos/index.js';
import type { ResponseDistribution } from '../sampling/index.js';
import { targetFromWeights, type TargetAnswer } from '../survey/index.js';
import { alignment, errorReduction, gatedOutcome, isMisaligned, outcome, softAlignment } from './outcomes.js';
import type { ProbeRecord, StrategyResult } from './probe-record.js';
import type { MeasurementRow } from './run-journal.js';

export function probeRecords(rows: readonly MeasurementRow[], misalignmentThreshold: number): ProbeRecord[] {
  const byProbe = new Map<string, MeasurementRow[]>();
  for (const row of rows) {
    const key = [row.model, row.language, row.country, row.probeId].join('\u0000');
    byProbe.set(key, [...(byProbe.get(key) ?? []), row]);
  }
  const records: ProbeRecord[] = [];
  for (const group of byProbe.values()) {
    const zero = group.find((r) => r.condition === ZERO_SHOT);
    if (!zero) continue;
    const target = targetFromWeights(zero.targetShares[0], zero.targetShares[1]) as Extract<TargetAnswer, { kind: 'majority' }>;
    const before = JSON.parse(zero.distributionJson) as ResponseDistribution;
    const misaligned = isMisaligned(before, target, misalignmentThreshold);
    const strategies: StrategyResult[] = group
      .filter((r) => r.condition !== ZERO_SHOT)
      .map((r) => {
        const after = JSON.parse(r.distributionJson) as ResponseDistribution;
        return {
          strategy: r.condition as Comparison,
          alignment: alignment(after, target),
          outcome: outcome(before, after, target),
          gatedOutcome: gatedOutcome(before, after, target),
          errorReduction: errorReduction(before, after, target),
          softAlignment: softAlignment(after, target),
          demonstrationIds: r.demonstrationIds,
        };
      });
    records.push({
      model: zero.model,
      language: zero.language,
      country: zero.country,
      probeId: zero.probeId,
      category: zero.category,
      estimator: before.estimator,
      targetOption: target.option,
      targetShares: target.shares,
      zeroShot: { alignment: alignment(before, target), softAlignment: softAlignment(before, target), n: before.n },
      misaligned,
      strategies: misaligned ? strategies : [],
    });
  }
  return records;
}
