// Generates the project's own tiny GGUF model for tests and demonstrations: a 2-layer, 64-dimension llama with
// seeded random f32 weights and a SentencePiece ("llama") vocabulary that round-trips the scripts of our 14
// languages. No weights can be downloaded or committed, so the same seed must always give the same bytes.

import { readProbeSource } from '../data/index.js';
import { SeededRandom } from '../random/index.js';
import { builtinDataPath } from '../resources.js';
import { writeGguf, type GgufTensor, type GgufValue } from './gguf-writer.js';

export const TINY_MODEL_DEFAULT_SEED = 1;
/**
 * The default `sharpness`: the standard deviation of the logits of word tokens. At 7 the largest of ~1,300
 * random word logits usually stands a few units clear of the next, so the top token takes about 0.4-0.85 of the
 * probability (median 0.6 over varied prefixes), as in an instruction-tuned model, without collapsing onto one.
 */
export const TINY_MODEL_DEFAULT_SHARPNESS = 7;

export interface TinyModelOptions {
  seed?: number;
  /**
   * How peaked the next-token distributions are: the output projection of word tokens is drawn with standard
   * deviation `sharpness / sqrt(dimensions)`, and the final RMS norm gives the hidden state unit root mean square,
   * so the logits of word tokens have standard deviation `sharpness`. 0 makes every logit 0: a uniform
   * distribution over the whole vocabulary.
   */
  sharpness?: number;
}

export interface TinyModelInfo {
  path: string;
  vocabularySize: number;
  parameterCount: number;
  seed: number;
  sharpness: number;
  fileSize: number;
  sha256: string;
}

const DIMENSIONS = 64;
const LAYERS = 2;
const HEADS = 4;
const FEED_FORWARD = 128;
const CONTEXT_LENGTH = 2048;

/** llama.cpp's token types. */
const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

/** SentencePiece's word-boundary marker: llama.cpp's SPM tokenizer writes every space as this character. */
const WORD_BOUNDARY = '\u2581';

const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** Words of the prompts around the answer options; the options' own words come from the built-in probes. */
const PROMPT_WORDS = ['Answer', 'The', 'answer', 'is', 'I', 'because'];

/**
 * Code-point ranges of the scripts of our languages. Each is filtered to assigned letters, marks, digits,
 * punctuation and symbols, so unassigned holes in a block never become tokens. Korean is left to byte fallback.
 */
const SCRIPT_RANGES: readonly [number, number][] = [
  [0x21, 0x7e], // ASCII
  [0xa1, 0xff], // Latin-1: de ä ö ü ß, tl ñ, French and Portuguese letters, « » ¿ ¡
  [0x100, 0x17f], // Latin Extended-A: ro ă â î, tr ğ ı İ ş, vi đ
  [0x1a0, 0x1b0], // Latin Extended-B: vi ơ ư
  [0x218, 0x21b], // ro ș ț (comma below)
  [0x300, 0x309], // combining accents: Vietnamese written decomposed
  [0x323, 0x323],
  [0x37e, 0x3ce], // Greek, with tonos and dialytika
  [0x400, 0x45f], // Cyrillic, with Serbian ђ ј љ њ ћ џ
  [0x600, 0x6ff], // Arabic, with Persian and Urdu letters and digits
  [0x980, 0x9ff], // Bengali
  [0x964, 0x965], // danda, used in Bengali
  [0x1ea0, 0x1ef9], // Vietnamese precomposed letters
  [0x2010, 0x2026], // dashes, typographic quotes, ellipsis
  [0x200c, 0x200d], // zero-width non-joiner and joiner: Persian and Bengali spelling
];

const TOKEN_CHARACTER = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\u200c\u200d]$/u;

export interface VocabularyEntry {
  text: string;
  score: number;
  type: number;
}

/** Special tokens first, at the ids their metadata keys name. */
const SPECIAL_TOKENS: readonly VocabularyEntry[] = [
  { text: '<unk>', score: 0, type: TOKEN_TYPE.unknown },
  { text: '<s>', score: 0, type: TOKEN_TYPE.control },
  { text: '</s>', score: 0, type: TOKEN_TYPE.control },
];
const UNKNOWN_ID = 0;
const BOS_ID = 1;
const EOS_ID = 2;

async function probeWords(): Promise<string[]> {
  const source = await readProbeSource(builtinDataPath('probes', 'en.csv'));
  const words: string[] = [];
  for (const probe of source.probes) {
    for (const option of probe.options) words.push(...(option.match(/[\p{L}\p{M}\p{N}'’-]+/gu) ?? []));
  }
  return words;
}

/**
 * The vocabulary in id order. llama.cpp's SPM tokenizer builds a word only by merging adjacent pieces pair by
 * pair, highest score first, so every prefix of `▁word` is a piece too and longer pieces score higher; anything
 * else falls back to single characters and, for characters not in the vocabulary, to byte tokens.
 */
export async function tinyVocabulary(): Promise<VocabularyEntry[]> {
  const entries: VocabularyEntry[] = [...SPECIAL_TOKENS];
  for (let byte = 0; byte < 256; byte++) {
    entries.push({ text: `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, score: 0, type: TOKEN_TYPE.byte });
  }
  for (const text of ['<|im_start|>', '<|im_end|>']) entries.push({ text, score: 0, type: TOKEN_TYPE.control });

  const pieces = new Set<string>([WORD_BOUNDARY]);
  for (const [first, last] of SCRIPT_RANGES) {
    for (let code = first; code <= last; code++) {
      const character = String.fromCodePoint(code);
      if (TOKEN_CHARACTER.test(character)) pieces.add(character);
    }
  }
  for (const word of [...PROMPT_WORDS, ...(await probeWords())]) {
    const characters = [...(WORD_BOUNDARY + word)];
    for (let length = 2; length <= characters.length; length++) pieces.add(characters.slice(0, length).join(''));
  }
  for (const text of pieces) entries.push({ text, score: [...text].length, type: TOKEN_TYPE.normal });
  return entries;
}

/** Standard normal draws by the Box–Muller transform over the seeded generator. */
function normals(random: SeededRandom, count: number, standardDeviation: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - random.float())) * standardDeviation;
    const angle = 2 * Math.PI * random.float();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

function ones(count: number): Float32Array {
  return new Float32Array(count).fill(1);
}

function tinyTensors(vocabulary: readonly VocabularyEntry[], seed: number, sharpness: number): GgufTensor[] {
  // One generator per tensor, named by the tensor, so changing one tensor's size never shifts another's weights.
  const random = (name: string): SeededRandom => SeededRandom.from('tiny-model', seed, name);
  const vocabularySize = vocabulary.length;
  // Weights at 1/sqrt(fan-in) keep activations near unit size through both layers.
  const matrix = (name: string, inputs: number, outputs: number): GgufTensor => ({
    name,
    shape: [inputs, outputs],
    data: normals(random(name), inputs * outputs, 1 / Math.sqrt(inputs)),
  });

  const output = normals(random('output.weight'), DIMENSIONS * vocabularySize, sharpness / Math.sqrt(DIMENSIONS));
  // Special and byte tokens get a zero output row, so their logit is 0, far below the best words: generated text
  // stays readable and rarely stops early, while the tokenizer still has the tokens it needs.
  vocabulary.forEach((entry, id) => {
    if (entry.type !== TOKEN_TYPE.normal) output.fill(0, id * DIMENSIONS, (id + 1) * DIMENSIONS);
  });

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', shape: [DIMENSIONS, vocabularySize], data: normals(random('token_embd.weight'), DIMENSIONS * vocabularySize, 1) },
    { name: 'output_norm.weight', shape: [DIMENSIONS], data: ones(DIMENSIONS) },
    { name: 'output.weight', shape: [DIMENSIONS, vocabularySize], data: output },
  ];
  for (let layer = 0; layer < LAYERS; layer++) {
    const block = `blk.${layer}`;
    tensors.push(
      { name: `${block}.attn_norm.weight`, shape: [DIMENSIONS], data: ones(DIMENSIONS) },
      matrix(`${block}.attn_q.weight`, DIMENSIONS, DIMENSIONS),
      matrix(`${block}.attn_k.weight`, DIMENSIONS, DIMENSIONS),
      matrix(`${block}.attn_v.weight`, DIMENSIONS, DIMENSIONS),
      matrix(`${block}.attn_output.weight`, DIMENSIONS, DIMENSIONS),
      { name: `${block}.ffn_norm.weight`, shape: [DIMENSIONS], data: ones(DIMENSIONS) },
      matrix(`${block}.ffn_gate.weight`, DIMENSIONS, FEED_FORWARD),
      matrix(`${block}.ffn_up.weight`, DIMENSIONS, FEED_FORWARD),
      matrix(`${block}.ffn_down.weight`, FEED_FORWARD, DIMENSIONS),
    );
  }
  return tensors;
}

function tinyMetadata(vocabulary: readonly VocabularyEntry[], seed: number, sharpness: number): Map<string, GgufValue> {
  return new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'selfalign-tiny' }],
    ['general.description', { type: 'string', value: `Self-Align Workbench test model: random weights, seed ${seed}, sharpness ${sharpness}` }],
    ['general.file_type', { type: 'uint32', value: 0 }], // all tensors f32
    ['llama.context_length', { type: 'uint32', value: CONTEXT_LENGTH }],
    ['llama.embedding_length', { type: 'uint32', value: DIMENSIONS }],
    ['llama.block_count', { type: 'uint32', value: LAYERS }],
    ['llama.feed_forward_length', { type: 'uint32', value: FEED_FORWARD }],
    ['llama.attention.head_count', { type: 'uint32', value: HEADS }],
    ['llama.attention.head_count_kv', { type: 'uint32', value: HEADS }],
    ['llama.rope.dimension_count', { type: 'uint32', value: DIMENSIONS / HEADS }],
    ['llama.rope.freq_base', { type: 'float32', value: 10000 }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'uint32', value: vocabulary.length }],
    ['tokenizer.ggml.model', { type: 'string', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'string[]', value: vocabulary.map((entry) => entry.text) }],
    ['tokenizer.ggml.scores', { type: 'float32[]', value: vocabulary.map((entry) => entry.score) }],
    ['tokenizer.ggml.token_type', { type: 'int32[]', value: vocabulary.map((entry) => entry.type) }],
    ['tokenizer.ggml.unknown_token_id', { type: 'uint32', value: UNKNOWN_ID }],
    ['tokenizer.ggml.bos_token_id', { type: 'uint32', value: BOS_ID }],
    ['tokenizer.ggml.eos_token_id', { type: 'uint32', value: EOS_ID }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    ['tokenizer.ggml.add_eos_token', { type: 'bool', value: false }],
    ['tokenizer.chat_template', { type: 'string', value: CHATML_TEMPLATE }],
    // Our own keys, so a registry can tell a generated test model from a real one.
    ['selfalign.tiny_model.seed', { type: 'int32', value: seed }],
    ['selfalign.tiny_model.sharpness', { type: 'float32', value: sharpness }],
  ]);
}

/** Writes the tiny model to `file` (overwriting it); the same seed and sharpness always give the same bytes. */
export async function writeTinyModel(file: string, options: TinyModelOptions = {}): Promise<TinyModelInfo> {
  const seed = options.seed ?? TINY_MODEL_DEFAULT_SEED;
  const sharpness = options.sharpness ?? TINY_MODEL_DEFAULT_SHARPNESS;
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 31) throw new RangeError(`seed must be a 32-bit integer, got ${seed}`);
  if (!Number.isFinite(sharpness) || sharpness < 0) throw new RangeError(`sharpness must be a finite number ≥ 0, got ${sharpness}`);

  const vocabulary = await tinyVocabulary();
  const tensors = tinyTensors(vocabulary, seed, sharpness);
  const { fileSize, sha256 } = await writeGguf(file, tinyMetadata(vocabulary, seed, sharpness), tensors);
  return {
    path: file,
    vocabularySize: vocabulary.length,
    parameterCount: tensors.reduce((sum, tensor) => sum + tensor.data.length, 0),
    seed,
    sharpness,
    fileSize,
    sha256,
  };
}
