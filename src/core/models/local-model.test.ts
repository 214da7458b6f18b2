// Opening a local GGUF model in llama.cpp, and what the user is told when that cannot work.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { getTestLlama, tinyModelPath } from '../../testing/tiny-model.js';
import { LocalModel } from './local-model.js';

const tempDir = useTempDir();
const SAMPLING = { temperature: 0.6, topP: 0.9 };

async function openFailure(options: Partial<Parameters<typeof LocalModel.open>[0]>): Promise<UserError> {
  const llama = await getTestLlama();
  const error = await LocalModel.open({ name: 'tiny', path: await tinyModelPath(), sampling: SAMPLING, llama, ...options }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('a local model', () => {
  it('opens on the CPU and reports its backend and offloaded layers', async () => {
    const model = await LocalModel.open({ name: 'tiny', path: await tinyModelPath(), sampling: SAMPLING, llama: await getTestLlama(), contextSize: 256 });
    try {
      expect(model.backend).toEqual({ backend: 'cpu', devices: [], gpuLayers: 0, totalLayers: expect.any(Number) });
    } finally {
      await model.close();
    }
  });

  it('names the model when its file is missing or not a model', async () => {
    const missing = await openFailure({ path: path.join(tempDir(), 'gone.gguf') });
    expect(missing.code).toBe('model-file-missing');
    expect(missing.message).toContain('"tiny"');
    const junk = path.join(tempDir(), 'junk.gguf');
    writeFileSync(junk, 'GGUF but nothing else');
    const unreadable = await openFailure({ path: junk });
    expect(unreadable.code).toBe('model-unreadable');
    expect(unreadable.message).toContain('Is it a complete GGUF file?');
  });

  it('says when a model does not fit in memory, and what to try', async () => {
    // Two million sequences of 2,048 tokens ask for far more memory than any machine has.
    const error = await openFailure({ contextSize: 2048, sequences: 2_000_000 });
    expect(error.code).toBe('model-too-large');
    expect(error.message).toMatch(/does not fit in memory.*fewer GPU layers/);
  });
});
