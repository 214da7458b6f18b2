// What a run's list row and its monitor say of it in one line, from its Table 1 rows: the strategy that improved
// the largest share of misaligned probes beside the re-test control, and the outcomes summed over the strategies.

import { ZERO_SHOT_RETEST } from '../demos/index.js';
import type { OutcomeRow } from './results-tables.js';

export interface RunHeadline {
  /** The strategy with the largest improved share, pooled over models and languages (the paper's rule). */
  strategy: string;
  improvedShare: number;
  /** The re-test control's improved share, pooled the same way; null without the control. */
  retestImprovedShare: number | null;
}

/** The run's headline; null before any self-aligned measurement. */
export function runHeadline(outcomes: readonly OutcomeRow[]): RunHeadline | null {
  const pooled = new Map<string, { improved: number; misaligned: number }>();
  for (const row of outcomes) {
    const sum = pooled.get(row.strategy) ?? { improved: 0, misaligned: 0 };
    sum.improved += row.improvedCount;
    sum.misaligned += row.n;
    pooled.set(row.strategy, sum);
  }
  const share = (strategy: string) => {
    const sum = pooled.get(strategy);
    return sum && sum.misaligned > 0 ? sum.improved / sum.misaligned : null;
  };
  let best: { strategy: string; improvedShare: number } | null = null;
  for (const strategy of pooled.keys()) {
    const value = share(strategy);
    if (strategy === ZERO_SHOT_RETEST || value === null) continue;
    if (!best || value > best.improvedShare) best = { strategy, improvedShare: value };
  }
  return best ? { ...best, retestImprovedShare: share(ZERO_SHOT_RETEST) } : null;
}

/** The misaligned probes' outcomes summed over every strategy (each probe once per strategy), the control left out. */
export function strategyOutcomeTotals(outcomes: readonly OutcomeRow[]): {
  improved: number;
  unchanged: number;
  worsened: number;
} {
  const totals = { improved: 0, unchanged: 0, worsened: 0 };
  for (const row of outcomes) {
    if (row.strategy === ZERO_SHOT_RETEST) continue;
    totals.improved += row.improvedCount;
    totals.unchanged += row.unchangedCount;
    totals.worsened += row.worsenedCount;
  }
  return totals;
}
