// The short run of the tiny model the engine's and the browser's tests share: English with the answer shares from
// ../shared/data, two WVS categories, two strategies beside the re-test control, and explanations of a few tokens.
// A few seconds on two cores; register the model as "tiny" and the survey as "shares" first, or open a database
// with both (tinyRunDatabase).

import path from 'node:path';
import { inspectGguf } from '../core/models/index.js';
import { openDatabase, saveModel, saveSurvey, type Db } from '../core/store/index.js';
import { readSurveyFile } from '../core/survey/index.js';
import { sharedDataDir } from './shared-data-dir.js';
import { tinyModelPath } from './tiny-model.js';

export const TINY_ENGLISH_RUN = {
  models: ['tiny'],
  survey: 'shares',
  languages: ['en'],
  categories: [1, 2],
  strategies: ['chrf-all', 'random'],
  seed: 1,
  explanations: { enabled: true, perProbe: 1, maxTokens: 12 },
};

/** A database at `file` with the answer shares of ../shared/data stored as "shares" and the tiny model as "tiny". */
export async function tinyRunDatabase(file: string): Promise<Db> {
  const db = openDatabase(file);
  const shares = path.join(sharedDataDir, 'wvs/country_distributions.csv');
  saveSurvey(db, 'shares', shares, await readSurveyFile(shares));
  const model = await tinyModelPath();
  saveModel(db, {
    name: 'tiny',
    kind: 'gguf',
    path: model,
    sampling: { temperature: 0.6, topP: 0.9, topK: 50 },
    info: await inspectGguf(model),
  });
  return db;
}
