// Where tests find the real data in ../shared/data, and the one rule for when they may skip without it:
// only when the folder is absent and REQUIRE_SHARED_DATA is not set. CI sets it, so missing data fails there
// instead of silently turning the data-backed tests into skips.

import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { sharedDataDir } from './shared-data-dir.js';

export { sharedDataDir };

/** The countries of the shared data's aggregated WVS shares (wvs/country_distributions.csv), in alphabetical order. */
export const SHARES_COUNTRIES: readonly string[] = [
  'BGD',
  'DEU',
  'GRC',
  'IDN',
  'IRN',
  'MYS',
  'PAK',
  'PHL',
  'ROU',
  'SRB',
  'TUR',
  'USA',
];

/** Any non-empty value counts as set, so `REQUIRE_SHARED_DATA=1` and `=true` both demand the data. */
function sharedDataRequired(): boolean {
  const value = process.env.REQUIRE_SHARED_DATA;
  return value !== undefined && value !== '';
}

/**
 * A `describe` for tests that read `sharedDataDir`. Vitest still runs the body of a skipped suite to collect
 * its tests, so read the data inside the tests (or a `beforeAll`), not in the body itself.
 */
export function describeWithSharedData(name: string, fn: () => void): void {
  const present = existsSync(sharedDataDir);
  if (!present && sharedDataRequired()) {
    describe(name, () => {
      it('has the shared data it needs', () => {
        throw new Error(`REQUIRE_SHARED_DATA is set but the shared data folder is missing: ${sharedDataDir}`);
      });
    });
    return;
  }
  describe.skipIf(!present)(name, fn);
}
