// Φ and Φ⁻¹ against printed tables and an independent erfc; Wilson intervals and z-tests against the closed
// forms worked by hand, their defining equations, and the exact binomial coverage.

import { describe, expect, it } from 'vitest';
import { logGamma } from './chi-square.js';
import { erfcReference, phiReference } from './independent-references.js';
import { normalCdf, normalQuantile, twoProportionZTest, wilsonInterval } from './proportions.js';

function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

const Z_975 = 1.959963984540054; // Φ⁻¹(0.975), as given to 16 digits in standard references.

describe('normalCdf', () => {
  it('matches Abramowitz & Stegun Table 26.1 (15 decimals)', () => {
    expect(normalCdf(1)).toBeCloseTo(0.841344746068543, 15);
    expect(normalCdf(2)).toBeCloseTo(0.977249868051821, 15);
    expect(normalCdf(3)).toBeCloseTo(0.99865010196837, 15);
    expect(normalCdf(1.96)).toBeCloseTo(0.97500210485178, 14);
    expect(normalCdf(0)).toBe(0.5);
  });

  it('gives 0.975 at 1.959964 (the rounding of the quantile moves Φ by φ(1.96)·1.5e-8 ≈ 9e-10)', () => {
    expect(Math.abs(normalCdf(1.959964) - 0.975)).toBeLessThan(1e-9);
    expect(normalCdf(Z_975)).toBeCloseTo(0.975, 15);
  });

  it('keeps relative accuracy deep in the lower tail, against an independent erfc', () => {
    for (const z of [-0.3, -1, -2.5, -4, -5, -8, -10, -20, -30, -37])
      expectRelativelyClose(normalCdf(z), phiReference(z), 1e-13);
    // Tabulated tail values: Q(5) = 2.8665157187919e-7, Q(10) = 7.6198530241605e-24 (A&S 26.2.x tables of Q).
    expectRelativelyClose(normalCdf(-5), 2.8665157187919e-7, 1e-12);
    expectRelativelyClose(normalCdf(-10), 7.6198530241605e-24, 1e-12);
    expect(normalCdf(-40)).toBeLessThan(1e-300);
  });

  it('is symmetric, monotone and bounded', () => {
    let previous = 0;
    for (let z = -9; z <= 9; z += 0.125) {
      const value = normalCdf(z);
      expect(value).toBeGreaterThanOrEqual(previous);
      expect(value + normalCdf(-z)).toBeCloseTo(1, 15);
      previous = value;
    }
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(() => normalCdf(Number.NaN)).toThrow(RangeError);
  });
});

describe('normalQuantile', () => {
  it('gives the standard two-sided critical values', () => {
    expect(Math.abs(normalQuantile(0.975) - Z_975)).toBeLessThan(1e-9);
    expectRelativelyClose(normalQuantile(0.975), Z_975, 1e-15);
    // Printed to 12 decimals in standard tables (e.g. A&S Table 26.5).
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853626951, 12);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829303549, 12);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306168, 12);
    expect(normalQuantile(0.5)).toBe(0);
  });

  it('inverts normalCdf across all three regions of AS 241, far into the lower tail', () => {
    // Compared where the comparison is well conditioned: in z, since Φ(z) for z ≤ -20 moves by z²·ε relative
    // when z moves by one ulp, and only in the lower tail, since 1 - Φ(z) near 1 has lost its digits already.
    for (const z of [-37, -30, -20, -10, -7, -5.5, -3, -1.5, -1, -0.2, 0.2, 1, 1.5, 3]) {
      expectRelativelyClose(normalQuantile(normalCdf(z)), z, 1e-14);
    }
    for (const p of [1e-11, 1e-6, 0.01, 0.074, 0.076, 0.3, 0.5001, 0.9, 0.925, 0.99]) {
      expectRelativelyClose(normalCdf(normalQuantile(p)), p, 1e-14);
    }
    for (const p of [1e-6, 0.01, 0.2, 0.4]) expect(normalQuantile(1 - p)).toBeCloseTo(-normalQuantile(p), 9);
  });

  it('is infinite at 0 and 1 and rejects the outside', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(-0.1)).toThrow(RangeError);
    expect(() => normalQuantile(1.1)).toThrow(RangeError);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });
});

/** The Wilson bounds as roots of (n + z²)p² - (2s + z²)p + s²/n = 0: the textbook form, a different algebra. */
function wilsonByRoots(s: number, n: number, z: number): [number, number] {
  const centre = 2 * s + z * z;
  const spread = z * Math.sqrt(z * z + (4 * s * (n - s)) / n);
  return [(centre - spread) / (2 * (n + z * z)), (centre + spread) / (2 * (n + z * z))];
}

describe('wilsonInterval', () => {
  it('gives 8/10 by hand: [0.4902, 0.9433] at 95%', () => {
    const { lower, upper } = wilsonInterval(8, 10);
    const [rootLower, rootUpper] = wilsonByRoots(8, 10, Z_975);
    expect(lower).toBeCloseTo(rootLower, 14);
    expect(upper).toBeCloseTo(rootUpper, 14);
    // (16 + z² ∓ z·√(z² + 6.4)) / (2(10 + z²)), z² = 3.841458820694124.
    expect(lower).toBeCloseTo(0.490162471536642, 13);
    expect(upper).toBeCloseTo(0.943317848545625, 13);
  });

  it('gives 0/10 and 10/10 with the exact ends: [0, z²/(n + z²)] and [n/(n + z²), 1]', () => {
    const z2 = Z_975 * Z_975;
    const none = wilsonInterval(0, 10);
    expect(none.lower).toBe(0);
    expect(none.upper).toBeCloseTo(z2 / (10 + z2), 15);
    expect(none.upper).toBeCloseTo(0.277532799862889, 13);
    const all = wilsonInterval(10, 10);
    expect(all.lower).toBeCloseTo(10 / (10 + z2), 15);
    expect(all.upper).toBe(1);
  });

  it('gives [0, 1] for n = 0, and widens with confidence', () => {
    expect(wilsonInterval(0, 0)).toEqual({ lower: 0, upper: 1 });
    const at95 = wilsonInterval(30, 100);
    const at99 = wilsonInterval(30, 100, 0.99);
    expect(at99.lower).toBeLessThan(at95.lower);
    expect(at99.upper).toBeGreaterThan(at95.upper);
  });

  it('has bounds that solve the score equation |p̂ - p| = z √(p(1 - p)/n)', () => {
    const z = normalQuantile(0.95);
    for (const [s, n] of [
      [1, 3],
      [7, 40],
      [123, 250],
      [999, 1000],
      [3, 2000],
    ] as const) {
      for (const bound of Object.values(wilsonInterval(s, n, 0.9))) {
        expect(Math.abs(s / n - bound)).toBeCloseTo(z * Math.sqrt((bound * (1 - bound)) / n), 12);
      }
    }
  });

  it('covers the true proportion about 95% of the time, by the exact binomial sum', () => {
    for (const [n, p] of [
      [50, 0.3],
      [100, 0.05],
      [200, 0.5],
    ] as const) {
      let coverage = 0;
      for (let s = 0; s <= n; s++) {
        const { lower, upper } = wilsonInterval(s, n);
        if (lower > p || upper < p) continue;
        const logChoose = logGamma(n + 1) - logGamma(s + 1) - logGamma(n - s + 1);
        coverage += Math.exp(logChoose + s * Math.log(p) + (n - s) * Math.log(1 - p));
      }
      expect(coverage).toBeGreaterThan(0.92);
      expect(coverage).toBeLessThan(0.98);
    }
  });

  it('rejects impossible counts and confidence levels', () => {
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(5, 10, 1)).toThrow(RangeError);
    expect(() => wilsonInterval(5, 10, 0)).toThrow(RangeError);
  });
});

describe('twoProportionZTest', () => {
  it('gives 45/100 vs 30/100 by hand: pooled 0.375, z² = 0.15²/(0.375·0.625·0.02) = 4.8, p = erfc(√2.4)', () => {
    const result = twoProportionZTest(45, 100, 30, 100);
    expect(result.pooledProportion).toBe(0.375);
    expect(result.difference).toBeCloseTo(0.15, 15);
    expect(result.standardError).toBeCloseTo(Math.sqrt(0.0046875), 15);
    expect(result.z).toBeCloseTo(Math.sqrt(4.8), 13);
    expectRelativelyClose(result.pValue, erfcReference(Math.sqrt(2.4)), 1e-13);
    expect(result.pValue).toBeCloseTo(0.02846, 5);
  });

  it('is antisymmetric in the samples and unequal sizes are pooled by count', () => {
    const forward = twoProportionZTest(12, 40, 45, 90);
    const backward = twoProportionZTest(45, 90, 12, 40);
    expect(backward.z).toBeCloseTo(-forward.z, 14);
    expect(backward.pValue).toBeCloseTo(forward.pValue, 15);
    // p̄ = 57/130; se = √(p̄(1 - p̄)(1/40 + 1/90)); z = (0.3 - 0.5)/se.
    const pooled = 57 / 130;
    expect(forward.z).toBeCloseTo(-0.2 / Math.sqrt(pooled * (1 - pooled) * (1 / 40 + 1 / 90)), 13);
  });

  it('handles 0/n and n/n without NaN', () => {
    expect(twoProportionZTest(0, 10, 0, 20)).toMatchObject({ z: 0, pValue: 1, pooledProportion: 0, standardError: 0 });
    expect(twoProportionZTest(10, 10, 20, 20)).toMatchObject({
      z: 0,
      pValue: 1,
      pooledProportion: 1,
      standardError: 0,
    });
    // 0/10 vs 10/10: p̄ = 1/2, se = √(0.25 · 0.2), z = -1/√0.05; two-sided p = erfc(√10).
    const extreme = twoProportionZTest(0, 10, 10, 10);
    expect(extreme.z).toBeCloseTo(-1 / Math.sqrt(0.05), 13);
    expectRelativelyClose(extreme.pValue, erfcReference(Math.sqrt(10)), 1e-13);
  });

  it('rejects empty samples and impossible counts', () => {
    expect(() => twoProportionZTest(0, 0, 3, 10)).toThrow(RangeError);
    expect(() => twoProportionZTest(3, 10, 11, 10)).toThrow(RangeError);
    expect(() => twoProportionZTest(-1, 10, 3, 10)).toThrow(RangeError);
  });
});
