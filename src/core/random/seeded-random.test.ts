import { describe, expect, it } from 'vitest';
import { chiSquareGoodnessOfFit } from '../statistics/index.js';
import { SeededRandom, deriveSeed } from './index.js';

describe('seeded random', () => {
  it('derives the same seed from the same parts, and different seeds from different parts', () => {
    expect(deriveSeed(42, 'de', 'Q1', 'chrf-all', 0)).toBe(deriveSeed(42, 'de', 'Q1', 'chrf-all', 0));
    expect(deriveSeed(42, 'de', 'Q1', 'chrf-all', 0)).not.toBe(deriveSeed(42, 'de', 'Q1', 'chrf-all', 1));
    // The separator keeps ("ab","c") and ("a","bc") apart.
    expect(deriveSeed('ab', 'c')).not.toBe(deriveSeed('a', 'bc'));
  });

  it('is pinned: these values must never change, or old runs stop repeating', () => {
    expect(deriveSeed(1, 'x')).toBe(-826517247);
    const r = new SeededRandom(7);
    expect([r.int(100), r.int(100), r.int(100), r.int(100)]).toEqual(PINNED_INTS);
  });

  it('shuffles to a permutation and samples without replacement', () => {
    const r = SeededRandom.from('test');
    const items = Array.from({ length: 50 }, (_, i) => i);
    expect(r.shuffle(items).sort((a, b) => a - b)).toEqual(items);
    const picked = r.sample(items, 10);
    expect(new Set(picked).size).toBe(10);
  });

  it('starts generators from nearby seeds with unrelated numbers', () => {
    // The estimators seed a generator per draw or per tree node from consecutive parts; their first numbers must
    // be as good as independent uniforms, or every estimate is biased.
    const firsts = Array.from({ length: 4000 }, (_, draw) => SeededRandom.from(3, 'sampled', draw).float());
    const bins = new Array<number>(10).fill(0);
    for (const x of firsts) bins[Math.floor(x * 10)]!++;
    expect(chiSquareGoodnessOfFit(bins, new Array<number>(10).fill(0.1)).pValue).toBeGreaterThan(0.001);
    const mean = firsts.reduce((s, x) => s + x, 0) / firsts.length;
    let lagged = 0;
    let variance = 0;
    for (let i = 0; i < firsts.length; i++) {
      variance += (firsts[i]! - mean) ** 2;
      if (i > 0) lagged += (firsts[i]! - mean) * (firsts[i - 1]! - mean);
    }
    expect(Math.abs(lagged / variance)).toBeLessThan(0.05);
  });

  it('gives floats in [0, 1) with a mean near 1/2', () => {
    const r = new SeededRandom(3);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const x = r.float();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
  });
});

const PINNED_INTS = [91, 45, 79, 41];
