// Runs on the workbench's database: the glue between a stored configuration, the registered models, the
// imported probes and survey, and the experiment runner. `createRun` and `reopenRun` check everything a run
// needs before any work and leave a run row; `executeRun` does the work and keeps the row's status true. A run
// that stops for any reason (a fault, a cancel, a killed process) stays resumable to the same results.

import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { UserError } from '../core/errors.js';
import {
  configHash,
  isLeftOutAsInvalid,
  runExperiment,
  layoutOf,
  parseRunConfig,
  readStoredRunConfig,
  type RunConfig,
  type RunJournal,
  type RunModel,
  type RunOptions,
} from '../core/experiment/index.js';
import {
  chatModeOf,
  DEFAULT_CONCURRENCY_PER_SERVER,
  identityOf,
  LocalModel,
  needsServerAnswer,
  openModel,
  resolveChatMode,
  type ChatMode,
  type ChatModeOptions,
  type RegisteredModel,
  type OpenOptions,
} from '../core/models/index.js';
import { readStoredDistribution } from '../core/sampling/index.js';
import {
  cachedEstimate,
  cacheEstimate,
  insertRun,
  getModel,
  getRun,
  loadExplanationKeys,
  loadMeasurements,
  loadProbes,
  loadSurveyCells,
  measurementKeyString,
  saveExplanation,
  saveMeasurement,
  setRunStatus,
  type Db,
} from '../core/store/index.js';
import { builtinAnswerKey, countryTargets, type AnswerKey, type CountryTargets } from '../core/survey/index.js';
import { WORKBENCH_VERSION } from '../core/version.js';
import { isUsable, languageName, type Probe } from '../core/data/index.js';

/** The journal of one run on the database: each measurement its own transaction, committed at once. */
function databaseJournal(db: Db, runId: string): RunJournal {
  const known = new Map(loadMeasurements(db, runId).map((m) => [measurementKeyString(m), m]));
  const explained = new Set(
    loadExplanationKeys(db, runId).map(({ key, ordinal }) => `${measurementKeyString(key)}\u0000${ordinal}`),
  );
  return {
    measurement: (key) => known.get(measurementKeyString(key)),
    saveMeasurement: (row) => {
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
      return json === undefined ? undefined : readStoredDistribution(json);
    },
    cacheEstimate: (cacheKey, distribution) => cacheEstimate(db, cacheKey, JSON.stringify(distribution)),
  };
}

function chatModeOptions(config: RunConfig, record: RegisteredModel): ChatModeOptions {
  return { chat: config.chat, estimator: config.estimator, chatWrapper: config.chatWrappers?.[record.name] };
}

/** Each model's chat mode, decided when the run is created (asking the servers that decide it). */
async function decideChatModes(config: RunConfig, records: readonly RegisteredModel[]): Promise<Map<string, ChatMode>> {
  const modes = new Map<string, ChatMode>();
  for (const record of records) {
    const options = chatModeOptions(config, record);
    if (!needsServerAnswer(record, options)) {
      modes.set(record.name, chatModeOf(record, options));
      continue;
    }
    const model = await openModel(record);
    try {
      modes.set(record.name, await resolveChatMode(record, options, model));
    } finally {
      await model.close();
    }
  }
  return modes;
}

/** What the user should hear before the run starts: models that will get the plain prompt, and why. */
export function runWarnings(prepared: Pick<PreparedRun, 'chatModes' | 'records' | 'config'>): string[] {
  return [
    ...[...prepared.chatModes.values()].flatMap((mode) => mode.warning ?? []),
    ...idleServerWarnings(prepared.records, prepared.config.concurrency),
  ];
}

/**
 * API models whose servers could take more requests at once than the run sends: the run's concurrency is the
 * total in flight, spread over a model's servers, so a cluster at concurrency 1 works one request at a time.
 */
function idleServerWarnings(records: readonly RegisteredModel[], concurrency: number): string[] {
  return records.flatMap((record) => {
    if (record.kind === 'gguf') return [];
    const servers = record.baseUrls?.length || 1;
    const capacity = servers * (record.concurrencyPerServer ?? DEFAULT_CONCURRENCY_PER_SERVER);
    if (concurrency >= capacity) return [];
    const over = servers > 1 ? `its ${servers} servers` : 'its server';
    return [
      `model "${record.name}": ${over} take ${capacity} requests at once and the run sends at most ${concurrency}; a concurrency of ${capacity} uses them all`,
    ];
  });
}

/** A run's models as its row keeps them: what makes results comparable, and the chat mode decided at its start. */
interface StoredRunModel {
  name: string;
  identity: string;
  /** Absent in runs from before the chat mode was stored. */
  chatMode?: ChatMode;
}

/** The key of a language of a run and the country it is paired with. */
export function pairKey(language: string, country: string): string {
  return `${language}/${country}`;
}

/** A run row that exists, with everything its work needs already checked and loaded. */
export interface PreparedRun {
  runId: string;
  config: RunConfig;
  records: RegisteredModel[];
  probesByLanguage: Map<string, Probe[]>;
  /**
   * Per language of the run (pairKey(language, country)): its country's targets in its survey import, and those
   * of each country a control takes labels from.
   */
  targetsByPair: Map<string, CountryTargets>;
  /** Per model: chat messages or the plain prompt, kept for the run's resumes. */
  chatModes: Map<string, ChatMode>;
}

/** Checks everything a run needs before any work: models and their files, probe sets, languages, survey and countries. */
/** A problem with what a run configuration names, at its place in the configuration ("models.0", "languages.1.country"). */
export interface RunInputProblem {
  path: string;
  error: UserError;
}

/**
 * Everything a configuration names, checked at once: each model registered (and its file there), each language's
 * probes, each country's targets in the survey. The one input check of runs.validate (which lists every problem)
 * and of starting or resuming a run (which stops at the first).
 */
export async function inspectRunInputs(
  db: Db,
  config: RunConfig,
  answerKey?: AnswerKey,
): Promise<{ problems: RunInputProblem[]; inputs: Omit<PreparedRun, 'runId' | 'chatModes'> | undefined }> {
  const problems: RunInputProblem[] = [];
  const attempt = <T>(path: string, check: () => T): T | undefined => {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push({ path, error });
      return undefined;
    }
  };
  const records = config.models.map((name, i) =>
    attempt(`models.${i}`, () => {
      const record = getModel(db, name);
      if (record.kind === 'gguf' && !existsSync(record.path))
        throw new UserError('model-file-missing', `the model file of "${name}" is missing: ${record.path}`);
      return record;
    }),
  );
  const probes = config.languages.map(({ language, probeSet }, i) =>
    attempt(`languages.${i}`, () => loadProbes(db, probeSet, language)),
  );
  const key = answerKey ?? (await builtinAnswerKey());
  const targets = config.languages.map(({ language, country, survey }, i) =>
    attempt(`languages.${i}.country`, () => {
      try {
        return countryTargets(country, key, loadSurveyCells(db, survey, country));
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        // Said of the language it concerns, in the user's words, not the configuration's path.
        throw new UserError(error.code, `${languageName(language)} → ${country}: ${error.message}`);
      }
    }),
  );
  // A control with another country's labels needs that country's answers in every language's survey import.
  const otherTargets: [string, CountryTargets | undefined][] = [];
  config.controls.forEach((id, i) => {
    const labels = layoutOf(id, config).labels;
    if (labels.kind !== 'other-country') return;
    for (const { language, survey } of config.languages)
      otherTargets.push([
        pairKey(language, labels.country),
        attempt(`controls.${i}`, () => {
          try {
            return countryTargets(labels.country, key, loadSurveyCells(db, survey, labels.country));
          } catch (error) {
            if (!(error instanceof UserError)) throw error;
            throw new UserError(error.code, `the control "${id}", for ${languageName(language)}: ${error.message}`);
          }
        }),
      ]);
  });
  if (problems.length > 0) return { problems, inputs: undefined };
  return {
    problems,
    inputs: {
      config,
      records: records as RegisteredModel[],
      probesByLanguage: new Map(config.languages.map(({ language }, i) => [language, probes[i]!])),
      targetsByPair: new Map([
        ...otherTargets.map(([pair, answers]): [string, CountryTargets] => [pair, answers!]),
        ...config.languages.map(({ language, country }, i): [string, CountryTargets] => [
          pairKey(language, country),
          targets[i]!,
        ]),
      ]),
    },
  };
}

/** The inputs of a run to start or resume; the first problem with them is thrown. */
export async function checkRunInputs(
  db: Db,
  config: RunConfig,
  answerKey?: AnswerKey,
): Promise<Omit<PreparedRun, 'runId' | 'chatModes'>> {
  const { problems, inputs } = await inspectRunInputs(db, config, answerKey);
  if (!inputs) throw problems[0]!.error;
  return inputs;
}

export async function createRun(
  db: Db,
  input: unknown,
  answerKey?: AnswerKey,
  description: { name?: string | undefined; notes?: string | undefined } = {},
): Promise<PreparedRun> {
  const config = parseRunConfig(input);
  const inputs = await checkRunInputs(db, config, answerKey);
  const prepared = { ...inputs, chatModes: await decideChatModes(config, inputs.records) };
  const hash = configHash(config);
  const runId = `run-${createHash('sha256')
    .update(`${hash}:${Date.now()}:${process.pid}:${Math.floor(performance.now() * 1000)}`)
    .digest('hex')
    .slice(0, 10)}`;
  insertRun(db, {
    id: runId,
    configJson: JSON.stringify(config),
    configHash: hash,
    workbenchVersion: WORKBENCH_VERSION,
    name: description.name?.trim() ?? '',
    notes: description.notes ?? '',
    modelsJson: JSON.stringify(
      prepared.records.map((r): StoredRunModel => ({
        name: r.name,
        identity: identityOf(r),
        chatMode: prepared.chatModes.get(r.name)!,
      })),
    ),
  });
  return { runId, ...prepared };
}

/** A run that stopped, checked again (its models must be the same files and servers) and marked running. */
export async function reopenRun(db: Db, runId: string, answerKey?: AnswerKey): Promise<PreparedRun> {
  const run = getRun(db, runId);
  if (run.status === 'finished') throw new UserError('run-finished', `run ${runId} has already finished`);
  // A run stored before a feature continues as it began: it keeps the work it planned.
  const { config } = readStoredRunConfig(run.configJson, runId);
  const inputs = await checkRunInputs(db, config, answerKey);
  const storedModels = JSON.parse(run.modelsJson) as StoredRunModel[];
  const chatModes = new Map<string, ChatMode>();
  for (const record of inputs.records) {
    const before = storedModels.find((m) => m.name === record.name);
    if (before?.identity !== identityOf(record)) {
      throw new UserError(
        'model-changed',
        `model "${record.name}" is not the one run ${runId} started with (${before?.identity} then, ${identityOf(record)} now); start a new run instead`,
      );
    }
    // The chat mode the run began with, so that a resumed run equals an uninterrupted one. Runs from before it
    // was stored sent exact estimates on OpenAI-compatible servers the plain prompt.
    const options = chatModeOptions(config, record);
    chatModes.set(
      record.name,
      before.chatMode ??
        chatModeOf(
          record,
          options,
          needsServerAnswer(record, options)
            ? { available: false, reason: `run ${runId} began before chat log-probabilities were asked for` }
            : undefined,
        ),
    );
  }
  setRunStatus(db, runId, 'running');
  return { runId, ...inputs, chatModes };
}

/**
 * The probes a run leaves out because they do not ask what their WVS question asks (data/item-validity.csv), per
 * language, among the usable probes of its categories; none when the run includes them.
 */
export function itemsLeftOut(db: Db, config: RunConfig): { language: string; probeId: string; reason: string }[] {
  return config.languages.flatMap(({ language, probeSet }) => {
    let probes: Probe[];
    try {
      probes = loadProbes(db, probeSet, language);
    } catch {
      return []; // the set was deleted since
    }
    return probes
      .filter((p) => isUsable(p) && config.categories.includes(p.category) && isLeftOutAsInvalid(p, config))
      .map((p) => ({ language, probeId: p.id, reason: p.validity! }));
  });
}

export interface ExecuteOptions extends RunOptions {
  open?: OpenOptions;
}

/** Does the run's work; its status ends as finished, cancelled (the signal fired) or failed, and the error is rethrown. */
export async function executeRun(db: Db, prepared: PreparedRun, options: ExecuteOptions = {}): Promise<void> {
  const { runId, config } = prepared;
  const models: RunModel[] = [];
  try {
    for (const record of prepared.records) {
      const mode = prepared.chatModes.get(record.name)!;
      const model = await openModel(record, { sequences: config.concurrency, ...options.open });
      if (mode.chatWrapper && model instanceof LocalModel) model.chatWrapperType = mode.chatWrapper;
      models.push({
        name: record.name,
        model,
        sampling: record.sampling,
        identity: identityOf(record),
        chat: mode.chat,
        // A control's system content goes to a system message only where the chat template takes one.
        systemMessages: mode.chat && (!(model instanceof LocalModel) || model.takesSystemMessages()),
      });
    }
    await runExperiment(
      {
        config,
        models,
        probes: (language) => prepared.probesByLanguage.get(language)!,
        targets: (language, country) => prepared.targetsByPair.get(pairKey(language, country))!,
      },
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
