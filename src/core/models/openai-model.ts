// Models behind OpenAI-compatible servers (OpenAI, vLLM, llama.cpp server, Ollama) through the official SDK:
// sampled responses in chat or plain-text form, and next-token log-probabilities for the tree and exact
// estimators. Retries, fail-over between several servers and the per-server concurrency limit are ours (the
// SDK's own retries are off), so they behave the same for every backend and are tested: see request-pool.ts,
// which gemini-model uses too.

import OpenAI from 'openai';
import pLimit from 'p-limit';
import { UserError } from '../errors.js';
import { deriveSeed } from '../random/index.js';
import type { ChatMessage } from '../prompt/index.js';
import type {
  GenerationRequest,
  GenerationResult,
  ModelKind,
  NextTokenDistribution,
  NextTokenModel,
  NextTokenRequest,
  ResponseModel,
  SamplingSettings,
} from './model-types.js';
import {
  DEFAULT_CONCURRENCY_PER_SERVER,
  DEFAULT_RETRY_POLICY,
  EndpointPool,
  callSeed,
  collectResponses,
  distributionFrom,
  isConnectionRefused,
  isDroppedConnection,
  parseRetryAfter,
  positiveInteger,
  redact,
  validateRequest,
  refusedAttempt,
  retryAttempt,
  type AttemptOutcome,
  type PoolEndpoint,
  type RetryPolicy,
} from './request-pool.js';

// ---------------------------------------------------------------------------------------------------------
// The OpenAI-compatible model.
// ---------------------------------------------------------------------------------------------------------

export interface OpenAIModelConfig {
  /** The name the user gave the model in the workbench; every message names it. */
  name: string;
  /** The server's model id, e.g. "gpt-4o-mini" or "Qwen/Qwen2.5-7B-Instruct". */
  model: string;
  /** One or more OpenAI-compatible servers, each up to its /v1, e.g. "http://127.0.0.1:8000/v1". */
  baseUrls: string[];
  /** Already resolved (see api-keys.ts); empty for local servers that need none. */
  apiKey: string;
  /** Requests at once per server (default 4). */
  concurrencyPerServer?: number;
  /** Retries per server after the first try (default 4). */
  maxRetries?: number;
  /** One attempt's limit in ms (default 60 000). */
  timeoutMs?: number;
  /** First backoff in ms (default 500); doubles per retry. */
  retryBaseDelayMs?: number;
  /** Cap of backoffs and of servers' retry-after in ms (default 30 000). */
  retryMaxDelayMs?: number;
  /** How long a failed server is tried last, in ms (default 30 000). */
  endpointCooldownMs?: number;
}

/** What we learnt about one server's tolerance of optional parameters, so we ask it only once. */
interface OpenAIEndpoint extends PoolEndpoint {
  readonly client: OpenAI;
  /** false once the server refused n > 1 or silently answered fewer choices. */
  multipleChoices?: boolean;
  /** false once the server refused `seed`. */
  seed?: boolean;
  /** OpenAI's reasoning models refuse max_tokens and want max_completion_tokens. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
}

type Choice = { text: string; index: number };
interface CallResult {
  texts: string[];
  promptTokens: number;
  completionTokens: number;
}

/** vLLM's chat parameter that continues the final (assistant) message instead of starting a new one. */
const CONTINUE_FINAL_MESSAGE = 'continue_final_message';

function apiErrorText(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : error.message;
}

/** A 400/422 that says the server does not take n > 1 (OpenAI's reasoning models, llama.cpp server). */
function isChoicesRejection(error: unknown): boolean {
  if (!(error instanceof OpenAI.APIError) || (error.status !== 400 && error.status !== 422)) return false;
  const text = apiErrorText(error);
  return (
    error.param === 'n' ||
    /['"`]n['"`]|\bn\s*(must|should|is|can)\b|\bn\s*(>=?|!=|==?)\s*1\b|completion choice|multiple choices/i.test(text)
  );
}

function isParamRejection(error: unknown, param: string): boolean {
  if (!(error instanceof OpenAI.APIError) || (error.status !== 400 && error.status !== 422)) return false;
  return error.param === param || new RegExp(`['"\`]?\\b${param}\\b['"\`]?`, 'i').test(apiErrorText(error));
}

export class OpenAIModel implements ResponseModel, NextTokenModel {
  readonly kind: ModelKind = 'openai';
  readonly name: string;
  private readonly pool: EndpointPool<OpenAIEndpoint>;
  private closed = false;

  constructor(private readonly config: OpenAIModelConfig) {
    this.name = config.name;
    if (!config.model.trim())
      throw new UserError('invalid-model-config', `Model "${config.name}": the model id is empty.`);
    if (config.baseUrls.length === 0) {
      throw new UserError(
        'invalid-model-config',
        `Model "${config.name}": give at least one server URL (e.g. http://127.0.0.1:8000/v1).`,
      );
    }
    for (const url of config.baseUrls) {
      let protocol = '';
      try {
        protocol = new URL(url).protocol;
      } catch {
        // reported below
      }
      if (protocol !== 'http:' && protocol !== 'https:') {
        throw new UserError('invalid-model-config', `Model "${config.name}": "${url}" is not an http(s) URL.`);
      }
    }
    const concurrency = positiveInteger(
      config.name,
      'the concurrency per server',
      config.concurrencyPerServer,
      DEFAULT_CONCURRENCY_PER_SERVER,
    );
    const policy: RetryPolicy = {
      maxRetries: config.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      baseDelayMs: config.retryBaseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: config.retryMaxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      timeoutMs: positiveInteger(config.name, 'the timeout', config.timeoutMs, DEFAULT_RETRY_POLICY.timeoutMs),
      endpointCooldownMs: config.endpointCooldownMs ?? DEFAULT_RETRY_POLICY.endpointCooldownMs,
    };
    const endpoints = config.baseUrls.map((url, index): OpenAIEndpoint => ({
      url,
      index,
      limit: pLimit(concurrency),
      downUntil: 0,
      pausedUntil: 0,
      maxTokensField: 'max_tokens',
      client: new OpenAI({
        // The SDK refuses to start without a key; local servers need none, so a placeholder goes in and the
        // Authorization header is removed again below.
        apiKey: config.apiKey || 'no-key',
        baseURL: url,
        // Ours retry (tested, shared with Gemini); the SDK's would multiply them and hide the 429s.
        maxRetries: 0,
        // Our pool times attempts out; the SDK's timeout is only a backstop behind it.
        timeout: policy.timeoutMs + 1000,
        // Never the OPENAI_ORG_ID / OPENAI_PROJECT_ID of the environment: they would go to every server.
        organization: null,
        project: null,
        ...(config.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
      }),
    }));
    this.pool = new EndpointPool(config.name, endpoints, policy, (error, endpoint) => this.classify(error, endpoint));
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    this.assertOpen();
    validateRequest(this.name, request);
    return collectResponses(request.n, request.signal, (want, callIndex, signal) => {
      const seed = callSeed(request.seed, callIndex);
      return this.pool.run({ signal, jitterSeed: seed }, (endpoint, attemptSignal) =>
        this.generateOn(endpoint, request, want, seed, attemptSignal),
      );
    });
  }

  /**
   * The next token's top probabilities after the prompt and the response so far. The plain form asks the legacy
   * completions endpoint (prompt + prefix); the chat form (`messages`) asks chat completions, and continues the
   * assistant's message with the prefix through vLLM's `continue_final_message` (llama.cpp server continues a
   * final assistant message by itself). A server that refuses the continuation has log-probabilities only at the
   * start of the answer.
   */
  async nextTokenDistribution(request: NextTokenRequest): Promise<NextTokenDistribution> {
    this.assertOpen();
    const k = positiveInteger(this.name, 'the number of top log-probabilities', request.topLogprobs, 1);
    const { messages } = request;
    const entries = await this.pool.run(
      { signal: request.signal, jitterSeed: deriveSeed(request.text, request.prefix) },
      async (endpoint, signal) => {
        if (messages) {
          try {
            return await this.chatTopLogprobs(endpoint, messages, request.prefix, k, signal);
          } catch (error) {
            if (request.prefix !== '' && isParamRejection(error, CONTINUE_FINAL_MESSAGE)) {
              throw new UserError(
                'next-token-prefix-unsupported',
                `${this.where(endpoint)}: the server does not continue an answer it has begun (it refused ${CONTINUE_FINAL_MESSAGE}), so its chat log-probabilities stop at the answer's first token, before "${request.prefix}".`,
              );
            }
            throw error;
          }
        }
        const response = await endpoint.client.completions.create(
          { model: this.config.model, prompt: request.text + request.prefix, max_tokens: 1, logprobs: k },
          { signal },
        );
        const top = response.choices[0]?.logprobs?.top_logprobs?.[0] ?? {};
        return Object.entries(top).map(([text, logprob]) => ({ text, logprob }));
      },
    );
    if (entries.length === 0) {
      throw new UserError(
        'logprobs-unavailable',
        `Model "${this.name}" (${this.config.model}): the server answered without log-probabilities${messages ? ' for chat messages' : ''}; it may not offer them for this model.`,
      );
    }
    return distributionFrom(this.name, entries);
  }

  /**
   * Whether the exact estimator can send this model chat messages: one small request asks for chat
   * log-probabilities after a begun answer. Unavailable (with the server's reason) when it refuses the request's
   * parameters or answers without log-probabilities; a server that cannot be reached is an error as always.
   */
  async chatLogprobs(options: {
    topLogprobs: number;
    signal?: AbortSignal;
  }): Promise<{ available: true } | { available: false; reason: string }> {
    this.assertOpen();
    const probe: ChatMessage[] = [{ role: 'user', content: 'Answer with one word: is water wet?' }];
    try {
      const entries = await this.pool.run({ signal: options.signal, jitterSeed: 0 }, (endpoint, signal) =>
        this.chatTopLogprobs(endpoint, probe, 'Y', options.topLogprobs, signal),
      );
      return entries.length > 0
        ? { available: true }
        : { available: false, reason: 'the server answered chat completions without log-probabilities' };
    } catch (error) {
      if (error instanceof UserError && error.code === 'request-rejected')
        return { available: false, reason: error.message };
      throw error;
    }
  }

  private async chatTopLogprobs(
    endpoint: OpenAIEndpoint,
    messages: readonly ChatMessage[],
    prefix: string,
    k: number,
    signal: AbortSignal,
  ): Promise<{ text: string; logprob: number }[]> {
    const continuation = prefix === '' ? {} : { [CONTINUE_FINAL_MESSAGE]: true, add_generation_prompt: false };
    const body = {
      model: this.config.model,
      messages: [
        ...messages.map((m) => ({ role: m.role, content: m.content })),
        ...(prefix === '' ? [] : [{ role: 'assistant' as const, content: prefix }]),
      ],
      ...(endpoint.maxTokensField === 'max_tokens' ? { max_tokens: 1 } : { max_completion_tokens: 1 }),
      logprobs: true,
      top_logprobs: k,
      ...continuation,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const response = await endpoint.client.chat.completions.create(body, { signal });
    const first = response.choices[0]?.logprobs?.content?.[0];
    return (first?.top_logprobs ?? []).map((t) => ({ text: t.token, logprob: t.logprob }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Model "${this.name}" was closed`);
  }

  /** One attempt on one server, adapting to what it refuses (n > 1, seed, max_tokens) and remembering it. */
  private async generateOn(
    endpoint: OpenAIEndpoint,
    request: GenerationRequest,
    want: number,
    seed: number,
    signal: AbortSignal,
  ): Promise<CallResult> {
    // Each refusal switches one thing off for good, so three passes are enough for all of them.
    for (let pass = 0; ; pass++) {
      const k = endpoint.multipleChoices === false ? 1 : want;
      try {
        const result = await this.createOnce(endpoint, request, k, endpoint.seed === false ? undefined : seed, signal);
        if (k > 1) endpoint.multipleChoices = result.texts.length >= k; // Ollama answers one choice whatever n is
        return result;
      } catch (error) {
        if (pass >= 3) throw error;
        if (k > 1 && isChoicesRejection(error)) endpoint.multipleChoices = false;
        else if (endpoint.seed !== false && isParamRejection(error, 'seed')) endpoint.seed = false;
        else if (
          endpoint.maxTokensField === 'max_tokens' &&
          isParamRejection(error, 'max_tokens') &&
          /max_completion_tokens/.test(String((error as Error).message))
        ) {
          endpoint.maxTokensField = 'max_completion_tokens';
        } else throw error;
      }
    }
  }

  private async createOnce(
    endpoint: OpenAIEndpoint,
    request: GenerationRequest,
    k: number,
    seed: number | undefined,
    signal: AbortSignal,
  ): Promise<CallResult> {
    const common = {
      model: this.config.model,
      ...(k > 1 ? { n: k } : {}),
      ...samplingBody(request.sampling),
      ...(seed !== undefined ? { seed: wireSeed(seed) } : {}),
    };
    let choices: Choice[];
    let usage: OpenAI.CompletionUsage | undefined;
    if (request.chat) {
      const body: OpenAI.ChatCompletionCreateParamsNonStreaming = {
        ...common,
        ...(endpoint.maxTokensField === 'max_tokens'
          ? { max_tokens: request.maxTokens }
          : { max_completion_tokens: request.maxTokens }),
        messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      };
      const response = await endpoint.client.chat.completions.create(body, { signal });
      choices = response.choices.map((c) => ({ text: c.message.content ?? '', index: c.index }));
      usage = response.usage;
    } else {
      const body: OpenAI.CompletionCreateParamsNonStreaming = {
        ...common,
        max_tokens: request.maxTokens,
        prompt: request.text,
      };
      const response = await endpoint.client.completions.create(body, { signal });
      choices = response.choices.map((c) => ({ text: c.text, index: c.index }));
      usage = response.usage;
    }
    return {
      texts: choices.sort((a, b) => a.index - b.index).map((c) => c.text),
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? 0,
    };
  }

  private where(endpoint: PoolEndpoint): string {
    return `Model "${this.name}" (${this.config.model} at ${endpoint.url})`;
  }

  private classify(error: unknown, endpoint: OpenAIEndpoint): AttemptOutcome {
    if (error instanceof OpenAI.APIConnectionTimeoutError) return { kind: 'retry', reason: 'timed out' };
    if (error instanceof OpenAI.APIConnectionError) {
      if (isConnectionRefused(error)) return { kind: 'failover', reason: 'connection refused' };
      return {
        kind: 'retry',
        reason: `connection failed${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`,
      };
    }
    if (error instanceof OpenAI.APIError && error.status !== undefined) {
      const status = error.status;
      if (status === 408 || status === 409 || status === 429 || status >= 500) {
        const retryAfterMs = parseRetryAfter(error.headers);
        return retryAttempt(status, retryAfterMs);
      }
      const serverSays = redact(apiErrorText(error), this.config.apiKey);
      const where = this.where(endpoint);
      if (status === 401) {
        // The server's text is left out: OpenAI quotes (part of) the refused key in it.
        const message = this.config.apiKey
          ? `${where}: the API key was refused (HTTP 401). Check that it is current and belongs to this server.`
          : `${where}: the server wants an API key (HTTP 401) and none is configured; name an environment variable that holds it.`;
        return refusedAttempt('api-key-refused', message);
      }
      if (status === 403) {
        return refusedAttempt(
          'api-access-denied',
          `${where}: the API key may not use this model (HTTP 403): ${serverSays}`,
        );
      }
      if (status === 404) {
        return refusedAttempt(
          'model-not-found',
          `${where}: the server does not know model "${this.config.model}" (HTTP 404: ${serverSays}). Check the model id, and that the URL ends in /v1.`,
        );
      }
      const param = error.param ? ` (parameter ${error.param})` : '';
      const hint = /top_k|min_p/.test(serverSays + param)
        ? " Remove topK / minP from this model's sampling settings: the server does not take them."
        : '';
      return refusedAttempt(
        'request-rejected',
        `${where}: the server rejected the request${param} (HTTP ${status}): ${serverSays}${hint}`,
      );
    }
    if (isDroppedConnection(error)) return { kind: 'retry', reason: 'connection dropped' };
    return { kind: 'fatal', error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/**
 * The seed as servers take it: unsigned 32 bits (llama.cpp reads it as uint32), and never 0xFFFFFFFF, which
 * llama.cpp takes as "pick a random seed".
 */
export function wireSeed(seed: number): number {
  const unsigned = seed >>> 0;
  return unsigned === 0xffffffff ? 0xfffffffe : unsigned;
}

/** Sampling settings in the body; top_k and min_p are vLLM / llama.cpp extensions, sent only when set. */
function samplingBody(sampling: SamplingSettings): {
  temperature: number;
  top_p?: number;
  top_k?: number;
  min_p?: number;
} {
  return {
    temperature: sampling.temperature,
    ...(sampling.topP !== undefined ? { top_p: sampling.topP } : {}),
    ...(sampling.topK !== undefined ? { top_k: sampling.topK } : {}),
    ...(sampling.minP !== undefined ? { min_p: sampling.minP } : {}),
  };
}
