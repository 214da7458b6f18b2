// Next-token probabilities from an API model, for the exact estimator: each step asks the server for the top
// log-probabilities after the prompt (its text, or its chat messages) and the response so far, then applies the
// model's sampling settings. Tokens are texts here; the server's own tokenizer stays hidden.

import { applySamplingTransform } from './sampling-transform.js';
import type { NextTokenModel, SamplingSettings } from './model-types.js';
import type { ChatMessage } from '../prompt/index.js';

/** Token texts that end a response on the servers we know (end of text, of sequence, of turn). */
const END_TEXTS = new Set([
  '',
  '</s>',
  '<|endoftext|>',
  '<|im_end|>',
  '<|eot_id|>',
  '<|end|>',
  '<eos>',
  '<end_of_turn>',
]);

/** How many top log-probabilities each step asks for; vLLM's default `--max-logprobs` is 20. */
export const TOP_LOGPROBS = 20;

export class ApiTokenSession {
  evaluations = 0;
  readonly promptTokens = 0;
  readonly cachedPromptTokens = 0;

  constructor(
    private readonly model: NextTokenModel,
    private readonly prompt: { text: string; messages?: readonly ChatMessage[] },
    private readonly sampling: SamplingSettings,
    private readonly topLogprobs = TOP_LOGPROBS,
    private readonly signal?: AbortSignal,
  ) {}

  async next(tokens: readonly string[]): Promise<{ probabilities: ReadonlyMap<string, number>; missingMass: number }> {
    const distribution = await this.model.nextTokenDistribution({
      text: this.prompt.text,
      ...(this.prompt.messages ? { messages: this.prompt.messages } : {}),
      prefix: tokens.join(''),
      topLogprobs: this.topLogprobs,
      ...(this.signal ? { signal: this.signal } : {}),
    });
    this.evaluations++;
    return applySamplingTransform(
      distribution.tokens.map((t) => ({ token: t.text, probability: t.probability })),
      this.sampling,
    );
  }

  isEnd(token: string): boolean {
    return END_TEXTS.has(token);
  }

  text(tokens: readonly string[]): string {
    return tokens.join('');
  }

  async close(): Promise<void> {}
}
