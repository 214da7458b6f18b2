// The reviewer's controls against the paper's condition, counted by hand on the sample records: paired over the
// probes measured under both, the left-out counted, intervals that hold the estimate, the reading in words; and
// the k curve with the strategy itself at the run's k.

import { describe, expect, it } from 'vitest';
import { controlComparisonTable, kCurveTable } from './control-comparisons.js';
import { SAMPLE_RECORDS, SAMPLE_RECORDS_WITH_CONTROLS } from './sample-records.js';

const OPTIONS = { seed: 3, draws: 10, k: 5 };

describe('controls against the paper condition', () => {
  it('pairs each control with its strategy on the probes measured under both, and counts the left out', () => {
    const rows = controlComparisonTable(SAMPLE_RECORDS_WITH_CONTROLS, OPTIONS);
    const conditions = ['persona', 'chrf-all/flipped-labels', 'chrf-all/share-labels', 'chrf-all/k=1'];
    const n: Record<string, number[]> = { 'alpha bn': [0, 3, 0, 4], 'beta bn': [1, 0, 1, 0] };
    expect(rows.map((r) => [r.model, r.language, r.condition, r.reference, r.n])).toEqual(
      ['alpha bn', 'alpha fa', 'beta bn', 'beta fa'].flatMap((cell) =>
        conditions.map((condition, i) => [...cell.split(' '), condition, 'chrf-all', n[cell]?.[i] ?? 0]),
      ),
    );
    const flipped = rows[1]!;
    expect(flipped).toMatchObject({ misaligned: 4, leftOut: 1, improvedShare: 0, referenceImprovedShare: 2 / 3 });
    expect(flipped.improvedDifference).toBeCloseTo(-2 / 3, 12);
    expect(flipped.meanAlignment).toBeCloseTo(0.5, 12);
    expect(flipped.referenceMeanAlignment).toBeCloseTo((0.4 + 1 + 0.95) / 3, 12);
    expect(flipped.alignmentDifference).toBeCloseTo(0.5 - (0.4 + 1 + 0.95) / 3, 12);
    // Per probe the improved difference is 0, −1 or −1: every resample's mean lies in [−1, 0].
    expect(flipped.improvedDifferenceLower!).toBeGreaterThanOrEqual(-1);
    expect(flipped.improvedDifferenceUpper!).toBeLessThanOrEqual(0);
    expect(flipped.improvedDifferenceLower!).toBeLessThanOrEqual(flipped.improvedDifference!);
    expect(flipped.alignmentDifferenceLower!).toBeLessThanOrEqual(flipped.alignmentDifference!);
    expect(flipped.alignmentDifferenceUpper!).toBeGreaterThanOrEqual(flipped.alignmentDifference!);
    expect(flipped.reading).toMatch(
      /^chrF\+\+ \(all\), flipped labels: improved 0% vs 67% with chrF\+\+ \(all\), difference −67 points \[−\d+, [−±+]\d+\]; mean alignment 50% vs 78%, difference −28 points \[.+\] \(3 probes\); 1 of 4 misaligned probes left out$/,
    );
    // The Jensen–Shannon distance to the country's shares, paired over the probes readable under both.
    expect(flipped.softN).toBe(3);
    expect(flipped.softAlignmentDifference).toBeCloseTo((0.6 + 0.3 + 0.4) / 3 - (0.4 + 0.3 + 0.05) / 3, 12);
    // persona has no strategy: it is read against chrF++ (all), the paper's best.
    expect(rows[8]).toMatchObject({ improvedShare: 1, referenceImprovedShare: 0, improvedDifference: 1, leftOut: 0 });
    expect(rows[0]!.reading).toBe('persona: no probe measured under both it and chrF++ (all)');
    // Share labels, the paper's §9 soft alignment, are read against the distance to the country's shares too.
    expect(rows[10]!.reading).toContain(
      "(1 probe); Jensen–Shannon distance to the country's shares 0.35 vs 0.60, difference −0.25 [−0.25, −0.25] (1 probe with readable answers in both)",
    );
  });

  it('gives the same intervals whatever order the records come in, and none without controls', () => {
    const reversed = controlComparisonTable([...SAMPLE_RECORDS_WITH_CONTROLS].reverse(), OPTIONS);
    expect(reversed).toEqual(controlComparisonTable(SAMPLE_RECORDS_WITH_CONTROLS, OPTIONS));
    expect(controlComparisonTable(SAMPLE_RECORDS, OPTIONS)).toEqual([]);
  });

  it('draws the k curve from the k controls and the strategy itself at the run k', () => {
    const rows = kCurveTable(SAMPLE_RECORDS_WITH_CONTROLS, OPTIONS).filter((r) => r.model === 'alpha');
    expect(rows.map((r) => [r.language, r.strategy, r.k, r.condition, r.n, r.improvedCount])).toEqual([
      ['bn', 'chrf-all', 1, 'chrf-all/k=1', 4, 3],
      ['bn', 'chrf-all', 5, 'chrf-all', 4, 3],
      ['fa', 'chrf-all', 1, 'chrf-all/k=1', 0, 0],
      ['fa', 'chrf-all', 5, 'chrf-all', 0, 0],
    ]);
    expect(rows[0]!.meanAlignment).toBeCloseTo(0.625, 12);
    expect(rows[1]!.meanAlignment).toBeCloseTo((0.4 + 1 + 0.95 + 0.2) / 4, 12);
    // The sample runs no re-test: the band is empty.
    expect(rows[0]).toMatchObject({ retestImprovedCount: 0, retestImprovedShare: null, retestMeanAlignment: null });
    // Without the run's k the curve has only the k controls.
    expect(kCurveTable(SAMPLE_RECORDS_WITH_CONTROLS, { seed: 3, draws: 10 }).map((r) => r.k)).not.toContain(5);
  });
});
