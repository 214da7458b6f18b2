// The engine itself: its version and database, and the long operations it is working on.

import { DEFAULT_EXCLUDED_CATEGORIES, WVS_CATEGORIES } from '../../core/data/index.js';
import { SELECTION_STRATEGIES } from '../../core/demos/index.js';
import { PROTOCOL_DEFAULTS, PROTOCOLS } from '../../core/experiment/index.js';
import { DEFAULT_PROMPT_TEMPLATE } from '../../core/prompt/index.js';
import { DEFAULT_COUNTRY_OF_LANGUAGE } from '../../core/survey/index.js';
import { WORKBENCH_VERSION } from '../../core/version.js';
import type { HandlerGroup } from '../context.js';

export const appHandlers: HandlerGroup<'app.info' | 'jobs.list' | 'jobs.cancel'> = {
  'app.info': (_params, { databasePath }) => ({
    version: WORKBENCH_VERSION,
    databasePath,
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    // The method's words, so that a front end's forms name them as the engine does.
    vocabulary: {
      categories: WVS_CATEGORIES.map((c) => ({
        number: c.number,
        name: c.name,
        excludedByDefault: DEFAULT_EXCLUDED_CATEGORIES.includes(c.number),
      })),
      strategies: [...SELECTION_STRATEGIES],
      protocols: PROTOCOLS.map((name) => ({ name, ...PROTOCOL_DEFAULTS[name] })),
      defaultCountries: { ...DEFAULT_COUNTRY_OF_LANGUAGE },
      defaultPromptTemplate: { ...DEFAULT_PROMPT_TEMPLATE },
    },
  }),
  'jobs.list': (_params, { jobs }) => jobs.list(),
  'jobs.cancel': ({ jobId }, { jobs }) => ({ jobId, cancelled: jobs.cancel(jobId) }),
};
