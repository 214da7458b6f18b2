// A model of a real model's shape, scaled down here (the Llama-3-8B shape itself is a 16 GB file, written only
// by the sampling benchmark on a machine with a GPU): it must load and run in llama.cpp.

import path from 'node:path';
import { readGgufFileInfo } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/temp-dir.js';
import { getTestLlama, SMALL_SHAPE } from '../../testing/tiny-model.js';
import { LLAMA_3_8B_SHAPE, writeShapedModel } from './shaped-model.js';

const tempDir = useTempDir();

describe('a model of a given shape', () => {
  it.each([
    ['f16', 1, 2],
    ['q4_0', 2, 18 / 32],
  ] as const)(
    'writes %s tensors of that shape that llama.cpp loads and runs',
    async (weights, fileType, bytesPerWeight) => {
      const written = await writeShapedModel(path.join(tempDir(), 'shaped.gguf'), SMALL_SHAPE, { weights });
      const info = await readGgufFileInfo(written.path, { readTensorInfo: true });
      expect(info.metadata.general.file_type).toBe(fileType);
      expect(info.architectureMetadata.attention?.head_count_kv).toBe(2);
      // The weight matrices dominate: about bytesPerWeight per parameter (norms are f32, the header holds the vocabulary).
      expect(written.fileSize).toBeGreaterThan(written.parameterCount * bytesPerWeight);
      expect(written.fileSize).toBeLessThan(written.parameterCount * bytesPerWeight * 1.2 + 1_000_000);

      const llama = await getTestLlama();
      const model = await llama.loadModel({ modelPath: written.path });
      const context = await model.createContext({ contextSize: 256 });
      try {
        const tokens = model.tokenize('Family is important in my life.');
        const output = await context
          .getSequence()
          .controlledEvaluate([...tokens.slice(0, -1), [tokens.at(-1)!, { generateNext: { probabilities: true } }]]);
        const probabilities = output.at(-1)!.next.probabilities!;
        expect(probabilities.size).toBeGreaterThan(0);
        expect([...probabilities.values()].every(Number.isFinite)).toBe(true);
      } finally {
        await context.dispose();
        await model.dispose();
      }
    },
  );

  it('has the 8B shape on paper: about 8 billion parameters', () => {
    const s = LLAMA_3_8B_SHAPE;
    const kv = (s.dimensions / s.heads) * s.kvHeads;
    const perLayer =
      2 * s.dimensions * s.dimensions + 2 * s.dimensions * kv + 3 * s.dimensions * s.feedForward + 2 * s.dimensions;
    const total = 2 * s.vocabulary * s.dimensions + s.layers * perLayer + s.dimensions;
    expect(total / 1e9).toBeCloseTo(8.03, 2);
  });
});
