// The generated tiny GGUF model for tests that need real llama.cpp inference, made once per test process; the
// one way tests start llama.cpp: on the CPU, from the prebuilt binaries, never building or downloading; how they
// open a model file in it; and the small shape of a real architecture (shaped-model.ts) for tests and bench:gpu.

import { rename, stat, unlink } from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getLlama, LlamaLogLevel, type Llama } from 'node-llama-cpp';
import { LocalModel, type LocalModelOptions } from '../core/models/local-model.js';
import { LLAMA_3_8B_SHAPE, type ModelShape } from '../core/models/shaped-model.js';
import { writeTinyModel, type TinyModelInfo, type TinyModelOptions } from '../core/models/tiny-model.js';

const made = new Map<string, Promise<TinyModelInfo>>();
let attempt = 0;

/**
 * The tiny model for these options, written into the system's temporary folder under a name taken from its
 * SHA-256. Each process generates it once (so a changed generator never serves a stale file) and renames it
 * into place atomically, so test processes running side by side never see a half-written model.
 */
export function tinyModel(options: TinyModelOptions = {}): Promise<TinyModelInfo> {
  const key = `${options.seed ?? 'default'}:${options.sharpness ?? 'default'}`;
  let info = made.get(key);
  if (!info) {
    info = generate(options);
    made.set(key, info);
  }
  return info;
}

export async function tinyModelPath(options: TinyModelOptions = {}): Promise<string> {
  return (await tinyModel(options)).path;
}

async function generate(options: TinyModelOptions): Promise<TinyModelInfo> {
  const dir = path.join(os.tmpdir(), 'selfalign-tiny-models');
  mkdirSync(dir, { recursive: true });
  const partial = path.join(dir, `.partial-${process.pid}-${attempt++}.gguf`);
  const info = await writeTinyModel(partial, options);
  const file = path.join(dir, `tiny-${info.sha256.slice(0, 16)}.gguf`);
  const existing = await stat(file).catch(() => undefined);
  // Another process may have the same file loaded (memory-mapped); leave an intact copy alone rather than
  // replacing it, which Windows refuses for open files.
  if (existing?.size === info.fileSize) await unlink(partial);
  else await rename(partial, file);
  return { ...info, path: file };
}

export interface TestLlamaOptions {
  /** Receives llama.cpp's and node-llama-cpp's log lines at warning level and above. */
  logger?: (level: LlamaLogLevel, message: string) => void;
}

/**
 * llama.cpp on the CPU for tests. One thread: the tiny model gains nothing from more, and on a shared machine
 * llama.cpp's spinning worker threads slowed a token from under 1 ms to hundreds of milliseconds.
 */
export function getTestLlama(options: TestLlamaOptions = {}): Promise<Llama> {
  return getLlama({
    gpu: false,
    build: 'never',
    skipDownload: true,
    usePrebuiltBinaries: true,
    progressLogs: false,
    maxThreads: 1,
    logLevel: LlamaLogLevel.warn,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/**
 * A model file opened in LocalModel on the tests' llama.cpp (`getTestLlama`, unless `options.llama` names one): by
 * default the tiny model, named "tiny", at temperature 1; `options` change any of these and add the rest.
 */
export async function openTestModel(options: Partial<LocalModelOptions> = {}): Promise<LocalModel> {
  return LocalModel.open({
    name: 'tiny',
    sampling: { temperature: 1 },
    ...options,
    path: options.path ?? (await tinyModelPath()),
    llama: options.llama ?? (await getTestLlama()),
  });
}

/**
 * Llama 3's architecture at a size the CPU loads and runs in moments (a 4,000-token vocabulary, 256 dimensions, two
 * layers, grouped-query attention kept: 4 heads, 2 KV heads), for `writeShapedModel`: in tests, and as bench:gpu's
 * `--shape small`, which runs prompts with demonstrations and so needs a context of 2,048 tokens.
 */
export const SMALL_SHAPE: ModelShape = {
  ...LLAMA_3_8B_SHAPE,
  name: 'small',
  vocabulary: 4000,
  dimensions: 256,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  feedForward: 512,
  contextLength: 2048,
};
