// What a run's list row and its monitor say of it in one line, from its Table 1 rows: the strategy that improved
// the largest share of misaligned probes beside the re-test control, and the outcomes summed over the strategies.
// Rows whose answers are mostly unreadable are left out of both and named: a model that gives no readable answer
// in a language is neither misaligned nor "unchanged" there, and pooling it in would read as if it were.

import { isSelectionStrategy, ZERO_SHOT_RETEST, type Comparison, type SelectionStrategy } from '../demos/index.js';
import type { OutcomeRow } from './results-tables.js';

/** A model × language whose rows a summary leaves out, the conditions left out, and how unreadable they were. */
export interface UnreadableCell {
  model: string;
  language: string;
  country: string;
  /** The conditions (strategies, the re-test control) whose rows were mostly unreadable. */
  conditions: Comparison[];
  /** The largest mean share of unreadable responses among those rows, before or after. */
  invalidShare: number;
}

export interface RunHeadline {
  /** The strategy with the largest improved share, pooled over the readable model × language rows (the paper's rule); null when no readable row has one. */
  strategy: SelectionStrategy | null;
  improvedShare: number | null;
  /** The re-test control's improved share, pooled the same way; null without the control. */
  retestImprovedShare: number | null;
  /** What the pooled shares leave out because its answers were mostly unreadable. */
  leftOut: UnreadableCell[];
}

/** The rows a summary reads, and the cells it leaves out as mostly unreadable. */
export function readableRows(outcomes: readonly OutcomeRow[]): { rows: OutcomeRow[]; leftOut: UnreadableCell[] } {
  const rows: OutcomeRow[] = [];
  const leftOut = new Map<string, UnreadableCell>();
  for (const row of outcomes) {
    if (!row.mostlyUnreadable) {
      rows.push(row);
      continue;
    }
    const key = JSON.stringify([row.model, row.language, row.country]);
    const cell = leftOut.get(key) ?? {
      model: row.model,
      language: row.language,
      country: row.country,
      conditions: [],
      invalidShare: 0,
    };
    cell.conditions.push(row.condition);
    cell.invalidShare = Math.max(cell.invalidShare, row.zeroShotInvalidShare ?? 0, row.meanInvalidShare ?? 0);
    leftOut.set(key, cell);
  }
  return { rows, leftOut: [...leftOut.values()] };
}

/** The run's headline; null before any self-aligned measurement. */
export function runHeadline(outcomes: readonly OutcomeRow[]): RunHeadline | null {
  if (outcomes.every((row) => row.n === 0)) return null;
  const { rows, leftOut } = readableRows(outcomes);
  const pooled = new Map<Comparison, { improved: number; misaligned: number }>();
  for (const row of rows) {
    const sum = pooled.get(row.condition) ?? { improved: 0, misaligned: 0 };
    sum.improved += row.improvedCount;
    sum.misaligned += row.n;
    pooled.set(row.condition, sum);
  }
  const share = (strategy: Comparison) => {
    const sum = pooled.get(strategy);
    return sum && sum.misaligned > 0 ? sum.improved / sum.misaligned : null;
  };
  let best: { strategy: SelectionStrategy; improvedShare: number } | null = null;
  for (const strategy of pooled.keys()) {
    const value = share(strategy);
    if (!isSelectionStrategy(strategy) || value === null) continue;
    if (!best || value > best.improvedShare) best = { strategy, improvedShare: value };
  }
  if (!best && leftOut.length === 0) return null;
  return {
    strategy: best?.strategy ?? null,
    improvedShare: best?.improvedShare ?? null,
    retestImprovedShare: share(ZERO_SHOT_RETEST),
    leftOut,
  };
}

/**
 * The misaligned probes' outcomes summed over every strategy (each probe once per strategy), the re-test and the
 * reviewer's controls left out,
 * and the probe results left out because their row was mostly unreadable.
 */
export function strategyOutcomeTotals(outcomes: readonly OutcomeRow[]): {
  improved: number;
  unchanged: number;
  worsened: number;
  unreadable: number;
} {
  const totals = { improved: 0, unchanged: 0, worsened: 0, unreadable: 0 };
  for (const row of outcomes) {
    if (!isSelectionStrategy(row.condition)) continue;
    if (row.mostlyUnreadable) {
      totals.unreadable += row.n;
      continue;
    }
    totals.improved += row.improvedCount;
    totals.unchanged += row.unchangedCount;
    totals.worsened += row.worsenedCount;
  }
  return totals;
}
