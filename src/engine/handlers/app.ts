// The engine itself: its version and database, and the long operations it is working on.

import { WORKBENCH_VERSION } from '../../core/version.js';
import type { HandlerGroup } from '../context.js';

export const appHandlers: HandlerGroup<'app.info' | 'jobs.list' | 'jobs.cancel'> = {
  'app.info': (_params, { databasePath }) => ({ version: WORKBENCH_VERSION, databasePath, node: process.versions.node, platform: `${process.platform}-${process.arch}` }),
  'jobs.list': (_params, { jobs }) => jobs.list(),
  'jobs.cancel': ({ jobId }, { jobs }) => ({ jobId, cancelled: jobs.cancel(jobId) }),
};
