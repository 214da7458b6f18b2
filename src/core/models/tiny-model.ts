// Generates the project's own tiny GGUF model for tests and demonstrations: a 2-layer llama with seeded f32
// weights and a SentencePiece ("llama") vocabulary that round-trips the scripts of our 14 languages. No weights
// can be downloaded or committed, so the same seed must always give the same bytes.
//
// Random weights alone make a model that never answers: it writes gibberish to the token limit. So the weights
// are laid out to behave like a small instruction-tuned model answering a cloze prompt: after the prompt it
// names one of the answer words, preferring the words that occur in the prompt (the two options the
// instruction names, and the answers of the demonstrations), and then ends its turn. Which word wins is seeded;
// demonstrations shift it, as they shift a real model. Everything else is seeded noise.

import { readProbeSource } from '../data/index.js';
import { SeededRandom } from '../random/index.js';
import { builtinDataPath } from '../resources.js';
import { writeGguf, type GgufTensor, type GgufValue } from './gguf-writer.js';

export const TINY_MODEL_DEFAULT_SEED = 1;
/**
 * The default `sharpness`: at 7 the model's next-token distributions are about as peaked as an
 * instruction-tuned model's (a top token typically with 0.4-0.9 of the probability), without collapsing onto one.
 */
export const TINY_MODEL_DEFAULT_SHARPNESS = 7;

export interface TinyModelOptions {
  seed?: number;
  /**
   * How peaked the next-token distributions are: every logit is proportional to it (the output projection is
   * scaled by `sharpness / 7`). 0 makes every logit 0: a uniform distribution over the whole vocabulary.
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

const DIMENSIONS = 256;
const LAYERS = 2;
const HEADS = 4;
const FEED_FORWARD = 256;
const CONTEXT_LENGTH = 2048;

/** llama.cpp's token types. */
export const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

/** SentencePiece's word-boundary marker: llama.cpp's SPM tokenizer writes every space as this character. */
const WORD_BOUNDARY = '\u2581';
const QUOTE = '"';

export const CHATML_TEMPLATE =
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

/** The answer options of the built-in English probes, each as its list of words. */
async function optionWordLists(): Promise<string[][]> {
  const source = await readProbeSource(builtinDataPath('probes', 'en.csv'));
  return source.probes.flatMap((probe) => probe.options.map((option) => option.match(/[\p{L}\p{M}\p{N}'’-]+/gu) ?? []));
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
  // Every word also after an opening quote, so that a quoted option (`"important"`) is one token too.
  for (const word of [...PROMPT_WORDS, ...(await optionWordLists()).flat()]) {
    for (const spelled of [WORD_BOUNDARY + word, QUOTE + word]) {
      const characters = [...spelled];
      for (let length = 2; length <= characters.length; length++) pieces.add(characters.slice(0, length).join(''));
    }
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

function zeros(count: number): Float32Array {
  return new Float32Array(count);
}

/**
 * The hidden dimensions, by role. Dimension 0 marks the tokens a prompt ends with (the newline after the chat
 * template's assistant header, the colon of "Answer:"); dimension 1 marks answer words. Each answer word has
 * three slots: its presence as a source (in the embedding of any spelling of the word), its presence summed up
 * over the prompt (written by the first layer's attention, read by the output), and its identity (the word
 * itself, for what follows it). Keeping source and summary apart stops a word from voting for itself. The last
 * dimensions carry the noise of every other token.
 */
interface Layout {
  answerWords: string[];
  source: (word: string) => number;
  summary: (word: string) => number;
  identity: (word: string) => number;
  noise: readonly number[];
}

const ANSWER_START = 0;
const ANSWER_WORD = 1;
/** Marks every other token, so that a response gone astray tends to end. */
const ORDINARY = 2;
const RESERVED = 3;
const NOISE_DIMENSIONS = 12;

function layoutOf(answerWords: string[]): Layout {
  const slots = Math.floor((DIMENSIONS - RESERVED - NOISE_DIMENSIONS) / 3);
  // More words than slots share them (by position in the sorted list): a test model can afford the overlap.
  const slot = new Map(answerWords.map((word, i) => [word, i % slots]));
  return {
    answerWords,
    source: (word) => RESERVED + slot.get(word)!,
    summary: (word) => RESERVED + slots + slot.get(word)!,
    identity: (word) => RESERVED + 2 * slots + slot.get(word)!,
    noise: Array.from({ length: NOISE_DIMENSIONS }, (_, i) => DIMENSIONS - NOISE_DIMENSIONS + i),
  };
}

/** Which answer word a vocabulary entry spells as a whole word (`▁word` or `"word`); undefined for none. */
function answerWordOf(entry: VocabularyEntry, answerWords: ReadonlySet<string>): string | undefined {
  if (entry.type !== TOKEN_TYPE.normal || !(entry.text.startsWith(WORD_BOUNDARY) || entry.text.startsWith(QUOTE)))
    return undefined;
  const word = entry.text.slice(1).toLowerCase();
  return answerWords.has(word) ? word : undefined;
}

async function tinyTensors(
  vocabulary: readonly VocabularyEntry[],
  seed: number,
  sharpness: number,
): Promise<GgufTensor[]> {
  // One generator per tensor, named by the tensor, so changing one tensor never shifts another's weights.
  const random = (name: string): SeededRandom => SeededRandom.from('tiny-model', seed, name);
  const vocabularySize = vocabulary.length;
  const lists = (await optionWordLists()).map((words) => words.map((w) => w.toLowerCase()));
  const layout = layoutOf([...new Set(lists.flat())].sort());
  const answerWords = new Set(layout.answerWords);
  // Words that some option ends with may end the answer; the others lead on to the option's next word.
  const finalWords = new Set(lists.map((words) => words.at(-1)!));
  // Which word follows which inside multi-word options, leaving out any step that would close a cycle
  // ("not have" after "have not"), so that answers always come to an end.
  const successors = new Map<string, Set<string>>();
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
    from === to ||
    [...(successors.get(from) ?? [])].some((next) => !seen.has(next) && (seen.add(next), reaches(next, to, seen)));
  for (const words of lists) {
    words.slice(0, -1).forEach((word, i) => {
      const next = words[i + 1]!;
      if (!reaches(next, word)) successors.set(word, (successors.get(word) ?? new Set()).add(next));
    });
  }

  // Embeddings: a role, plus seeded noise in the noise dimensions so that ordinary tokens differ.
  const embedding = zeros(DIMENSIONS * vocabularySize);
  const embeddingNoise = normals(
    random('token_embd.weight'),
    NOISE_DIMENSIONS * vocabularySize,
    1 / Math.sqrt(NOISE_DIMENSIONS),
  );
  vocabulary.forEach((entry, id) => {
    const row = id * DIMENSIONS;
    const word = answerWordOf(entry, answerWords);
    // Both spellings of an answer word in the prompt count as its presence ("important" in quotes, ▁important).
    if (word !== undefined) embedding[row + layout.source(word)] = 1;
    if (word !== undefined && entry.text.startsWith(WORD_BOUNDARY)) {
      embedding[row + ANSWER_WORD] = 1;
      embedding[row + layout.identity(word)] = 1;
    } else if (entry.text === '<0x0A>' || entry.text === ':') {
      embedding[row + ANSWER_START] = 1;
    } else {
      // Only ordinary tokens carry noise: on the answer path it would drown the layout.
      embedding[row + ORDINARY] = 1;
      layout.noise.forEach((d, i) => (embedding[row + d] = embeddingNoise[id * NOISE_DIMENSIONS + i]!));
    }
  });

  // The output projection: what each role makes likely next. Scaled by sharpness (7 is the designed scale).
  const scale = sharpness / TINY_MODEL_DEFAULT_SHARPNESS;
  const output = zeros(DIMENSIONS * vocabularySize);
  const outputNoise = normals(random('output.weight'), NOISE_DIMENSIONS * vocabularySize, 0.45);
  const preference = normals(random('answer-preference'), vocabularySize, 0.08);
  const endOfTurn = vocabulary.findIndex((entry) => entry.text === '<|im_end|>');
  vocabulary.forEach((entry, id) => {
    const row = id * DIMENSIONS;
    const set = (d: number, value: number) => (output[row + d] = scale * value);
    const word = answerWordOf(entry, answerWords);
    if (entry.type === TOKEN_TYPE.normal)
      layout.noise.forEach((d, i) => set(d, outputNoise[id * NOISE_DIMENSIONS + i]!));
    if (word !== undefined && entry.text.startsWith(WORD_BOUNDARY)) {
      // After the prompt: a seeded preference for each word, and a strong pull towards words the prompt contains.
      set(ANSWER_START, 0.1 + preference[id]!);
      set(layout.summary(word), 9);
      // Right after an answer word, another answer word is unlikely (unless it continues the option).
      set(ANSWER_WORD, -1.2);
      // Inside a multi-word option, the next word follows its predecessor.
      for (const [before, after] of successors) if (after.has(word)) set(layout.identity(before), 3);
    } else if (entry.type === TOKEN_TYPE.normal) {
      // Ordinary tokens are unlikely right after the prompt and after an answer word.
      set(ANSWER_START, -0.45);
      set(ANSWER_WORD, -0.5);
      set(ORDINARY, -0.2);
    }
    if (id === EOS_ID || id === endOfTurn) {
      // An answer word ends the turn, unless the option goes on; noise ends it now and then.
      set(ANSWER_WORD, 1.5);
      for (const word of answerWords) if (!finalWords.has(word)) set(layout.identity(word), -1.6);
      set(ANSWER_START, -1);
      set(ORDINARY, 1.2);
    }
  });

  // Layer 0's attention averages the presence sources over the whole prompt: queries and keys are zero, so every
  // position gets the same weight; values copy each source to its summary slot; the output adds them back.
  const presenceCopy = zeros(DIMENSIONS * DIMENSIONS);
  for (const word of answerWords) presenceCopy[layout.summary(word) * DIMENSIONS + layout.source(word)] = 1;
  const identity = zeros(DIMENSIONS * DIMENSIONS);
  for (let d = 0; d < DIMENSIONS; d++) identity[d * DIMENSIONS + d] = 1;
  // Everything else is seeded random weights, kept small where it feeds the residual stream, so the layout holds.
  const matrix = (name: string, inputs: number, outputs: number, gain = 1): GgufTensor => ({
    name,
    shape: [inputs, outputs],
    data: normals(random(name), inputs * outputs, gain / Math.sqrt(inputs)),
  });

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', shape: [DIMENSIONS, vocabularySize], data: embedding },
    { name: 'output_norm.weight', shape: [DIMENSIONS], data: ones(DIMENSIONS) },
    { name: 'output.weight', shape: [DIMENSIONS, vocabularySize], data: output },
  ];
  for (let layer = 0; layer < LAYERS; layer++) {
    const block = `blk.${layer}`;
    const averaging = layer === 0;
    tensors.push(
      { name: `${block}.attn_norm.weight`, shape: [DIMENSIONS], data: ones(DIMENSIONS) },
      averaging
        ? { name: `${block}.attn_q.weight`, shape: [DIMENSIONS, DIMENSIONS], data: zeros(DIMENSIONS * DIMENSIONS) }
        : matrix(`${block}.attn_q.weight`, DIMENSIONS, DIMENSIONS),
      averaging
        ? { name: `${block}.attn_k.weight`, shape: [DIMENSIONS, DIMENSIONS], data: zeros(DIMENSIONS * DIMENSIONS) }
        : matrix(`${block}.attn_k.weight`, DIMENSIONS, DIMENSIONS),
      averaging
        ? { name: `${block}.attn_v.weight`, shape: [DIMENSIONS, DIMENSIONS], data: presenceCopy }
        : matrix(`${block}.attn_v.weight`, DIMENSIONS, DIMENSIONS),
      averaging
        ? { name: `${block}.attn_output.weight`, shape: [DIMENSIONS, DIMENSIONS], data: identity }
        : matrix(`${block}.attn_output.weight`, DIMENSIONS, DIMENSIONS, 0.01),
      { name: `${block}.ffn_norm.weight`, shape: [DIMENSIONS], data: ones(DIMENSIONS) },
      matrix(`${block}.ffn_gate.weight`, DIMENSIONS, FEED_FORWARD),
      matrix(`${block}.ffn_up.weight`, DIMENSIONS, FEED_FORWARD),
      matrix(`${block}.ffn_down.weight`, FEED_FORWARD, DIMENSIONS, 0.01),
    );
  }
  return tensors;
}

function tinyMetadata(vocabulary: readonly VocabularyEntry[], seed: number, sharpness: number): Map<string, GgufValue> {
  return new Map<string, GgufValue>([
    ['general.architecture', { type: 'string', value: 'llama' }],
    ['general.name', { type: 'string', value: 'selfalign-tiny' }],
    [
      'general.description',
      {
        type: 'string',
        value: `Self-Align Workbench test model: answers cloze prompts with seeded preferences; seed ${seed}, sharpness ${sharpness}`,
      },
    ],
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
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 31)
    throw new RangeError(`seed must be a 32-bit integer, got ${seed}`);
  if (!Number.isFinite(sharpness) || sharpness < 0)
    throw new RangeError(`sharpness must be a finite number ≥ 0, got ${sharpness}`);

  const vocabulary = await tinyVocabulary();
  const tensors = await tinyTensors(vocabulary, seed, sharpness);
  const { fileSize, sha256 } = await writeGguf(file, tinyMetadata(vocabulary, seed, sharpness), tensors);
  return {
    path: file,
    vocabularySize: vocabulary.length,
    parameterCount: tensors.reduce((sum, tensor) => sum + (tensor.data as Float32Array).length, 0),
    seed,
    sharpness,
    fileSize,
    sha256,
  };
}
