// The plain-words reading of each model × language: its numbers are Table 1's, each linked to its probes, and its
// verdict follows the re-test control.

import { expect, it } from 'vitest';
import type { Outcome } from '../experiment/index.js';
import { cellReadings } from './readings.js';
import { outcomeTable } from './results-tables.js';
import { probeRecord } from './sample-records.js';

/** Ten misaligned English probes: chrF++ (all) improved `improved` (gated `gated`), the re-test `retest`. */
function records(improved: number, gated: number, retest: number, language = 'en') {
  return Array.from({ length: 10 }, (_, i) => {
    const outcome = (count: number): Outcome => (i < count ? 'improved' : 'unchanged');
    return probeRecord('m', language, `Q${i + 1}`, 1, 0.5, undefined, {
      'zero-shot-retest': [0.5, outcome(retest), 'unchanged', undefined, undefined],
      random: [0.5, outcome(1), 'unchanged', undefined, undefined],
      'chrf-all': [0.9, outcome(improved), outcome(gated), undefined, undefined],
    });
  });
}

const text = (reading: { segments: { text: string }[] }) => reading.segments.map((s) => s.text).join('');

it("reads the best strategy against the re-test control, in the table's numbers, each linked to its probes", () => {
  const outcomes = outcomeTable(records(3, 1, 4));
  const [reading] = cellReadings(outcomes);
  expect(reading).toMatchObject({
    model: 'm',
    language: 'en',
    country: 'EN',
    strategy: 'chrf-all',
    verdict: 'below-retest',
  });
  expect(text(reading!)).toBe(
    "chrF++ (all) improved 30% of 10 misaligned probes by the paper's rule (any rise in the share of the country's " +
      "answer), the largest share of the 2 strategies; asking the same prompt again 'improved' 40% by chance, so by " +
      'this rule the run shows no effect of self-alignment. Counting only changes significant at q < 0.05, chrF++ ' +
      '(all) improved 10% and worsened 0%; the re-test improved 0%.',
  );
  // Each number is Table 1's, and opens the probes it counts.
  const linked = reading!.segments.filter((s) => 'filter' in s);
  const row = (strategy: string) => outcomes.find((r) => r.condition === strategy)!;
  expect(linked.map((s) => s.text)).toEqual([
    `${Math.round(row('chrf-all').improvedShare! * 100)}%`,
    `${row('chrf-all').n} misaligned probes`,
    `${Math.round(row('zero-shot-retest').improvedShare! * 100)}%`,
    `${Math.round(row('chrf-all').gatedImprovedShare! * 100)}%`,
    `${Math.round(row('chrf-all').gatedWorsenedShare! * 100)}%`,
    `${Math.round(row('zero-shot-retest').gatedImprovedShare! * 100)}%`,
  ]);
  expect(linked.map((s) => ('filter' in s ? s.filter : null))).toEqual([
    { model: 'm', language: 'en', country: 'EN', condition: 'chrf-all', misaligned: true, outcome: 'improved' },
    { model: 'm', language: 'en', country: 'EN', condition: 'chrf-all', misaligned: true },
    {
      model: 'm',
      language: 'en',
      country: 'EN',
      condition: 'zero-shot-retest',
      misaligned: true,
      outcome: 'improved',
    },
    { model: 'm', language: 'en', country: 'EN', condition: 'chrf-all', misaligned: true, gatedOutcome: 'improved' },
    { model: 'm', language: 'en', country: 'EN', condition: 'chrf-all', misaligned: true, gatedOutcome: 'worsened' },
    {
      model: 'm',
      language: 'en',
      country: 'EN',
      condition: 'zero-shot-retest',
      misaligned: true,
      gatedOutcome: 'improved',
    },
  ]);
});

it('says when the strategy beats the control beyond the intervals, when they overlap, and when there is none', () => {
  expect(cellReadings(outcomeTable(records(10, 8, 0)))[0]!.verdict).toBe('beyond-retest');
  expect(text(cellReadings(outcomeTable(records(10, 8, 0)))[0]!)).toContain(
    "the strategy's 95% interval lies above the re-test's, so by this rule self-alignment did more than asking again",
  );
  expect(cellReadings(outcomeTable(records(5, 2, 3)))[0]!.verdict).toBe('within-retest');
  const noControl = outcomeTable(records(5, 2, 3)).filter((r) => r.condition !== 'zero-shot-retest');
  const [reading] = cellReadings(noControl);
  expect(reading!.verdict).toBe('no-retest');
  expect(text(reading!)).toContain('This run has no re-test control');
  expect(text(reading!)).not.toContain('and the re-test');
});

it('gives no reading of a cell whose answers were mostly unreadable', () => {
  const unreadable = records(0, 0, 0, 'tr').map((r) => {
    r.zeroShot.invalid = 1;
    for (const s of r.strategies) s.invalid = 1;
    return r;
  });
  const [reading] = cellReadings(outcomeTable([...records(3, 1, 4), ...unreadable]).filter((r) => r.language === 'tr'));
  expect(reading).toMatchObject({ language: 'tr', strategy: null, verdict: 'unreadable' });
  expect(text(reading!)).toMatch(/^No reading: 100% of the answers gave neither option/);
});

it('reads the readable conditions of a cell and names the one it leaves out as mostly unreadable', () => {
  const mixed = records(3, 1, 4).map((r) => {
    for (const s of r.strategies) if (s.condition === 'random') s.invalid = 0.9;
    return r;
  });
  const [reading] = cellReadings(outcomeTable(mixed));
  expect(reading).toMatchObject({ strategy: 'chrf-all', verdict: 'below-retest' });
  expect(text(reading!)).toMatch(/^chrF\+\+ \(all\) improved 30% of 10 misaligned probes by the paper's rule/);
  // The best of the readable strategies: one, so no "largest share of" the strategies.
  expect(text(reading!)).not.toContain('the largest share');
  expect(text(reading!)).toMatch(
    /Left out as mostly unreadable: random demonstrations \(90% of its answers gave neither option\)\.$/,
  );
  // The re-test's answers unreadable: the strategy is read, and the control said to be unknown.
  const noControl = records(3, 1, 4).map((r) => {
    for (const s of r.strategies) if (s.condition === 'zero-shot-retest') s.invalid = 0.9;
    return r;
  });
  const [unknown] = cellReadings(outcomeTable(noControl));
  expect(unknown!.verdict).toBe('no-retest');
  expect(text(unknown!)).toContain("The re-test control's answers were mostly unreadable, so how much");
});
