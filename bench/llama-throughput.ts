// What llama.cpp itself does on a loaded model, with nothing of ours around it: prompt evaluation and one-token
// generation in tokens per second, on one sequence or several at once (node-llama-cpp batches the sequences of
// one context into one evaluation). The benchmarks price a run's tokens at these rates to tell how much of its
// time is inference ("idealSeconds").

import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { nextTokenRequest, type SamplingSettings } from '../src/core/models/index.js';

export interface Throughput {
  sequences: number;
  promptTokens: number;
  promptTokensPerSecond: number;
  generatedTokens: number;
  generationTokensPerSecond: number;
}

/**
 * Evaluates a prompt of `promptTokens` tokens on each of `sequences` sequences at once, then generates
 * `generatedTokens` tokens on each, one evaluation per token with the next-token probabilities under `sampling`
 * (what the estimators ask for), and gives the rates of both. The best of `repeat` tries.
 */
export async function llamaThroughput(
  model: LlamaModel,
  options: {
    sequences: number;
    promptTokens: number;
    generatedTokens: number;
    sampling: SamplingSettings;
    repeat?: number;
  },
): Promise<Throughput> {
  const { sequences, promptTokens, generatedTokens, sampling } = options;
  const context = await model.createContext({ contextSize: promptTokens + generatedTokens + 16, sequences });
  const text = 'Family is important in my life. Work is important in my life. Friends are important in my life. ';
  let prompt: Token[] = [];
  while (prompt.length < promptTokens) prompt = [...prompt, ...model.tokenize(text)];
  prompt = prompt.slice(0, promptTokens);
  const next = nextTokenRequest(sampling);
  let bestPrompt = Number.POSITIVE_INFINITY;
  let bestGeneration = Number.POSITIVE_INFINITY;
  try {
    const all = Array.from({ length: sequences }, () => context.getSequence());
    for (let attempt = 0; attempt < (options.repeat ?? 2); attempt++) {
      await Promise.all(all.map((s) => s.clearHistory()));
      const promptStarted = performance.now();
      await Promise.all(
        all.map((s) => s.controlledEvaluate([...prompt.slice(0, -1), [prompt.at(-1)!, { generateNext: next }]])),
      );
      bestPrompt = Math.min(bestPrompt, (performance.now() - promptStarted) / 1000);
      const generationStarted = performance.now();
      await Promise.all(
        all.map(async (s) => {
          for (let i = 0; i < generatedTokens; i++)
            await s.controlledEvaluate([[prompt[i % prompt.length]!, { generateNext: next }]]);
        }),
      );
      bestGeneration = Math.min(bestGeneration, (performance.now() - generationStarted) / 1000);
    }
  } finally {
    await context.dispose();
  }
  return {
    sequences,
    promptTokens,
    promptTokensPerSecond: Math.round((sequences * promptTokens) / bestPrompt),
    generatedTokens,
    generationTokensPerSecond: Math.round((sequences * generatedTokens) / bestGeneration),
  };
}

/** A prompt's tokens and where its shared beginnings end (LocalModel.sharedTokenCounts), in the order a run evaluates. */
export interface ReplayedPrompt {
  tokens: readonly Token[];
  shared: readonly number[];
}

/**
 * llama.cpp's prompt rate on these very prompts, evaluated in this order on one sequence of a context of
 * `contextSize` tokens (the run's) with the run's prefix reuse and nothing else: each prompt keeps the longest of
 * its shared beginnings that the prompt before left in the sequence and evaluates the rest as one batch, with the
 * first response token's probabilities. Rates are of the tokens evaluated (kept ones cost nothing), the best of
 * `repeat` passes. A token costs more the longer the prompt before it, so tokens after a kept beginning are
 * dearer than the average token of a whole prompt: pricing a run's tokens at a rate measured any other way
 * (whole prompts, one synthetic prompt of the mean length) undercounts what llama.cpp needs.
 */
export async function llamaPromptRate(
  model: LlamaModel,
  options: { prompts: readonly ReplayedPrompt[]; contextSize: number; sampling: SamplingSettings; repeat?: number },
): Promise<{ prompts: number; promptTokens: number; cachedPromptTokens: number; promptTokensPerSecond: number }> {
  const { prompts, sampling } = options;
  const context = await model.createContext({ contextSize: options.contextSize, sequences: 1 });
  const next = nextTokenRequest(sampling);
  let best = Number.POSITIVE_INFINITY;
  let cached = 0;
  try {
    const sequence = context.getSequence();
    for (let attempt = 0; attempt < (options.repeat ?? 2); attempt++) {
      await sequence.clearHistory();
      let before: readonly Token[] = [];
      let seconds = 0;
      cached = 0;
      for (const { tokens, shared } of prompts) {
        const kept =
          shared
            .filter((end) => end <= before.length && tokens.slice(0, end).every((t, i) => t === before[i]))
            .at(-1) ?? 0;
        if (kept > 0) await sequence.eraseContextTokenRanges([{ start: kept, end: sequence.nextTokenIndex }]);
        else await sequence.clearHistory();
        const rest = tokens.slice(kept);
        const started = performance.now();
        await sequence.controlledEvaluate([...rest.slice(0, -1), [rest.at(-1)!, { generateNext: next }]]);
        seconds += (performance.now() - started) / 1000;
        cached += kept;
        before = tokens;
      }
      best = Math.min(best, seconds);
    }
  } finally {
    await context.dispose();
  }
  const tokens = prompts.reduce((sum, p) => sum + p.tokens.length, 0);
  return {
    prompts: prompts.length,
    promptTokens: tokens,
    cachedPromptTokens: cached,
    promptTokensPerSecond: Math.round((tokens - cached) / best),
  };
}

/**
 * Whether llama.cpp gives a prompt the same next-token probabilities when it is evaluated alone and when it shares
 * a batch with other sequences' prompts. A run's results must not depend on which sequences happened to be
 * evaluated together, so batched sequences can be a default only where they match bit for bit; GPU kernels may
 * be chosen by batch size. `maxDifference` is the largest difference of one token's probability.
 */
export async function batchedMatchesAlone(
  model: LlamaModel,
  options: {
    prompts: readonly (readonly Token[])[];
    sequences: number;
    contextSize: number;
    sampling: SamplingSettings;
  },
): Promise<{ prompts: number; sequences: number; identical: boolean; maxDifference: number }> {
  const { prompts, sequences, sampling } = options;
  const next = nextTokenRequest(sampling);
  const evaluate = async (sequence: LlamaContextSequence, prompt: readonly Token[]) => {
    await sequence.clearHistory();
    const output = await sequence.controlledEvaluate([
      ...prompt.slice(0, -1),
      [prompt.at(-1)!, { generateNext: next }],
    ]);
    return output.at(-1)?.next.probabilities ?? new Map<Token, number>();
  };
  const alone: Map<Token, number>[] = [];
  const single = await model.createContext({ contextSize: options.contextSize, sequences: 1 });
  try {
    const sequence = single.getSequence();
    for (const prompt of prompts) alone.push(await evaluate(sequence, prompt));
  } finally {
    await single.dispose();
  }
  const together: Map<Token, number>[] = [];
  const batched = await model.createContext({ contextSize: options.contextSize, sequences });
  try {
    const all = Array.from({ length: sequences }, () => batched.getSequence());
    for (let start = 0; start < prompts.length; start += sequences) {
      const group = prompts.slice(start, start + sequences);
      together.push(...(await Promise.all(group.map((prompt, i) => evaluate(all[i]!, prompt)))));
    }
  } finally {
    await batched.dispose();
  }
  let identical = true;
  let maxDifference = 0;
  alone.forEach((probabilities, i) => {
    const other = together[i]!;
    if (other.size !== probabilities.size) identical = false;
    for (const [token, p] of probabilities) {
      const q = other.get(token) ?? 0;
      if (q !== p) identical = false;
      maxDifference = Math.max(maxDifference, Math.abs(q - p));
    }
  });
  return { prompts: prompts.length, sequences, identical, maxDifference };
}
