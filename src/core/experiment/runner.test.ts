// How a run stops: a failed measurement or a cancel keeps the queued measurements from starting, and the run
// rejects only once the measurements in flight have settled (the caller closes the models right after).
// The model is a test double of the ResponseModel interface; everything else is the real runner.

import { describe, expect, it } from 'vitest';
import { CancelledError } from '../cancellation.js';
import type { Probe } from '../data/index.js';
import { UserError } from '../errors.js';
import type { GenerationRequest, GenerationResult, ResponseModel } from '../models/index.js';
import type { ResponseDistribution } from '../sampling/index.js';
import { targetAnswersFromWeights } from '../survey/index.js';
import {
  runExperiment,
  parseRunConfig,
  type MeasurementKey,
  type MeasurementRow,
  type RunJournal,
  type RunModel,
} from './index.js';

const PROBES: Probe[] = Array.from({ length: 6 }, (_, i) => ({
  id: `Q${i + 1}`,
  language: 'en',
  template: 'For me, family is _ in my life.',
  options: ['important', 'not important'],
  category: 1,
  flag: null,
  source: { file: 'test.csv', line: i + 2 },
}));

// Every probe's majority is option 1, so a model answering "important" is aligned and the run has one phase.
const TARGETS = targetAnswersFromWeights('USA', new Map(PROBES.map((p) => [p.id, [80, 20] as const])));

const CONFIG = parseRunConfig({
  models: ['fake'],
  survey: 'test',
  languages: ['en'],
  categories: [1],
  strategies: ['random'],
  n: 1,
  estimator: 'sampled',
  concurrency: 2,
});

/** A journal in memory that records what was saved, in order. */
function memoryJournal(): RunJournal & { saved: string[] } {
  const key = (k: MeasurementKey) => `${k.probeId}/${k.condition}`;
  const rows = new Map<string, MeasurementRow>();
  const cache = new Map<string, ResponseDistribution>();
  const saved: string[] = [];
  return {
    saved,
    measurement: (k) => rows.get(key(k)),
    saveMeasurement: (row) => {
      rows.set(key(row), row);
      saved.push(key(row));
    },
    hasExplanation: () => false,
    saveExplanation: () => undefined,
    cachedEstimate: (cacheKey) => cache.get(cacheKey),
    cacheEstimate: (cacheKey, distribution) => void cache.set(cacheKey, distribution),
  };
}

interface Call {
  request: GenerationRequest;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** A model whose every call waits until the test resolves or rejects it; `events` logs starts and ends. */
function controlledModel(): { model: ResponseModel; calls: Call[]; events: string[] } {
  const calls: Call[] = [];
  const events: string[] = [];
  const model: ResponseModel = {
    name: 'fake',
    kind: 'openai',
    generate(request) {
      const index = calls.length + 1;
      events.push(`start ${index}`);
      return new Promise<GenerationResult>((resolve, reject) => {
        calls.push({
          request,
          resolve: () => {
            events.push(`end ${index}`);
            resolve({ texts: ['important'], completionTokens: 1, promptTokens: 10 });
          },
          reject: (error) => {
            events.push(`fail ${index}`);
            reject(error);
          },
        });
      });
    },
    close: async () => undefined,
  };
  return { model, calls, events };
}

function run(model: ResponseModel, journal: RunJournal, signal?: AbortSignal) {
  const models: RunModel[] = [{ name: 'fake', model, sampling: { temperature: 1 }, identity: 'fake' }];
  return runExperiment(
    { config: CONFIG, models, probes: () => PROBES, targets: () => TARGETS },
    journal,
    signal ? { signal } : {},
  );
}

/** Lets queued promise callbacks and p-limit's scheduling run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** The promise's outcome without waiting for it: 'pending' while it has not settled. */
function watch(promise: Promise<unknown>): { state: () => string; error: () => unknown } {
  let state = 'pending';
  let error: unknown;
  promise.then(
    () => (state = 'resolved'),
    (e: unknown) => {
      state = 'rejected';
      error = e;
    },
  );
  return { state: () => state, error: () => error };
}

describe('a run that stops', () => {
  it('starts no measurement after one fails, and rejects only after the one in flight has finished', async () => {
    const { model, calls, events } = controlledModel();
    const journal = memoryJournal();
    const running = watch(run(model, journal));
    await settle();
    expect(calls).toHaveLength(2);

    calls[1]!.reject(new Error('the server broke'));
    await settle();
    // The failed call frees a slot, but the four queued measurements must not take it.
    expect(calls).toHaveLength(2);
    expect(running.state()).toBe('pending');

    calls[0]!.resolve();
    await settle();
    expect(running.state()).toBe('rejected');
    expect(running.error()).toBeInstanceOf(UserError);
    expect((running.error() as UserError).code).toBe('model-failed');
    expect((running.error() as Error).message).toContain('the server broke');
    expect(events).toEqual(['start 1', 'start 2', 'fail 2', 'end 1']);
    // What finished in flight is kept, so a resumed run does not measure it again.
    expect(journal.saved).toEqual(['Q1/zero-shot']);
  });

  it('starts no measurement after a cancel, and rejects with a CancelledError once those in flight have settled', async () => {
    const { model, calls, events } = controlledModel();
    const journal = memoryJournal();
    const controller = new AbortController();
    const running = watch(run(model, journal, controller.signal));
    await settle();
    expect(calls).toHaveLength(2);

    controller.abort();
    calls[0]!.resolve();
    await settle();
    expect(calls).toHaveLength(2);
    expect(running.state()).toBe('pending');

    calls[1]!.resolve();
    await settle();
    expect(running.state()).toBe('rejected');
    expect(running.error()).toBeInstanceOf(CancelledError);
    expect((running.error() as UserError).code).toBe('cancelled');
    expect(events).toEqual(['start 1', 'start 2', 'end 1', 'end 2']);
    expect(journal.saved).toEqual(['Q1/zero-shot', 'Q2/zero-shot']);
  });

  it('finishes every measurement when nothing fails', async () => {
    const { model, calls } = controlledModel();
    const journal = memoryJournal();
    const running = run(model, journal);
    for (let i = 0; i < PROBES.length; i++) {
      await settle();
      calls[i]!.resolve();
    }
    await running;
    expect(calls).toHaveLength(PROBES.length);
    expect(calls.map((c) => c.request.n)).toEqual(PROBES.map(() => 1));
    expect(journal.saved).toHaveLength(PROBES.length);
  });
});
