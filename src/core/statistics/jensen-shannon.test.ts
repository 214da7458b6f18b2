// The Jensen–Shannon distance against scipy's documented examples, a case worked by hand, and the properties
// of a metric bounded by 1 in base 2.

import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../random/index.js';
import { jensenShannonDistance } from './jensen-shannon.js';

describe('jensenShannonDistance', () => {
  it('is 0 for identical distributions, also when one is given as counts', () => {
    expect(jensenShannonDistance([0.2, 0.3, 0.5], [0.2, 0.3, 0.5])).toBe(0);
    expect(jensenShannonDistance([1, 0, 0], [1, 0, 0])).toBe(0);
    expect(jensenShannonDistance([2, 3, 5], [0.2, 0.3, 0.5])).toBeCloseTo(0, 7);
  });

  it('is 1 in base 2 for disjoint supports, and √(ln 2) in base e', () => {
    expect(jensenShannonDistance([1, 0, 0], [0, 1, 0], 2)).toBe(1);
    expect(jensenShannonDistance([0.5, 0.5, 0, 0], [0, 0, 0.25, 0.75])).toBeCloseTo(1, 15);
    expect(jensenShannonDistance([1, 0], [0, 1], Math.E)).toBeCloseTo(Math.sqrt(Math.LN2), 15);
  });

  it('matches the worked case p = (1, 0), q = (1/2, 1/2)', () => {
    // m = (3/4, 1/4). KL(p‖m) = ln(4/3); KL(q‖m) = ½ln(2/3) + ½ln 2. JSD = ½(ln(4/3) + ½ln(4/3)) = ¾ln(4/3).
    // scipy.spatial.distance.jensenshannon's docstring gives 0.46450140402245893 for the natural logarithm.
    const natural = jensenShannonDistance([1, 0], [0.5, 0.5], Math.E);
    expect(natural).toBeCloseTo(Math.sqrt(0.75 * Math.log(4 / 3)), 15);
    expect(natural).toBeCloseTo(0.46450140402245893, 15);
    expect(jensenShannonDistance([1, 0], [0.5, 0.5])).toBeCloseTo(Math.sqrt(0.75 * Math.log2(4 / 3)), 15);
  });

  it('is a symmetric metric within [0, 1] in base 2', () => {
    const random = SeededRandom.from('statistics', 'jensen-shannon');
    const draw = () =>
      Array.from({ length: 5 }, () => (random.float() < 0.2 ? 0 : random.float())).map((v, i) =>
        i === 0 ? v + 1e-3 : v,
      );
    for (let trial = 0; trial < 300; trial++) {
      const [p, q, r] = [draw(), draw(), draw()];
      const pq = jensenShannonDistance(p, q);
      expect(pq).toBeGreaterThanOrEqual(0);
      expect(pq).toBeLessThanOrEqual(1);
      expect(jensenShannonDistance(q, p)).toBeCloseTo(pq, 15);
      // The square root of the JS divergence satisfies the triangle inequality (Endres & Schindelin, 2003).
      expect(pq).toBeLessThanOrEqual(jensenShannonDistance(p, r) + jensenShannonDistance(r, q) + 1e-12);
    }
  });

  it('rejects distributions it cannot normalise and bases without a logarithm', () => {
    expect(() => jensenShannonDistance([0, 0], [0.5, 0.5])).toThrow(RangeError);
    expect(() => jensenShannonDistance([0.5, 0.5], [1])).toThrow(RangeError);
    expect(() => jensenShannonDistance([-0.5, 1.5], [0.5, 0.5])).toThrow(RangeError);
    expect(() => jensenShannonDistance([], [])).toThrow(RangeError);
    expect(() => jensenShannonDistance([0.5, 0.5], [0.5, 0.5], 1)).toThrow(RangeError);
    expect(() => jensenShannonDistance([0.5, 0.5], [0.5, 0.5], 0)).toThrow(RangeError);
  });
});
