import { describe, expect, it } from 'vitest';
import { binomialPmf, paperRuleChances } from './binomial.js';

describe("the binomial distribution and the paper's rule in expectation", () => {
  it('gives the binomial probabilities, also at the edges', () => {
    expect(binomialPmf(2, 0.5)).toEqual([0.25, 0.5, 0.25]);
    const pmf = binomialPmf(10, 0.3);
    expect(pmf.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(pmf[3]).toBeCloseTo(120 * 0.3 ** 3 * 0.7 ** 7, 14);
    expect(binomialPmf(4, 0)).toEqual([1, 0, 0, 0, 0]);
    expect(binomialPmf(4, 1)).toEqual([0, 0, 0, 0, 1]);
    expect(() => binomialPmf(3, 1.5)).toThrow(/within \[0, 1\]/);
  });

  it('matches the closed forms for one draw, and the flag chance 1 − p₀ⁿ', () => {
    const one = paperRuleChances(1, 0.7, 0.4);
    expect(one.misaligned).toBeCloseTo(0.3, 14);
    expect(one.improved).toBeCloseTo(0.3 * 0.4, 14);
    expect(one.unchanged).toBeCloseTo(0.3 * 0.6, 14);
    expect(one.worsened).toBeCloseTo(0, 14);
    const ten = paperRuleChances(10, 0.95, 0.95);
    expect(ten.misaligned).toBeCloseTo(1 - 0.95 ** 10, 14);
    expect(ten.improved + ten.unchanged + ten.worsened).toBeCloseTo(ten.misaligned, 14);
    // Measuring the same probe again "improves" a flagged one often: regression to the mean.
    expect(ten.improved / ten.misaligned).toBeGreaterThan(0.4);
    // An aligned probe is never flagged; a probe that always answers wrongly never improves with the same shares.
    expect(paperRuleChances(10, 1, 0.2).misaligned).toBe(0);
    expect(paperRuleChances(10, 0, 0).improved).toBe(0);
  });
});
