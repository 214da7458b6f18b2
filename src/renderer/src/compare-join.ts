// Two runs side by side: the probes both measured under each side's model and condition, with B − A. Pure,
// tested without a browser.
import type { CommandResult } from '../../shared/contract.js';

type Row = CommandResult<'results.probes'>['rows'][number];

export interface Side {
  model: string;
  condition: string;
}

/** The probes both sides measured, joined on language, country and probe, with B − A. */
export function joinSides(a: readonly Row[], b: readonly Row[], sideA: Side, sideB: Side) {
  const key = (r: Row) => `${r.language}\u0000${r.country}\u0000${r.probeId}`;
  const right = new Map(
    b.filter((r) => r.model === sideB.model && r.condition === sideB.condition).map((r) => [key(r), r]),
  );
  return a
    .filter((r) => r.model === sideA.model && r.condition === sideA.condition)
    .flatMap((left) => {
      const other = right.get(key(left));
      return other
        ? [
            {
              key: key(left),
              a: left,
              b: other,
              delta: other.alignment - left.alignment,
              changed: other.outcome !== left.outcome || Math.abs(other.alignment - left.alignment) > 1e-12,
            },
          ]
        : [];
    });
}
