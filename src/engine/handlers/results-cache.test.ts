// What the results handlers keep between reads (in memory, and the tables in the database) must never show a run
// other than it is: a new measurement, a finished status or another engine on the same file reads what is there.

import path from 'node:path';
import { expect, it } from 'vitest';
import { ZERO_SHOT } from '../../core/demos/index.js';
import type { ResponseDistribution } from '../../core/sampling/index.js';
import { saveMeasurement, setRunStatus, type Db } from '../../core/store/index.js';
import { describeWithSharedData } from '../../testing/shared-data.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { tinyRunDatabase } from '../../testing/tiny-run.js';
import { createEngine } from '../engine.js';
import { createRun, pairKey, type PreparedRun } from '../run-service.js';

const tempDir = useTempDir();

function distribution(option1: number): ResponseDistribution {
  return {
    estimator: 'sampled',
    n: 10,
    option1,
    option2: 1 - option1,
    invalid: 0,
    responses: [],
    tokenEvaluations: 1,
    promptTokens: 1,
    wallMs: 1,
    errorBound: 0,
  };
}

/** Writes the zero-shot measurement of the next probe with a majority target, wrong on purpose (misaligned). */
function measureNext(db: Db, prepared: PreparedRun, done: Set<string>): string {
  const { language, country } = prepared.config.languages[0]!;
  const targets = prepared.targetsByPair.get(pairKey(language, country))!;
  const probe = prepared.probesByLanguage
    .get(language)!
    .find((p) => !done.has(p.id) && targets.get(p.id).kind === 'majority')!;
  const target = targets.get(probe.id) as Extract<ReturnType<typeof targets.get>, { kind: 'majority' }>;
  done.add(probe.id);
  saveMeasurement(db, prepared.runId, {
    model: 'tiny',
    language,
    country,
    probeId: probe.id,
    condition: ZERO_SHOT,
    category: probe.category,
    targetOption: target.option,
    targetShares: [target.shares[0], target.shares[1]],
    promptJson: JSON.stringify([probe.template]),
    demonstrationIds: [],
    distributionJson: JSON.stringify(distribution(target.option === 1 ? 0 : 1)),
    cacheKey: probe.id,
  });
  return probe.id;
}

describeWithSharedData('what the results handlers keep', () => {
  it('reads again after a new measurement, keeps the tables for another engine, and drops them with the run', async () => {
    const databasePath = path.join(tempDir(), 'w.sqlite');
    const db = await tinyRunDatabase(databasePath);
    const prepared = await createRun(db, {
      models: ['tiny'],
      survey: 'shares',
      languages: ['en'],
      categories: [1],
      strategies: ['random'],
      seed: 1,
    });
    const done = new Set<string>();
    measureNext(db, prepared, done);

    const engine = createEngine({ databasePath });
    const probesMeasured = async (e = engine) =>
      (await e.client.results.tables({ runId: prepared.runId })).misalignment[0]!.probes;
    const explored = async (e = engine) => (await e.client.results.probes({ runId: prepared.runId })).total;
    expect(await probesMeasured()).toBe(1);
    expect(await explored()).toBe(1);
    // Another measurement, written by the run while the screens read.
    measureNext(db, prepared, done);
    expect(await probesMeasured()).toBe(2);
    expect(await explored()).toBe(2);
    const kept = () =>
      db.prepare('SELECT seed, derived_from FROM results_cache WHERE run_id = ?').all(prepared.runId) as {
        seed: number;
        derived_from: string;
      }[];
    expect(kept()).toEqual([{ seed: 0, derived_from: expect.stringMatching(/^running\|2\|/) }]);

    // The run's status is part of what the tables say.
    setRunStatus(db, prepared.runId, 'finished');
    expect((await engine.client.results.tables({ runId: prepared.runId })).status).toBe('finished');
    await engine.close();

    // Another engine on the file reads the kept tables (marked here to tell them apart) without deriving them.
    db.prepare(
      "UPDATE results_cache SET tables_json = json_set(tables_json, '$.misalignment[0].probes', 99) WHERE run_id = ?",
    ).run(prepared.runId);
    const reopened = createEngine({ databasePath });
    expect(await probesMeasured(reopened)).toBe(99);
    // A measurement more, and the kept tables no longer hold.
    measureNext(db, prepared, done);
    expect(await probesMeasured(reopened)).toBe(3);
    await reopened.client.runs.delete({ runId: prepared.runId });
    expect(kept()).toEqual([]);
    await reopened.close();
    db.close();
  });
});
