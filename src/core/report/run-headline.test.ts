// A run's one-line headline and the monitor's totals, from Table 1 rows.

import { expect, it } from 'vitest';
import { runHeadline, strategyOutcomeTotals } from './run-headline.js';
import type { OutcomeRow } from './results-tables.js';

const row = (strategy: OutcomeRow['strategy'], n: number, improved: number, unchanged: number, language = 'en') =>
  ({
    model: 'm',
    language,
    country: 'USA',
    strategy,
    n,
    improvedCount: improved,
    unchangedCount: unchanged,
    worsenedCount: n - improved - unchanged,
  }) as OutcomeRow;

it('names the strategy with the largest improved share pooled over languages, beside the control', () => {
  const rows = [
    row('zero-shot-retest', 10, 3, 5),
    row('random', 10, 2, 4),
    row('chrf-all', 10, 6, 2),
    row('chrf-all', 30, 6, 20, 'de'),
    row('random', 30, 12, 10, 'de'),
  ];
  // random: 14/40 = 0.35; chrF++ (all): 12/40 = 0.30; the control 3/10.
  expect(runHeadline(rows)).toEqual({ strategy: 'random', improvedShare: 0.35, retestImprovedShare: 0.3 });
  expect(runHeadline([row('chrf-all', 10, 4, 4)])).toEqual({
    strategy: 'chrf-all',
    improvedShare: 0.4,
    retestImprovedShare: null,
  });
  expect(runHeadline([row('zero-shot-retest', 10, 3, 5)])).toBeNull();
  expect(runHeadline([])).toBeNull();
});

it('sums the outcomes over the strategies, leaving the control out', () => {
  expect(
    strategyOutcomeTotals([
      row('zero-shot-retest', 10, 3, 5),
      row('random', 10, 2, 4),
      row('chrf-all', 30, 6, 20, 'de'),
    ]),
  ).toEqual({ improved: 8, unchanged: 24, worsened: 8 });
});
