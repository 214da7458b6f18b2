// One registry for every long operation of the engine (a run, a survey or probe import, a download): each has an
// id, reports progress in one shape, can be cancelled through its AbortSignal, and ends in exactly one terminal
// state, announced as an event. Closing the registry cancels every job and waits until each has stopped.

import { randomUUID } from 'node:crypto';
import { CancelledError } from '../core/cancellation.js';
import type { JobKind, WorkbenchEvent } from '../shared/contract.js';
import { toWorkbenchError } from './errors.js';

export type JobKindName = (typeof JobKind)['options'][number];

export interface JobProgress {
  phase: string;
  done: number;
  total: number;
  rate: number;
  etaSeconds: number | null;
}

/** What a job's work is given: its identity, its cancellation signal, and a way to report. */
export interface JobHandle {
  readonly jobId: string;
  readonly kind: JobKindName;
  readonly subject: string;
  readonly signal: AbortSignal;
  progress(progress: JobProgress): void;
  emit(event: WorkbenchEvent): void;
}

interface Job {
  handle: JobHandle;
  controller: AbortController;
  state: 'running' | 'finished' | 'failed' | 'cancelled';
  startedAt: string;
  progress: JobProgress | null;
  done: Promise<unknown>;
}

/** Progress events of one job go out at most this often (the last one of a phase always goes). */
const PROGRESS_INTERVAL_MS = 100;
/** Ended jobs kept for `jobs.list`; older ones are forgotten (what they did is in the database). */
const ENDED_JOBS_KEPT = 50;

export class JobRegistry {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly emit: (event: WorkbenchEvent) => void) {}

  /** Starts `work` as a job; `done` settles with its result or error once the job has ended. */
  start<T>(
    kind: JobKindName,
    subject: string,
    work: (job: JobHandle) => Promise<T>,
  ): { jobId: string; done: Promise<T> } {
    const jobId = `${kind}-${randomUUID().slice(0, 8)}`;
    const controller = new AbortController();
    let lastSent = 0;
    const job: Job = {
      controller,
      state: 'running',
      startedAt: new Date().toISOString(),
      progress: null,
      done: Promise.resolve(),
      handle: {
        jobId,
        kind,
        subject,
        signal: controller.signal,
        progress: (progress) => {
          job.progress = progress;
          const now = Date.now();
          if (now - lastSent < PROGRESS_INTERVAL_MS && progress.done !== 0 && progress.done !== progress.total) return;
          lastSent = now;
          this.emit({ type: 'progress', jobId, kind, subject, ...progress });
        },
        emit: (event) => this.emit(event),
      },
    };
    this.jobs.set(jobId, job);
    const done = (async () => {
      try {
        const result = await work(job.handle);
        job.state = 'finished';
        this.emit({ type: 'job-ended', jobId, kind, subject, state: 'finished' });
        return result;
      } catch (error) {
        const cancelled = controller.signal.aborted || error instanceof CancelledError;
        job.state = cancelled ? 'cancelled' : 'failed';
        this.emit({ type: 'job-ended', jobId, kind, subject, state: job.state, error: toWorkbenchError(error) });
        throw error;
      }
    })();
    job.done = done.catch(() => undefined).finally(() => this.forgetOldJobs());
    return { jobId, done };
  }

  private forgetOldJobs(): void {
    const ended = [...this.jobs.values()].filter((job) => job.state !== 'running');
    for (const job of ended.slice(0, Math.max(0, ended.length - ENDED_JOBS_KEPT))) this.jobs.delete(job.handle.jobId);
  }

  /** Asks a running job to stop; false when there is no such running job. */
  cancel(jobId: string, reason = 'cancelled'): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.state !== 'running') return false;
    job.controller.abort(new CancelledError(reason));
    return true;
  }

  /** The running job of this kind on this subject (a run id, a file), if any. */
  active(kind: JobKindName, subject: string): JobHandle | undefined {
    for (const job of this.jobs.values())
      if (job.state === 'running' && job.handle.kind === kind && job.handle.subject === subject) return job.handle;
    return undefined;
  }

  progressOf(jobId: string): JobProgress | null {
    return this.jobs.get(jobId)?.progress ?? null;
  }

  list() {
    return [...this.jobs.values()].map((job) => ({
      jobId: job.handle.jobId,
      kind: job.handle.kind,
      subject: job.handle.subject,
      state: job.state,
      startedAt: job.startedAt,
      progress: job.progress,
    }));
  }

  /** Cancels every running job and waits until all have ended. */
  async closeAll(reason: string): Promise<void> {
    for (const job of this.jobs.values()) if (job.state === 'running') job.controller.abort(new CancelledError(reason));
    await Promise.all([...this.jobs.values()].map((job) => job.done));
  }
}
