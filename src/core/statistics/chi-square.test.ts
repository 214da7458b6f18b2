// Reference values come from printed tables, closed forms and identities the incomplete gamma function must
// satisfy, so each check is independent of the code under test; the sampled tests check the size and power
// of the tests themselves.

import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/index.js';
import {
  chiSquareGoodnessOfFit,
  chiSquareHomogeneity,
  chiSquareSurvival,
  logGamma,
  regularizedGammaP,
  regularizedGammaQ,
} from './chi-square.js';
import { erfcReference, phiReference } from './independent-references.js';
import { twoProportionZTest } from './proportions.js';

function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

/** Multinomial counts of n draws from `probabilities`, by inverse CDF on seeded uniforms. */
function drawCounts(random: SeededRandom, probabilities: readonly number[], n: number): number[] {
  const counts = probabilities.map(() => 0);
  for (let i = 0; i < n; i++) {
    let u = random.float();
    let k = 0;
    while (k < probabilities.length - 1 && u >= probabilities[k]!) u -= probabilities[k++]!;
    counts[k]!++;
  }
  return counts;
}

describe('logGamma', () => {
  it('gives ln((n-1)!) for integers, where n! is exact in a double up to 22!', () => {
    let factorial = 1;
    for (let n = 1; n <= 23; n++) {
      if (n > 1) factorial *= n - 1;
      expect(Math.abs(logGamma(n) - Math.log(factorial))).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.log(factorial)));
    }
    expect(logGamma(1)).toBe(0);
    expect(logGamma(2)).toBe(0);
  });

  it('gives ln √π at 1/2 and satisfies Γ(x + 1) = x Γ(x)', () => {
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 15);
    for (const x of [1e-8, 0.01, 0.3, 0.5, 1.7, 3.25, 12.5, 77.7, 450.1]) {
      expect(Math.abs(logGamma(x + 1) - logGamma(x) - Math.log(x))).toBeLessThanOrEqual(
        2e-14 * Math.max(1, logGamma(x + 1)),
      );
    }
  });

  it('agrees with Stirling’s series for large x (exact in doubles at 1e6: the next term is ~1e-33)', () => {
    const x = 1e6;
    const stirling = (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x ** 3);
    expectRelativelyClose(logGamma(x), stirling, 1e-15);
  });

  it('rejects x <= 0', () => {
    expect(() => logGamma(0)).toThrow(RangeError);
    expect(() => logGamma(-1)).toThrow(RangeError);
  });
});

describe('regularized incomplete gamma', () => {
  const shapes = [0.05, 0.5, 1, 2.5, 7, 30, 150, 1000];
  const points = [1e-6, 0.1, 0.9, 1.5, 4, 10, 31, 60, 200, 900, 1100];

  it('has P + Q = 1 on both sides of the series/continued-fraction switch at x = a + 1', () => {
    for (const a of shapes) {
      for (const x of points) expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x)).toBeCloseTo(1, 14);
    }
  });

  it('matches the Poisson sum Q(k, x) = e^{-x} Σ_{i<k} x^i / i! for integer k', () => {
    for (const k of [1, 2, 3, 5, 10, 25]) {
      for (const x of [0.2, 1, 3.7, 9, 20, 40, 80]) {
        let term = Math.exp(-x);
        let sum = term;
        for (let i = 1; i < k; i++) {
          term *= x / i;
          sum += term;
        }
        expectRelativelyClose(regularizedGammaQ(k, x), sum, 1e-13);
      }
    }
  });

  it('satisfies the recurrence Q(a + 1, x) = Q(a, x) + x^a e^{-x} / Γ(a + 1) for non-integer a', () => {
    for (const a of [0.3, 1.5, 4.25, 11.5, 60.5]) {
      for (const x of [0.5, 2, 6, 15, 70]) {
        const step = Math.exp(a * Math.log(x) - x - logGamma(a + 1));
        expectRelativelyClose(regularizedGammaQ(a + 1, x), regularizedGammaQ(a, x) + step, 1e-13);
      }
    }
  });

  it('gives erfc through Q(1/2, x²), checked against independent expansions', () => {
    for (const x of [0.1, 0.5, 0.99, 1, 1.5, 2, 2.5, 3, 5, 10])
      expectRelativelyClose(regularizedGammaQ(0.5, x * x), erfcReference(x), 1e-13);
    // erfc(1) = 1 - erf(1), erf(1) = 0.842700792949714869 (Abramowitz & Stegun, Table 7.1).
    expectRelativelyClose(regularizedGammaQ(0.5, 1), 0.157299207050285131, 1e-14);
  });

  it('handles the ends of its domain and rejects the outside', () => {
    expect(regularizedGammaP(3, 0)).toBe(0);
    expect(regularizedGammaQ(3, 0)).toBe(1);
    expect(regularizedGammaP(3, Infinity)).toBe(1);
    expect(regularizedGammaQ(3, Infinity)).toBe(0);
    expect(() => regularizedGammaQ(0, 1)).toThrow(RangeError);
    expect(() => regularizedGammaP(1, -1)).toThrow(RangeError);
    expect(() => regularizedGammaP(1, Number.NaN)).toThrow(RangeError);
  });
});

describe('chiSquareSurvival', () => {
  it('gives 0.05 at the tabulated 95% critical values', () => {
    // Upper 5% points of χ², six decimals, as printed in standard tables (e.g. NIST/SEMATECH e-Handbook
    // 1.3.6.7.4 to three decimals; Abramowitz & Stegun Table 26.8). df = 2 is also the closed form -2 ln 0.05.
    const table: [number, number][] = [
      [1, 3.841459],
      [2, 5.991465],
      [3, 7.814728],
      [5, 11.070498],
      [10, 18.307038],
      [30, 43.772972],
      [100, 124.342113],
    ];
    for (const [df, x] of table) expect(Math.abs(chiSquareSurvival(x, df) - 0.05)).toBeLessThan(1e-6);
    // Other tails of the same tables: 1% points, and the lower 5% point of df = 10.
    expect(Math.abs(chiSquareSurvival(6.634897, 1) - 0.01)).toBeLessThan(1e-6);
    expect(Math.abs(chiSquareSurvival(23.209251, 10) - 0.01)).toBeLessThan(1e-6);
    expect(Math.abs(chiSquareSurvival(3.940299, 10) - 0.95)).toBeLessThan(1e-6);
  });

  it('is exp(-x/2) for two degrees of freedom, to full relative precision deep in the tail', () => {
    for (const x of [1e-9, 0.01, 0.5, 1, 2, 2.5, 3, 5.991464547107979, 10, 50, 200, 700, 1400]) {
      expectRelativelyClose(chiSquareSurvival(x, 2), Math.exp(-x / 2), 1e-13);
    }
  });

  it('is e^{-x/2}(1 + x/2) for four degrees of freedom', () => {
    for (const x of [0.1, 1, 4, 5, 6, 9.487729, 30, 300]) {
      expectRelativelyClose(chiSquareSurvival(x, 4), Math.exp(-x / 2) * (1 + x / 2), 1e-13);
    }
  });

  it('is erfc(√(x/2)) for one degree of freedom', () => {
    for (const x of [0.01, 0.5, 2, 3.841459, 8, 18])
      expectRelativelyClose(chiSquareSurvival(x, 1), erfcReference(Math.sqrt(x / 2)), 1e-13);
  });

  it('handles large degrees of freedom, agreeing with the Wilson–Hilferty approximation', () => {
    // (X/df)^{1/3} is nearly normal with mean 1 - 2/(9df) and variance 2/(9df); at df = 10⁴ the approximation
    // is good to ~1e-7 near the centre, far below any difference a report would show.
    const df = 10_000;
    for (const x of [9_800, 10_000, 10_200]) {
      const approximation = 1 - phiReference(((x / df) ** (1 / 3) - (1 - 2 / (9 * df))) / Math.sqrt(2 / (9 * df)));
      expect(Math.abs(chiSquareSurvival(x, df) - approximation)).toBeLessThan(1e-6);
    }
  });

  it('is 1 at and below 0, 0 at infinity, and rejects bad degrees of freedom', () => {
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(-2, 3)).toBe(1);
    expect(chiSquareSurvival(Infinity, 3)).toBe(0);
    expect(() => chiSquareSurvival(1, 0)).toThrow(RangeError);
    expect(() => chiSquareSurvival(1, Number.NaN)).toThrow(RangeError);
    expect(() => chiSquareSurvival(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe('chiSquareGoodnessOfFit', () => {
  it('reproduces a fair-die example by hand: X² = 2, p = Q(5/2, 1) = erfc(1) + (10/3) e^{-1}/√π', () => {
    // Expected 88/6 each; Σ(o - e)² = 29 1/3; X² = 29⅓ / 14⅔ = 2 (also scipy.stats.chisquare's docstring
    // example, p = 0.84914503608460956). The p-value expands Q(5/2, 1) by the recurrence above.
    const result = chiSquareGoodnessOfFit(
      [16, 18, 16, 14, 12, 12],
      [1, 1, 1, 1, 1, 1].map((v) => v / 6),
    );
    expect(result.statistic).toBeCloseTo(2, 13);
    expect(result.degreesOfFreedom).toBe(5);
    const reference = 0.157299207050285131 + ((10 / 3) * Math.exp(-1)) / Math.sqrt(Math.PI);
    expectRelativelyClose(result.pValue, reference, 1e-14);
    expectRelativelyClose(result.pValue, 0.84914503608460956, 1e-14);
    expect(result.minExpected).toBeCloseTo(88 / 6, 12);
  });

  it('normalises the expected weights, so expected counts give the same answer as probabilities', () => {
    // X² = 0 + 4/16 + 0 + 4/16 + 16/16 + 16/8 = 3.5 (scipy's f_exp example), p = Q(5/2, 1.75).
    const fromCounts = chiSquareGoodnessOfFit([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]);
    const fromProbabilities = chiSquareGoodnessOfFit(
      [16, 18, 16, 14, 12, 12],
      [2, 2, 2, 2, 2, 1].map((v) => v / 11),
    );
    expect(fromCounts.statistic).toBeCloseTo(3.5, 13);
    expect(fromProbabilities.statistic).toBeCloseTo(3.5, 13);
    const x = 1.75;
    const reference =
      erfcReference(Math.sqrt(x)) + (2 / Math.sqrt(Math.PI)) * Math.exp(-x) * Math.sqrt(x) * (1 + (2 * x) / 3);
    expectRelativelyClose(fromCounts.pValue, reference, 1e-13);
    expectRelativelyClose(fromProbabilities.pValue, fromCounts.pValue, 1e-13);
  });

  it('gives statistic 0 and p-value 1 for a perfect fit', () => {
    expect(chiSquareGoodnessOfFit([10, 20, 30], [1 / 6, 1 / 3, 1 / 2])).toMatchObject({
      statistic: 0,
      degreesOfFreedom: 2,
      pValue: 1,
    });
  });

  it('drops categories that are impossible and unobserved', () => {
    const withEmpty = chiSquareGoodnessOfFit([30, 0, 70], [0.4, 0, 0.6]);
    const without = chiSquareGoodnessOfFit([30, 70], [0.4, 0.6]);
    expect(withEmpty).toEqual(without);
    expect(withEmpty.degreesOfFreedom).toBe(1);
    // (30 - 40)²/40 + (70 - 60)²/60 = 2.5 + 1.6667
    expect(withEmpty.statistic).toBeCloseTo(100 / 40 + 100 / 60, 13);
  });

  it('rejects outright when a category with expected probability 0 was observed', () => {
    const result = chiSquareGoodnessOfFit([30, 1, 69], [0.4, 0, 0.6]);
    expect(result.statistic).toBe(Infinity);
    expect(result.pValue).toBe(0);
    expect(result.degreesOfFreedom).toBe(2);
  });

  it('gives p-value 1 without observations or with a single possible category', () => {
    expect(chiSquareGoodnessOfFit([0, 0, 0], [0.2, 0.3, 0.5])).toMatchObject({
      statistic: 0,
      pValue: 1,
      degreesOfFreedom: 2,
    });
    expect(chiSquareGoodnessOfFit([12, 0], [1, 0])).toMatchObject({ statistic: 0, pValue: 1, degreesOfFreedom: 0 });
  });

  it('rejects malformed input', () => {
    expect(() => chiSquareGoodnessOfFit([1, 2], [0.5, 0.25, 0.25])).toThrow(RangeError);
    expect(() => chiSquareGoodnessOfFit([1, 2], [0, 0])).toThrow(RangeError);
    expect(() => chiSquareGoodnessOfFit([1, -2], [0.5, 0.5])).toThrow(RangeError);
    expect(() => chiSquareGoodnessOfFit([1, Number.NaN], [0.5, 0.5])).toThrow(RangeError);
  });

  it('has the right size: under the null hypothesis p-values are roughly uniform', () => {
    const probabilities = [0.1, 0.2, 0.3, 0.4];
    const random = SeededRandom.from('statistics', 'goodness-of-fit', 'size');
    const pValues = Array.from(
      { length: 400 },
      () => chiSquareGoodnessOfFit(drawCounts(random, probabilities, 200), probabilities).pValue,
    );
    const below = (level: number) => pValues.filter((p) => p < level).length / pValues.length;
    expect(below(0.05)).toBeGreaterThanOrEqual(0.02);
    expect(below(0.05)).toBeLessThanOrEqual(0.09);
    // Each tenth of [0, 1] holds 10% of the p-values, give or take three binomial standard deviations.
    for (let decile = 0; decile < 10; decile++) {
      const share = pValues.filter((p) => p >= decile / 10 && p < (decile + 1) / 10).length / pValues.length;
      expect(share).toBeGreaterThan(0.055);
      expect(share).toBeLessThan(0.145);
    }
  });

  it('has power: a clearly shifted distribution is rejected', () => {
    const random = SeededRandom.from('statistics', 'goodness-of-fit', 'power');
    // Noncentrality n Σ (p₁ - p₀)²/p₀ ≈ 60 on 3 df: power at the 5% level is essentially 1.
    const rejected = Array.from(
      { length: 200 },
      () => chiSquareGoodnessOfFit(drawCounts(random, [0.25, 0.25, 0.25, 0.25], 200), [0.1, 0.2, 0.3, 0.4]).pValue,
    ).filter((p) => p < 0.05).length;
    expect(rejected / 200).toBeGreaterThanOrEqual(0.99);
  });
});

describe('chiSquareHomogeneity', () => {
  it('reproduces a 2×3 table by hand, with the df = 2 closed form for the p-value', () => {
    // Row totals 40, 60; column totals 30, 30, 40; N = 100. Expected [12, 12, 16], [18, 18, 24].
    // X² = 2(4/12) + 16/16 + 2(4/18) + 16/24 = 25/9 (scipy's chi2_contingency example); p = exp(-X²/2).
    const result = chiSquareHomogeneity([
      [10, 10, 20],
      [20, 20, 20],
    ]);
    expect(result.statistic).toBeCloseTo(25 / 9, 13);
    expect(result.degreesOfFreedom).toBe(2);
    expectRelativelyClose(result.pValue, Math.exp(-25 / 18), 1e-13);
    expect(result.minExpected).toBeCloseTo(12, 12);
  });

  it('is the squared pooled z statistic for a 2×2 table (no Yates correction)', () => {
    const result = chiSquareHomogeneity([
      [45, 55],
      [30, 70],
    ]);
    const z = twoProportionZTest(45, 100, 30, 100);
    expect(result.statistic).toBeCloseTo(z.z ** 2, 12);
    expectRelativelyClose(result.pValue, z.pValue, 1e-12);
    // By hand: pooled 0.375, z² = 0.15² / (0.375 · 0.625 · 0.02) = 4.8, so p = erfc(√2.4).
    expect(result.statistic).toBeCloseTo(4.8, 12);
    expectRelativelyClose(result.pValue, erfcReference(Math.sqrt(2.4)), 1e-13);
  });

  it('drops empty columns and empty rows', () => {
    const reference = chiSquareHomogeneity([
      [10, 10, 20],
      [20, 20, 20],
    ]);
    expect(
      chiSquareHomogeneity([
        [10, 0, 10, 20],
        [20, 0, 20, 20],
        [0, 0, 0, 0],
      ]),
    ).toEqual(reference);
  });

  it('gives p-value 1 when there is nothing to compare', () => {
    expect(
      chiSquareHomogeneity([
        [5, 0],
        [7, 0],
      ]),
    ).toMatchObject({ statistic: 0, degreesOfFreedom: 0, pValue: 1 });
    expect(
      chiSquareHomogeneity([
        [5, 3],
        [0, 0],
      ]),
    ).toMatchObject({ statistic: 0, degreesOfFreedom: 0, pValue: 1 });
    expect(
      chiSquareHomogeneity([
        [0, 0],
        [0, 0],
      ]),
    ).toMatchObject({ statistic: 0, degreesOfFreedom: 0, pValue: 1 });
  });

  it('rejects malformed tables', () => {
    expect(() => chiSquareHomogeneity([[1, 2]])).toThrow(RangeError);
    expect(() => chiSquareHomogeneity([[1, 2], [3]])).toThrow(RangeError);
    expect(() =>
      chiSquareHomogeneity([
        [1, 2],
        [3, -1],
      ]),
    ).toThrow(RangeError);
  });

  it('has the right size when both samples come from one distribution, and power when they do not', () => {
    const random = SeededRandom.from('statistics', 'homogeneity');
    const shared = [0.15, 0.35, 0.5];
    const nullP = Array.from(
      { length: 400 },
      () => chiSquareHomogeneity([drawCounts(random, shared, 150), drawCounts(random, shared, 250)]).pValue,
    );
    const size = nullP.filter((p) => p < 0.05).length / nullP.length;
    expect(size).toBeGreaterThanOrEqual(0.02);
    expect(size).toBeLessThanOrEqual(0.09);
    const altP = Array.from(
      { length: 200 },
      () => chiSquareHomogeneity([drawCounts(random, shared, 150), drawCounts(random, [0.35, 0.35, 0.3], 250)]).pValue,
    );
    expect(altP.filter((p) => p < 0.05).length / altP.length).toBeGreaterThanOrEqual(0.95);
  });
});
