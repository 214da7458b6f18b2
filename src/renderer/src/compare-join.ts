// Two runs side by side: the probes both measured under each side's model and condition, with B − A. Pure,
// tested without a browser.
import type { CommandResult } from '../../shared/contract.js';

type Row = CommandResult<'results.probes'>['rows'][number];

export interface Side {
  model: string;
  condition: string;
}

/**
 * The probes both sides measured, joined on language, country and probe, with B − A. A probe is `unreadable` when
 * either side's answers were at least `unreadableThreshold` unreadable: its Δ compares answer formats, not values.
 */
export function joinSides(a: readonly Row[], b: readonly Row[], sideA: Side, sideB: Side, unreadableThreshold = 0.5) {
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
              unreadable: left.invalidShare >= unreadableThreshold || other.invalidShare >= unreadableThreshold,
            },
          ]
        : [];
    });
}

/** The mean Δ over the joined probes with readable answers on both sides, and how many were left out. */
export function meanDelta(joined: readonly { delta: number; unreadable: boolean }[]): {
  mean: number | null;
  leftOut: number;
} {
  const readable = joined.filter((j) => !j.unreadable);
  return {
    mean: readable.length ? readable.reduce((sum, j) => sum + j.delta, 0) / readable.length : null,
    leftOut: joined.length - readable.length,
  };
}
