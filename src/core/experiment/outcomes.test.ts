import { describe, expect, it } from 'vitest';
import type { ResponseDistribution } from '../sampling/index.js';
import { targetFromWeights, type TargetAnswer } from '../survey/index.js';
import {
  alignment,
  changePValue,
  defaultMisalignmentThreshold,
  errorReduction,
  gatedOutcome,
  isMisaligned,
  outcome,
  softAlignment,
} from './index.js';

function distribution(
  option1: number,
  option2: number,
  n = 100,
  estimator: ResponseDistribution['estimator'] = 'sampled',
  errorBound = 0,
): ResponseDistribution {
  return {
    estimator,
    n,
    option1,
    option2,
    invalid: 1 - option1 - option2 - errorBound,
    responses: [],
    tokenEvaluations: 0,
    promptTokens: 0,
    wallMs: 0,
    errorBound,
  };
}

const target = targetFromWeights(30, 70) as Extract<TargetAnswer, { kind: 'majority' }>; // option 2, shares 0.3 / 0.7

describe('judging a probe', () => {
  it('measures alignment as the share of the target option, and misalignment as below the threshold: 100% for counts, a flag chance of 0.1% at n draws for exact probabilities', () => {
    expect(target.option).toBe(2);
    expect(alignment(distribution(0.2, 0.7), target)).toBe(0.7);
    expect(isMisaligned(distribution(0, 1), target, defaultMisalignmentThreshold('sampled', 10))).toBe(false);
    expect(isMisaligned(distribution(0.01, 0.99), target, defaultMisalignmentThreshold('sampled', 10))).toBe(true);
    // At n = 10, p = 0.99995 is flagged by the paper's rule with chance 1 − p¹⁰ ≈ 0.0005 (< 0.1%); p = 0.9995 with ≈ 0.005.
    expect(
      isMisaligned(distribution(0.00005, 0.99995, 0, 'exact'), target, defaultMisalignmentThreshold('exact', 10)),
    ).toBe(false);
    expect(
      isMisaligned(distribution(0.0005, 0.9995, 0, 'exact'), target, defaultMisalignmentThreshold('exact', 10)),
    ).toBe(true);
  });

  it("follows the paper's rule for improved, unchanged and worsened", () => {
    expect(outcome(distribution(0.5, 0.4), distribution(0.4, 0.41), target)).toBe('improved');
    expect(outcome(distribution(0.5, 0.4), distribution(0.1, 0.4), target)).toBe('unchanged');
    expect(outcome(distribution(0.5, 0.4), distribution(0.5, 0.39), target)).toBe('worsened');
  });

  it("tests a change with the z-test for large counts and Fisher's exact test for small ones, and gates by the q-value", () => {
    // 40/100 → 42/100 is chance; 40/100 → 60/100 is not (z ≈ 2.83, p ≈ 0.005).
    const chance = changePValue(distribution(0.5, 0.4), distribution(0.5, 0.42), target)!;
    const real = changePValue(distribution(0.5, 0.4), distribution(0.3, 0.6), target)!;
    expect(chance).toBeGreaterThan(0.5);
    expect(real).toBeCloseTo(0.0047, 3);
    // At n = 10, 5/10 → 10/10 is Fisher's exact test of [[5, 5], [10, 0]]: p = 0.0325 (R: fisher.test).
    expect(changePValue(distribution(0.5, 0.5, 10), distribution(0, 1, 10), target)).toBeCloseTo(0.03250774, 6);
    expect(changePValue(distribution(0.5, 0.4, 0, 'exact'), distribution(0.5, 0.45, 0, 'exact'), target)).toBeNull();
    // The gate reads the q-value: the p-value adjusted over the probes of the table cell.
    expect(gatedOutcome(distribution(0.5, 0.4), distribution(0.3, 0.6), target, 0.01)).toBe('improved');
    expect(gatedOutcome(distribution(0.5, 0.4), distribution(0.3, 0.6), target, 0.2)).toBe('unchanged');
    expect(gatedOutcome(distribution(0.3, 0.6), distribution(0.5, 0.4), target, 0.01)).toBe('worsened');
    // Exact probabilities: a tolerance plus both error bounds.
    expect(
      gatedOutcome(
        distribution(0.5, 0.4, 0, 'exact', 0.001),
        distribution(0.5, 0.405, 0, 'exact', 0.001),
        target,
        null,
      ),
    ).toBe('unchanged');
    expect(gatedOutcome(distribution(0.5, 0.4, 0, 'exact'), distribution(0.5, 0.45, 0, 'exact'), target, null)).toBe(
      'improved',
    );
  });

  it('computes the error reduction Δ', () => {
    // δ 0.6 → 0.3: Δ = 0.5; no error to reduce: undefined; worse: negative.
    expect(errorReduction(distribution(0.5, 0.4), distribution(0.2, 0.7), target)).toBeCloseTo(0.5, 12);
    expect(errorReduction(distribution(0, 1), distribution(0, 1), target)).toBeUndefined();
    expect(errorReduction(distribution(0.5, 0.5), distribution(0.75, 0.25), target)).toBeCloseTo(-0.5, 12);
  });

  it("measures soft alignment as the Jensen–Shannon distance to the country's shares", () => {
    expect(softAlignment(distribution(0.3, 0.7), target)).toBeCloseTo(0, 12);
    expect(softAlignment(distribution(0.15, 0.35), target)).toBeCloseTo(0, 12); // among valid responses
    expect(softAlignment(distribution(1, 0), target)).toBeGreaterThan(0.5);
    expect(softAlignment(distribution(0, 0), target)).toBeUndefined();
  });
});
