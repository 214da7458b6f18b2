// A run's one-line headline and the monitor's totals, from Table 1 rows.

import { expect, it } from 'vitest';
import { runHeadline, strategyOutcomeTotals } from './run-headline.js';
import type { OutcomeRow } from './results-tables.js';

const row = (
  condition: OutcomeRow['condition'],
  n: number,
  improved: number,
  unchanged: number,
  language = 'en',
  invalid = 0.05,
) =>
  ({
    model: 'm',
    language,
    country: language === 'tr' ? 'TUR' : 'USA',
    condition,
    n,
    improvedCount: improved,
    unchangedCount: unchanged,
    worsenedCount: n - improved - unchanged,
    zeroShotInvalidShare: invalid,
    meanInvalidShare: 0.05,
    mostlyUnreadable: invalid >= 0.5,
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
  expect(runHeadline(rows)).toEqual({
    strategy: 'random',
    improvedShare: 0.35,
    retestImprovedShare: 0.3,
    leftOut: [],
  });
  expect(runHeadline([row('chrf-all', 10, 4, 4)])).toEqual({
    strategy: 'chrf-all',
    improvedShare: 0.4,
    retestImprovedShare: null,
    leftOut: [],
  });
  expect(runHeadline([row('zero-shot-retest', 10, 3, 5)])).toBeNull();
  expect(runHeadline([])).toBeNull();
});

it('leaves out and names the model × language rows whose answers were mostly unreadable', () => {
  // Turkish: every answer unreadable, so every probe is "misaligned" and "unchanged"; pooled in, it would halve
  // the improved share and read as a finding.
  const rows = [
    row('chrf-all', 10, 6, 2),
    row('zero-shot-retest', 10, 1, 8),
    row('chrf-all', 40, 0, 40, 'tr', 1),
    row('zero-shot-retest', 40, 0, 40, 'tr', 1),
  ];
  expect(runHeadline(rows)).toEqual({
    strategy: 'chrf-all',
    improvedShare: 0.6,
    retestImprovedShare: 0.1,
    leftOut: [
      { model: 'm', language: 'tr', country: 'TUR', conditions: ['chrf-all', 'zero-shot-retest'], invalidShare: 1 },
    ],
  });
  // Nothing readable at all: no strategy to name, only what was left out.
  expect(runHeadline(rows.slice(2))).toEqual({
    strategy: null,
    improvedShare: null,
    retestImprovedShare: null,
    leftOut: [
      { model: 'm', language: 'tr', country: 'TUR', conditions: ['chrf-all', 'zero-shot-retest'], invalidShare: 1 },
    ],
  });
});

it('sums the outcomes over the strategies, leaving the control and the unreadable rows out', () => {
  expect(
    strategyOutcomeTotals([
      row('zero-shot-retest', 10, 3, 5),
      row('random', 10, 2, 4),
      row('chrf-all', 30, 6, 20, 'de'),
      row('chrf-all', 40, 0, 40, 'tr', 0.9),
    ]),
  ).toEqual({ improved: 8, unchanged: 24, worsened: 8, unreadable: 40 });
});
