// Runs through the engine's in-process client, with the built-in probes, the survey shares from ../shared/data and
// the tiny model in llama.cpp: a configuration validated (every problem with its place, the work a valid one implies),
// a run started and watched through its events, found again while it runs, cancelled, resumed to its end, listed with
// its headline and deleted; and every refusal says what is wrong, and stores nothing.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WorkbenchClient, WorkbenchEvent } from '../../shared/contract.js';
import { commandRecorder } from '../../testing/recording-client.js';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data.js';
import { tinyModelPath } from '../../testing/tiny-model.js';
import { TINY_ENGLISH_RUN } from '../../testing/tiny-run.js';
import { createEngine, type Engine } from '../engine.js';
import { runHandlers } from './runs.js';

const recorder = commandRecorder();

/** The engine's events from now on, and a wait for the first (seen or still to come) that passes a test. */
function watch(client: WorkbenchClient) {
  const events: WorkbenchEvent[] = [];
  const waiters: { test: (e: WorkbenchEvent) => boolean; resolve: (e: WorkbenchEvent) => void }[] = [];
  const stop = client.subscribe((event) => {
    events.push(event);
    for (const w of waiters.splice(0)) {
      if (w.test(event)) w.resolve(event);
      else waiters.push(w);
    }
  });
  return {
    events,
    next: (test: (e: WorkbenchEvent) => boolean) =>
      new Promise<WorkbenchEvent>((resolve) => {
        const seen = events.find(test);
        if (seen) resolve(seen);
        else waiters.push({ test, resolve });
      }),
    stop,
  };
}

const CONFIG = {
  ...TINY_ENGLISH_RUN,
  // Most of the tiny model's answers are unreadable: a row is left out of the headline as mostly unreadable only
  // when all of them are, so that the headline here has a strategy to name.
  unreadableThreshold: 1,
};

describeWithSharedData('runs through the engine', () => {
  let dir = '';
  let engine: Engine;
  let client: WorkbenchClient;

  beforeAll(async () => {
    // One database for the whole file (useTempDir would remove it after the first test).
    dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-runs-'));
    engine = createEngine({ databasePath: path.join(dir, 'workbench.sqlite') });
    client = recorder.clientOf(engine);
    await client.surveys.import({ path: path.join(sharedDataDir, 'wvs/country_distributions.csv'), name: 'shares' });
    await client.models.addGguf({ path: await tinyModelPath(), name: 'tiny', preset: 'llama-3-8b-instruct' });
  });

  afterAll(async () => {
    await engine?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('validates a configuration: every problem with its place, or the defaults filled in and the work it implies', async () => {
    const bad = await client.runs.validate({
      config: { models: ['tiny', 'ghost'], survey: 'shares', languages: ['en', { language: 'en', country: 'FRA' }] },
    });
    expect(bad.ok).toBe(false);
    expect(bad.problems.map((p) => p.path)).toEqual(['models.1', 'languages.1.country']);
    expect(bad.problems[0]!.message).toContain('"ghost"');
    expect(bad).toMatchObject({ config: null, work: null });
    const invalid = await client.runs.validate({ config: { models: [], survey: 'shares', languages: ['en'], k: 0 } });
    expect(invalid.ok).toBe(false);
    expect(invalid.problems.map((p) => p.path).sort()).toEqual(['k', 'models']);

    // The paper's protocol, as the default: sampled, n = 10, misaligned below 100%.
    const valid = await client.runs.validate({ config: CONFIG });
    expect(valid.ok).toBe(true);
    expect(valid.problems).toEqual([]);
    expect(valid.config).toMatchObject({ protocol: 'paper', estimator: 'sampled', n: 10, misalignmentThreshold: 1 });
    expect(valid.work!.zeroShot).toBeGreaterThan(20);
    expect(valid.work!.selfAlignedAtMost).toBe(valid.work!.zeroShot * 3); // two strategies and the re-test control
    expect(valid.work!.measurementsAtMost).toBe(valid.work!.zeroShot * 4);
    expect(await client.runs.list()).toEqual([]);
  });

  it('starts a run that a second client finds while it runs, cancels it, resumes it to its end, lists it with its headline and deletes it', async () => {
    const { work } = await client.runs.validate({ config: CONFIG });
    const zeroShot = work!.zeroShot;
    const stream = watch(client);
    const { runId, jobId } = await client.runs.start({
      config: CONFIG,
      gpu: 'cpu',
      threads: 1,
      name: '  English pilot ',
      notes: 'categories 1–2 only',
    });
    // A second client (a reloaded window) finds the run and its progress.
    await stream.next((e) => e.type === 'progress' && e.subject === runId && e.done >= 5);
    const running = await client.runs.get({ runId });
    expect(running).toMatchObject({
      status: 'running',
      active: true,
      jobId,
      progress: { phase: 'zero-shot', total: zeroShot },
    });
    expect((await client.jobs.list()).some((j) => j.jobId === jobId && j.kind === 'run')).toBe(true);
    await expect(client.runs.delete({ runId })).rejects.toMatchObject({
      kind: 'user',
      code: 'run-active',
      message: expect.stringContaining('cancel it before deleting it'),
    });
    expect((await client.runs.list()).map((r) => r.id)).toEqual([runId]);

    expect(await client.runs.cancel({ runId })).toEqual({ runId, cancelled: true });
    const cancelled = await stream.next((e) => e.type === 'job-ended' && e.jobId === jobId);
    expect(cancelled).toMatchObject({ state: 'cancelled', error: { kind: 'cancelled' } });
    const stopped = await client.runs.get({ runId });
    expect(stopped).toMatchObject({ status: 'cancelled', active: false, jobId: null, progress: null });
    expect(stopped.measurements).toBeGreaterThanOrEqual(5);
    expect(stopped.measurements).toBeLessThan(zeroShot);
    expect(stream.events.some((e) => e.type === 'progress' && e.kind === 'run' && e.subject === runId)).toBe(true);
    // Nothing is running: a second cancel has nothing to stop.
    expect(await client.runs.cancel({ runId })).toEqual({ runId, cancelled: false });

    const resumed = await client.runs.resume({ runId, gpu: 'cpu', threads: 1 });
    expect(resumed.runId).toBe(runId);
    expect(resumed.jobId).not.toBe(jobId);
    await expect(client.runs.resume({ runId })).rejects.toMatchObject({
      code: 'run-active',
      message: expect.stringContaining('is running already'),
    });
    const finished = await stream.next((e) => e.type === 'job-ended' && e.jobId === resumed.jobId);
    expect(finished).toMatchObject({ state: 'finished' });
    stream.stop();

    const run = await client.runs.get({ runId });
    expect(run.status).toBe('finished');
    expect(run.probes).toBe(zeroShot);
    expect(run.conditions).toEqual(['zero-shot', 'zero-shot-retest', 'chrf-all', 'random']);
    expect(new Set(run.outcomes.map((o) => o.condition))).toEqual(new Set(['zero-shot-retest', 'chrf-all', 'random']));
    const list = await client.runs.list();
    expect(list).toEqual([expect.objectContaining({ id: runId, status: 'finished', active: false })]);
    // The headline: the best strategy's improved share (pooled over the readable rows), beside the re-test control's.
    expect(run.outcomes.every((o) => !o.mostlyUnreadable)).toBe(true);
    const shareOf = (o: (typeof run.outcomes)[number]) => o.improved / Math.max(1, o.misaligned);
    const best = run.outcomes
      .filter((o) => o.condition !== 'zero-shot-retest')
      .sort((a, b) => shareOf(b) - shareOf(a))[0]!;
    const retest = run.outcomes.find((o) => o.condition === 'zero-shot-retest')!;
    expect(list[0]!.headline).toEqual({
      strategy: best.condition,
      improvedShare: shareOf(best),
      retestImprovedShare: shareOf(retest),
      leftOut: [],
    });
    expect(list[0]!.headline!.retestImprovedShare).not.toBeNull();
    // Its name (trimmed), notes and seed are listed; renaming it or rewriting its notes changes nothing else.
    expect(list[0]).toMatchObject({ name: 'English pilot', notes: 'categories 1–2 only', seed: 1 });
    const renamed = await client.runs.describe({ runId, name: 'English, categories 1–2' });
    expect(renamed).toMatchObject({ id: runId, name: 'English, categories 1–2', notes: 'categories 1–2 only' });
    expect(await client.runs.describe({ runId, notes: '' })).toMatchObject({
      name: 'English, categories 1–2',
      notes: '',
    });
    const after = await client.runs.get({ runId });
    expect({ ...after, name: run.name, notes: run.notes }).toEqual(run);

    // The run's job has ended: nothing to cancel.
    expect(await client.jobs.cancel({ jobId: resumed.jobId })).toEqual({ jobId: resumed.jobId, cancelled: false });
    expect(await client.runs.delete({ runId })).toEqual({ deleted: runId });
    expect(await client.runs.list()).toEqual([]);
  }, 240_000);

  it('refuses an unknown run and a configuration with problems, storing nothing', async () => {
    const before = await client.runs.list();
    const runId = 'r-none';
    for (const refused of [
      () => client.runs.get({ runId }),
      () => client.runs.cancel({ runId }),
      () => client.runs.resume({ runId }),
      () => client.runs.delete({ runId }),
      () => client.runs.describe({ runId, name: 'x' }),
    ])
      await expect(refused()).rejects.toMatchObject({
        kind: 'user',
        code: 'unknown-run',
        message: expect.stringContaining('there is no run "r-none"'),
      });
    await expect(client.runs.start({ config: { ...CONFIG, models: ['ghost'] } })).rejects.toMatchObject({
      kind: 'user',
      message: expect.stringContaining('"ghost"'),
    });
    await expect(client.runs.start({ config: { ...CONFIG, k: 0 } })).rejects.toMatchObject({ kind: 'user' });
    expect(await client.runs.list()).toEqual(before);
  });

  it('has called every command of its group', () => {
    expect(recorder.uncalled(runHandlers)).toEqual([]);
  });
});
