// What every kind of model offers the estimators of response distributions: sampled responses, and for the tree
// and exact estimators the probabilities of the next token after a prefix. Local GGUF models, OpenAI-compatible
// servers and Gemini each implement the parts they can.

import type { ChatMessage } from '../prompt/index.js';

export const MODEL_KINDS = ['gguf', 'openai', 'gemini'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** A model's default sampling settings; the paper measures models at these. Absent means "not applied". */
export interface SamplingSettings {
  temperature: number;
  topK?: number;
  topP?: number;
  minP?: number;
}

export interface GenerationRequest {
  /** Plain text for completion models. */
  text: string;
  /** Chat messages for chat models. */
  messages: readonly ChatMessage[];
  /** Use the chat form (default) or the plain-text form. */
  chat: boolean;
  /** How many independent responses. */
  n: number;
  /** Response limit in tokens. */
  maxTokens: number;
  sampling: SamplingSettings;
  /** Seed of this request's randomness (honoured where the backend allows it). */
  seed: number;
  signal?: AbortSignal;
}

export interface GenerationResult {
  texts: string[];
  /** Tokens the model generated for these responses, as reported by the backend. */
  completionTokens: number;
  /** Tokens of the prompt, as reported by the backend (per request, summed). */
  promptTokens: number;
}

/** The probabilities of the next token after a prefix, as far as the backend reveals them. */
export interface NextTokenDistribution {
  /** Token texts with their probabilities, highest first. */
  tokens: { text: string; probability: number }[];
  /** Probability mass the backend did not reveal (1 minus the sum of the listed probabilities). */
  missingMass: number;
}

/** A model that answers prompts: every kind can sample. */
export interface ResponseModel {
  readonly name: string;
  readonly kind: ModelKind;
  generate(request: GenerationRequest): Promise<GenerationResult>;
  close(): Promise<void>;
}

/** Where a remote model is asked for next-token probabilities: the plain text, or chat messages (when given). */
export interface NextTokenRequest {
  text: string;
  /** The chat form: the answer so far continues the assistant's message after these. */
  messages?: readonly ChatMessage[];
  /** The response so far. */
  prefix: string;
  topLogprobs: number;
  signal?: AbortSignal;
}

/** A remote model that reveals top log-probabilities of the next token (OpenAI-compatible servers, Gemini). */
export interface NextTokenModel {
  nextTokenDistribution(request: NextTokenRequest): Promise<NextTokenDistribution>;
}
