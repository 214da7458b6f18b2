// A loopback server that speaks the Gemini REST format (`models/{model}:generateContent` with candidates,
// candidateCount and logprobsResult) so @google/generative-ai can be tested here. It errs the way Gemini does:
// a wrong key is a 400 with reason API_KEY_INVALID, a rate limit carries RetryInfo.retryDelay.

import {
  FakeHttpBase,
  type FakeOpenAIServer,
  countWords,
  type FakeFault,
  type RecordedRequest,
  type TopLogprob,
} from './fake-openai-server.js';

export { refusedUrl, type FakeFault, type RecordedRequest } from './fake-openai-server.js';

/** Gemini's own faults; the generic ones (drop, slow, 500) come from `fault` in fake-openai-server. */
export const geminiFault = {
  /** 429 RESOURCE_EXHAUSTED with RetryInfo (e.g. "1s"), and optionally a retry-after header too. */
  rateLimited(retryDelay?: string, retryAfterHeader?: string): FakeFault {
    return {
      kind: 'status',
      status: 429,
      message: 'Resource has been exhausted (e.g. check quota).',
      details: retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] : [],
      ...(retryAfterHeader ? { headers: { 'retry-after': retryAfterHeader } } : {}),
    };
  },
  /** What Gemini answers to a wrong key: 400, not 401. */
  keyInvalid(): FakeFault {
    return {
      kind: 'status',
      status: 400,
      message: 'API key not valid. Please pass a valid API key.',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
      ],
    };
  },
};

export interface FakeGeminiServerOptions {
  /** Answers, handed out in order and cycled, one per candidate, across all requests. */
  texts?: string[];
  /** Models the server knows (without "models/"); others get 404. Absent: every model is known. */
  models?: string[];
  /** The key the server demands in x-goog-api-key; others get Gemini's 400 API_KEY_INVALID. */
  apiKey?: string;
  /** candidateCount > 1: answered (default), refused with 400, or silently answered with one candidate. */
  candidateSupport?: 'yes' | 'reject' | 'ignore';
  /** Whether responseLogprobs is offered (default true); if not, 400 like models without it. */
  logprobs?: boolean;
  latencyMs?: number;
  /** The first token's top candidates for logprobs answers, highest first. */
  topLogprobs?: TopLogprob[];
}

/** The same controls as the OpenAI fake; `url` is requestOptions.baseUrl for the SDK (it adds /v1beta/models/...). */
export type FakeGeminiServer = FakeOpenAIServer;

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

interface GeminiBody {
  contents?: { role?: string; parts?: { text?: string }[] }[];
  systemInstruction?: { parts?: { text?: string }[] };
  generationConfig?: { candidateCount?: number; responseLogprobs?: boolean; logprobs?: number };
}

export async function startFakeGeminiServer(options: FakeGeminiServerOptions = {}): Promise<FakeGeminiServer> {
  const texts = options.texts ?? ['important'];
  const distribution = options.topLogprobs ?? [
    { token: 'important', logprob: Math.log(0.7) },
    { token: 'unimportant', logprob: Math.log(0.2) },
  ];
  let next = 0;
  const nextText = (): string => texts[next++ % texts.length] ?? '';

  const error = (status: number, message: string, details?: unknown[]) => ({
    status,
    body: {
      error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN', ...(details ? { details } : {}) },
    },
  });

  const answer = (record: RecordedRequest): { status: number; body: unknown } => {
    const match = /^\/(v1beta|v1)\/(models\/[^:]+):generateContent$/.exec(record.path);
    if (!match) return error(404, `Method not found: ${record.path}`);
    const model = match[2] ?? '';
    if (options.apiKey !== undefined && record.headers['x-goog-api-key'] !== options.apiKey) {
      record.fault = 'unauthorized';
      return error(400, 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
      ]);
    }
    if (options.models && !options.models.includes(model.replace(/^models\//, ''))) {
      record.fault = 'unknown-model';
      return error(
        404,
        `${model} is not found for API version ${match[1]}, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
      );
    }
    const body = (record.body ?? {}) as GeminiBody;
    const config = body.generationConfig ?? {};
    if (config.responseLogprobs && options.logprobs === false) {
      record.fault = 'rejected-param';
      return error(400, `Logprobs is not enabled for ${model}`);
    }
    let count = config.candidateCount ?? 1;
    if (count > 1) {
      const support = options.candidateSupport ?? 'yes';
      if (support === 'reject') {
        record.fault = 'rejected-n';
        return error(400, `Multiple candidates is not enabled for ${model}`);
      }
      if (support === 'ignore') count = 1;
    }

    const promptText = [
      ...(body.systemInstruction?.parts ?? []),
      ...(body.contents ?? []).flatMap((c) => c.parts ?? []),
    ]
      .map((p) => p.text ?? '')
      .join('\n');
    const candidates: unknown[] = [];
    let candidateTokens = 0;
    for (let index = 0; index < count; index++) {
      if (config.responseLogprobs) {
        const k = config.logprobs ?? 0;
        const best = distribution[0] ?? { token: '', logprob: 0 };
        candidateTokens += 1;
        candidates.push({
          content: { parts: [{ text: best.token }], role: 'model' },
          finishReason: 'MAX_TOKENS',
          index,
          avgLogprobs: best.logprob,
          logprobsResult: {
            topCandidates: [
              {
                candidates: distribution
                  .slice(0, k)
                  .map((t, i) => ({ token: t.token, tokenId: 100 + i, logProbability: t.logprob })),
              },
            ],
            chosenCandidates: [{ token: best.token, tokenId: 100, logProbability: best.logprob }],
          },
        });
        continue;
      }
      const text = nextText();
      candidateTokens += Math.max(1, countWords(text));
      candidates.push({ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index });
    }
    const promptTokenCount = countWords(promptText);
    return {
      status: 200,
      body: {
        candidates,
        usageMetadata: {
          promptTokenCount,
          candidatesTokenCount: candidateTokens,
          totalTokenCount: promptTokenCount + candidateTokens,
        },
        modelVersion: model.replace(/^models\//, ''),
      },
    };
  };

  const errorBody = (f: Extract<FakeFault, { kind: 'status' }>) => ({
    error: {
      code: f.status,
      message: f.message ?? `HTTP ${f.status}`,
      status: STATUS_NAMES[f.status] ?? 'UNKNOWN',
      ...(f.details ? { details: f.details } : {}),
    },
  });

  const base = new FakeHttpBase(options.latencyMs ?? 0, answer, errorBody);
  const port = await base.listen();
  return base.facade(`http://127.0.0.1:${port}`);
}
