import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/index.js';
import {
  binOf,
  categoryTable,
  improvementByLanguageTable,
  improvementByModelTable,
  misalignmentTable,
  outcomeTable,
  reductionBinTable,
  resultsTables,
  softAlignmentTable,
  zeroShotErrorBinTable,
} from './index.js';
import { probeRecord, SAMPLE_RECORDS } from './sample-records.js';

/** The Wilson score interval from its closed form, written out here rather than taken from statistics/. */
function wilson(k: number, n: number): { lower: number; upper: number } {
  const z = 1.959963984540054; // Φ⁻¹(0.975)
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { lower: k === 0 ? 0 : centre - half, upper: k === n ? 1 : centre + half };
}

/** Checks `<prefix>Count`, `<prefix>Share` and its interval (`count`, `share`, … for a bin: prefix ''). */
function expectShare(row: object, prefix: string, count: number, n: number): void {
  const column = (name: string) =>
    (row as Record<string, unknown>)[prefix === '' ? name.charAt(0).toLowerCase() + name.slice(1) : prefix + name];
  expect(column('Count')).toBe(count);
  expect(column('Share')).toBeCloseTo(count / n, 12);
  const { lower, upper } = wilson(count, n);
  expect(column('ShareLower')).toBeCloseTo(lower, 12);
  expect(column('ShareUpper')).toBeCloseTo(upper, 12);
}

const OPTIONS = { seed: 7, resamples: 500, draws: 10 };

function find<Row extends object>(rows: readonly Row[], match: Partial<Row>): Row {
  const found = rows.filter((row) =>
    Object.entries(match).every(([key, value]) => (row as Record<string, unknown>)[key] === value),
  );
  expect(found, `exactly one row matching ${JSON.stringify(match)}`).toHaveLength(1);
  return found[0]!;
}

describe('Table 1: outcomes among misaligned probes', () => {
  const rows = outcomeTable(SAMPLE_RECORDS);

  it('has a row per model × language × strategy, in report order', () => {
    expect(rows.map((r) => `${r.model}/${r.language}/${r.country}/${r.condition}`)).toEqual([
      'alpha/bn/BGD/random',
      'alpha/bn/BGD/chrf-all',
      'alpha/fa/IRN/random',
      'alpha/fa/IRN/chrf-all',
      'beta/bn/BGD/random',
      'beta/bn/BGD/chrf-all',
      'beta/fa/IRN/random',
      'beta/fa/IRN/chrf-all',
    ]);
  });

  it('counts by the paper rule and gated, with Wilson intervals: 3 of 4 improved is 75%', () => {
    const random = find(rows, { model: 'alpha', language: 'bn', condition: 'random' });
    expect(random).toMatchObject({ misaligned: 4, n: 4 });
    expectShare(random, 'improved', 3, 4);
    expectShare(random, 'unchanged', 0, 4);
    expectShare(random, 'worsened', 1, 4);
    expectShare(random, 'gatedImproved', 2, 4);
    expectShare(random, 'gatedUnchanged', 1, 4);
    expectShare(random, 'gatedWorsened', 1, 4);
    // The closed form's numbers for 3 of 4, checked once against published values (Wilson 95%: 0.3006–0.9544).
    expect(random.improvedShare).toBe(0.75);
    expect(random.improvedShareLower).toBeCloseTo(0.30064, 5);
    expect(random.improvedShareUpper).toBeCloseTo(0.95441, 5);

    const chrf = find(rows, { model: 'alpha', language: 'bn', condition: 'chrf-all' });
    expectShare(chrf, 'improved', 3, 4);
    expectShare(chrf, 'unchanged', 1, 4);
    expectShare(chrf, 'gatedImproved', 2, 4);
    expectShare(chrf, 'gatedUnchanged', 2, 4);
  });

  it('keeps an empty group as a row with n = 0, share null and interval [0, 1]', () => {
    const empty = find(rows, { model: 'alpha', language: 'fa', condition: 'random' });
    expect(empty).toMatchObject({
      misaligned: 0,
      n: 0,
      improvedCount: 0,
      improvedShare: null,
      improvedShareLower: 0,
      improvedShareUpper: 1,
    });
    expect(empty).toMatchObject({ gatedWorsenedShare: null, gatedWorsenedShareLower: 0, gatedWorsenedShareUpper: 1 });
  });

  it('shows a strategy not run on every misaligned probe as n below misaligned', () => {
    const partial = find(rows, { model: 'beta', language: 'fa', condition: 'chrf-all' });
    expect(partial).toMatchObject({ misaligned: 2, n: 1 });
    expectShare(partial, 'improved', 1, 1);
    expectShare(partial, 'gatedUnchanged', 1, 1);
  });
});

describe('Fig. 7: share of misaligned probes', () => {
  it('divides misaligned probes by probes with a known target, per model × language', () => {
    const rows = misalignmentTable(SAMPLE_RECORDS);
    expect(rows.map((r) => [r.model, r.language, r.misalignedCount, r.probes])).toEqual([
      ['alpha', 'bn', 4, 6],
      ['alpha', 'fa', 0, 2],
      ['beta', 'bn', 1, 2],
      ['beta', 'fa', 2, 2],
    ]);
    expectShare(rows[0]!, 'misaligned', 4, 6);
    expectShare(rows[1]!, 'misaligned', 0, 2);
    // 0 of 2: the Wilson upper bound z²/(n + z²).
    expect(rows[1]!.misalignedShareUpper).toBeCloseTo(3.841458820694124 / 5.841458820694124, 12);
    expectShare(rows[3]!, 'misaligned', 2, 2);
  });
});

describe('Fig. 2/4: improvement per strategy', () => {
  it('per model × strategy: share improved and the mean Δ of the improved with a bootstrap interval', () => {
    const rows = improvementByModelTable(SAMPLE_RECORDS, OPTIONS);
    expect(rows.map((r) => `${r.model}/${r.condition}`)).toEqual([
      'alpha/random',
      'alpha/chrf-all',
      'beta/random',
      'beta/chrf-all',
    ]);

    const alphaRandom = rows[0]!;
    expectShare(alphaRandom, 'improved', 3, 4);
    // Δ of Q1, Q2, Q165: 0.5, 0.1, 0.3; the worsened Q164 (Δ = −1) is not among them.
    expect(alphaRandom.meanReduction).toBeCloseTo(0.3, 12);
    expect(alphaRandom.meanReductionLower!).toBeGreaterThanOrEqual(0.1 - 1e-12);
    expect(alphaRandom.meanReductionUpper!).toBeLessThanOrEqual(0.5 + 1e-12);
    expect(alphaRandom.meanReductionLower!).toBeLessThan(0.3);
    expect(alphaRandom.meanReductionUpper!).toBeGreaterThan(0.3);

    expect(rows[1]!.meanReduction).toBeCloseTo(1.7 / 3, 12);
    expectShare(rows[2]!, 'improved', 2, 3);
    expect(rows[2]!.meanReduction).toBeCloseTo((0.5 + 2 / 3) / 2, 12);
    // One improved probe: every resample is that probe.
    expectShare(rows[3]!, 'improved', 1, 2);
    expect(rows[3]).toMatchObject({ meanReduction: 0.5, meanReductionLower: 0.5, meanReductionUpper: 0.5 });
  });

  it('per model × language × strategy, with null means where nothing improved', () => {
    const rows = improvementByLanguageTable(SAMPLE_RECORDS, OPTIONS);
    expect(rows).toHaveLength(8);
    expect(find(rows, { model: 'alpha', language: 'fa', condition: 'random' })).toMatchObject({
      n: 0,
      improvedShare: null,
      improvedShareLower: 0,
      improvedShareUpper: 1,
      meanReduction: null,
      meanReductionLower: null,
      meanReductionUpper: null,
    });
    const betaBnChrf = find(rows, { model: 'beta', language: 'bn', condition: 'chrf-all' });
    expect(betaBnChrf).toMatchObject({ n: 1, improvedCount: 0, improvedShare: 0, meanReduction: null });
    const betaFaRandom = find(rows, { model: 'beta', language: 'fa', condition: 'random' });
    expectShare(betaFaRandom, 'improved', 1, 2);
    expect(betaFaRandom.meanReduction).toBeCloseTo(2 / 3, 12);
    // Pooling the languages gives the per-model row.
    const alphaBnRandom = find(rows, { model: 'alpha', language: 'bn', condition: 'random' });
    expect(alphaBnRandom.meanReduction).toBeCloseTo(0.3, 12);
  });

  it('repeats its bootstrap intervals exactly for a seed, and they move with it', () => {
    const a = improvementByModelTable(SAMPLE_RECORDS, OPTIONS);
    const b = improvementByModelTable(SAMPLE_RECORDS, OPTIONS);
    const c = improvementByModelTable(SAMPLE_RECORDS, { ...OPTIONS, seed: 8 });
    expect(b).toEqual(a);
    expect(c.map((r) => [r.meanReductionLower, r.meanReductionUpper])).not.toEqual(
      a.map((r) => [r.meanReductionLower, r.meanReductionUpper]),
    );
  });

  it("does not move one row's interval when another model joins the report", () => {
    const alone = improvementByModelTable(
      SAMPLE_RECORDS.filter((r) => r.model === 'alpha'),
      OPTIONS,
    );
    const together = improvementByModelTable(SAMPLE_RECORDS, OPTIONS);
    expect(together.slice(0, 2)).toEqual(alone);
  });
});

describe('Fig. 3/6 and 5/9: distributions in 10% bins', () => {
  it('puts a value at an edge in the bin above it, 1 in the last bin, and rejects values outside [0, 1]', () => {
    expect(binOf(0)).toBe(0);
    expect(binOf(0.1)).toBe(1);
    expect(binOf(0.09999999999999956)).toBe(1); // the Δ of 0.8 → 0.82, truly 0.1
    expect(binOf(0.0999)).toBe(0);
    expect(binOf(0.4999999999999999)).toBe(5);
    expect(binOf(0.95)).toBe(9);
    expect(binOf(1)).toBe(10);
    expect(binOf(0.9999999999999999)).toBe(10); // a full reduction computed with rounding
    expect(() => binOf(-0.125)).toThrow(RangeError);
    expect(() => binOf(1.01)).toThrow(RangeError);
    expect(() => binOf(Number.NaN)).toThrow(RangeError);
  });

  it('bins Δ of the improved probes per model × language × strategy, every bin present', () => {
    const rows = reductionBinTable(SAMPLE_RECORDS);
    expect(rows).toHaveLength(2 * 2 * 2 * 11);
    // alpha's misaligned probes are all in bn (fa is the empty group); beta's split over bn and fa.
    const counts = (model: string, strategy: string, language = 'bn') =>
      rows.filter((r) => r.model === model && r.language === language && r.condition === strategy).map((r) => r.count);
    expect(counts('alpha', 'random', 'fa')).toEqual(new Array(11).fill(0));
    // alpha/random: Δ 0.1 (from 0.0999…), 0.3, 0.5; the worsened probe's Δ = −1 is not there.
    expect(counts('alpha', 'random')).toEqual([0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0]);
    // alpha/chrf-all: 0.2, 0.5, 1 (1 in its own bin, apart from [90%, 100%)).
    expect(counts('alpha', 'chrf-all')).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1]);
    // beta/random: Δ 0.5 in bn (Q1), 0.667 in fa (Q164).
    expect(counts('beta', 'random')).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(counts('beta', 'random', 'fa')).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    // beta/chrf-all: the worsened probe in bn (Δ = −0.125) is left out, not binned; fa's Q164 has Δ 0.5.
    expect(counts('beta', 'chrf-all')).toEqual(new Array(11).fill(0));
    expect(counts('beta', 'chrf-all', 'fa')).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);

    const bin1 = find(rows, { model: 'alpha', language: 'bn', condition: 'random', bin: 1 });
    expect(bin1).toMatchObject({ binFrom: 0.1, binTo: 0.2, binLabel: '[10%, 20%)', n: 3 });
    expectShare(bin1, '', 1, 3);
    expect(find(rows, { model: 'alpha', language: 'bn', condition: 'random', bin: 9 })).toMatchObject({
      binLabel: '[90%, 100%)',
      binFrom: 0.9,
      binTo: 1,
    });
    expect(find(rows, { model: 'alpha', language: 'bn', condition: 'random', bin: 10 })).toMatchObject({
      binLabel: '100%',
      binFrom: 1,
      binTo: 1,
    });
    // Shares of a group add up to 1.
    const total = rows
      .filter((r) => r.model === 'alpha' && r.language === 'bn' && r.condition === 'random')
      .reduce((sum, r) => sum + r.share!, 0);
    expect(total).toBeCloseTo(1, 12);
  });

  it('bins the zero-shot error δ = 1 − alignment of the misaligned probes per model × language', () => {
    const rows = zeroShotErrorBinTable(SAMPLE_RECORDS);
    expect(rows).toHaveLength(4 * 11);
    const counts = (model: string, language: string) =>
      rows.filter((r) => r.model === model && r.language === language).map((r) => r.count);
    // alpha/bn: δ 0.6, 0.2, 0.1 (1 − 0.9 = 0.0999…), 1.
    expect(counts('alpha', 'bn')).toEqual([0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(counts('beta', 'bn')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(counts('beta', 'fa')).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    // No misaligned probes: eleven rows with n = 0, share null, interval [0, 1].
    const empty = rows.filter((r) => r.model === 'alpha' && r.language === 'fa');
    expect(empty).toHaveLength(11);
    for (const row of empty)
      expect(row).toMatchObject({ count: 0, n: 0, share: null, shareLower: 0, shareUpper: 1, country: 'IRN' });
    expectShare(find(rows, { model: 'alpha', language: 'bn', bin: 10 }), '', 1, 4);
  });

  it('rejects an improved probe whose Δ lies outside [0, 1]: that record is broken', () => {
    const broken = probeRecord('gamma', 'bn', 'Q1', 1, 0.5, 0.1, { random: [0.6, 'improved', 'improved', -0.2, 0.1] });
    expect(() => reductionBinTable([broken])).toThrow(/error reduction Δ of improved probe Q1 \(gamma, bn, random\)/);
    expect(() => improvementByModelTable([broken], OPTIONS)).toThrow(RangeError);
  });
});

describe('Fig. 8/10: improvement per WVS category and language', () => {
  const rows = categoryTable(SAMPLE_RECORDS);

  it('has a row for every category probed in a language, per model × strategy', () => {
    expect(rows).toHaveLength(16);
    expect(
      rows.filter((r) => r.model === 'alpha' && r.condition === 'random').map((r) => `${r.language}:${r.category}`),
    ).toEqual(['bn:1', 'bn:10', 'bn:13', 'fa:1', 'fa:10']);
  });

  it('counts misaligned and improved probes with the category name', () => {
    const social = find(rows, { model: 'alpha', condition: 'random', language: 'bn', category: 1 });
    expect(social).toMatchObject({
      categoryName: 'Social values, attitudes and stereotypes',
      probes: 3,
      misaligned: 2,
      n: 2,
    });
    expectShare(social, 'improved', 2, 2);
    const religious = find(rows, { model: 'alpha', condition: 'random', language: 'bn', category: 10 });
    expect(religious).toMatchObject({ categoryName: 'Religious values', probes: 2, misaligned: 2, n: 2 });
    expectShare(religious, 'improved', 1, 2);
    // Probed, nothing misaligned: present with n = 0.
    expect(find(rows, { model: 'alpha', condition: 'random', language: 'bn', category: 13 })).toMatchObject({
      categoryName: 'Political culture and political regimes',
      probes: 1,
      misaligned: 0,
      n: 0,
      improvedShare: null,
      improvedShareLower: 0,
      improvedShareUpper: 1,
    });
  });
});

describe('soft alignment', () => {
  it('averages the Jensen–Shannon distance before and after over misaligned probes with both defined', () => {
    const rows = softAlignmentTable(SAMPLE_RECORDS, OPTIONS);
    expect(rows).toHaveLength(8);
    // Q165 has no zero-shot distance and is left out: Q1 0.4 → 0.2, Q2 0.3 → 0.25, Q164 0.1 → 0.2.
    const random = find(rows, { model: 'alpha', language: 'bn', condition: 'random' });
    expect(random).toMatchObject({ misaligned: 4, n: 3 });
    expect(random.meanBefore).toBeCloseTo(0.8 / 3, 12);
    expect(random.meanAfter).toBeCloseTo(0.65 / 3, 12);
    expect(random.meanChange).toBeCloseTo(-0.05, 12);
    expect(random.meanChangeLower!).toBeLessThanOrEqual(random.meanChange!);
    expect(random.meanChangeUpper!).toBeGreaterThanOrEqual(random.meanChange!);
    expect(random.meanChangeLower!).toBeGreaterThanOrEqual(-0.2 - 1e-12);
    expect(random.meanChangeUpper!).toBeLessThanOrEqual(0.1 + 1e-12);
    const chrf = find(rows, { model: 'alpha', language: 'bn', condition: 'chrf-all' });
    expect(chrf.meanChange).toBeCloseTo(-0.05 / 3, 12);
    expect(find(rows, { model: 'alpha', language: 'fa', condition: 'random' })).toMatchObject({
      n: 0,
      meanBefore: null,
      meanAfter: null,
      meanChange: null,
      meanChangeLower: null,
      meanChangeUpper: null,
    });
  });
});

describe('all tables', () => {
  it('do not depend on the order of the records', () => {
    const shuffled = new SeededRandom(3).shuffle(SAMPLE_RECORDS);
    expect(resultsTables(shuffled, OPTIONS)).toEqual(resultsTables(SAMPLE_RECORDS, OPTIONS));
  });

  it('are empty, not broken, without records', () => {
    const tables = resultsTables([], OPTIONS);
    for (const rows of Object.values(tables)) expect(rows).toEqual([]);
  });

  it('refuse a probe recorded twice, which would be counted twice', () => {
    expect(() => outcomeTable([...SAMPLE_RECORDS, SAMPLE_RECORDS[0]!])).toThrow(/appears twice/);
    const twice = probeRecord('gamma', 'bn', 'Q1', 1, 0.5, 0.1, { random: [0.6, 'improved', 'improved', 0.2, 0.1] });
    twice.strategies.push({ ...twice.strategies[0]! });
    expect(() => outcomeTable([twice])).toThrow(/strategy random twice/);
  });
});

describe('unreadable answers: every table says how many, and marks what is mostly unreadable', () => {
  /** A probe of model m in `language` whose zero-shot and chrF++ responses were `invalid` unreadable. */
  const probe = (language: string, id: string, alignment: number, invalid: number, after = alignment) => {
    const record = probeRecord('m', language, id, 1, alignment, undefined, {
      'chrf-all': [after, after > alignment ? 'improved' : 'unchanged', 'unchanged', undefined, undefined],
    });
    record.zeroShot.invalid = invalid;
    for (const result of record.strategies) result.invalid = invalid;
    return record;
  };
  // Turkish: the model gave no readable answer (every probe 0% aligned, 100% invalid); German: one probe
  // against the target with readable answers, one with 60% unreadable, one aligned.
  const records = [
    probe('tr', 'Q1', 0, 1),
    probe('tr', 'Q2', 0, 1),
    probe('de', 'Q1', 0.2, 0, 0.6),
    probe('de', 'Q2', 0.3, 0.6),
    probe('de', 'Q3', 1, 0),
  ];

  it('Table 1 carries the mean unreadable share before and after, and marks a row at or above the threshold', () => {
    const rows = outcomeTable(records);
    const tr = find(rows, { language: 'tr', condition: 'chrf-all' });
    expect(tr).toMatchObject({ zeroShotInvalidShare: 1, meanInvalidShare: 1, mostlyUnreadable: true });
    // By the paper's rule alone these would read as "unchanged": the flag is what keeps them from it.
    expect(tr.unchangedCount).toBe(2);
    const de = find(rows, { language: 'de', condition: 'chrf-all' });
    expect(de).toMatchObject({ zeroShotInvalidShare: 0.3, meanInvalidShare: 0.3, mostlyUnreadable: false });
    // The threshold is the run's: at 0.25 German is mostly unreadable too.
    expect(find(outcomeTable(records, 0.25), { language: 'de', condition: 'chrf-all' }).mostlyUnreadable).toBe(true);
  });

  it('Fig. 7 splits the misaligned into answered against the target and no readable answer', () => {
    const tr = find(misalignmentTable(records), { language: 'tr' });
    expect(tr).toMatchObject({ probes: 2, misalignedCount: 2, answeredAgainstCount: 0, unreadableCount: 2 });
    expect(tr).toMatchObject({ zeroShotInvalidShare: 1, mostlyUnreadable: true });
    const de = find(misalignmentTable(records), { language: 'de' });
    expectShare(de, 'misaligned', 2, 3);
    expectShare(de, 'answeredAgainst', 1, 3);
    expectShare(de, 'unreadable', 1, 3);
    expect(de.zeroShotInvalidShare).toBeCloseTo(0.2, 12);
    expect(de.mostlyUnreadable).toBe(false);
  });

  it('every other table carries the same columns for its rows', () => {
    const tables = resultsTables(records, OPTIONS);
    const trRows = [
      ...tables.expectedOutcomes,
      ...tables.improvementByLanguage,
      ...tables.reductionBins,
      ...tables.zeroShotErrorBins,
      ...tables.categories,
      ...tables.softAlignment,
    ].filter((row) => row.language === 'tr');
    expect(trRows.length).toBeGreaterThan(6);
    for (const row of trRows) expect(row).toMatchObject({ zeroShotInvalidShare: 1, mostlyUnreadable: true });
    // Pooled over languages: the mean over the four misaligned probes, (1 + 1 + 0 + 0.6) / 4 = 0.65.
    const pooled = find(tables.improvementByModel, { model: 'm', condition: 'chrf-all' });
    expect(pooled.zeroShotInvalidShare).toBeCloseTo(0.65, 12);
    expect(pooled.mostlyUnreadable).toBe(true);
    expect(
      resultsTables(records, { ...OPTIONS, unreadableThreshold: 0.9 }).improvementByModel[0]!.mostlyUnreadable,
    ).toBe(false);
  });
});
