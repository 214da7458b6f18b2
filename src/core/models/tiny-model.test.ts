// The generated tiny model must load and run in real llama.cpp (through node-llama-cpp, on the CPU): tokenizer
// round trips in our scripts, next-token probabilities with sampling options, generation, and byte-identical
// files for the same seed.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ChatMLChatWrapper,
  readGgufFileInfo,
  type ControlledEvaluateInputItem,
  resolveChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/temp-dir.js';
import { getTestLlama, tinyModel } from '../../testing/tiny-model.js';
import {
  TINY_MODEL_DEFAULT_SEED,
  TINY_MODEL_DEFAULT_SHARPNESS,
  writeTinyModel,
  type TinyModelInfo,
} from './tiny-model.js';

/** The raw distribution: no truncation by top-k or top-p, temperature 1. */
const UNFILTERED = { temperature: 1, topK: 0, topP: 1 };

const SENTENCES = [
  'The answer is important, because I agree.',
  'Die Familie ist mir sehr wichtig.',
  'Aile benim için çok önemli; İş ve ağ ığdır.',
  'Η οικογένεια είναι πολύ σημαντική για μένα;',
  'পরিবার আমার জীবনে খুবই গুরুত্বপূর্ণ।',
  'Породица ми је веома важна. Ђорђе, љубав, њива, ћерка, џеп.',
  'خانواده برای من بسیار مهم است. گچ، پژوهش، خاندان۔ ہے',
  'Gia đình rất quan trọng đối với tôi.',
  'Familia ni muhimu sana. Si Niño ay masaya.',
  '가족은 나에게 매우 중요하다.',
  'line one\n\ttwo  spaces',
];

describe('tiny model in llama.cpp', () => {
  let info: TinyModelInfo;
  let llama: Llama;
  let model: LlamaModel;
  let context: LlamaContext;
  const logs: string[] = [];

  beforeAll(async () => {
    info = await tinyModel();
    llama = await getTestLlama({ logger: (level, message) => logs.push(`${level}: ${message}`) });
    model = await llama.loadModel({ modelPath: info.path });
    context = await model.createContext({ contextSize: 256, sequences: 2 });
  });

  afterAll(async () => {
    await context?.dispose();
    await model?.dispose();
    await llama?.dispose();
  });

  /** The next-token probabilities after `text`, highest first. */
  async function nextTokenProbabilities(
    m: LlamaModel,
    c: LlamaContext,
    text: string,
    options: { temperature?: number; topK?: number; topP?: number },
  ): Promise<Map<Token, number>> {
    const sequence = c.getSequence();
    try {
      const tokens = m.tokenize(text);
      const last = tokens.length - 1;
      // Only the last token asks for the distribution after it; the others are just evaluated.
      const input: ControlledEvaluateInputItem[] = [
        ...tokens.slice(0, last),
        [tokens[last]!, { generateNext: { probabilities: true, options } }],
      ];
      const output = await sequence.controlledEvaluate(input);
      const probabilities = output[last]?.next.probabilities;
      if (!probabilities) throw new Error('no probabilities came back');
      return probabilities;
    } finally {
      sequence.dispose();
    }
  }

  function sum(values: Iterable<number>): number {
    let total = 0;
    for (const value of values) total += value;
    return total;
  }

  it('loads without a warning from llama.cpp or node-llama-cpp', () => {
    expect(model.getWarnings()).toEqual([]);
    expect(logs).toEqual([]);
    expect(info.seed).toBe(TINY_MODEL_DEFAULT_SEED);
    expect(info.sharpness).toBe(TINY_MODEL_DEFAULT_SHARPNESS);
    expect(model.tokens.bosString).toBe('<s>');
    expect(model.fileInsights.trainContextSize).toBe(2048);
  });

  it('tokenizes and detokenizes every script of our languages without loss', () => {
    for (const sentence of SENTENCES) {
      expect(model.detokenize(model.tokenize(sentence))).toBe(sentence);
    }
    // Answer words are whole pieces, so the probability of an option is that of a single token.
    expect(model.tokenize('important unimportant Answer')).toHaveLength(3);
    expect(model.tokenize('<|im_start|>user', true)[0]).toBe(model.tokenize('<|im_start|>', true)[0]);
  });

  it('resolves to the ChatML chat wrapper from its template', () => {
    expect(resolveChatWrapper(model)).toBeInstanceOf(ChatMLChatWrapper);
  });

  it('reads back as the file the registry will describe', async () => {
    const file = await readGgufFileInfo(info.path, { readTensorInfo: true });
    expect(file.metadata.general.architecture).toBe('llama');
    expect(file.metadata.general.file_type).toBe(0);
    expect(file.architectureMetadata.context_length).toBe(2048);
    expect(file.metadata.tokenizer.ggml.tokens).toHaveLength(info.vocabularySize);
    expect(file.metadata.tokenizer.chat_template).toContain('<|im_start|>');
    expect(
      sum((file.tensorInfo ?? []).map((tensor) => tensor.dimensions.reduce<number>((a, b) => a * Number(b), 1))),
    ).toBe(info.parameterCount);
  });

  const cloze = (demonstrations: string[]) =>
    [
      'Fill in the blank (_) in the last statement with one of the two options: "important" or "unimportant". Answer with the option only.',
      ...demonstrations,
      'Family is _ in my life.',
      'Answer:',
    ].join('\n');

  it('answers a cloze prompt like an instruction-tuned model: peaked on the two options, summing to 1', async () => {
    const raw = await nextTokenProbabilities(model, context, cloze([]), UNFILTERED);
    expect(raw.size).toBe(info.vocabularySize);
    expect(sum(raw.values())).toBeCloseTo(1, 4);
    const top = [...raw].slice(0, 2).map(([token, p]) => [model.detokenize([token]).trim(), p] as const);
    expect(top.map(([text]) => text).sort()).toEqual(['important', 'unimportant']);
    expect(top[0]![1]).toBeGreaterThan(0.3);
    expect(top[0]![1] + top[1]![1]).toBeGreaterThan(0.8);

    const filtered = await nextTokenProbabilities(model, context, cloze([]), { temperature: 0.7, topK: 5, topP: 1 });
    expect(filtered.size).toBe(5);
    expect(sum(filtered.values())).toBeCloseTo(1, 4);
  });

  it('leans towards the answers its demonstrations show, as self-alignment expects', async () => {
    const probabilityOf = async (prompt: string, word: string) => {
      const probabilities = await nextTokenProbabilities(model, context, prompt, UNFILTERED);
      return [...probabilities].find(([token]) => model.detokenize([token]).trim() === word)![1];
    };
    const zeroShot = await probabilityOf(cloze([]), 'unimportant');
    const shown = await probabilityOf(
      cloze(['Work is unimportant in my life.', 'Politics is unimportant in my life.']),
      'unimportant',
    );
    expect(shown).toBeGreaterThan(zeroShot);
  });

  it('ends its turn after the answer', async () => {
    const sequence = context.getSequence();
    const generated: Token[] = [];
    for await (const token of sequence.evaluate(model.tokenize(cloze([])), {
      temperature: 0.8,
      topK: 40,
      topP: 0.95,
      seed: 1,
    })) {
      if (model.isEogToken(token) || generated.length === 16) break;
      generated.push(token);
    }
    sequence.dispose();
    expect(['important', 'unimportant']).toContain(model.detokenize(generated).trim());
  });

  it('at sharpness 0 gives a uniform distribution', async () => {
    const flat = await tinyModel({ sharpness: 0 });
    const flatModel = await llama.loadModel({ modelPath: flat.path });
    const flatContext = await flatModel.createContext({ contextSize: 128 });
    try {
      const probabilities = await nextTokenProbabilities(
        flatModel,
        flatContext,
        'Family is important in my life. The answer is',
        UNFILTERED,
      );
      expect(sum(probabilities.values())).toBeCloseTo(1, 4);
      expect(probabilities.values().next().value!).toBeLessThan(1.01 / flat.vocabularySize);
    } finally {
      await flatContext.dispose();
      await flatModel.dispose();
    }
  });
});

describe('writeTinyModel', () => {
  const tempDir = useTempDir();

  it('writes byte-identical files for the same seed and different ones for another seed', async () => {
    const dir = tempDir();
    const first = await writeTinyModel(path.join(dir, 'a.gguf'), { seed: 7 });
    const again = await writeTinyModel(path.join(dir, 'b.gguf'), { seed: 7 });
    const other = await writeTinyModel(path.join(dir, 'c.gguf'), { seed: 8 });
    expect(again.sha256).toBe(first.sha256);
    // Buffer.equals: a deep toEqual over a megabyte walks it byte by byte and takes seconds.
    expect((await readFile(again.path)).equals(await readFile(first.path))).toBe(true);
    expect(other.sha256).not.toBe(first.sha256);
    expect(other.fileSize).toBe(first.fileSize);
    expect(first.fileSize).toBe((await readFile(first.path)).length);
    expect(first).toMatchObject({ seed: 7, sharpness: TINY_MODEL_DEFAULT_SHARPNESS });
  });

  it('refuses settings it cannot honour', async () => {
    const dir = tempDir();
    await expect(writeTinyModel(path.join(dir, 'x.gguf'), { sharpness: -1 })).rejects.toThrow(RangeError);
    await expect(writeTinyModel(path.join(dir, 'x.gguf'), { seed: 1.5 })).rejects.toThrow(RangeError);
  });
});
