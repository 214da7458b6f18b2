// What the engine derives from a run's measurements for the screens, kept while it still holds: the per-probe
// records and every table. One service per engine (in its context), so the results handlers and the runs handlers
// share it and no module keeps state of its own.

import {
  probeRecords,
  readStoredRunConfig,
  type MeasuredResult,
  type ProbeRecord,
  type RunConfig,
} from '../core/experiment/index.js';
import { outcomeTable, resultsTables } from '../core/report/index.js';
import {
  cachedResultsTables,
  cacheResultsTables,
  getRun,
  loadMeasuredResults,
  measurementsStamp,
  probeSetsStamp,
  type Db,
  type RunRow,
} from '../core/store/index.js';
import { WORKBENCH_VERSION } from '../core/version.js';

export type ResultsTables = ReturnType<typeof resultsTables>;

/** A run as its results are read: its configuration, measurements and records, and what was built from them. */
export interface RunResults {
  run: RunRow;
  /** What the run's tables are derived from (derivedFrom). */
  derivedFrom: string;
  config: RunConfig;
  measurements: MeasuredResult[];
  records: ProbeRecord[];
  /** Every table and figure, by the report's seed, built on first use. */
  tables: Map<number, ResultsTables>;
  /** What a reader built from the run on first use (the explorer's rows, say), dropped with the rest. */
  built: Map<string, unknown>;
}

/** Runs kept: the one on screen and the one compared with it. */
const KEPT_RUNS = 2;

/**
 * What a run's results are derived from: its status, its measurements (only ever added), and the workbench's
 * version, whose rules derive them. A key that still matches means the derived tables still hold.
 */
function derivedFrom(db: Db, run: RunRow): string {
  return `${run.status}|${measurementsStamp(db, run.id)}|${WORKBENCH_VERSION}`;
}

export class ResultsService {
  /**
   * What was derived from the runs read last, in memory, while nothing it depends on changes (the measurements,
   * and the probe sets for the statements). The explorer asks again on every filter, sort and page, and the monitor
   * as measurements arrive; on a run of 20,000 measurements loading and deriving takes a second or more each time,
   * filtering and sorting rows already built a few milliseconds.
   */
  private readonly kept = new Map<string, { version: string; data: RunResults }>();

  constructor(private readonly database: () => Db) {}

  /** A run's results as they are now: from memory while they hold, else loaded and derived. */
  run(runId: string): RunResults {
    const db = this.database();
    const run = getRun(db, runId);
    const from = derivedFrom(db, run);
    const version = `${from}|${probeSetsStamp(db)}`;
    const hit = this.kept.get(runId);
    if (hit?.version === version) {
      // Most recently used last, so the oldest is the first one out.
      this.kept.delete(runId);
      this.kept.set(runId, hit);
      return hit.data;
    }
    const { config } = readStoredRunConfig(run.configJson, runId);
    const measurements = loadMeasuredResults(db, runId);
    const records = probeRecords(measurements, config.misalignmentThreshold, config.contestedMargin);
    const data: RunResults = {
      run,
      derivedFrom: from,
      config,
      measurements,
      records,
      tables: new Map(),
      built: new Map(),
    };
    this.kept.delete(runId);
    this.kept.set(runId, { version, data });
    while (this.kept.size > KEPT_RUNS) this.kept.delete(this.kept.keys().next().value!);
    return data;
  }

  /**
   * The tables of a run at a report seed: from memory, else as kept in the database under the same key (a reopened
   * workbench shows a big run at once), else derived and kept.
   */
  tables(data: RunResults, seed: number): ResultsTables {
    let tables = data.tables.get(seed);
    if (tables) return tables;
    const db = this.database();
    const kept = cachedResultsTables(db, data.run.id, seed, data.derivedFrom);
    if (kept) tables = JSON.parse(kept) as ResultsTables;
    else {
      tables = resultsTables(data.records, {
        seed,
        draws: data.config.n,
        unreadableThreshold: data.config.unreadableThreshold,
        k: data.config.k,
      });
      cacheResultsTables(db, data.run.id, seed, data.derivedFrom, JSON.stringify(tables));
    }
    data.tables.set(seed, tables);
    return tables;
  }

  /** A run's per-probe records, derived once per state of the run: the results screens and runs.get share them. */
  records(runId: string): ProbeRecord[] {
    return this.run(runId).records;
  }

  /** The tables of a run at a seed as kept in the database while they hold, read without loading its measurements. */
  keptTables(run: RunRow, seed: number): ResultsTables | undefined {
    const db = this.database();
    const kept = cachedResultsTables(db, run.id, seed, derivedFrom(db, run));
    return kept === undefined ? undefined : (JSON.parse(kept) as ResultsTables);
  }

  /** Table 1's counts of a run, for its headline: from the kept tables while they hold, else derived. */
  outcomes(run: RunRow): ResultsTables['outcomes'] {
    return (
      this.keptTables(run, 0)?.outcomes ??
      outcomeTable(this.records(run.id), this.run(run.id).config.unreadableThreshold)
    );
  }

  /**
   * Builds what the results screen reads first (the tables at the default seed), so a finished run opens at once.
   * The run has finished when this is called; a failure here is left for the results screen to report.
   */
  warm(runId: string): void {
    try {
      this.tables(this.run(runId), 0);
    } catch {
      // results.tables meets the same failure and says what it is
    }
  }

  /** Forgets a run (deleted). */
  forget(runId: string): void {
    this.kept.delete(runId);
  }
}
