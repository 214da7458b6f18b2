// Where a run keeps what it has measured: the runner asks before each measurement whether it is already known
// and reports each one the moment it is done. The store implements this on the SQLite file; the runner itself
// knows nothing of storage, so a killed run resumes from whatever the journal holds.

import type { Condition } from '../demos/index.js';
import type { ResponseDistribution } from '../sampling/index.js';

export interface MeasurementKey {
  model: string;
  language: string;
  country: string;
  probeId: string;
  condition: Condition;
}

export interface MeasurementRow extends MeasurementKey {
  category: number;
  targetOption: 1 | 2;
  targetShares: [number, number];
  promptJson: string;
  demonstrationIds: string[];
  distributionJson: string;
  cacheKey: string;
}

/** A measurement as results are derived from it, without its prompts (most of its bytes) and cache key. */
export type MeasuredResult = Omit<MeasurementRow, 'promptJson' | 'cacheKey'>;

export interface ExplanationRow extends MeasurementKey {
  ordinal: number;
  promptJson: string;
  response: string;
  answer: string;
}

export interface RunJournal {
  /** The measurement already made, if any (a resumed run continues from these). */
  measurement(key: MeasurementKey): MeasurementRow | undefined;
  saveMeasurement(row: MeasurementRow): void;
  hasExplanation(key: MeasurementKey, ordinal: number): boolean;
  saveExplanation(row: ExplanationRow): void;
  /** A distribution computed before, by any run, for the same model, prompt, settings and seed. */
  cachedEstimate(cacheKey: string): ResponseDistribution | undefined;
  cacheEstimate(cacheKey: string, distribution: ResponseDistribution): void;
}
