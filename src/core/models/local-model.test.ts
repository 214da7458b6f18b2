// Opening a local GGUF model in llama.cpp, and what the user is told when that cannot work.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Token } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { rejection } from '../../testing/rejection.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { getTestLlama, openTestModel, SMALL_SHAPE, tinyModelPath } from '../../testing/tiny-model.js';
import { nextTokenRequest, type LocalModel, type LocalModelOptions, type PromptInput } from './local-model.js';
import { writeShapedModel } from './shaped-model.js';

const tempDir = useTempDir();
const SAMPLING = { temperature: 0.6, topP: 0.9 };

/** A small model of Llama 3's architecture with Q4_0 weights, in the test's temporary folder. */
async function smallQ4Model(): Promise<string> {
  return (await writeShapedModel(path.join(tempDir(), 'q4.gguf'), SMALL_SHAPE, { weights: 'q4_0' })).path;
}

/** The tiny model (or the file in `options`) opened with these sampling settings. */
function open(options: Partial<LocalModelOptions> = {}): Promise<LocalModel> {
  return openTestModel({ sampling: SAMPLING, ...options });
}

function openFailure(options: Partial<LocalModelOptions>): Promise<UserError> {
  return rejection(open(options), UserError);
}

describe('a local model', () => {
  it('opens on the CPU and reports its backend and offloaded layers', async () => {
    const model = await open({ contextSize: 256 });
    try {
      expect(model.backend).toEqual({
        backend: 'cpu',
        devices: [],
        gpuLayers: 0,
        totalLayers: expect.any(Number),
        threads: expect.any(Number),
      });
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

  it.each([
    ['the tiny model', false],
    ['a Q4_0 model', true],
  ])(
    'keeps a shared beginning in the KV cache, and the numbers are those of a prompt evaluated from nothing (%s)',
    async (_name, quantized) => {
      const llama = await getTestLlama();
      const modelPath = quantized ? await smallQ4Model() : await tinyModelPath();
      const openModel = () => open({ name: 'model', path: modelPath, llama, contextSize: 512 });
      const instruction =
        'Fill in the blank (_) in the last statement with one of the two options: "agree" or "disagree". Answer with the option only.';
      const prompt = (statement: string, chat: boolean, beginning = instruction): PromptInput => {
        const text = `${beginning}\nFamily is important in my life.\n${statement}\nAnswer:`;
        return { text, messages: [{ role: 'user', content: text }], chat, sharedBeginnings: ['', beginning] };
      };
      /** The root distribution and the one after a two-token response prefix, as plain arrays. */
      const probe = async (model: LocalModel, input: PromptInput) => {
        const session = await model.session(input);
        try {
          const root = await session.next([]);
          const top = [...root.probabilities.keys()].slice(0, 2);
          const deeper = await session.next(top);
          return {
            cached: session.cachedPromptTokens,
            prompt: session.promptTokens,
            root: [...root.probabilities],
            deeper: [...deeper.probabilities],
          };
        } finally {
          await session.close();
        }
      };
      // The shaped model has no chat template of its own.
      for (const chat of quantized ? [false] : [false, true]) {
        const warm = await openModel();
        const cold = await openModel();
        try {
          const first = await probe(warm, prompt('I _ that work is important.', chat));
          expect(first.cached).toBe(0);
          const kept = await probe(warm, prompt('I _ that friends are important.', chat));
          const fresh = await probe(cold, prompt('I _ that friends are important.', chat));
          // The chat header and the instruction were kept, not evaluated again...
          expect(kept.cached).toBeGreaterThan(20);
          expect(kept.cached).toBeLessThan(kept.prompt);
          expect(fresh.cached).toBe(0);
          // ...and every probability is bit for bit what the cold model gives.
          expect(kept.root).toEqual(fresh.root);
          expect(kept.deeper).toEqual(fresh.deeper);
          // A prompt with another instruction keeps the chat header only, and again computes what a cold model does.
          const otherPrompt = prompt(
            'I _ that work is important.',
            chat,
            'Which word fits the blank: "agree" or "disagree"?',
          );
          const other = await probe(warm, otherPrompt);
          expect(other.cached).toBeLessThan(kept.cached / 2);
          if (chat) expect(other.cached).toBeGreaterThan(0);
          expect(other.root).toEqual((await probe(cold, otherPrompt)).root);
        } finally {
          await warm.close();
          await cold.close();
        }
      }
    },
  );

  it('evaluates one sequence at a time, so sessions side by side get the numbers each prompt has alone, where a batch shared by sequences would change them', async () => {
    // Q4_0 weights, as users run: on them llama.cpp's numbers depend on what else is in the batch.
    const written = { path: await smallQ4Model() };
    const llama = await getTestLlama();
    const prompts: PromptInput[] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => {
      const text = `Fill in the blank. ${'Consider it carefully. '.repeat(i * 3)}Family is _ in my life. Answer:`;
      return { text, messages: [], chat: false };
    });
    // The prompt's next-token probabilities, then those after each of a few tokens (the most probable each time).
    const WALK_STEPS = 6;
    const walk = async (model: LocalModel, prompt: PromptInput) => {
      const session = await model.session(prompt);
      try {
        const seen = [(await session.next([])).probabilities];
        const path: Token[] = [];
        for (let step = 0; step < WALK_STEPS; step++) {
          path.push([...seen.at(-1)!].sort((x, y) => y[1] - x[1])[0]![0]);
          seen.push((await session.next(path)).probabilities);
        }
        return seen;
      } finally {
        await session.close();
      }
    };
    const alone = await open({ name: 'q4', path: written.path, llama, contextSize: 512 });
    const rootAlone: ReadonlyMap<Token, number>[] = [];
    try {
      for (const prompt of prompts) rootAlone.push(...(await walk(alone, prompt)));
      // The premise: the same prompts in batches of two sequences, straight through node-llama-cpp, differ.
      const context = await alone.model.createContext({ contextSize: 512, sequences: 2 });
      try {
        const [a, b] = [context.getSequence(), context.getSequence()];
        const evaluate = async (sequence: typeof a, prompt: PromptInput) => {
          const tokens = alone.promptTokens(prompt);
          const output = await sequence.controlledEvaluate([
            ...tokens.slice(0, -1),
            [tokens.at(-1)!, { generateNext: nextTokenRequest(SAMPLING) }],
          ]);
          return output.at(-1)!.next.probabilities!;
        };
        const batched = [
          ...(await Promise.all([evaluate(a, prompts[0]!), evaluate(b, prompts[1]!)])),
          ...(await Promise.all([evaluate(a, prompts[2]!), evaluate(b, prompts[3]!)])),
        ];
        expect(
          batched.some((probabilities, i) =>
            [...probabilities].some(([token, p]) => rootAlone[i * (WALK_STEPS + 1)]!.get(token) !== p),
          ),
        ).toBe(true);
      } finally {
        await context.dispose();
      }
    } finally {
      await alone.close();
    }

    const sideBySide = await open({ name: 'q4', path: written.path, llama, contextSize: 512, sequences: 2 });
    try {
      const walks = (await Promise.all(prompts.map((prompt) => walk(sideBySide, prompt)))).flat();
      walks.forEach((probabilities, i) => expect([...probabilities]).toEqual([...rootAlone[i]!]));
    } finally {
      await sideBySide.close();
    }
  }, 60_000);

  it("counts a session's time inside llama.cpp, not its wait for another sequence's turn", async () => {
    const model = await open({ contextSize: 512, sequences: 2 });
    try {
      const walk = async (text: string) => {
        const session = await model.session({ text, messages: [], chat: false });
        try {
          const path: Token[] = [];
          for (let step = 0; step < 8; step++) {
            const { probabilities } = await session.next(path);
            path.push([...probabilities].sort((x, y) => y[1] - x[1])[0]![0]);
          }
          return session.llamaMs;
        } finally {
          await session.close();
        }
      };
      const started = performance.now();
      const times = await Promise.all([
        walk(`Fill in the blank. ${'Think it over. '.repeat(15)}Family is _ in my life.`),
        walk(`Fill in the blank. ${'Take your time. '.repeat(15)}Work is _ in my life.`),
      ]);
      const elapsed = performance.now() - started;
      for (const ms of times) expect(ms).toBeGreaterThan(0);
      // The two sessions take turns on one model: had each counted its waits too, together they would exceed the time taken.
      expect(times[0]! + times[1]!).toBeLessThanOrEqual(elapsed);
    } finally {
      await model.close();
    }
  });

  it('tokenizes an announced prompt while it waits, into the tokens it would have had, and lets go of one announced to a closed model', async () => {
    const model = await open({ contextSize: 512 });
    const input = (text: string): PromptInput => ({ text, messages: [{ role: 'user', content: text }], chat: true });
    const expected = model.promptTokens(input('Family is _ in my life.'));
    model.prepare(input('Family is _ in my life.'));
    await new Promise((resolve) => setImmediate(resolve));
    const session = await model.session(input('Family is _ in my life.'));
    expect(session.promptTokens).toBe(expected.length);
    await session.close();
    model.prepare(input('Work is _ in my life.'));
    await model.close();
    await new Promise((resolve) => setImmediate(resolve));
    model.prepare(input('Friends are _ in my life.'));
    await new Promise((resolve) => setImmediate(resolve));
  });
});
