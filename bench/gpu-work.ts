// The work that bench:gpu prices at a GPU's rates: the tokens of the English runs in both protocols, counted on the
// tiny model (whose answers are shaped like a real model's), and the size of the 14-language grid (English and
// Arora et al.'s 13 languages, each paired with the paper's country): how many test items each language has, as
// `runs.validate` counts them from the probes imported as a user imports them. Both depend on the data and the
// method, not on the machine, so bench:gpu:pack counts them here, beside the shared data, and a bare GPU machine
// gets the counts alone. Also the answer shares the benchmarks read: the shared data's where they are there,
// seeded synthetic ones for every country they lack (the amount of work depends on which probes have a target and
// which are misaligned, not on why).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Llama } from 'node-llama-cpp';
import { findPreset, inspectGguf, writeTinyModel } from '../src/core/models/index.js';
import { deriveSeed, SeededRandom } from '../src/core/random/index.js';
import type { ResponseDistribution } from '../src/core/sampling/index.js';
import { loadMeasurements, openDatabase, saveModel, saveSurvey } from '../src/core/store/index.js';
import { builtinAnswerKey, DEFAULT_COUNTRY_OF_LANGUAGE, readSurveyFile } from '../src/core/survey/index.js';
import { createEngine } from '../src/engine/index.js';
import { createRun, executeRun } from '../src/engine/run-service.js';

export const SAMPLING = findPreset('llama-3-8b-instruct')!.sampling;

/** The grid's languages, each with the country the paper pairs it with. */
export const GRID = Object.entries(DEFAULT_COUNTRY_OF_LANGUAGE).map(([language, country]) => ({ language, country }));

export interface GridLanguage {
  language: string;
  country: string;
  testItems: number;
}

/**
 * The answer shares the runs read, written to `into`: `file`'s (when there is one) and seeded shares over every
 * code the answer key knows, in the aggregate layout, for each grid country it lacks.
 */
export async function answerShares(file: string | undefined, into: string): Promise<string> {
  const lines = file
    ? readFileSync(file, 'utf8').trimEnd().split('\n')
    : ['country_iso3,question_id,answer_code,share,source'];
  const present = new Set(lines.slice(1).map((line) => line.slice(0, line.indexOf(','))));
  const entries = (await builtinAnswerKey()).entries;
  for (const { country } of GRID) {
    if (present.has(country)) continue;
    const random = new SeededRandom(deriveSeed(7, country));
    const seen = new Set<string>();
    for (const entry of entries) {
      if (seen.has(entry.variable)) continue;
      seen.add(entry.variable);
      const codes = [...new Set([...entry.option1, ...entry.option2])].sort((a, b) => a - b);
      const weights = codes.map(() => random.float() + 0.05);
      const total = weights.reduce((a, b) => a + b, 0);
      codes.forEach((code, i) =>
        lines.push(`${country},${entry.variable},${code},${(weights[i]! / total).toFixed(6)},synthetic`),
      );
    }
  }
  writeFileSync(into, `${lines.join('\n')}\n`);
  return into;
}

/**
 * Test items per grid language, in a fresh database in `dir`: English from the built-in set, the others from
 * `probes` (probes.zip or its folder); English only when that is absent.
 */
export async function countGridTestItems(options: {
  dir: string;
  surveyFile: string;
  probes?: string | undefined;
  categories?: number[] | undefined;
}): Promise<GridLanguage[]> {
  const model = await writeTinyModel(path.join(options.dir, 'grid-count.gguf'));
  const engine = createEngine({ databasePath: path.join(options.dir, 'grid-count.sqlite') });
  try {
    await engine.client.models.addGguf({
      path: path.resolve(model.path),
      name: 'model',
      preset: 'llama-3-8b-instruct',
    });
    await engine.client.surveys.import({ path: path.resolve(options.surveyFile), name: 'shares' });
    const withArora = options.probes !== undefined && existsSync(options.probes);
    if (withArora) await engine.client.probes.import({ path: path.resolve(options.probes!), name: 'arora' });
    const counted: GridLanguage[] = [];
    for (const { language, country } of GRID) {
      if (language !== 'en' && !withArora) continue;
      const languages = [{ language, country, probeSet: language === 'en' ? 'builtin' : 'arora' }];
      const { work, problems } = await engine.client.runs.validate({
        config: {
          models: ['model'],
          survey: 'shares',
          languages,
          ...(options.categories ? { categories: options.categories } : {}),
        },
      });
      if (!work) throw new Error(`the grid's ${language}: ${problems.map((p) => p.message).join('; ')}`);
      counted.push({ language, country, testItems: work.zeroShot });
    }
    return counted;
  } finally {
    await engine.close();
  }
}

/** What one English run evaluated, and how long it took where it ran. */
export interface RunWork {
  protocol: string;
  estimator: string;
  n: number;
  measurements: number;
  promptTokens: number;
  /** Kept in the KV cache from the prompt before (the shared beginnings), so never evaluated. */
  cachedPromptTokens: number;
  generatedTokens: number;
  seconds: number;
}

export interface GpuWork {
  survey: string;
  categories: number[] | 'the defaults';
  runs: { paper: RunWork; precise: RunWork };
  grid: GridLanguage[];
}

/** The English set in one protocol, on one model, in a database of its own in `dir`. */
export async function englishRun(options: {
  dir: string;
  name: string;
  modelPath: string;
  surveyFile: string;
  llama: Llama;
  protocol: 'paper' | 'precise';
  sequences?: number;
  categories?: number[] | undefined;
}): Promise<RunWork> {
  const db = openDatabase(path.join(options.dir, `${options.name}.sqlite`));
  try {
    saveSurvey(db, 'shares', options.surveyFile, await readSurveyFile(options.surveyFile));
    saveModel(db, {
      name: 'model',
      kind: 'gguf',
      path: options.modelPath,
      sampling: SAMPLING,
      info: await inspectGguf(options.modelPath),
    });
    const started = performance.now();
    const sequences = options.sequences ?? 1;
    const prepared = await createRun(db, {
      models: ['model'],
      survey: 'shares',
      languages: ['en'],
      seed: 1,
      concurrency: sequences,
      protocol: options.protocol,
      ...(options.categories ? { categories: options.categories } : {}),
    });
    await executeRun(db, prepared, { open: { llama: options.llama, sequences } });
    const seconds = (performance.now() - started) / 1000;
    const distributions = loadMeasurements(db, prepared.runId).map(
      (m) => JSON.parse(m.distributionJson) as ResponseDistribution,
    );
    const sum = (field: 'promptTokens' | 'cachedPromptTokens' | 'tokenEvaluations') =>
      distributions.reduce((total, d) => total + (d[field] ?? 0), 0);
    return {
      protocol: prepared.config.protocol,
      estimator: prepared.config.estimator,
      n: prepared.config.n,
      measurements: distributions.length,
      promptTokens: sum('promptTokens'),
      cachedPromptTokens: sum('cachedPromptTokens'),
      generatedTokens: sum('tokenEvaluations'),
      seconds: +seconds.toFixed(2),
    };
  } finally {
    db.close();
  }
}

/** The English runs of both protocols on the tiny model, and the grid's test items. */
export async function measureWork(options: {
  dir: string;
  surveyFile: string;
  surveyLabel: string;
  llama: Llama;
  probes?: string | undefined;
  categories?: number[] | undefined;
}): Promise<GpuWork> {
  const tiny = await writeTinyModel(path.join(options.dir, 'work-tiny.gguf'));
  const run = (protocol: 'paper' | 'precise') =>
    englishRun({ ...options, name: `work-${protocol}`, modelPath: tiny.path, protocol });
  return {
    survey: options.surveyLabel,
    categories: options.categories ?? 'the defaults',
    runs: { paper: await run('paper'), precise: await run('precise') },
    grid: await countGridTestItems(options),
  };
}

/** Seconds for a run's tokens at llama.cpp's rates on one sequence (runs evaluate one sequence at a time). */
export function projectedSeconds(
  work: Pick<RunWork, 'promptTokens' | 'cachedPromptTokens' | 'generatedTokens'>,
  rates: { promptTokensPerSecond: number; generationTokensPerSecond: number },
): number {
  return +(
    (work.promptTokens - work.cachedPromptTokens) / rates.promptTokensPerSecond +
    work.generatedTokens / rates.generationTokensPerSecond
  ).toFixed(2);
}
