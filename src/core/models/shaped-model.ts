// Models of a real model's shape with seeded random weights, for timing on real hardware: a GGUF of
// Llama-3-8B's dimensions runs at Llama-3-8B's speed whatever its weights say. The weights are one seeded block
// of f16 values repeated through every tensor, so a 16 GB file is written without holding it in memory.

import { SeededRandom } from '../random/index.js';
import { writeGguf, type GgufTensor, type GgufValue, type TiledData } from './gguf-writer.js';
import { CHATML_TEMPLATE, TOKEN_TYPE, tinyVocabulary } from './tiny-model.js';

export interface ModelShape {
  name: string;
  vocabulary: number;
  dimensions: number;
  layers: number;
  heads: number;
  kvHeads: number;
  feedForward: number;
  contextLength: number;
  ropeBase: number;
}

/** Meta-Llama-3-8B-Instruct's config.json. */
export const LLAMA_3_8B_SHAPE: ModelShape = {
  name: 'llama-3-8b',
  vocabulary: 128256,
  dimensions: 4096,
  layers: 32,
  heads: 32,
  kvHeads: 8,
  feedForward: 14336,
  contextLength: 8192,
  ropeBase: 500000,
};

export const MODEL_SHAPES: Record<string, ModelShape> = { [LLAMA_3_8B_SHAPE.name]: LLAMA_3_8B_SHAPE };

/** IEEE half-precision bits of a small float (no infinities or subnormals needed for weights this size). */
function f16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  if (exponent <= 0) return sign;
  return sign | (Math.min(exponent, 30) << 10) | ((bits >>> 13) & 0x3ff);
}

/** How the weight matrices are stored: f16 (16 GB for 8B parameters), or 4-bit as most users run them (Q4_0, 4.5 GB). */
export type ShapedWeights = 'f16' | 'q4_0';

/** A repeating block of seeded weights of the scale a trained model's have (about 1/sqrt(dimensions)). */
function weightPattern(shape: ModelShape, weights: ShapedWeights, seed: number): TiledData {
  const random = new SeededRandom(seed);
  const scale = 1 / Math.sqrt(shape.dimensions);
  if (weights === 'f16') {
    const pattern = new Uint16Array(1 << 20);
    for (let i = 0; i < pattern.length; i++) pattern[i] = f16Bits((random.float() * 2 - 1) * scale);
    return { tiled: 'f16', pattern: new Uint8Array(pattern.buffer) };
  }
  // Q4_0: value = (q - 8) · d for each 4-bit q, so d = scale / 8 spans [-scale, scale).
  const blocks = 1 << 16;
  const pattern = new Uint8Array(blocks * 18);
  const view = new DataView(pattern.buffer);
  for (let b = 0; b < blocks; b++) {
    view.setUint16(b * 18, f16Bits(scale / 8), true);
    for (let i = 0; i < 16; i++) pattern[b * 18 + 2 + i] = random.int(256);
  }
  return { tiled: 'q4_0', pattern };
}

export async function writeShapedModel(
  file: string,
  shape: ModelShape,
  options: { seed?: number; weights?: ShapedWeights } = {},
): Promise<{ path: string; parameterCount: number; fileSize: number }> {
  const { seed = 1, weights = 'f16' } = options;
  const vocabulary = await tinyVocabulary();
  for (let i = vocabulary.length; i < shape.vocabulary; i++)
    vocabulary.push({ text: `\u2581t${i}`, score: 0, type: TOKEN_TYPE.normal });
  const tiled = weightPattern(shape, weights, seed);
  const headDimension = shape.dimensions / shape.heads;
  const kv = headDimension * shape.kvHeads;
  const ones = (n: number) => new Float32Array(n).fill(1);
  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', shape: [shape.dimensions, shape.vocabulary], data: tiled },
    { name: 'output_norm.weight', shape: [shape.dimensions], data: ones(shape.dimensions) },
    { name: 'output.weight', shape: [shape.dimensions, shape.vocabulary], data: tiled },
  ];
  for (let layer = 0; layer < shape.layers; layer++) {
    const block = `blk.${layer}`;
    tensors.push(
      { name: `${block}.attn_norm.weight`, shape: [shape.dimensions], data: ones(shape.dimensions) },
      { name: `${block}.attn_q.weight`, shape: [shape.dimensions, shape.dimensions], data: tiled },
      { name: `${block}.attn_k.weight`, shape: [shape.dimensions, kv], data: tiled },
      { name: `${block}.attn_v.weight`, shape: [shape.dimensions, kv], data: tiled },
      { name: `${block}.attn_output.weight`, shape: [shape.dimensions, shape.dimensions], data: tiled },
      { name: `${block}.ffn_norm.weight`, shape: [shape.dimensions], data: ones(shape.dimensions) },
      { name: `${block}.ffn_gate.weight`, shape: [shape.dimensions, shape.feedForward], data: tiled },
      { name: `${block}.ffn_up.weight`, shape: [shape.dimensions, shape.feedForward], data: tiled },
      { name: `${block}.ffn_down.weight`, shape: [shape.feedForward, shape.dimensions], data: tiled },
    );
  }
  const metadata = new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: `selfalign-shaped-${shape.name}` }],
    ['general.description', { type: 'string', value: `Random weights in the shape of ${shape.name}, for timing only` }],
    ['general.file_type', { type: 'uint32', value: weights === 'f16' ? 1 : 2 }], // llama.cpp's MOSTLY_F16, MOSTLY_Q4_0
    ['llama.context_length', { type: 'uint32', value: shape.contextLength }],
    ['llama.embedding_length', { type: 'uint32', value: shape.dimensions }],
    ['llama.block_count', { type: 'uint32', value: shape.layers }],
    ['llama.feed_forward_length', { type: 'uint32', value: shape.feedForward }],
    ['llama.attention.head_count', { type: 'uint32', value: shape.heads }],
    ['llama.attention.head_count_kv', { type: 'uint32', value: shape.kvHeads }],
    ['llama.rope.dimension_count', { type: 'uint32', value: headDimension }],
    ['llama.rope.freq_base', { type: 'float32', value: shape.ropeBase }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'uint32', value: shape.vocabulary }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocabulary.map((entry) => entry.text) }],
    ['tokenizer.ggml.scores', { type: 'float32[]', value: vocabulary.map((entry) => entry.score) }],
    ['tokenizer.ggml.token_type', { type: 'int32[]', value: vocabulary.map((entry) => entry.type) }],
    ['tokenizer.ggml.unknown_token_id', { type: 'uint32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'uint32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'uint32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.chat_template', { type: 'string', value: CHATML_TEMPLATE }],
  ]);
  const { fileSize } = await writeGguf(file, metadata, tensors);
  const parameterCount = tensors.reduce((sum, t) => sum + t.shape.reduce((n, d) => n * d, 1), 0);
  return { path: file, parameterCount, fileSize };
}
