// What a finished run knows about each probe, in the form the reports read: the zero-shot measurement, whether
// the probe was misaligned, and for misaligned probes the self-aligned measurement per selection strategy.

import type { Comparison } from '../demos/index.js';
import type { Estimator } from '../sampling/index.js';
import type { Outcome } from './outcomes.js';

export interface StrategyResult {
  /** What is compared with the zero-shot measurement: a selection strategy, or the re-test control. */
  condition: Comparison;
  /** Share (or probability) of responses giving the target option. */
  alignment: number;
  /** Share (or probability) of responses that gave neither option. */
  invalid: number;
  /** Responses behind the estimate (0 for exact probabilities). */
  n: number;
  outcome: Outcome;
  /** The significance-gated outcome: a change only where its q-value is below 0.05 (exact: beyond a tolerance). */
  gatedOutcome: Outcome;
  /** The change's two-sided p-value (Fisher's exact test for small counts; null for exact probabilities). */
  pValue: number | null;
  /** The p-value adjusted (Benjamini–Hochberg) over the probes of its model × language × strategy. */
  qValue: number | null;
  /** Δ = (δ_zero-shot − δ_self-aligned) / δ_zero-shot. */
  errorReduction: number | undefined;
  /** Jensen–Shannon distance between the model's and the country's option shares. */
  softAlignment: number | undefined;
  demonstrationIds: string[];
}

export interface ProbeRecord {
  model: string;
  language: string;
  country: string;
  probeId: string;
  category: number;
  estimator: Estimator;
  targetOption: 1 | 2;
  /** The country's shares of option 1 and option 2. */
  targetShares: readonly [number, number];
  zeroShot: { alignment: number; softAlignment: number | undefined; n: number; invalid: number };
  /** How far the country's majority leads: |share₁ − share₂|. */
  targetMargin: number;
  /** A thin majority (margin below the run's contestedMargin): the target itself is in doubt. */
  contested: boolean;
  misaligned: boolean;
  /** One entry per strategy run, for misaligned probes; empty otherwise. */
  strategies: StrategyResult[];
}
