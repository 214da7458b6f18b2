// The events the engine sends to every front end: one shape of progress for every long job, the end of a job, and
// the state of the engine process itself. (No event per measurement: a big run makes 20,000, and the screens read
// the results when progress moves, paced by how long a read takes.)

import { z } from 'zod';
import { JobKind } from './schemas.js';

/** A failure as it crosses a process boundary. `user`: the user's mistake; `cancelled`: stopped on request; `bug`: anything else. */
export const WorkbenchError = z.object({
  kind: z.enum(['user', 'cancelled', 'bug']),
  code: z.string(),
  message: z.string(),
  /** Where it happened, when it happened in a file or on a probe. */
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  probe: z.string().optional(),
});
export type WorkbenchError = z.infer<typeof WorkbenchError>;

const job = { jobId: z.string(), kind: JobKind, subject: z.string() };

export const ProgressEvent = z.object({
  type: z.literal('progress'),
  ...job,
  phase: z.string(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  rate: z.number(),
  etaSeconds: z.number().nullable(),
});

export const JobEndedEvent = z.object({
  type: z.literal('job-ended'),
  ...job,
  state: z.enum(['finished', 'failed', 'cancelled']),
  error: WorkbenchError.optional(),
});

/** Sent by whatever hosts the engine (the Electron main process): the engine crashed, restarts, is back. */
export const EngineStateEvent = z.object({
  type: z.literal('engine'),
  state: z.enum(['ready', 'crashed', 'restarting']),
  message: z.string(),
  /** Seconds until the next start, while restarting. */
  retryInSeconds: z.number().optional(),
});

export const WorkbenchEvent = z.discriminatedUnion('type', [ProgressEvent, JobEndedEvent, EngineStateEvent]);
export type WorkbenchEvent = z.infer<typeof WorkbenchEvent>;
export type ProgressEvent = z.infer<typeof ProgressEvent>;
export type JobEndedEvent = z.infer<typeof JobEndedEvent>;
export type EngineStateEvent = z.infer<typeof EngineStateEvent>;

/** The error as a person reads it, its place first: "de.csv, line 12: …" (as the CLI prints it). */
export function describeError(error: Pick<WorkbenchError, 'message' | 'file' | 'line' | 'column' | 'probe'>): string {
  const parts: string[] = [];
  if (error.file) parts.push(error.file);
  if (error.line !== undefined) parts.push(`line ${error.line}`);
  if (error.column !== undefined) parts.push(`column ${error.column}`);
  if (error.probe) parts.push(`probe ${error.probe}`);
  return parts.length ? `${parts.join(', ')}: ${error.message}` : error.message;
}
