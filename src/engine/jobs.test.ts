// The job registry: one terminal state per job, announced once; cancellation through the job's signal; a
// failure typed as it crosses to a front end; closing waits for every job to stop.

import { describe, expect, it } from 'vitest';
import { throwIfCancelled } from '../core/cancellation.js';
import { UserError } from '../core/errors.js';
import type { WorkbenchEvent } from '../shared/contract.js';
import { JobRegistry } from './jobs.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the job registry', () => {
  it('announces progress and one end per job, and lists what it is doing', async () => {
    const events: WorkbenchEvent[] = [];
    const jobs = new JobRegistry((e) => events.push(e));
    const { jobId, done } = jobs.start('survey-import', '/data/wvs.csv', async (job) => {
      for (let i = 0; i <= 3; i++) job.progress({ phase: 'reading', done: i, total: 3, rate: 1, etaSeconds: 3 - i });
      return 'ok';
    });
    expect(jobs.list()).toEqual([
      expect.objectContaining({ jobId, kind: 'survey-import', subject: '/data/wvs.csv', state: 'running' }),
    ]);
    await expect(done).resolves.toBe('ok');
    const progress = events.filter((e) => e.type === 'progress');
    // The first and the last always go out; the ones between are throttled.
    expect(progress[0]).toMatchObject({ jobId, done: 0, total: 3 });
    expect(progress.at(-1)).toMatchObject({ done: 3 });
    expect(events.filter((e) => e.type === 'job-ended')).toEqual([
      { type: 'job-ended', jobId, kind: 'survey-import', subject: '/data/wvs.csv', state: 'finished' },
    ]);
    expect(jobs.list()[0]).toMatchObject({ state: 'finished', progress: { done: 3 } });
  });

  it('cancels through the signal, and a cancelled job ends as cancelled with a typed error', async () => {
    const events: WorkbenchEvent[] = [];
    const jobs = new JobRegistry((e) => events.push(e));
    const { jobId, done } = jobs.start('run', 'run-1', async (job) => {
      for (;;) {
        await tick();
        throwIfCancelled(job.signal);
      }
    });
    expect(jobs.active('run', 'run-1')?.jobId).toBe(jobId);
    expect(jobs.cancel(jobId, 'stopped by the user')).toBe(true);
    await expect(done).rejects.toMatchObject({ code: 'cancelled', message: 'stopped by the user' });
    expect(events.at(-1)).toMatchObject({
      type: 'job-ended',
      state: 'cancelled',
      error: { kind: 'cancelled', message: 'stopped by the user' },
    });
    expect(jobs.cancel(jobId)).toBe(false);
    expect(jobs.active('run', 'run-1')).toBeUndefined();
  });

  it("types a failure: the user's mistake with its place, anything else as a bug", async () => {
    const events: WorkbenchEvent[] = [];
    const jobs = new JobRegistry((e) => events.push(e));
    await jobs
      .start('probe-import', 'de.csv', async () => {
        throw new UserError('bad-line', 'expected 5 columns', { file: 'de.csv', line: 3 });
      })
      .done.catch(() => undefined);
    expect(events.at(-1)).toMatchObject({
      state: 'failed',
      error: { kind: 'user', code: 'bad-line', file: 'de.csv', line: 3, message: 'expected 5 columns' },
    });
  });

  it('closes by cancelling every job and waiting until each has stopped', async () => {
    const jobs = new JobRegistry(() => undefined);
    let stoppedCleanly = false;
    const { done } = jobs.start('download', 'hf:x', async (job) => {
      while (!job.signal.aborted) await tick();
      await tick(); // what a job does after the cancel (saving, closing files) is awaited too
      stoppedCleanly = true;
      throwIfCancelled(job.signal);
    });
    done.catch(() => undefined);
    await jobs.closeAll('closing');
    expect(stoppedCleanly).toBe(true);
    expect(jobs.list()[0]).toMatchObject({ state: 'cancelled' });
  });
});
