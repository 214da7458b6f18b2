// Every command of the contract is called by a test. Each handler group listed here has a test file beside it that
// calls the group's commands through a recording client (src/testing/recording-client.ts) and ends by checking that
// it has called every one of them; this file checks the other half: that the listed groups hold every command of the
// contract. A command in a new group fails here until that group has such a test file and is listed.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../shared/contract.js';
import { appHandlers } from './app.js';
import { fileHandlers } from './files.js';
import { modelHandlers } from './models.js';
import { probeHandlers } from './probes.js';
import { resultHandlers } from './results.js';
import { runHandlers } from './runs.js';
import { selectionHandlers } from './selection.js';
import { surveyHandlers } from './surveys.js';

/** Each group's test file (beside this one), which checks that it has called every command of the group. */
const TESTED_GROUPS: Record<string, object> = {
  'app.test.ts': appHandlers,
  'probes.test.ts': probeHandlers,
  'surveys.test.ts': surveyHandlers,
  'selection.test.ts': selectionHandlers,
  'models.test.ts': modelHandlers,
  'runs.test.ts': runHandlers,
  'results.test.ts': resultHandlers,
};

/**
 * Groups whose test file calls their commands on the engine directly, without the recording check: that each is
 * called is seen by reading the file (files.test.ts calls its group's one command, files.list).
 */
const TESTED_WITHOUT_CHECK: Record<string, object> = {
  'files.test.ts': fileHandlers,
};

it('has a test file for each listed group, and the listed groups hold every command of the contract', () => {
  const groups = { ...TESTED_GROUPS, ...TESTED_WITHOUT_CHECK };
  const missingFiles = Object.keys(groups).filter(
    (file) => !existsSync(fileURLToPath(new URL(`./${file}`, import.meta.url))),
  );
  expect(missingFiles).toEqual([]);
  const listed = new Set(Object.values(groups).flatMap((group) => Object.keys(group)));
  expect(COMMAND_NAMES.filter((command) => !listed.has(command))).toEqual([]);
});
