// Percentile bootstrap intervals for statistics without a closed-form standard error (mean error reduction
// over probes, shares of improved probes). Resampling draws from SeededRandom, so a report repeats exactly.

import { SeededRandom } from '../random/index.js';

export interface BootstrapOptions {
  /** Number of resamples; 2000 by default. */
  resamples?: number;
  /** Coverage of the interval; 0.95 by default. */
  confidence?: number;
  /** Seed of the resampling: the same seed, values and statistic give the same interval. */
  seed: number;
}

export interface BootstrapInterval {
  lower: number;
  upper: number;
  /** The statistic on the original values. */
  estimate: number;
}

/**
 * The q-quantile of ascending `sorted` by linear interpolation between order statistics (Hyndman & Fan
 * type 7, numpy's and R's default), so results agree with the usual Python and R bootstrap code.
 */
function quantileOfSorted(sorted: readonly number[], q: number): number {
  let position = (sorted.length - 1) * q;
  // (1 - 0.9) / 2 is 0.04999…9 in doubles; without snapping, 100 × that would fall just short of the 5th
  // order statistic and interpolate towards the 4th. Rounding noise in q must not move the cut.
  const nearest = Math.round(position);
  if (Math.abs(position - nearest) <= 1e-9 * Math.max(1, nearest)) position = nearest;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const low = sorted[below]!;
  const high = sorted[above]!;
  // Written as low + t·(high - low) would give NaN between two equal infinities; keep equal neighbours exact.
  return low === high ? low : low + (position - below) * (high - low);
}

/**
 * The percentile bootstrap interval of `statistic` over `values`: resample n values with replacement
 * `resamples` times, and take the (1 - confidence)/2 and (1 + confidence)/2 quantiles of the statistic.
 * `statistic` receives a fresh array each time and may modify it.
 */
export function bootstrapInterval(
  values: readonly number[],
  statistic: (sample: number[]) => number,
  options: BootstrapOptions,
): BootstrapInterval {
  const { resamples, confidence, random } = checked(values, options);
  const estimate = statistic([...values]);
  const n = values.length;
  const replicates = new Array<number>(resamples);
  for (let b = 0; b < resamples; b++) {
    const sample = new Array<number>(n);
    for (let i = 0; i < n; i++) sample[i] = values[random.int(n)]!;
    replicates[b] = checkedReplicate(statistic(sample), b);
  }
  return percentileInterval(replicates, confidence, estimate);
}

/**
 * bootstrapInterval(values, mean, options) to the last bit (the same draws, summed in the same order), without
 * an array per resample: the report's intervals are means, and a run of 20,000 measurements asks for hundreds.
 */
export function bootstrapMeanInterval(values: readonly number[], options: BootstrapOptions): BootstrapInterval {
  const { resamples, confidence, random } = checked(values, options);
  const n = values.length;
  let total = 0;
  for (const value of values) total += value;
  const replicates = new Array<number>(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[random.int(n)]!;
    replicates[b] = checkedReplicate(sum / n, b);
  }
  return percentileInterval(replicates, confidence, total / n);
}

function checked(
  values: readonly number[],
  options: BootstrapOptions,
): { resamples: number; confidence: number; random: SeededRandom } {
  const { resamples = 2000, confidence = 0.95, seed } = options;
  if (values.length === 0) throw new RangeError('bootstrapInterval needs at least one value');
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  return { resamples, confidence, random: new SeededRandom(seed) };
}

/** A NaN would sort arbitrarily and make the interval meaningless without saying so. */
function checkedReplicate(value: number, resample: number): number {
  if (Number.isNaN(value)) throw new Error(`the statistic returned NaN on bootstrap resample ${resample}`);
  return value;
}

function percentileInterval(replicates: number[], confidence: number, estimate: number): BootstrapInterval {
  replicates.sort((a, b) => a - b);
  const alpha = 1 - confidence;
  return {
    lower: quantileOfSorted(replicates, alpha / 2),
    upper: quantileOfSorted(replicates, 1 - alpha / 2),
    estimate,
  };
}
