// A stored run configuration of each generation reads as the run it was: fields added since are filled with what
// that run did, never with today's defaults. Each case is a configuration as the workbench of its day stored it.

import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { parseRunConfig } from './run-config.js';
import { conditionsOf, readStoredRunConfig } from './stored-run-config.js';

/** Today's stored form: the parsed configuration, every default filled in. */
const today = parseRunConfig({
  models: ['tiny'],
  survey: 'wvs',
  languages: ['en'],
  strategies: ['chrf-all', 'random'],
  seed: 3,
});
const storedWithout = (...fields: string[]) => {
  const stored: Record<string, unknown> = JSON.parse(JSON.stringify(today));
  for (const field of fields) delete stored[field];
  return JSON.stringify(stored);
};

describe('a stored run configuration, read one way', () => {
  it("reads today's configuration as it was parsed", () => {
    const { config, protocol } = readStoredRunConfig(JSON.stringify(today), 'r-today');
    expect(config).toEqual(today);
    expect(protocol).toBe('paper');
    expect(conditionsOf(config)).toEqual(['zero-shot', 'zero-shot-retest', 'chrf-all', 'random']);
  });

  it('reads a run from before protocols, per-draw prompts, the re-test control and the validity list as it ran', () => {
    const stored = storedWithout(
      'protocol',
      'perDraw',
      'retest',
      'includeInvalidItems',
      'contestedMargin',
      'promptTemplates',
      'chatWrappers',
      'maxEvaluations',
    );
    const { config, protocol } = readStoredRunConfig(stored, 'r-first');
    expect(protocol).toBe('none');
    expect(config.perDraw).toEqual({ optionOrder: false, demonstrationOrder: false, randomDemonstrations: false });
    expect(config.retest).toBe(false);
    expect(config.includeInvalidItems).toBe(true);
    // Its estimator and n as stored, not a protocol's.
    expect({ estimator: config.estimator, n: config.n, misalignmentThreshold: config.misalignmentThreshold }).toEqual({
      estimator: today.estimator,
      n: today.n,
      misalignmentThreshold: today.misalignmentThreshold,
    });
    // It never measured the control, so no screen offers it.
    expect(conditionsOf(config)).toEqual(['zero-shot', 'chrf-all', 'random']);
  });

  it('reads a run from after protocols but before the re-test control', () => {
    const { config, protocol } = readStoredRunConfig(
      storedWithout('retest', 'includeInvalidItems', 'contestedMargin'),
      'r-protocols',
    );
    expect(protocol).toBe('paper');
    expect(config.perDraw).toEqual(today.perDraw);
    expect(config.retest).toBe(false);
    expect(config.includeInvalidItems).toBe(true);
  });

  it('reads a run from after the re-test control but before the validity list', () => {
    const { config } = readStoredRunConfig(storedWithout('includeInvalidItems', 'contestedMargin'), 'r-retest');
    expect(config.retest).toBe(true);
    expect(config.includeInvalidItems).toBe(true);
    expect(config.contestedMargin).toBe(0.1);
  });

  it('keeps what a stored configuration says over any filling', () => {
    const stored = JSON.stringify({
      ...JSON.parse(JSON.stringify(today)),
      retest: false,
      includeInvalidItems: false,
      protocol: 'precise',
    });
    const { config, protocol } = readStoredRunConfig(stored, 'r-own');
    expect({ retest: config.retest, includeInvalidItems: config.includeInvalidItems, protocol }).toEqual({
      retest: false,
      includeInvalidItems: false,
      protocol: 'precise',
    });
  });

  it('names the run when its stored configuration cannot be read', () => {
    expect(() => readStoredRunConfig('{not json', 'r-broken')).toThrow(UserError);
    expect(() => readStoredRunConfig('{not json', 'r-broken')).toThrow(/run r-broken/);
    expect(() => readStoredRunConfig(JSON.stringify({ ...JSON.parse(JSON.stringify(today)), k: 0 }), 'r-bad')).toThrow(
      /run r-bad.*k/,
    );
  });
});
