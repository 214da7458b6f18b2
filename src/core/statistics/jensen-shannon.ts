// The Jensen–Shannon distance between a model's answer distribution and the survey's: a bounded, symmetric
// measure of how far apart two distributions are, computed as scipy.spatial.distance.jensenshannon does.

/** x·ln(x/y) with 0·ln(0/y) = 0 (scipy.special.rel_entr for the x, y ≥ 0 that occur here). */
function relativeEntropyTerm(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(x / y);
}

function normalised(weights: readonly number[], name: string): number[] {
  let total = 0;
  for (const [i, w] of weights.entries()) {
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`${name}[${i}] must be a finite number >= 0, got ${w}`);
    total += w;
  }
  if (!(total > 0)) throw new RangeError(`${name} must not be all zeros`);
  return weights.map((w) => w / total);
}

/**
 * sqrt(JSD(p, q)), with JSD = (KL(p‖m) + KL(q‖m)) / 2, m = (p + q) / 2, in logarithms of `base`. p and q
 * are normalised first, so counts work as well as probabilities. In [0, 1] for base 2 (1 for disjoint
 * supports); in [0, sqrt(ln 2)] for base e.
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[], base = 2): number {
  if (p.length !== q.length) throw new RangeError(`p has ${p.length} categories but q has ${q.length}`);
  if (p.length === 0) throw new RangeError('jensenShannonDistance needs at least one category');
  if (!(base > 0) || base === 1 || !Number.isFinite(base)) {
    throw new RangeError(`base must be a finite number > 0 other than 1, got ${base}`);
  }
  const pn = normalised(p, 'p');
  const qn = normalised(q, 'q');
  let sum = 0;
  for (const [i, pi] of pn.entries()) {
    const qi = qn[i]!;
    const mi = (pi + qi) / 2;
    sum += relativeEntropyTerm(pi, mi) + relativeEntropyTerm(qi, mi);
  }
  // Rounding can leave a hair below 0 for identical inputs; the divergence itself cannot be negative.
  return Math.sqrt(Math.max(0, sum / Math.log(base) / 2));
}
