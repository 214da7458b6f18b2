// The engine itself through its in-process client: what it tells a front end about itself (version, database, the
// method's words) without opening the database, and its jobs: listed while they run and after, a running one
// cancelled (its import then stores nothing), an ended or unknown one left alone.

import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { WORKBENCH_VERSION } from '../../core/version.js';
import type { WorkbenchEvent } from '../../shared/contract.js';
import { commandRecorder } from '../../testing/recording-client.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { createEngine } from '../engine.js';
import { appHandlers } from './app.js';

const tempDir = useTempDir();
const recorder = commandRecorder();

it("tells its version, its database and the method's vocabulary, without opening the database", async () => {
  const databasePath = path.join(tempDir(), 'workbench.sqlite');
  const engine = createEngine({ databasePath });
  const client = recorder.clientOf(engine);
  try {
    const info = await client.app.info();
    expect(info).toMatchObject({
      version: WORKBENCH_VERSION,
      databasePath,
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
    });
    expect(info.vocabulary.categories).toHaveLength(13);
    expect(info.vocabulary.categories[0]).toEqual({
      number: 1,
      name: 'Social values, attitudes and stereotypes',
      excludedByDefault: false,
    });
    expect(info.vocabulary.categories.filter((c) => c.excludedByDefault).map((c) => c.number)).toEqual([4, 8]);
    expect(info.vocabulary.strategies).toEqual(['random', 'random-category', 'chrf-category', 'chrf-all']);
    expect(info.vocabulary.protocols).toEqual([
      { name: 'paper', estimator: 'sampled', n: 10 },
      { name: 'precise', estimator: 'exact', n: 10 },
    ]);
    expect(info.vocabulary.defaultCountries).toMatchObject({ en: 'USA', de: 'DEU', tr: 'TUR' });
    // A window starts on this answer: it must not wait for (or fail on) the database.
    expect(existsSync(databasePath)).toBe(false);
  } finally {
    await engine.close();
  }
});

it('lists its jobs, cancels a running one (whose import then stores nothing), and leaves an ended or unknown job alone', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'mine.csv');
  writeFileSync(file, 'id,language,template,option_a,option_b\nQ1,en,Family is _ in my life,important,not important\n');
  const engine = createEngine({ databasePath: path.join(dir, 'workbench.sqlite') });
  const client = recorder.clientOf(engine);
  const events: WorkbenchEvent[] = [];
  client.subscribe((e) => events.push(e));
  try {
    // The import's job is registered (and its first progress sent) before the command answers; nothing has been
    // read yet when the list and the cancel below reach the engine.
    const importing = client.probes.import({ path: file, name: 'mine' });
    const started = events.find(
      (e): e is Extract<WorkbenchEvent, { type: 'progress' }> => e.type === 'progress' && e.kind === 'probe-import',
    );
    expect(started).toMatchObject({ subject: file, phase: 'reading', done: 0 });
    const jobId = started!.jobId;
    const listedRunning = client.jobs.list();
    const cancelling = client.jobs.cancel({ jobId });
    expect(await listedRunning).toEqual([
      expect.objectContaining({ jobId, kind: 'probe-import', subject: file, state: 'running' }),
    ]);
    expect(await cancelling).toEqual({ jobId, cancelled: true });
    await expect(importing).rejects.toMatchObject({ kind: 'cancelled' });
    expect(events.filter((e) => e.type === 'job-ended')).toEqual([
      expect.objectContaining({ jobId, state: 'cancelled', error: expect.objectContaining({ kind: 'cancelled' }) }),
    ]);
    expect((await client.probes.listSets()).map((s) => s.name)).toEqual(['builtin']);
    expect(await client.jobs.list()).toEqual([expect.objectContaining({ jobId, state: 'cancelled' })]);

    // Ended, or never there: nothing to cancel.
    expect(await client.jobs.cancel({ jobId })).toEqual({ jobId, cancelled: false });
    expect(await client.jobs.cancel({ jobId: 'run-nothing' })).toEqual({ jobId: 'run-nothing', cancelled: false });
    await client.probes.import({ path: file, name: 'mine' });
    const finished = (await client.jobs.list()).find((j) => j.jobId !== jobId)!;
    expect(finished).toMatchObject({ kind: 'probe-import', state: 'finished', progress: { phase: 'stored', done: 1 } });
    expect(await client.jobs.cancel({ jobId: finished.jobId })).toEqual({ jobId: finished.jobId, cancelled: false });
    expect((await client.probes.listSets()).map((s) => s.name)).toEqual(['builtin', 'mine']);
  } finally {
    await engine.close();
  }
});

it('has called every command of its group', () => {
  expect(recorder.uncalled(appHandlers)).toEqual([]);
});
