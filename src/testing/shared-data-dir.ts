// Where the real data beside the repository is (../shared/data), for tests, benchmarks and studies alike; the
// rule for when a test may skip without it is in shared-data.ts.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

// This file sits at src/testing/, so the repository root is two folders up.
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of the shared data folder that sits beside the repository. */
export const sharedDataDir: string = path.resolve(repoRoot, '../shared/data');
