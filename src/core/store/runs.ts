// Starting and resuming runs on the workbench's database: the glue between the stored configuration, the
// registered models, the imported probes and survey, and the experiment runner. A run that stops for any reason
// (a fault, a cancel, a killed process) stays resumable; `resumeRun` continues it to the same results.

import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';
import { loadProbes } from './probe-store.js';
import { loadSurveyCells } from './survey-store.js';
import { getModel } from './model-store.js';
import {
  createRun,
  getRun,
  loadMeasurements,
  measurementKeyString,
  saveMeasurement,
  saveExplanation,
  setRunStatus,
  cachedEstimate,
  cacheEstimate,
} from './run-store.js';
import type { Db } from './database.js';
import { configHash, executeRun, parseRunConfig, type RunConfig, type RunModel, type RunJournal, type RunOptions, type MeasurementRow } from '../experiment/index.js';
import { openModel, type ModelRecord, type OpenOptions } from '../models/index.js';
import { builtinAnswerKey, countryTargets, type AnswerKey } from '../survey/index.js';
import type { ResponseDistribution } from '../sampling/index.js';

const { version: WORKBENCH_VERSION } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };

function identityOf(record: ModelRecord): string {
  return record.kind === 'gguf' ? `gguf:${record.info?.sha256 ?? record.path}` : `${record.kind}:${record.remoteModel}@${(record.baseUrls ?? []).join(',')}`;
}

/** The journal of one run on the database: each measurement its own transaction, committed at once. */
export function databaseJournal(db: Db, runId: string): RunJournal {
  const known = new Map(loadMeasurements(db, runId).map((m) => [measurementKeyString(m), m]));
  const explained = new Set(
    (db.prepare('SELECT model, language, country, probe_id, condition, ordinal FROM explanations WHERE run_id = ?').all(runId) as Record<string, string | number>[]).map(
      (r) => `${measurementKeyString({ model: String(r.model), language: String(r.language), country: String(r.country), probeId: String(r.probe_id), condition: String(r.condition) })}\u0000${r.ordinal}`,
    ),
  );
  return {
    measurement: (key) => known.get(measurementKeyString(key)),
    saveMeasurement: (row: MeasurementRow) => {
      saveMeasurement(db, runId, row);
      known.set(measurementKeyString(row), row);
    },
    hasExplanation: (key, ordinal) => explained.has(`${measurementKeyString(key)}\u0000${ordinal}`),
    saveExplanation: (row) => {
      saveExplanation(db, runId, row);
      explained.add(`${measurementKeyString(row)}\u0000${row.ordinal}`);
    },
    cachedEstimate: (cacheKey) => {
      const json = cachedEstimate(db, cacheKey);
      return json === undefined ? undefined : (JSON.parse(json) as ResponseDistribution);
    },
    cacheEstimate: (cacheKey, distribution) => cacheEstimate(db, cacheKey, JSON.stringify(distribution)),
  };
}

export interface RunStartOptions extends RunOptions {
  open?: OpenOptions;
  answerKey?: AnswerKey;
  /** Called with the run's id as soon as it exists (before any work), so a caller can show it. */
  onStarted?: (runId: string) => void;
}

/** Checks everything a run needs before any work: models, probe set, languages, survey and countries. */
async function prepare(db: Db, config: RunConfig, options: RunStartOptions) {
  const records = config.models.map((name) => getModel(db, name));
  for (const record of records) {
    if (record.kind === 'gguf' && !existsSync(record.path!)) throw new UserError('model-file-missing', `the model file of "${record.name}" is missing: ${record.path}`);
  }
  const probesByLanguage = new Map(config.languages.map(({ language, probeSet }) => [language, loadProbes(db, probeSet, language)]));
  const key = options.answerKey ?? (await builtinAnswerKey());
  const targetsByCountry = new Map(config.languages.map(({ country }) => [country, countryTargets(country, key, loadSurveyCells(db, config.survey, country))]));
  return { records, probesByLanguage, targetsByCountry };
}

export async function startRun(db: Db, input: unknown, options: RunStartOptions = {}): Promise<string> {
  const config = parseRunConfig(input);
  const prepared = await prepare(db, config, options);
  const hash = configHash(config);
  const id = `run-${createHash('sha256').update(`${hash}:${Date.now()}:${process.pid}`).digest('hex').slice(0, 10)}`;
  createRun(db, { id, configJson: JSON.stringify(config), configHash: hash, workbenchVersion: WORKBENCH_VERSION, modelsJson: JSON.stringify(prepared.records.map((r) => ({ name: r.name, identity: identityOf(r) }))) });
  options.onStarted?.(id);
  await execute(db, id, config, prepared, options);
  return id;
}

export async function resumeRun(db: Db, runId: string, options: RunStartOptions = {}): Promise<void> {
  const run = getRun(db, runId);
  if (run.status === 'finished') throw new UserError('run-finished', `run ${runId} has already finished`);
  const config = parseRunConfig(JSON.parse(run.configJson), `the configuration of run ${runId}`);
  const prepared = await prepare(db, config, options);
  const identities = JSON.parse(run.modelsJson) as { name: string; identity: string }[];
  for (const record of prepared.records) {
    const before = identities.find((m) => m.name === record.name)?.identity;
    if (before !== identityOf(record)) {
      throw new UserError('model-changed', `model "${record.name}" is not the one run ${runId} started with (${before} then, ${identityOf(record)} now); start a new run instead`);
    }
  }
  setRunStatus(db, runId, 'running');
  options.onStarted?.(runId);
  await execute(db, runId, config, prepared, options);
}

async function execute(db: Db, runId: string, config: RunConfig, prepared: Awaited<ReturnType<typeof prepare>>, options: RunStartOptions): Promise<void> {
  const models: RunModel[] = [];
  try {
    for (const record of prepared.records) {
      models.push({ name: record.name, model: await openModel(record, { sequences: config.concurrency, ...options.open }), sampling: record.sampling, identity: identityOf(record) });
    }
    await executeRun(
      { config, models, probes: (language) => prepared.probesByLanguage.get(language)!, targets: (country) => prepared.targetsByCountry.get(country)! },
      databaseJournal(db, runId),
      options,
    );
    setRunStatus(db, runId, 'finished');
  } catch (error) {
    const cancelled = options.signal?.aborted === true;
    setRunStatus(db, runId, cancelled ? 'cancelled' : 'failed', (error as Error).message);
    throw error;
  } finally {
    for (const m of models) await m.model.close();
  }
}
