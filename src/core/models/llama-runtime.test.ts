// The thread count llama.cpp gets when the user names none (capped by what is idle when a model loads), and that
// the runtime and the models apply it.

import { describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { defaultThreads, idleLogicalCpus, llamaRuntime, threadsForIdleCpus, threadsFreeNow } from './llama-runtime.js';
import { LocalModel } from './local-model.js';
import { findPreset } from './presets.js';
import { writeTinyModel } from './tiny-model.js';

describe('the default thread count', () => {
  it('leaves one math core free, and never goes below one thread', () => {
    expect(defaultThreads(1)).toBe(1);
    expect(defaultThreads(2)).toBe(1);
    expect(defaultThreads(8)).toBe(7);
    expect(defaultThreads(0)).toBe(1);
  });

  it('is what a runtime started without a thread count uses; a named count is kept', async () => {
    const llama = await llamaRuntime({ gpu: 'cpu' });
    expect(llama.maxThreads).toBe(defaultThreads(llama.cpuMathCores));
    expect((await llamaRuntime({ gpu: 'cpu', threads: 3 })).maxThreads).toBe(3);
  });
});

describe('the thread count at model load: the default, but no more than the idle math cores', () => {
  it('keeps the default on an idle machine and follows the idle cores down on a busy one', () => {
    expect(threadsForIdleCpus(8, 8, 8)).toBe(7);
    expect(threadsForIdleCpus(8, 8, 7.9)).toBe(7);
    // Four cores taken by other work: four threads, not seven that wait at every barrier for the busy cores.
    expect(threadsForIdleCpus(8, 8, 4)).toBe(4);
    expect(threadsForIdleCpus(8, 8, 3.85)).toBe(4);
    expect(threadsForIdleCpus(8, 8, 3.5)).toBe(3);
    // Hyperthreads: 16 logical CPUs on 8 cores, half of them idle, is half the math units.
    expect(threadsForIdleCpus(8, 16, 8)).toBe(4);
    expect(threadsForIdleCpus(8, 8, 0)).toBe(1);
    expect(threadsForIdleCpus(2, 2, 2)).toBe(1);
    // A platform that tells nothing about its CPUs: the default.
    expect(threadsForIdleCpus(8, 0, 0)).toBe(7);
  });

  it('measures the idle CPUs of this machine over a moment', async () => {
    const { logical, idle } = await idleLogicalCpus(100);
    expect(logical).toBe(os.cpus().length);
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(idle).toBeLessThanOrEqual(logical);
  });

  it('is measured only for a runtime whose threads the user left to the workbench', async () => {
    const chosen = await threadsFreeNow(await llamaRuntime({ gpu: 'cpu' }));
    expect(chosen).toBeGreaterThanOrEqual(1);
    expect(chosen).toBeLessThanOrEqual(defaultThreads((await llamaRuntime({ gpu: 'cpu' })).cpuMathCores));
    expect(await threadsFreeNow(await llamaRuntime({ gpu: 'cpu', threads: 3 }))).toBeUndefined();
  });

  it("is the count a model evaluates with and reports; a count the user names is the model's", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-threads-'));
    try {
      const file = (await writeTinyModel(path.join(dir, 'tiny.gguf'))).path;
      const sampling = findPreset('llama-3-8b-instruct')!.sampling;
      const llama = await llamaRuntime({ gpu: 'cpu' });
      const left = await LocalModel.open({ name: 'tiny', path: file, sampling, llama, contextSize: 256 });
      const named = await LocalModel.open({ name: 'tiny', path: file, sampling, llama, contextSize: 256, threads: 1 });
      try {
        expect(left.backend.threads).toBeGreaterThanOrEqual(1);
        expect(left.backend.threads).toBeLessThanOrEqual(defaultThreads(llama.cpuMathCores));
        expect(named.backend.threads).toBe(1);
      } finally {
        await left.close();
        await named.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
