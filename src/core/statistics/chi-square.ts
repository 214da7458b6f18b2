// Chi-square tests for the report's tables: is a model's answer distribution the country's, and do two
// settings (zero-shot vs self-aligned) answer alike? Built on the regularised incomplete gamma function,
// computed as in Numerical Recipes (gammp/gammq: series below a+1, continued fraction above).

/** 2^-1022, the smallest normal double: keeps the modified Lentz method away from division by zero. */
const FPMIN = Number.MIN_VALUE / Number.EPSILON;
const EPS = Number.EPSILON;

// Lanczos approximation as in Numerical Recipes, 3rd ed., §6.1 (gammln: g = 607/128, 14 terms): error about
// 1e-15 · max(1, |lnΓ(x)|) for every x > 0, and lnΓ(1) = lnΓ(2) = 0 exactly.
const LANCZOS = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199, 0.339946499848118887e-4,
  0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3, -0.210264441724104883e-3,
  0.217439618115212643e-3, -0.16431810653676389e-3, 0.844182239838527433e-4, -0.261908384015814087e-4,
  0.368991826595316234e-5,
] as const;
const SQRT_TWO_PI = 2.5066282746310005;

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`logGamma needs a finite x > 0, got ${x}`);
  const t = x + 5.2421875;
  let series = 0.999999999999997092;
  for (let j = 0; j < LANCZOS.length; j++) series += LANCZOS[j]! / (x + j + 1);
  return (x + 0.5) * Math.log(t) - t + Math.log((SQRT_TWO_PI * series) / x);
}

/** Enough iterations for the series and the fraction up to shape parameters in the tens of thousands. */
function maxIterations(a: number): number {
  return 1000 + Math.ceil(50 * Math.sqrt(a));
}

/**
 * e^{-x} x^a / Γ(a): the factor both expansions share, formed in logs so it neither overflows nor underflows
 * early. Its exponent is a difference of terms of size ~a·ln a, which bounds the relative accuracy of P and Q:
 * ~1e-15 for small a, ~1e-13 by a ≈ 500 (df ≈ 1000), ~1e-10 by df ≈ 10⁶.
 */
function prefactor(a: number, x: number): number {
  return Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** P(a, x) by its series; converges quickly for x < a + 1. */
function lowerBySeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let n = 0, limit = maxIterations(a); n < limit; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) return sum * prefactor(a, x);
  }
  throw new Error(`incomplete gamma series did not converge (a = ${a}, x = ${x})`);
}

/** Q(a, x) by its continued fraction (modified Lentz); converges quickly for x ≥ a + 1. */
function upperByContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1, limit = maxIterations(a); i <= limit; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= EPS) return prefactor(a, x) * h;
  }
  throw new Error(`incomplete gamma continued fraction did not converge (a = ${a}, x = ${x})`);
}

function checkGammaArguments(a: number, x: number): void {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`incomplete gamma needs a finite a > 0, got ${a}`);
  if (!(x >= 0)) throw new RangeError(`incomplete gamma needs x >= 0, got ${x}`);
}

/** The regularised lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function regularizedGammaP(a: number, x: number): number {
  checkGammaArguments(a, x);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? lowerBySeries(a, x) : 1 - upperByContinuedFraction(a, x);
}

/**
 * The regularised upper incomplete gamma Q(a, x) = 1 - P(a, x). Computed directly (not as 1 - P) in the
 * upper tail, so small p-values keep their relative accuracy down to the smallest doubles.
 */
export function regularizedGammaQ(a: number, x: number): number {
  checkGammaArguments(a, x);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerBySeries(a, x) : upperByContinuedFraction(a, x);
}

/** P(χ²_df > x): the p-value of a chi-square statistic. df need not be an integer. */
export function chiSquareSurvival(x: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0) || !Number.isFinite(degreesOfFreedom)) {
    throw new RangeError(`chiSquareSurvival needs finite degrees of freedom > 0, got ${degreesOfFreedom}`);
  }
  if (Number.isNaN(x)) throw new RangeError('chiSquareSurvival got x = NaN');
  if (x <= 0) return 1;
  return regularizedGammaQ(degreesOfFreedom / 2, x / 2);
}

export interface ChiSquareResult {
  /** Pearson's X² = Σ (observed - expected)² / expected, without a continuity correction. */
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
  /**
   * The smallest expected count among the cells that entered the statistic (Infinity when none did). The
   * chi-square approximation is usually trusted when every expected count is at least 5 (Cochran's rule).
   */
  minExpected: number;
}

function checkCounts(values: readonly number[], what: string): void {
  for (const [i, v] of values.entries()) {
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${what}[${i}] must be a finite number >= 0, got ${v}`);
  }
}

/**
 * Pearson's goodness-of-fit test of observed counts against expected probabilities. The probabilities are
 * normalised to sum 1, so expected counts (or unnormalised weights) work too. A category with expected
 * probability 0 and no observations is dropped; one with expected probability 0 but observations makes the
 * hypothesis impossible: statistic Infinity, p-value 0.
 */
export function chiSquareGoodnessOfFit(
  observed: readonly number[],
  expectedProbabilities: readonly number[],
): ChiSquareResult {
  if (observed.length !== expectedProbabilities.length) {
    throw new RangeError(
      `observed has ${observed.length} categories but expectedProbabilities has ${expectedProbabilities.length}`,
    );
  }
  checkCounts(observed, 'observed');
  checkCounts(expectedProbabilities, 'expectedProbabilities');
  const totalWeight = expectedProbabilities.reduce((s, p) => s + p, 0);
  if (!(totalWeight > 0)) throw new RangeError('expectedProbabilities must not all be 0');
  const total = observed.reduce((s, o) => s + o, 0);

  let kept = 0;
  let statistic = 0;
  let minExpected = Infinity;
  for (const [i, o] of observed.entries()) {
    const p = expectedProbabilities[i]!;
    if (p === 0 && o === 0) continue;
    kept++;
    if (p === 0) {
      statistic = Infinity;
      continue;
    }
    const expected = (total * p) / totalWeight;
    minExpected = Math.min(minExpected, expected);
    if (expected > 0) statistic += (o - expected) ** 2 / expected;
  }
  const degreesOfFreedom = Math.max(kept - 1, 0);
  if (statistic === Infinity) return { statistic, degreesOfFreedom, pValue: 0, minExpected };
  // No observations, or a single possible category: the data cannot disagree with the hypothesis.
  if (total === 0 || degreesOfFreedom === 0) return { statistic: 0, degreesOfFreedom, pValue: 1, minExpected };
  return { statistic, degreesOfFreedom, pValue: chiSquareSurvival(statistic, degreesOfFreedom), minExpected };
}

/**
 * Pearson's test of homogeneity: do the samples (rows) share one distribution over the categories (columns)?
 * Columns without any count are dropped, and so are rows without any count (a sample with no observations
 * says nothing). No Yates correction: for a 2×2 table the statistic equals the square of the pooled
 * two-proportion z statistic.
 */
export function chiSquareHomogeneity(table: readonly (readonly number[])[]): ChiSquareResult {
  if (table.length < 2) throw new RangeError(`chiSquareHomogeneity needs two or more samples, got ${table.length}`);
  const width = table[0]!.length;
  for (const [r, row] of table.entries()) {
    if (row.length !== width) throw new RangeError(`row ${r} has ${row.length} categories, row 0 has ${width}`);
    checkCounts(row, `table[${r}]`);
  }
  const rowTotals = table.map((row) => row.reduce((s, v) => s + v, 0));
  const columnTotals = Array.from({ length: width }, (_, c) => table.reduce((s, row) => s + row[c]!, 0));
  const rows = rowTotals.flatMap((t, r) => (t > 0 ? [r] : []));
  const columns = columnTotals.flatMap((t, c) => (t > 0 ? [c] : []));
  const total = rowTotals.reduce((s, t) => s + t, 0);

  const degreesOfFreedom = Math.max(rows.length - 1, 0) * Math.max(columns.length - 1, 0);
  let statistic = 0;
  let minExpected = Infinity;
  for (const r of rows) {
    for (const c of columns) {
      const expected = (rowTotals[r]! * columnTotals[c]!) / total;
      minExpected = Math.min(minExpected, expected);
      statistic += (table[r]![c]! - expected) ** 2 / expected;
    }
  }
  if (degreesOfFreedom === 0) return { statistic: 0, degreesOfFreedom, pValue: 1, minExpected };
  return { statistic, degreesOfFreedom, pValue: chiSquareSurvival(statistic, degreesOfFreedom), minExpected };
}
