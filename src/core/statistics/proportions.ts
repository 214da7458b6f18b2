// Proportions, the unit of the paper's alignment scores: the standard normal distribution, Wilson intervals
// for one share, and the pooled two-proportion z-test for comparing two shares (e.g. zero-shot vs
// self-aligned alignment of one probe).

import { regularizedGammaQ } from './chi-square.js';

/**
 * Φ(z), the standard normal CDF, through erfc(t) = Q(1/2, t²): the tails come from the continued fraction
 * directly, so Φ(-30) ≈ 4.9e-198 keeps its relative accuracy instead of vanishing as 1 - (1 - ε).
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) throw new RangeError('normalCdf got z = NaN');
  const tail = 0.5 * regularizedGammaQ(0.5, (z * z) / 2);
  return z < 0 ? tail : 1 - tail;
}

// Wichura (1988), Algorithm AS 241 (PPND16), Applied Statistics 37(3): 477–484; relative accuracy about 1e-16.
// The coefficients are the published ones, lowest order first.
const AS241_A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457,
  67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
] as const;
const AS241_B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061,
  28729.085735721942674, 5226.495278852854561,
] as const;
const AS241_C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258,
  0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
] as const;
const AS241_D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
] as const;
const AS241_E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093,
  0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
] as const;
const AS241_F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4,
  1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
] as const;

function polynomial(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * x + coefficients[i]!;
  return value;
}

/** Φ⁻¹(p), the standard normal quantile: -Infinity at 0, Infinity at 1. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile needs 0 <= p <= 1, got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(AS241_A, r)) / polynomial(AS241_B, r);
  }
  // In the tails the approximation works on sqrt(-log(tail)), the tail taken on the near side of 1/2 so
  // that p close to 1 does not lose digits to 1 - p.
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = polynomial(AS241_C, r) / polynomial(AS241_D, r);
  } else {
    r -= 5;
    value = polynomial(AS241_E, r) / polynomial(AS241_F, r);
  }
  return q < 0 ? -value : value;
}

function checkProportionCounts(successes: number, n: number, where: string): void {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`${where}: n must be a finite number >= 0, got ${n}`);
  if (!Number.isFinite(successes) || successes < 0 || successes > n) {
    throw new RangeError(`${where}: successes must be between 0 and n = ${n}, got ${successes}`);
  }
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

export interface Interval {
  lower: number;
  upper: number;
}

/**
 * The Wilson score interval for a binomial proportion: unlike the Wald interval it stays inside [0, 1] and
 * keeps near-nominal coverage at 0/n and n/n, which is where alignment shares often sit. n = 0 gives [0, 1].
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): Interval {
  checkProportionCounts(successes, n, 'wilsonInterval');
  checkConfidence(confidence);
  if (n === 0) return { lower: 0, upper: 1 };
  const z = normalQuantile((1 + confidence) / 2);
  const z2 = z * z;
  const p = successes / n;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0/n and n/n the closed form gives the bound exactly 0 or 1 only up to rounding; pin it.
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    upper: successes === n ? 1 : Math.min(1, centre + halfWidth),
  };
}

export interface TwoProportionZTestResult {
  /** (p1 - p2) / standardError; 0 when the pooled proportion is 0 or 1. */
  z: number;
  /** Two-sided: P(|Z| ≥ |z|). */
  pValue: number;
  proportion1: number;
  proportion2: number;
  /** proportion1 - proportion2. */
  difference: number;
  pooledProportion: number;
  /** sqrt(p̄(1 - p̄)(1/n1 + 1/n2)), the standard error under the null hypothesis p1 = p2. */
  standardError: number;
}

/**
 * The two-sided z-test of p1 = p2 with the pooled standard error (the score test; z² equals the 2×2
 * chi-square statistic without continuity correction). Both samples need n > 0. When every trial in both
 * samples succeeded, or none did, the samples cannot differ: z = 0, p-value 1.
 */
export function twoProportionZTest(
  successes1: number,
  n1: number,
  successes2: number,
  n2: number,
): TwoProportionZTestResult {
  checkProportionCounts(successes1, n1, 'twoProportionZTest, sample 1');
  checkProportionCounts(successes2, n2, 'twoProportionZTest, sample 2');
  if (n1 === 0 || n2 === 0) throw new RangeError('twoProportionZTest needs at least one trial in each sample');
  const proportion1 = successes1 / n1;
  const proportion2 = successes2 / n2;
  const difference = proportion1 - proportion2;
  const pooledProportion = (successes1 + successes2) / (n1 + n2);
  const standardError = Math.sqrt(pooledProportion * (1 - pooledProportion) * (1 / n1 + 1 / n2));
  const base = { proportion1, proportion2, difference, pooledProportion, standardError };
  if (standardError === 0) return { ...base, z: 0, pValue: 1 };
  const z = difference / standardError;
  return { ...base, z, pValue: 2 * normalCdf(-Math.abs(z)) };
}
