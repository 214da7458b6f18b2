// Which probes a run asks: usable two-option probes of its categories whose country has a majority answer, less
// those known to be invalid as published unless the run includes them. The runner, the work estimate of
// `runs.validate` and the report's list of left-out items all follow these two rules.

import { isUsable, type Probe } from '../data/index.js';
import type { TargetAnswer } from '../survey/index.js';
import type { RunConfig } from './run-config.js';

/** A probe the run leaves out, as test item and as demonstration, because it does not ask what its WVS question asks. */
export function isLeftOutAsInvalid(
  probe: Pick<Probe, 'validity'>,
  config: Pick<RunConfig, 'includeInvalidItems'>,
): boolean {
  return config.includeInvalidItems === false && Boolean(probe.validity);
}

/** A probe the run measures zero-shot (and self-aligns when it is misaligned). */
export function isTestItem(
  probe: Probe,
  target: TargetAnswer,
  config: Pick<RunConfig, 'includeInvalidItems' | 'categories'>,
): target is Extract<TargetAnswer, { kind: 'majority' }> {
  return (
    isUsable(probe) &&
    !isLeftOutAsInvalid(probe, config) &&
    config.categories.includes(probe.category) &&
    target.kind === 'majority'
  );
}
