// The estimators for API models end to end: estimateDistribution on OpenAIModel and GeminiModel, through their
// official SDKs, against loopback servers that speak the wire formats. Sampled shares from scripted answers,
// exact probabilities from scripted log-probabilities checked by hand, and the user's mistakes as clear errors.

import { afterEach, describe, expect, it } from 'vitest';
import type { Probe } from '../data/index.js';
import { UserError } from '../errors.js';
import {
  GeminiModel,
  OpenAIModel,
  type GeminiModelConfig,
  type OpenAIModelConfig,
  type SamplingSettings,
} from '../models/index.js';
import { buildPrompt } from '../prompt/index.js';
import {
  startFakeGeminiServer,
  type FakeGeminiServer,
  type FakeGeminiServerOptions,
} from '../../testing/fake-gemini-server.js';
import {
  countWords,
  refusedUrl,
  startFakeOpenAIServer,
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  type TopLogprob,
} from '../../testing/fake-openai-server.js';
import { estimateDistribution, type EstimateRequest } from './index.js';

const PROBE: Probe = {
  id: 'Q1',
  language: 'en',
  template: 'Family is _ in my life.',
  options: ['important', 'unimportant'],
  category: 1,
  flag: null,
  source: { file: 'api-estimate.test.ts', line: 1 },
};
const PROMPT = buildPrompt({ probe: PROBE, demonstrations: [], seed: 7 });
const DEFAULT_SAMPLING: SamplingSettings = { temperature: 1 };
/** 3 in 5 option 1, 1 in 5 option 2, 1 in 5 invalid, cycled over every response the server gives. */
const SCRIPT = ['important', 'Important.', 'important', 'unimportant', "I don't know"];
/** What the script costs per 5 responses in the fakes' usage (whitespace words, at least 1 per response). */
const SCRIPT_TOKENS = SCRIPT.reduce((sum, text) => sum + Math.max(1, countWords(text)), 0);

function request(estimator: EstimateRequest['estimator'], extra: Partial<EstimateRequest> = {}): EstimateRequest {
  return { probe: PROBE, prompt: PROMPT, chat: true, estimator, n: 50, maxTokens: 8, seed: 3, ...extra };
}

const servers: { close(): Promise<void> }[] = [];
const models: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(models.splice(0).map((m) => m.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function openai(
  options: FakeOpenAIServerOptions,
  config: Partial<OpenAIModelConfig> = {},
): Promise<{ server: FakeOpenAIServer; model: OpenAIModel }> {
  const server = await startFakeOpenAIServer(options);
  servers.push(server);
  const model = new OpenAIModel({
    name: 'Local Llama',
    model: 'llama-3-8b',
    baseUrls: [server.url],
    apiKey: options.apiKey ?? '',
    ...config,
  });
  models.push(model);
  return { server, model };
}

async function gemini(
  options: FakeGeminiServerOptions,
  config: Partial<GeminiModelConfig> = {},
): Promise<{ server: FakeGeminiServer; model: GeminiModel }> {
  const server = await startFakeGeminiServer({ apiKey: 'gm-key', ...options });
  servers.push(server);
  const model = new GeminiModel({
    name: 'Gemini Flash',
    model: 'gemini-2.0-flash',
    apiKey: 'gm-key',
    baseUrl: server.url,
    ...config,
  });
  models.push(model);
  return { server, model };
}

const bodyOf = (r: { body: unknown }) => r.body as Record<string, unknown>;

describe('sampled on an OpenAI-compatible server', () => {
  it('draws N = 50 in one request with n = 50 and counts the scripted answers exactly', async () => {
    const { server, model } = await openai({ texts: SCRIPT, apiKey: 'sk-local' });
    const d = await estimateDistribution(model, DEFAULT_SAMPLING, request('sampled'));
    expect(server.requests).toHaveLength(1);
    const body = bodyOf(server.requests[0]!);
    expect(body).toMatchObject({
      model: 'llama-3-8b',
      n: 50,
      temperature: 1,
      max_tokens: 8,
      messages: [{ role: 'user', content: PROMPT.text }],
    });
    expect(d).toMatchObject({ estimator: 'sampled', n: 50, option1: 0.6, option2: 0.2, invalid: 0.2, errorBound: 0 });
    // The cost is what the server's usage says, not a count of our own.
    expect(d.tokenEvaluations).toBe(10 * SCRIPT_TOKENS);
    expect(d.promptTokens).toBe(countWords(PROMPT.text));
    // No time inside llama.cpp to report: the server's own time is not ours to split.
    expect(d).not.toHaveProperty('llamaMs');
    expect(d.responses.map((r) => [r.text, r.weight, r.answer])).toEqual([
      ['important', 20, 1],
      ["I don't know", 10, 'invalid'],
      ['Important.', 10, 1],
      ['unimportant', 10, 2],
    ]);
  });

  it('sends the estimate its own sampling settings when the request overrides the model', async () => {
    const { server, model } = await openai({ texts: SCRIPT });
    await estimateDistribution(
      model,
      DEFAULT_SAMPLING,
      request('sampled', { n: 5, sampling: { temperature: 0.6, topP: 0.9 } }),
    );
    expect(bodyOf(server.requests[0]!)).toMatchObject({ temperature: 0.6, top_p: 0.9, n: 5 });
  });

  it.each(['reject-openai', 'reject-llama-cpp', 'ignore'] as const)(
    'falls back to single calls when the server %s n > 1, with the same shares',
    async (nSupport) => {
      const { server, model } = await openai({ texts: SCRIPT, nSupport });
      const d = await estimateDistribution(model, DEFAULT_SAMPLING, request('sampled'));
      expect(d).toMatchObject({ n: 50, option1: 0.6, option2: 0.2, invalid: 0.2 });
      expect(bodyOf(server.requests[0]!).n).toBe(50);
      const singles = server.requests.slice(1);
      expect(singles.every((r) => bodyOf(r).n === undefined)).toBe(true);
      if (nSupport === 'ignore') {
        // The first request was answered with one choice: it counts, and 49 single calls bring the rest.
        expect(singles).toHaveLength(49);
      } else {
        expect(singles).toHaveLength(50);
        expect(d.tokenEvaluations).toBe(10 * SCRIPT_TOKENS);
        expect(d.promptTokens).toBe(50 * countWords(PROMPT.text));
      }
    },
  );
});

describe('sampled on Gemini', () => {
  it('draws N = 50 with candidateCount 50 in one request', async () => {
    const { server, model } = await gemini({ texts: SCRIPT });
    const d = await estimateDistribution(model, DEFAULT_SAMPLING, request('sampled'));
    expect(server.requests).toHaveLength(1);
    expect(bodyOf(server.requests[0]!).generationConfig).toMatchObject({
      candidateCount: 50,
      temperature: 1,
      maxOutputTokens: 8,
    });
    expect(d).toMatchObject({ estimator: 'sampled', n: 50, option1: 0.6, option2: 0.2, invalid: 0.2, errorBound: 0 });
    expect(d.tokenEvaluations).toBe(10 * SCRIPT_TOKENS);
    expect(d.promptTokens).toBe(countWords(PROMPT.text));
  });

  it('falls back to one call per response where the model refuses several candidates, with the same shares', async () => {
    const { server, model } = await gemini({ texts: SCRIPT, candidateSupport: 'reject' });
    const d = await estimateDistribution(model, DEFAULT_SAMPLING, request('sampled'));
    expect(d).toMatchObject({ n: 50, option1: 0.6, option2: 0.2, invalid: 0.2 });
    expect(server.requests).toHaveLength(51);
    expect(d.tokenEvaluations).toBe(10 * SCRIPT_TOKENS);
  });
});

describe('exact on a completions server with scripted log-probabilities', () => {
  const END: TopLogprob[] = [{ token: '<|endoftext|>', logprob: 0 }];
  /** A two-level tree: the first token, then the end; 0.05 of the first token's mass is never revealed. */
  const FIRST: TopLogprob[] = [
    { token: ' important', logprob: Math.log(0.7) },
    { token: ' unimportant', logprob: Math.log(0.2) },
    { token: ' maybe', logprob: Math.log(0.05) },
  ];
  const nextTokens = (prompt: string): TopLogprob[] => {
    if (!prompt.startsWith(PROMPT.text)) return [];
    const prefix = prompt.slice(PROMPT.text.length);
    if (prefix === '') return FIRST;
    return FIRST.some((t) => t.token === prefix) ? END : [];
  };

  async function exact(sampling: SamplingSettings) {
    const { server, model } = await openai({ nextTokens });
    const d = await estimateDistribution(model, sampling, request('exact', { chat: false }));
    const prefixes = server.requests.map((r) => {
      const body = bodyOf(r);
      expect(r.path).toBe('/v1/completions');
      expect(body.max_tokens).toBe(1);
      expect(body.logprobs).toBe(20);
      expect(typeof body.prompt).toBe('string');
      expect((body.prompt as string).startsWith(PROMPT.text)).toBe(true);
      return (body.prompt as string).slice(PROMPT.text.length);
    });
    return { d, prefixes };
  }

  it('at temperature 1 gives the revealed probabilities and reports the unrevealed mass as the error bound', async () => {
    const { d, prefixes } = await exact({ temperature: 1 });
    expect(prefixes.sort()).toEqual(['', ' important', ' maybe', ' unimportant']);
    expect(d.estimator).toBe('exact');
    expect(d.n).toBe(0);
    expect(d.option1).toBeCloseTo(0.7, 12);
    expect(d.option2).toBeCloseTo(0.2, 12);
    expect(d.invalid).toBeCloseTo(0.05, 12);
    expect(d.errorBound).toBeCloseTo(0.05, 12);
    expect(d.option1 + d.option2 + d.invalid + d.errorBound).toBeCloseTo(1, 12);
    expect(d.tokenEvaluations).toBe(4);
    expect(d.responses.map((r) => r.text)).toEqual([' important', ' unimportant', ' maybe']);
  });

  it('with top_p 0.9 cuts " maybe" and the tail, renormalises the rest, and leaves no error', async () => {
    const { d, prefixes } = await exact({ temperature: 1, topP: 0.9 });
    expect(prefixes.sort()).toEqual(['', ' important', ' unimportant']);
    expect(d.option1).toBeCloseTo(0.7 / 0.9, 12);
    expect(d.option2).toBeCloseTo(0.2 / 0.9, 12);
    expect(d.invalid).toBe(0);
    expect(d.errorBound).toBe(0);
  });

  it('at temperature 0.5 with top-k 3 reweights the three revealed tokens as p²', async () => {
    const { d } = await exact({ temperature: 0.5, topK: 3 });
    const z = 0.7 ** 2 + 0.2 ** 2 + 0.05 ** 2;
    expect(d.option1).toBeCloseTo(0.7 ** 2 / z, 12);
    expect(d.option2).toBeCloseTo(0.2 ** 2 / z, 12);
    expect(d.invalid).toBeCloseTo(0.05 ** 2 / z, 12);
    expect(d.errorBound).toBe(0);
  });
});

describe('exact in chat on a server that continues a begun answer (vLLM)', () => {
  it('gives the same probabilities from chat messages as the completions form gives from the text', async () => {
    const FIRST: TopLogprob[] = [
      { token: ' important', logprob: Math.log(0.7) },
      { token: ' unimportant', logprob: Math.log(0.2) },
      { token: ' maybe', logprob: Math.log(0.05) },
    ];
    // The model reads the chat template: the user's prompt, then the assistant's answer so far.
    const opening = `<|user|>${PROMPT.text}<|assistant|>`;
    const nextTokens = (reads: string): TopLogprob[] => {
      if (!reads.startsWith(opening)) return [];
      const prefix = reads.slice(opening.length);
      if (prefix === '') return FIRST;
      return FIRST.some((t) => t.token === prefix) ? [{ token: '<|eot_id|>', logprob: 0 }] : [];
    };
    const { server, model } = await openai({ nextTokens });
    const d = await estimateDistribution(model, DEFAULT_SAMPLING, request('exact', { chat: true }));
    expect(server.requests.every((r) => r.path === '/v1/chat/completions')).toBe(true);
    expect(server.requests).toHaveLength(4);
    expect(d.option1).toBeCloseTo(0.7, 12);
    expect(d.option2).toBeCloseTo(0.2, 12);
    expect(d.invalid).toBeCloseTo(0.05, 12);
    expect(d.errorBound).toBeCloseTo(0.05, 12);
    expect(d.responses.map((r) => r.text)).toEqual([' important', ' unimportant', ' maybe']);
  });
});

describe('estimators an API model cannot run', () => {
  it('refuses the tree estimator on an API model before any request', async () => {
    const { server, model } = await openai({ texts: SCRIPT });
    const error = await estimateDistribution(model, DEFAULT_SAMPLING, request('tree')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('estimator-unavailable');
    expect((error as UserError).message).toMatch(/tree estimator needs a local/);
    expect((error as UserError).message).toContain('Local Llama');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses exact on a Gemini model without log-probabilities, suggesting the sampled estimator', async () => {
    const { server, model } = await gemini({ logprobs: false });
    const error = await estimateDistribution(model, DEFAULT_SAMPLING, request('exact')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('estimator-unavailable');
    expect((error as UserError).message).toContain('Gemini Flash');
    expect((error as UserError).message).toMatch(/log-probabilities.*use the sampled estimator/);
    expect(server.requests).toHaveLength(1);
  });

  it('stops exact where a server reveals only the first token (Gemini, OpenAI chat), suggesting the sampled estimator', async () => {
    const { server: g, model: geminiModel } = await gemini({});
    const { server: o, model: chatOnly } = await openai({ chatOnly: true, rejectParams: ['continue_final_message'] });
    for (const [model, server, requests] of [
      [geminiModel, g, 1],
      [chatOnly, o, 2],
    ] as const) {
      const error = await estimateDistribution(model, DEFAULT_SAMPLING, request('exact')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).code).toBe('estimator-unavailable');
      expect((error as UserError).message).toContain(model.name);
      expect((error as UserError).message).toMatch(/use the sampled estimator/);
      // The first token's distribution came back; Gemini's refusal of the next prefix costs no request, the
      // OpenAI server's refusal of continue_final_message one.
      expect(server.requests).toHaveLength(requests);
    }
  });
});

describe('servers that cannot be used', () => {
  it('a wrong API key is one request and one clear error naming the model, without the key', async () => {
    const { server, model } = await openai({ texts: SCRIPT, apiKey: 'sk-right' }, { apiKey: 'sk-wrong-key' });
    const error = await estimateDistribution(model, DEFAULT_SAMPLING, request('sampled')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('api-key-refused');
    expect((error as UserError).message).toContain('Local Llama');
    expect((error as UserError).message).not.toContain('sk-wrong-key');
    expect(server.requests).toHaveLength(1);
  });

  it('a wrong Gemini key is one request and one clear error naming the model', async () => {
    const { server, model } = await gemini({ texts: SCRIPT }, { apiKey: 'gm-wrong' });
    const error = await estimateDistribution(model, DEFAULT_SAMPLING, request('sampled')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('api-key-refused');
    expect((error as UserError).message).toContain('Gemini Flash');
    expect(server.requests).toHaveLength(1);
  });

  it('an unreachable server is a UserError naming its URL', async () => {
    const url = await refusedUrl();
    const model = new OpenAIModel({ name: 'Local Llama', model: 'llama-3-8b', baseUrls: [url], apiKey: '' });
    models.push(model);
    const error = await estimateDistribution(model, DEFAULT_SAMPLING, request('sampled')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('model-unreachable');
    expect((error as UserError).message).toContain(url);
    expect((error as UserError).message).toContain('Local Llama');
  });

  it('an unreachable Gemini endpoint is a UserError naming its URL once the retries are spent', async () => {
    const url = await refusedUrl('');
    const model = new GeminiModel({
      name: 'Gemini Flash',
      model: 'gemini-2.0-flash',
      apiKey: 'gm-key',
      baseUrl: url,
      maxRetries: 1,
      retryBaseDelayMs: 5,
    });
    models.push(model);
    const error = await estimateDistribution(model, DEFAULT_SAMPLING, request('sampled')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe('model-unreachable');
    expect((error as UserError).message).toContain(url);
  });
});
