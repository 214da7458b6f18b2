import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, fisherExactTest } from './multiple-testing.js';

describe('multiple testing', () => {
  it("matches R's fisher.test, two-sided", () => {
    // fisher.test(matrix(c(3, 1, 1, 3), 2)): p = 0.4857
    expect(fisherExactTest(3, 1, 1, 3)).toBeCloseTo(0.4857143, 6);
    // fisher.test(matrix(c(10, 0, 0, 10), 2)): p = 1.083e-05
    expect(fisherExactTest(10, 0, 0, 10)).toBeCloseTo(1.082509e-5, 10);
    // fisher.test(matrix(c(9, 1, 4, 6), 2)): p = 0.05728
    expect(fisherExactTest(9, 1, 4, 6)).toBeCloseTo(0.05727554, 6);
    expect(fisherExactTest(5, 5, 5, 5)).toBeCloseTo(1, 12);
    expect(fisherExactTest(0, 10, 0, 10)).toBe(1);
  });

  it("matches R's p.adjust(method = 'BH')", () => {
    // p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.5), 'BH') = 0.025 0.05 0.05 0.025 0.5
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.5]);
    [0.025, 0.05, 0.05, 0.025, 0.5].forEach((expected, i) => expect(q[i]).toBeCloseTo(expected, 12));
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([0.9, 0.95])).toEqual([0.95, 0.95]);
  });
});
