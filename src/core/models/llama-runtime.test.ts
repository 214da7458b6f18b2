// The thread count llama.cpp gets when the user names none, and that the runtime applies it.

import { describe, expect, it } from 'vitest';
import { defaultThreads, llamaRuntime } from './llama-runtime.js';

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
