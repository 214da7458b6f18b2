// The bootstrap must repeat exactly for a seed, cut its percentiles by the stated rule, and behave like a
// confidence interval: contain the estimate, match the normal-theory width for a mean, and cover.

import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/index.js';
import { bootstrapInterval, bootstrapMeanInterval } from './bootstrap.js';

const mean = (sample: number[]) => sample.reduce((s, v) => s + v, 0) / sample.length;

function normalDraws(random: SeededRandom, n: number, mu: number, sigma: number): number[] {
  // Box–Muller on seeded uniforms; 1 - u keeps the logarithm away from 0.
  return Array.from({ length: n }, () => {
    const u = 1 - random.float();
    const v = random.float();
    return mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  });
}

describe('bootstrapInterval', () => {
  const values = normalDraws(new SeededRandom(11), 120, 0.4, 0.25);

  it('gives the same interval for the same seed, and another for another seed', () => {
    const first = bootstrapInterval(values, mean, { seed: 42 });
    const again = bootstrapInterval(values, mean, { seed: 42 });
    expect(again).toEqual(first);
    const other = bootstrapInterval(values, mean, { seed: 43 });
    expect(other.lower).not.toBe(first.lower);
    expect(other.estimate).toBe(first.estimate);
  });

  it('contains the sample mean, which is its estimate', () => {
    const { lower, upper, estimate } = bootstrapInterval(values, mean, { seed: 1 });
    expect(estimate).toBe(mean(values));
    expect(lower).toBeLessThan(estimate);
    expect(upper).toBeGreaterThan(estimate);
  });

  it('has about the normal-theory width 2·z·s/√n for a mean', () => {
    const n = values.length;
    const m = mean(values);
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1));
    const { lower, upper } = bootstrapInterval(values, mean, { seed: 5, resamples: 4000 });
    const expected = 2 * 1.959963984540054 * (sd / Math.sqrt(n));
    expect((upper - lower) / expected).toBeGreaterThan(0.9);
    expect((upper - lower) / expected).toBeLessThan(1.1);
  });

  it('cuts percentiles by linear interpolation between order statistics (numpy’s default)', () => {
    // A statistic that ignores its sample and counts calls: the first call is the estimate (0), then the
    // replicates are exactly 1..B, so the percentiles are known in closed form.
    const counter = () => {
      let calls = 0;
      return () => calls++;
    };
    // B = 101, 90%: positions 100·0.05 = 5 and 100·0.95 = 95 → replicates 6 and 96.
    expect(bootstrapInterval([1, 2, 3], counter(), { seed: 0, resamples: 101, confidence: 0.9 })).toEqual({
      lower: 6,
      upper: 96,
      estimate: 0,
    });
    // B = 100, 95%: positions 99·0.025 = 2.475 and 99·0.975 = 96.525 → 3.475 and 97.525.
    const interpolated = bootstrapInterval([1, 2, 3], counter(), { seed: 0, resamples: 100 });
    expect(interpolated.lower).toBeCloseTo(3.475, 12);
    expect(interpolated.upper).toBeCloseTo(97.525, 12);
  });

  it('covers the true mean in about 95% of seeded experiments', () => {
    const random = SeededRandom.from('statistics', 'bootstrap', 'coverage');
    let covered = 0;
    const experiments = 200;
    for (let e = 0; e < experiments; e++) {
      // Bernoulli(0.3) answers, as in an alignment share.
      const sample = Array.from({ length: 80 }, () => (random.float() < 0.3 ? 1 : 0));
      const { lower, upper } = bootstrapInterval(sample, mean, { seed: e, resamples: 500 });
      if (lower <= 0.3 && 0.3 <= upper) covered++;
    }
    expect(covered / experiments).toBeGreaterThan(0.89);
    expect(covered / experiments).toBeLessThan(0.99);
  });

  it('collapses to a point for constant values and a single value', () => {
    const constant = bootstrapInterval([0.7, 0.7, 0.7], mean, { seed: 3 });
    expect(constant.lower).toBe(constant.estimate);
    expect(constant.upper).toBe(constant.estimate);
    expect(constant.estimate).toBeCloseTo(0.7, 15);
    expect(bootstrapInterval([2], mean, { seed: 3, resamples: 10 })).toEqual({ lower: 2, upper: 2, estimate: 2 });
  });

  it('does not let the statistic alter the caller’s values', () => {
    const input = [3, 1, 2];
    bootstrapInterval(input, (sample) => sample.sort((a, b) => a - b)[1]!, { seed: 9, resamples: 20 });
    expect(input).toEqual([3, 1, 2]);
  });

  it('rejects empty values, bad options and a statistic that returns NaN', () => {
    expect(() => bootstrapInterval([], mean, { seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapInterval([1, 2], mean, { seed: 1, resamples: 0 })).toThrow(RangeError);
    expect(() => bootstrapInterval([1, 2], mean, { seed: 1, resamples: 2.5 })).toThrow(RangeError);
    expect(() => bootstrapInterval([1, 2], mean, { seed: 1, confidence: 1 })).toThrow(RangeError);
    expect(() => bootstrapInterval([1, 2], mean, { seed: Number.NaN })).toThrow(RangeError);
    expect(() => bootstrapInterval([1, 2], () => Number.NaN, { seed: 1 })).toThrow(/NaN/);
  });
});

describe('bootstrapMeanInterval', () => {
  it('equals bootstrapInterval with the mean to the last bit', () => {
    const random = new SeededRandom(11);
    for (const n of [1, 2, 7, 150]) {
      const values = normalDraws(random, n, 0.3, 0.2);
      for (const options of [{ seed: 5 }, { seed: 123, resamples: 333, confidence: 0.9 }]) {
        expect(bootstrapMeanInterval(values, options)).toEqual(bootstrapInterval(values, mean, options));
      }
    }
  });

  it('rejects what bootstrapInterval rejects', () => {
    expect(() => bootstrapMeanInterval([], { seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapMeanInterval([1, 2], { seed: 1, resamples: 0 })).toThrow(RangeError);
    expect(() => bootstrapMeanInterval([1, Number.NaN], { seed: 1 })).toThrow(/NaN/);
  });
});
