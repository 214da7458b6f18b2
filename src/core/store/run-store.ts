// Runs in the database. Every measurement is written in its own transaction the moment it is known, so a run
// killed at any point (SIGKILL, power loss) loses at most the measurement in flight, and --resume continues
// from what is stored.

import { UserError } from '../errors.js';
import type { Condition } from '../demos/index.js';
import type { ExplanationRow, MeasuredResult, MeasurementKey, MeasurementRow } from '../experiment/index.js';
import type { Db } from './database.js';

export type RunStatus = 'running' | 'finished' | 'failed' | 'cancelled';

export interface RunRow {
  id: string;
  configJson: string;
  configHash: string;
  workbenchVersion: string;
  status: RunStatus;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  modelsJson: string;
  /** The researcher's name for the run and notes on it: editable, and no part of what it measures ('' when none). */
  name: string;
  notes: string;
}

export function insertRun(
  db: Db,
  run: Omit<RunRow, 'status' | 'createdAt' | 'finishedAt' | 'error' | 'name' | 'notes'> &
    Partial<Pick<RunRow, 'name' | 'notes'>>,
): void {
  db.prepare(
    `INSERT INTO runs (id, config_json, config_hash, workbench_version, status, created_at, models_json, name, notes) VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?)`,
  ).run(
    run.id,
    run.configJson,
    run.configHash,
    run.workbenchVersion,
    new Date().toISOString(),
    run.modelsJson,
    run.name ?? '',
    run.notes ?? '',
  );
}

/** Renames a run or rewrites its notes; what it measured is untouched. */
export function describeRun(
  db: Db,
  id: string,
  change: { name?: string | undefined; notes?: string | undefined },
): void {
  getRun(db, id);
  if (change.name !== undefined) db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(change.name.trim(), id);
  if (change.notes !== undefined) db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(change.notes, id);
}

export function getRun(db: Db, id: string): RunRow {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  if (!row) {
    const recent = (db.prepare('SELECT id FROM runs ORDER BY created_at DESC LIMIT 5').all() as { id: string }[]).map(
      (r) => r.id,
    );
    throw new UserError(
      'unknown-run',
      `there is no run "${id}"${recent.length ? ` (recent: ${recent.join(', ')})` : ''}`,
    );
  }
  return runOf(row);
}

export function listRuns(db: Db): RunRow[] {
  return (db.prepare('SELECT * FROM runs ORDER BY created_at').all() as Record<string, unknown>[]).map(runOf);
}

function runOf(row: Record<string, unknown>): RunRow {
  return {
    id: row.id as string,
    configJson: row.config_json as string,
    configHash: row.config_hash as string,
    workbenchVersion: row.workbench_version as string,
    status: row.status as RunStatus,
    createdAt: row.created_at as string,
    finishedAt: (row.finished_at as string | null) ?? null,
    error: (row.error as string | null) ?? null,
    modelsJson: row.models_json as string,
    name: (row.name as string | null) ?? '',
    notes: (row.notes as string | null) ?? '',
  };
}

export function setRunStatus(db: Db, id: string, status: RunStatus, error?: string): void {
  db.prepare('UPDATE runs SET status = ?, finished_at = ?, error = ? WHERE id = ?').run(
    status,
    status === 'running' ? null : new Date().toISOString(),
    error ?? null,
    id,
  );
}

export function saveMeasurement(db: Db, runId: string, m: MeasurementRow): void {
  db.prepare(
    `INSERT INTO measurements (run_id, model, language, country, probe_id, condition, category, target_option, target_share_1, target_share_2,
       prompt_json, demonstration_ids, distribution_json, cache_key, completed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    runId,
    m.model,
    m.language,
    m.country,
    m.probeId,
    m.condition,
    m.category,
    m.targetOption,
    m.targetShares[0],
    m.targetShares[1],
    m.promptJson,
    m.demonstrationIds.join(' '),
    m.distributionJson,
    m.cacheKey,
    new Date().toISOString(),
  );
}

const MEASUREMENT_ORDER = 'ORDER BY model, language, country, probe_id, condition';

function measurementOf(r: Record<string, unknown>): MeasurementRow {
  return {
    model: r.model as string,
    language: r.language as string,
    country: r.country as string,
    probeId: r.probe_id as string,
    condition: r.condition as Condition,
    category: r.category as number,
    targetOption: r.target_option as 1 | 2,
    targetShares: [r.target_share_1 as number, r.target_share_2 as number],
    promptJson: r.prompt_json as string,
    demonstrationIds: (r.demonstration_ids as string) === '' ? [] : (r.demonstration_ids as string).split(' '),
    distributionJson: r.distribution_json as string,
    cacheKey: r.cache_key as string,
  };
}

export function loadMeasurements(db: Db, runId: string): MeasurementRow[] {
  const rows = db.prepare(`SELECT * FROM measurements WHERE run_id = ? ${MEASUREMENT_ORDER}`).all(runId) as Record<
    string,
    unknown
  >[];
  return rows.map(measurementOf);
}

/** Every measurement of a run without the prompts, which are most of the bytes and only the probe detail shows. */
export function loadMeasuredResults(db: Db, runId: string): MeasuredResult[] {
  const rows = db
    .prepare(
      `SELECT model, language, country, probe_id, condition, category, target_option, target_share_1, target_share_2, demonstration_ids, distribution_json
       FROM measurements WHERE run_id = ? ${MEASUREMENT_ORDER}`,
    )
    .all(runId) as Record<string, unknown>[];
  return rows.map((r) => {
    const { promptJson: _prompt, cacheKey: _key, ...result } = measurementOf(r);
    return result;
  });
}

/** The measurements of one probe of a run (each condition), prompts included. */
export function loadProbeMeasurements(
  db: Db,
  runId: string,
  probe: { model: string; language: string; country: string; probeId: string },
): MeasurementRow[] {
  const rows = db
    .prepare(
      `SELECT * FROM measurements WHERE run_id = ? AND model = ? AND language = ? AND country = ? AND probe_id = ? ${MEASUREMENT_ORDER}`,
    )
    .all(runId, probe.model, probe.language, probe.country, probe.probeId) as Record<string, unknown>[];
  return rows.map(measurementOf);
}

export function measurementKeyString(k: MeasurementKey): string {
  return [k.model, k.language, k.country, k.probeId, k.condition].join('\u0000');
}

export function saveExplanation(db: Db, runId: string, e: ExplanationRow): void {
  db.prepare(
    `INSERT INTO explanations (run_id, model, language, country, probe_id, condition, ordinal, prompt_json, response, answer, completed_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    runId,
    e.model,
    e.language,
    e.country,
    e.probeId,
    e.condition,
    e.ordinal,
    e.promptJson,
    e.response,
    e.answer,
    new Date().toISOString(),
  );
}

export function loadExplanations(db: Db, runId: string): ExplanationRow[] {
  const rows = db
    .prepare(
      'SELECT * FROM explanations WHERE run_id = ? ORDER BY model, language, country, probe_id, condition, ordinal',
    )
    .all(runId) as Record<string, unknown>[];
  return rows.map((r) => ({
    model: r.model as string,
    language: r.language as string,
    country: r.country as string,
    probeId: r.probe_id as string,
    condition: r.condition as Condition,
    ordinal: r.ordinal as number,
    promptJson: r.prompt_json as string,
    response: r.response as string,
    answer: r.answer as string,
  }));
}

export function cachedEstimate(db: Db, cacheKey: string): string | undefined {
  return (
    db.prepare('SELECT distribution_json FROM estimate_cache WHERE cache_key = ?').get(cacheKey) as
      { distribution_json: string } | undefined
  )?.distribution_json;
}

export function cacheEstimate(db: Db, cacheKey: string, distributionJson: string): void {
  db.prepare('INSERT OR IGNORE INTO estimate_cache (cache_key, distribution_json, created_at) VALUES (?, ?, ?)').run(
    cacheKey,
    distributionJson,
    new Date().toISOString(),
  );
}

/** The keys of the explanations a run has, so a resumed run asks for none twice. */
export function loadExplanationKeys(db: Db, runId: string): { key: MeasurementKey; ordinal: number }[] {
  const rows = db
    .prepare('SELECT model, language, country, probe_id, condition, ordinal FROM explanations WHERE run_id = ?')
    .all(runId) as Record<string, string | number>[];
  return rows.map((r) => ({
    key: {
      model: String(r.model),
      language: String(r.language),
      country: String(r.country),
      probeId: String(r.probe_id),
      condition: String(r.condition) as Condition,
    },
    ordinal: Number(r.ordinal),
  }));
}

/**
 * What a run's measurements are now: they are only ever added, so their count and the latest completion stamp say
 * which there are. Results derived from them still hold while this is the same.
 */
export function measurementsStamp(db: Db, runId: string): string {
  const measured = db
    .prepare('SELECT count(*) AS n, max(completed_at) AS last FROM measurements WHERE run_id = ?')
    .get(runId) as { n: number; last: string | null };
  return `${measured.n}|${measured.last ?? ''}`;
}

export function countMeasurements(db: Db, runId: string): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM measurements WHERE run_id = ?').get(runId) as { n: number }).n;
}

export function countExplanations(db: Db, runId: string): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM explanations WHERE run_id = ?').get(runId) as { n: number }).n;
}

/** Deletes a run with its measurements and explanations, in one transaction. Estimates cached by it stay for other runs. */
/** The tables kept for a run and report seed, if they were derived under `derivedFrom` (see results_cache). */
export function cachedResultsTables(db: Db, runId: string, seed: number, derivedFrom: string): string | undefined {
  const row = db
    .prepare('SELECT tables_json FROM results_cache WHERE run_id = ? AND seed = ? AND derived_from = ?')
    .get(runId, seed, derivedFrom) as { tables_json: string } | undefined;
  return row?.tables_json;
}

export function cacheResultsTables(db: Db, runId: string, seed: number, derivedFrom: string, tablesJson: string): void {
  db.prepare('INSERT OR REPLACE INTO results_cache (run_id, seed, derived_from, tables_json) VALUES (?, ?, ?, ?)').run(
    runId,
    seed,
    derivedFrom,
    tablesJson,
  );
}

export function deleteRun(db: Db, runId: string): void {
  getRun(db, runId);
  db.transaction(() => {
    db.prepare('DELETE FROM results_cache WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM explanations WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM measurements WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
  })();
}

/**
 * The median wall time of one estimate in this database's earlier runs of a model with an estimator, in seconds;
 * undefined when it has none. What `runs.validate` bases its time estimate on.
 */
export function medianEstimateSeconds(db: Db, model: string, estimator: string): number | undefined {
  const rows = db
    .prepare('SELECT distribution_json FROM measurements WHERE model = ? ORDER BY completed_at DESC LIMIT 500')
    .all(model) as { distribution_json: string }[];
  const times = rows
    .map((r) => JSON.parse(r.distribution_json) as { estimator: string; wallMs: number })
    .filter((d) => d.estimator === estimator && Number.isFinite(d.wallMs))
    .map((d) => d.wallMs / 1000)
    .sort((a, b) => a - b);
  return times.length ? times[Math.floor(times.length / 2)] : undefined;
}
