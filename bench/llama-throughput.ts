// What llama.cpp itself does on a loaded model, with nothing of ours around it: prompt evaluation and one-token
// generation in tokens per second, on one sequence or several at once (node-llama-cpp batches the sequences of
// one context into one evaluation). The benchmarks price a run's tokens at these rates to tell how much of its
// time is inference ("idealSeconds").

import type { LlamaModel, Token } from 'node-llama-cpp';
import type { SamplingSettings } from '../src/core/models/index.js';

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
  options: { sequences: number; promptTokens: number; generatedTokens: number; sampling: SamplingSettings; repeat?: number },
): Promise<Throughput> {
  const { sequences, promptTokens, generatedTokens, sampling } = options;
  const context = await model.createContext({ contextSize: promptTokens + generatedTokens + 16, sequences });
  const text = 'Family is important in my life. Work is important in my life. Friends are important in my life. ';
  let prompt: Token[] = [];
  while (prompt.length < promptTokens) prompt = [...prompt, ...model.tokenize(text)];
  prompt = prompt.slice(0, promptTokens);
  const next = { probabilities: true, options: { temperature: sampling.temperature, topK: sampling.topK ?? 0, topP: sampling.topP ?? 1, minP: sampling.minP ?? 0 } } as const;
  let bestPrompt = Number.POSITIVE_INFINITY;
  let bestGeneration = Number.POSITIVE_INFINITY;
  try {
    const all = Array.from({ length: sequences }, () => context.getSequence());
    for (let attempt = 0; attempt < (options.repeat ?? 2); attempt++) {
      await Promise.all(all.map((s) => s.clearHistory()));
      const promptStarted = performance.now();
      await Promise.all(all.map((s) => s.controlledEvaluate([...prompt.slice(0, -1), [prompt.at(-1)!, { generateNext: next }]])));
      bestPrompt = Math.min(bestPrompt, (performance.now() - promptStarted) / 1000);
      const generationStarted = performance.now();
      await Promise.all(
        all.map(async (s) => {
          for (let i = 0; i < generatedTokens; i++) await s.controlledEvaluate([[prompt[i % prompt.length]!, { generateNext: next }]]);
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

/**
 * llama.cpp's prompt rate on these very prompts: each evaluated whole, as one batch, on a fresh sequence of a
 * context of `contextSize` tokens (the run's), with the first response token's probabilities; tokens per
 * second over all of them, the best of `repeat` passes. Pricing a run's prompt tokens at the rate of one
 * synthetic prompt of their mean length would undercount: a token costs more the longer the prompt before it.
 */
export async function llamaPromptRate(
  model: LlamaModel,
  options: { prompts: readonly (readonly Token[])[]; contextSize: number; sampling: SamplingSettings; repeat?: number },
): Promise<{ prompts: number; promptTokens: number; promptTokensPerSecond: number }> {
  const { prompts, sampling } = options;
  const context = await model.createContext({ contextSize: options.contextSize, sequences: 1 });
  const next = { probabilities: true, options: { temperature: sampling.temperature, topK: sampling.topK ?? 0, topP: sampling.topP ?? 1, minP: sampling.minP ?? 0 } } as const;
  const tokens = prompts.reduce((sum, p) => sum + p.length, 0);
  let best = Number.POSITIVE_INFINITY;
  try {
    const sequence = context.getSequence();
    for (let attempt = 0; attempt < (options.repeat ?? 2); attempt++) {
      let seconds = 0;
      for (const prompt of prompts) {
        await sequence.clearHistory();
        const started = performance.now();
        await sequence.controlledEvaluate([...prompt.slice(0, -1), [prompt.at(-1)!, { generateNext: next }]]);
        seconds += (performance.now() - started) / 1000;
      }
      best = Math.min(best, seconds);
    }
  } finally {
    await context.dispose();
  }
  return { prompts: prompts.length, promptTokens: tokens, promptTokensPerSecond: Math.round(tokens / best) };
}
