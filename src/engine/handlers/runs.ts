// Runs as jobs: validate a configuration (every problem, and the work it implies), start, cancel, resume, list,
// read, delete. A run's work goes on in the engine after `runs.start` answers, so a window that reloads or a
// second window finds it through `runs.get` and its events.

import { UserError } from '../../core/errors.js';
import {
  checkRunConfig,
  comparisonsOf,
  conditionsOf,
  isTestItem,
  readStoredRunConfig,
} from '../../core/experiment/index.js';
import { outcomeTable, runHeadline, strategyOutcomeTotals } from '../../core/report/index.js';
import { procedureChangesSince } from '../../core/version.js';
import {
  countExplanations,
  countMeasurements,
  deleteRun,
  describeRun,
  getRun,
  listRuns,
  medianEstimateSeconds,
  type Db,
  type RunRow,
} from '../../core/store/index.js';
import type { ParsedParams } from '../../shared/contract.js';
import type { EngineContext, HandlerGroup, HandlerResult } from '../context.js';
import {
  createRun,
  executeRun,
  inspectRunInputs,
  itemsLeftOut,
  pairKey,
  reopenRun,
  runWarnings,
  type PreparedRun,
} from '../run-service.js';

export const runHandlers: HandlerGroup<
  | 'runs.validate'
  | 'runs.start'
  | 'runs.cancel'
  | 'runs.resume'
  | 'runs.list'
  | 'runs.get'
  | 'runs.delete'
  | 'runs.describe'
> = {
  'runs.validate': ({ config }, { db }) => validate(db, config),

  'runs.start': async ({ config, gpu, threads, name, notes }, context) => {
    const prepared = await createRun(context.db, config, undefined, { name, notes });
    return {
      runId: prepared.runId,
      jobId: startJob(context, prepared, { gpu, threads }),
      warnings: runWarnings(prepared),
    };
  },

  'runs.resume': async ({ runId, gpu, threads }, context) => {
    if (context.jobs.active('run', runId)) throw new UserError('run-active', `run ${runId} is running already`);
    const prepared = await reopenRun(context.db, runId);
    // What it measured before follows the procedure of the version that made it; what it measures now, today's.
    const made = getRun(context.db, runId).workbenchVersion;
    const changed = procedureChangesSince(made).map(
      (c) =>
        `run ${runId} was made by workbench ${made}; what it measures from now on follows the procedure of ${c.since}: ${c.change} Start a new run for numbers made by one procedure.`,
    );
    return {
      runId,
      jobId: startJob(context, prepared, { gpu, threads }),
      warnings: [...runWarnings(prepared), ...changed],
    };
  },

  'runs.cancel': ({ runId }, { db, jobs }) => {
    getRun(db, runId);
    const job = jobs.active('run', runId);
    return {
      runId,
      cancelled: job ? jobs.cancel(job.jobId, 'the run was cancelled; what was measured is kept') : false,
    };
  },

  'runs.list': (_params, context) => listRuns(context.db).map((run) => summaryOf(context, run)),

  'runs.get': ({ runId }, context) => {
    const { db, jobs } = context;
    const run = getRun(db, runId);
    const { config } = readStoredRunConfig(run.configJson, runId);
    const records = context.results.records(runId);
    const outcomes = outcomeTable(records, config.unreadableThreshold);
    const job = jobs.active('run', runId);
    return {
      ...summaryOf(context, run, outcomes),
      config,
      conditions: conditionsOf(config),
      configHash: run.configHash,
      workbenchVersion: run.workbenchVersion,
      modelIdentities: JSON.parse(run.modelsJson) as { name: string; identity: string }[],
      progress: job ? jobs.progressOf(job.jobId) : null,
      jobId: job?.jobId ?? null,
      probes: records.length,
      misaligned: records.filter((r) => r.misaligned).length,
      explanations: countExplanations(db, runId),
      itemsLeftOut: itemsLeftOut(db, config).length,
      strategyTotals: strategyOutcomeTotals(outcomes),
      outcomes: outcomes.map((row) => ({
        model: row.model,
        language: row.language,
        country: row.country,
        condition: row.condition,
        misaligned: row.misaligned,
        improved: row.improvedCount,
        unchanged: row.unchangedCount,
        worsened: row.worsenedCount,
        mostlyUnreadable: row.mostlyUnreadable,
        invalidShare:
          row.zeroShotInvalidShare === null
            ? null
            : Math.max(row.zeroShotInvalidShare, row.meanInvalidShare ?? row.zeroShotInvalidShare),
      })),
    };
  },

  'runs.describe': ({ runId, name, notes }, context) => {
    describeRun(context.db, runId, { name, notes });
    return summaryOf(context, getRun(context.db, runId));
  },

  'runs.delete': ({ runId }, { db, jobs, results }) => {
    if (jobs.active('run', runId))
      throw new UserError('run-active', `run ${runId} is running: cancel it before deleting it`);
    deleteRun(db, runId);
    results.forget(runId);
    return { deleted: runId };
  },
};

function startJob(
  context: EngineContext,
  prepared: PreparedRun,
  local: { gpu?: ParsedParams<'runs.start'>['gpu']; threads?: number | undefined },
): string {
  const { jobId, done } = context.jobs.start('run', prepared.runId, (job) =>
    executeRun(context.db, prepared, {
      signal: job.signal,
      open: { ...(local.gpu ? { gpu: local.gpu } : {}), ...(local.threads ? { threads: local.threads } : {}) },
      onProgress: (p) =>
        job.progress({
          phase: p.phase,
          done: p.done,
          total: p.total,
          rate: p.rate,
          etaSeconds: Number.isFinite(p.etaSeconds) ? p.etaSeconds : null,
        }),
      // The results screen opens next: its tables are built while the job still holds the run, not on that click.
    }).then(() => context.results.warm(prepared.runId)),
  );
  // The run's end is announced as an event and kept in the run's row; nobody awaits `done` here.
  done.catch(() => undefined);
  return jobId;
}

function summaryOf({ db, jobs, results }: EngineContext, run: RunRow, outcomes = results.outcomes(run)) {
  const { config, protocol } = readStoredRunConfig(run.configJson, run.id);
  return {
    headline: runHeadline(outcomes),
    id: run.id,
    name: run.name,
    notes: run.notes,
    seed: config.seed,
    status: run.status,
    active: jobs.active('run', run.id) !== undefined,
    models: config.models,
    languages: config.languages.map((l) => `${l.language}/${l.country}`),
    strategies: config.strategies,
    protocol,
    estimator: config.estimator,
    n: config.n,
    measurements: countMeasurements(db, run.id),
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    error: run.error,
  };
}

/** Every problem of a configuration at once, each with where it is; then the work a valid one implies. */
async function validate(db: Db, input: unknown): Promise<HandlerResult<'runs.validate'>> {
  const checked = checkRunConfig(input);
  if (!checked.config) return { ok: false, problems: checked.problems, config: null, work: null };
  const { config } = checked;
  const problems: { path: string; message: string }[] = [];
  const { problems: inputProblems, inputs } = await inspectRunInputs(db, config);
  for (const { path, error } of inputProblems) problems.push({ path, message: error.message });
  let zeroShot = 0;
  if (inputs) {
    for (const { language, country } of config.languages) {
      const targets = inputs.targetsByPair.get(pairKey(language, country))!;
      zeroShot += inputs.probesByLanguage.get(language)!.filter((p) => isTestItem(p, targets.get(p.id), config)).length;
    }
  }
  if (problems.length > 0) return { ok: false, problems, config: null, work: null };
  if (zeroShot === 0)
    problems.push({
      path: 'languages',
      message: 'no probe of these languages has a known target answer in the chosen categories',
    });
  zeroShot *= config.models.length;
  const selfAlignedAtMost = zeroShot * comparisonsOf(config).length;
  const measurementsAtMost = zeroShot + selfAlignedAtMost;
  const perModel = config.models.map((m) => medianEstimateSeconds(db, m, config.estimator));
  const secondsPerMeasurement = perModel.every((s) => s !== undefined)
    ? perModel.reduce((a, b) => a + b!, 0) / perModel.length
    : null;
  return {
    ok: problems.length === 0,
    problems,
    config,
    work: {
      zeroShot,
      selfAlignedAtMost,
      measurementsAtMost,
      secondsPerMeasurement,
      estimatedSecondsAtMost:
        secondsPerMeasurement === null ? null : (secondsPerMeasurement * measurementsAtMost) / config.concurrency,
    },
  };
}
