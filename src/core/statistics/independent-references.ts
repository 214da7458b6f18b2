// Independent erfc and Φ for the statistics tests only (not exported from index.ts): textbook expansions that
// share no code with the incomplete gamma function, so the tests of Φ and of chi-square p-values have a
// reference that does not come from the code under test.

/**
 * erfc(x), x ≥ 0, by two textbook expansions that share no code with ours: below 1 the all-positive series
 * erf(x) = (2/√π) e^{-x²} Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)) (Abramowitz & Stegun 7.1.6); from 1 on, where
 * 1 - erf would cancel, Laplace's continued fraction erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/…)))
 * (A&S 7.1.14) evaluated backwards from a fixed depth. Both are good to a few 1e-16 relative.
 */
export function erfcReference(x: number): number {
  if (x < 1) {
    let term = x;
    let sum = x;
    for (let n = 1; term > sum * 1e-18; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) * sum;
  }
  let t = x;
  for (let k = 5000; k >= 1; k--) t = x + k / 2 / t;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / t;
}

/**
 * Φ(z) from references independent of our code: the erfc series/fraction near the centre, and in the lower
 * tail Laplace's continued fraction for Mills' ratio, Φ(-t) = φ(t) / (t + 1/(t + 2/(t + 3/(t + …)))) (A&S
 * 26.2.14), which works with t²/2 directly instead of squaring a rounded t/√2.
 */
export function phiReference(z: number): number {
  if (z > -1.5) return z < 0 ? erfcReference(-z / Math.SQRT2) / 2 : 1 - erfcReference(z / Math.SQRT2) / 2;
  const t = -z;
  let fraction = t;
  for (let k = 5000; k >= 1; k--) fraction = t + k / fraction;
  return Math.exp((-t * t) / 2) / Math.sqrt(2 * Math.PI) / fraction;
}
