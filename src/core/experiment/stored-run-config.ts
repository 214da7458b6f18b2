// A run's configuration as stored with the run, read the one way every reader reads it (resuming the run, listing
// it, its results, its screens). A configuration is stored as the workbench of its day parsed it; fields added since
// are filled with what that run did, never with today's defaults, so a run made before a feature reads as the run
// it was.

import { UserError } from '../errors.js';
import { ZERO_SHOT, ZERO_SHOT_RETEST, type Comparison, type Condition } from '../demos/index.js';
import { parseRunConfig, type Protocol, type RunConfig } from './run-config.js';

/**
 * The fields added to the run configuration after its first stored form, each with the value that reproduces a
 * run made before it existed.
 */
const FILLED_FOR_EARLIER_RUNS: Readonly<Record<string, unknown>> = {
  // Before per-draw prompts: one prompt per probe, as such a run began.
  perDraw: { optionOrder: false, demonstrationOrder: false, randomDemonstrations: false },
  // Before the re-test control: such a run never measured it.
  retest: false,
  // Before the validity list: such a run measured every usable probe.
  includeInvalidItems: true,
  // Before the reviewer's controls: such a run measured none.
  controls: [],
};

export interface StoredRunConfig {
  config: RunConfig;
  /** The run's protocol; `none` for a run made before protocols (its estimator and n as it gave them). */
  protocol: Protocol | 'none';
}

/** Reads the configuration stored with run `runId`; one that does not parse is an error that names the run. */
export function readStoredRunConfig(configJson: string, runId: string): StoredRunConfig {
  let stored: Record<string, unknown>;
  try {
    stored = JSON.parse(configJson) as Record<string, unknown>;
  } catch (error) {
    throw new UserError(
      'bad-stored-run',
      `the stored configuration of run ${runId} is not JSON: ${(error as Error).message}`,
    );
  }
  const upgraded: Record<string, unknown> = { ...stored };
  for (const [field, value] of Object.entries(FILLED_FOR_EARLIER_RUNS)) upgraded[field] ??= value;
  // Before protocols, estimator and n were always stored; the protocol only fills those in, so any one parses it.
  const protocol = (stored.protocol as Protocol | undefined) ?? 'none';
  if (protocol === 'none') upgraded.protocol = 'paper';
  const config = parseRunConfig(upgraded, `the configuration of run ${runId}`);
  return { config, protocol };
}

/**
 * The comparisons a run makes for its misaligned probes: the re-test control (when it has one), its strategies,
 * then its controls.
 */
export function comparisonsOf(config: Pick<RunConfig, 'retest' | 'strategies' | 'controls'>): Comparison[] {
  return [...(config.retest ? [ZERO_SHOT_RETEST] : []), ...config.strategies, ...config.controls];
}

/** Every condition a run measures: zero-shot, then its comparisons. */
export function conditionsOf(config: Pick<RunConfig, 'retest' | 'strategies' | 'controls'>): Condition[] {
  return [ZERO_SHOT, ...comparisonsOf(config)];
}
