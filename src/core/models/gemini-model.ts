// Gemini models through @google/generative-ai: sampled responses with candidateCount (falling back to one call
// per response where a model refuses several candidates), and the first token's top log-probabilities where a
// model offers them. Retries and errors follow the same rules as openai-model: both run on request-pool.ts.

import {
  GoogleGenerativeAI,
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIError,
  GoogleGenerativeAIFetchError,
  type Content,
  type GenerateContentResponse,
  type GenerationConfig,
  type GenerativeModel,
} from '@google/generative-ai';
import pLimit from 'p-limit';
import { UserError } from '../errors.js';
import { deriveSeed } from '../random/index.js';
import type {
  GenerationRequest,
  GenerationResult,
  ModelKind,
  NextTokenDistribution,
  NextTokenModel,
  NextTokenRequest,
  ResponseModel,
} from './model-types.js';
import {
  DEFAULT_CONCURRENCY_PER_SERVER,
  DEFAULT_RETRY_POLICY,
  EndpointPool,
  callSeed,
  collectResponses,
  distributionFrom,
  isDroppedConnection,
  positiveInteger,
  redact,
  validateRequest,
  refusedAttempt,
  retryAttempt,
  type AttemptOutcome,
  type PoolEndpoint,
  type RetryPolicy,
} from './request-pool.js';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

export interface GeminiModelConfig {
  /** The name the user gave the model in the workbench; every message names it. */
  name: string;
  /** Gemini's model id, e.g. "gemini-2.0-flash" (or "models/…", "tunedModels/…"). */
  model: string;
  /** Already resolved (see api-keys.ts). */
  apiKey: string;
  /** Another endpoint than Google's (tests point it at loopback). */
  baseUrl?: string;
  /** API version in the path (the SDK's default is v1beta, which has logprobs). */
  apiVersion?: string;
  /** Requests at once to the one server (default 4). */
  concurrencyPerServer?: number;
  /** Retries after the first try (default 4). */
  maxRetries?: number;
  /** One attempt's limit in ms (default 60 000). */
  timeoutMs?: number;
  /** First backoff in ms (default 500); doubles per retry. */
  retryBaseDelayMs?: number;
  /** Cap of backoffs and of Gemini's retryDelay in ms (default 30 000). */
  retryMaxDelayMs?: number;
}

interface GeminiEndpoint extends PoolEndpoint {
  /** false once the model refused candidateCount > 1 or answered fewer candidates. */
  multipleCandidates?: boolean;
  /** false once the model refused `seed`. */
  seed?: boolean;
}

/** The REST API takes a seed; the SDK's type does not list it yet. */
type GeminiGenerationConfig = GenerationConfig & { seed?: number };

/** Gemini's "1s", "0.5s", "1.250s" (google.protobuf.Duration as JSON) in ms. */
export function parseRetryDelay(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as { '@type'?: unknown; retryDelay?: unknown }[]) {
    if (
      typeof detail?.['@type'] === 'string' &&
      detail['@type'].endsWith('google.rpc.RetryInfo') &&
      typeof detail.retryDelay === 'string'
    ) {
      const match = /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay.trim());
      if (match) return Number(match[1]) * 1000;
    }
  }
  return undefined;
}

function errorReason(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as { reason?: unknown }[]) if (typeof detail?.reason === 'string') return detail.reason;
  return undefined;
}

function isRejection(error: unknown, pattern: RegExp): boolean {
  return error instanceof GoogleGenerativeAIFetchError && error.status === 400 && pattern.test(error.message);
}

export class GeminiModel implements ResponseModel, NextTokenModel {
  readonly kind: ModelKind = 'gemini';
  readonly name: string;
  private readonly client: GenerativeModel;
  private readonly pool: EndpointPool<GeminiEndpoint>;
  private readonly url: string;
  private closed = false;

  constructor(private readonly config: GeminiModelConfig) {
    this.name = config.name;
    if (!config.model.trim())
      throw new UserError('invalid-model-config', `Model "${config.name}": the model id is empty.`);
    if (!config.apiKey) {
      throw new UserError(
        'api-key-missing',
        `Model "${config.name}": Gemini needs an API key; name an environment variable that holds it.`,
      );
    }
    this.url = config.baseUrl ?? GEMINI_DEFAULT_BASE_URL;
    const policy: RetryPolicy = {
      maxRetries: config.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
      baseDelayMs: config.retryBaseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: config.retryMaxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
      timeoutMs: positiveInteger(config.name, 'the timeout', config.timeoutMs, DEFAULT_RETRY_POLICY.timeoutMs),
      endpointCooldownMs: DEFAULT_RETRY_POLICY.endpointCooldownMs,
    };
    // No `timeout` in the request options: the SDK's timer is never cleared (it keeps the process alive for
    // the whole timeout); our pool aborts the attempt's signal instead.
    this.client = new GoogleGenerativeAI(config.apiKey).getGenerativeModel(
      { model: config.model },
      {
        ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
      },
    );
    const endpoint: GeminiEndpoint = {
      url: this.url,
      index: 0,
      limit: pLimit(
        positiveInteger(config.name, 'the concurrency', config.concurrencyPerServer, DEFAULT_CONCURRENCY_PER_SERVER),
      ),
      downUntil: 0,
      pausedUntil: 0,
    };
    this.pool = new EndpointPool(config.name, [endpoint], policy, (error) => this.classify(error));
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    this.assertOpen();
    validateRequest(this.name, request);
    if (request.sampling.minP !== undefined) {
      throw new UserError(
        'invalid-sampling',
        `Model "${this.name}": Gemini has no min-p setting; remove minP from this model's sampling settings.`,
      );
    }
    const { contents, systemInstruction } = this.contents(request);
    return collectResponses(request.n, request.signal, (want, callIndex, signal) => {
      const seed = callSeed(request.seed, callIndex);
      return this.pool.run({ signal, jitterSeed: seed }, async (endpoint, attemptSignal) => {
        for (let pass = 0; ; pass++) {
          const k = endpoint.multipleCandidates === false ? 1 : want;
          const generationConfig: GeminiGenerationConfig = {
            temperature: request.sampling.temperature,
            ...(request.sampling.topK !== undefined ? { topK: request.sampling.topK } : {}),
            ...(request.sampling.topP !== undefined ? { topP: request.sampling.topP } : {}),
            maxOutputTokens: request.maxTokens,
            ...(k > 1 ? { candidateCount: k } : {}),
            ...(endpoint.seed === false ? {} : { seed }),
          };
          try {
            const { response } = await this.client.generateContent(
              { contents, ...(systemInstruction ? { systemInstruction } : {}), generationConfig },
              { signal: attemptSignal },
            );
            const texts = candidateTexts(response, k);
            if (k > 1) endpoint.multipleCandidates = texts.length >= k;
            return {
              texts,
              promptTokens: response.usageMetadata?.promptTokenCount ?? 0,
              completionTokens: response.usageMetadata?.candidatesTokenCount ?? 0,
            };
          } catch (error) {
            if (pass >= 2) throw error;
            if (k > 1 && isRejection(error, /candidate/i)) endpoint.multipleCandidates = false;
            else if (endpoint.seed !== false && isRejection(error, /\bseed\b/i)) endpoint.seed = false;
            else throw error;
          }
        }
      });
    });
  }

  /**
   * The top candidates of the answer's first token (Gemini's `logprobsResult.topCandidates[0]`). Gemini has no
   * plain-text continuation, so a non-empty prefix cannot be scored.
   */
  async nextTokenDistribution(request: NextTokenRequest): Promise<NextTokenDistribution> {
    this.assertOpen();
    const k = positiveInteger(this.name, 'the number of top log-probabilities', request.topLogprobs, 1);
    if (request.prefix !== '') {
      throw new UserError(
        'next-token-prefix-unsupported',
        `Model "${this.name}": Gemini reveals next-token probabilities only at the start of the answer, not after "${request.prefix}". Use an OpenAI-compatible server with the completions endpoint for this estimator.`,
      );
    }
    const response = await this.pool.run(
      { signal: request.signal, jitterSeed: deriveSeed(request.text) },
      async (_endpoint, signal) => {
        const generationConfig: GenerationConfig = { maxOutputTokens: 1, responseLogprobs: true, logprobs: k };
        const result = await this.client.generateContent(
          { contents: [{ role: 'user', parts: [{ text: request.text }] }], generationConfig },
          { signal },
        );
        return result.response;
      },
    );
    const top = response.candidates?.[0]?.logprobsResult?.topCandidates?.[0]?.candidates ?? [];
    if (top.length === 0) {
      throw new UserError(
        'logprobs-unavailable',
        `Model "${this.name}" (${this.config.model}): Gemini answered without log-probabilities; this model may not offer them.`,
      );
    }
    return distributionFrom(
      this.name,
      top.map((c) => ({ text: c.token, logprob: c.logProbability })),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`Model "${this.name}" was closed`);
  }

  /** Chat messages as Gemini contents: system turns become the system instruction, the assistant is "model". */
  private contents(request: GenerationRequest): { contents: Content[]; systemInstruction?: Content } {
    if (!request.chat) return { contents: [{ role: 'user', parts: [{ text: request.text }] }] };
    const system = request.messages.filter((m) => m.role === 'system').map((m) => m.content);
    const contents = request.messages
      .filter((m) => m.role !== 'system')
      .map((m): Content => ({ role: m.role === 'assistant' ? 'model' : 'user', parts: [{ text: m.content }] }));
    return {
      contents,
      ...(system.length ? { systemInstruction: { role: 'system', parts: [{ text: system.join('\n\n') }] } } : {}),
    };
  }

  private classify(error: unknown): AttemptOutcome {
    const where = `Model "${this.name}" (${this.config.model} at ${this.url})`;
    if (error instanceof GoogleGenerativeAIFetchError && error.status !== undefined) {
      const status = error.status;
      if (status === 408 || status === 429 || status >= 500) {
        // The SDK does not pass on response headers; Gemini says when to come back in RetryInfo instead.
        const retryAfterMs = parseRetryDelay(error.errorDetails);
        return retryAttempt(status, retryAfterMs);
      }
      const serverSays = redact(
        error.message.replace(/^\[GoogleGenerativeAI Error\]: Error fetching from \S+ /, ''),
        this.config.apiKey,
      );
      const reason = errorReason(error.errorDetails);
      // Gemini answers a wrong key with 400 API_KEY_INVALID, not 401.
      if (status === 401 || reason === 'API_KEY_INVALID') {
        return refusedAttempt(
          'api-key-refused',
          `${where}: the API key was refused (HTTP ${status}). Check that it is current.`,
        );
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
          `${where}: the server does not know model "${this.config.model}" (HTTP 404): ${serverSays}`,
        );
      }
      if (/logprob/i.test(serverSays)) {
        return refusedAttempt(
          'logprobs-unavailable',
          `${where}: this model does not offer log-probabilities: ${serverSays}`,
        );
      }
      return refusedAttempt(
        'request-rejected',
        `${where}: the server rejected the request (HTTP ${status}): ${serverSays}`,
      );
    }
    // Timeouts and cancellation are the pool's; an abort that reaches here came from elsewhere in fetch.
    if (error instanceof GoogleGenerativeAIAbortError) return { kind: 'retry', reason: 'aborted by the connection' };
    // The SDK keeps only the message of fetch's error, so a refused connection and a reset look alike.
    if (isDroppedConnection(error)) return { kind: 'retry', reason: 'connection failed or dropped' };
    if (error instanceof GoogleGenerativeAIError) return { kind: 'fatal', error };
    return { kind: 'fatal', error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/**
 * The candidates' texts. A blocked prompt (no candidates, promptFeedback.blockReason) gives k empty answers and a
 * blocked candidate an empty one, so both count as invalid responses instead of stopping the run.
 */
function candidateTexts(response: GenerateContentResponse, k: number): string[] {
  const candidates = [...(response.candidates ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  if (candidates.length === 0 && response.promptFeedback?.blockReason) return Array.from({ length: k }, () => '');
  return candidates.map((c) => (c.content?.parts ?? []).map((p) => p.text ?? '').join(''));
}
