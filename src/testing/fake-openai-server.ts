// A loopback server that speaks the OpenAI wire format (chat completions and legacy completions, with n and
// log-probabilities) so the official SDK can be tested here without the internet. Faults are scripted per
// request (401, 404, 429 with retry-after, 500, dropped connections, slow answers, `n` refused) and every
// request is recorded, so a test can assert exactly what was sent and how often.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with one request instead of (or before) answering it normally. */
export type FakeFault =
  /** An error answer with this status, in the API's error body; `headers` e.g. retry-after. */
  | {
      kind: 'status';
      status: number;
      message?: string;
      param?: string;
      code?: string;
      /** Google's error details (RetryInfo, ErrorInfo); the OpenAI fake ignores them. */
      details?: unknown[];
      headers?: Record<string, string>;
    }
  /** The socket is destroyed before a single byte of the answer: the client sees a dropped connection. */
  | { kind: 'drop' }
  /** Status line, headers and half of the body go out, then the socket is destroyed. */
  | { kind: 'drop-mid-body' }
  /** The normal answer, after a delay (to run past a client's timeout). */
  | { kind: 'slow'; delayMs: number };

/** Ready-made faults as the real services send them. */
export const fault = {
  status(status: number, message = `HTTP ${status}`, headers?: Record<string, string>): FakeFault {
    return { kind: 'status', status, message, ...(headers ? { headers } : {}) };
  },
  unauthorized(): FakeFault {
    return { kind: 'status', status: 401, code: 'invalid_api_key', message: 'Incorrect API key provided.' };
  },
  notFound(model = 'unknown'): FakeFault {
    return {
      kind: 'status',
      status: 404,
      code: 'model_not_found',
      message: `The model \`${model}\` does not exist or you do not have access to it.`,
    };
  },
  /** 429; `retryAfter` is the retry-after header as sent (seconds or an HTTP date), `retryAfterMs` its ms twin. */
  rateLimited(retry: { retryAfter?: string; retryAfterMs?: number } = {}): FakeFault {
    const headers: Record<string, string> = {};
    if (retry.retryAfter !== undefined) headers['retry-after'] = retry.retryAfter;
    if (retry.retryAfterMs !== undefined) headers['retry-after-ms'] = String(retry.retryAfterMs);
    return {
      kind: 'status',
      status: 429,
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached for requests',
      headers,
    };
  },
  serverError(status = 500): FakeFault {
    return { kind: 'status', status, message: 'The server had an error while processing your request.' };
  },
  /** OpenAI's refusal of n > 1 (reasoning models), for one request. */
  rejectN(): FakeFault {
    return {
      kind: 'status',
      status: 400,
      param: 'n',
      code: 'unsupported_value',
      message: "Unsupported value: 'n' does not support values other than 1 with this model.",
    };
  },
  drop(): FakeFault {
    return { kind: 'drop' };
  },
  dropMidBody(): FakeFault {
    return { kind: 'drop-mid-body' };
  },
  slow(delayMs: number): FakeFault {
    return { kind: 'slow', delayMs };
  },
};

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. /v1/chat/completions. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body (undefined when there was none or it was not JSON). */
  body: unknown;
  /** The fault applied to this request, if any. */
  fault?: FakeFault['kind'] | 'rejected-n' | 'rejected-param' | 'unauthorized' | 'unknown-model';
  /** performance.now() when the request arrived. */
  receivedAt: number;
}

export interface TopLogprob {
  token: string;
  logprob: number;
}

export interface FakeOpenAIServerOptions {
  /** Answers, handed out in order and cycled, one per choice, across all requests. */
  texts?: string[];
  /** Models the server knows; any other gets a 404 like OpenAI's. Absent: every model is known. */
  models?: string[];
  /** The bearer key the server demands; any other gets 401. Absent: no key needed (a local server). */
  apiKey?: string;
  /** How the server treats n > 1: answer all (default), refuse with 400, or answer one choice silently (Ollama). */
  nSupport?: 'yes' | 'reject-openai' | 'reject-llama-cpp' | 'ignore';
  /** Body parameters refused with 400 "Unrecognized request argument" (e.g. seed, top_k). */
  rejectParams?: string[];
  /** Delay before every answer, so that concurrent requests overlap. */
  latencyMs?: number;
  /** The next-token distribution for logprobs answers, highest first. */
  topLogprobs?: TopLogprob[];
  /**
   * The next-token distribution as a function of what the model reads, highest first; overrides `topLogprobs`.
   * Completions: the prompt. Chat: the messages in a chat template, `<|role|>content` each, then `<|assistant|>`
   * for the answer, unless vLLM's `continue_final_message` continues the final assistant message instead (so a
   * begun answer reads `…<|assistant|>begun`). Lets a test script a whole prefix tree.
   */
  nextTokens?: (prompt: string) => TopLogprob[];
  /** Whether chat completions answer with log-probabilities when asked (default true); some servers ignore it. */
  chatLogprobs?: boolean;
  /** Only /chat/completions exists (legacy /completions is 404), like many hosted chat models. */
  chatOnly?: boolean;
}

export interface FakeOpenAIServer {
  /** Base URL for the SDK, ending in /v1. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests being answered right now, and the most there ever were at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Faults for the next requests, in arrival order; requests beyond them are answered normally. */
  enqueue(...faults: FakeFault[]): void;
  /** A fault for every request from now on (after the queue), or undefined to stop. */
  failAll(fault: FakeFault | undefined): void;
  close(): Promise<void>;
}

/** The JSON-answering machinery both fake services share: fault queue, recording, in-flight counting. */
export class FakeHttpBase {
  readonly requests: RecordedRequest[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly queue: FakeFault[] = [];
  private always: FakeFault | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly server: http.Server;

  /** What a test holds of the server: its URL, its records and its fault controls. */
  facade(url: string): FakeOpenAIServer {
    const inFlight = () => this.inFlight;
    const maxInFlight = () => this.maxInFlight;
    return {
      url,
      requests: this.requests,
      get inFlight() {
        return inFlight();
      },
      get maxInFlight() {
        return maxInFlight();
      },
      enqueue: (...faults) => this.enqueue(...faults),
      failAll: (f) => this.failAll(f),
      close: () => this.close(),
    };
  }

  constructor(
    private readonly latencyMs: number,
    /** Answers one request normally; returns status and body. */
    private readonly answer: (record: RecordedRequest) => {
      status: number;
      body: unknown;
      headers?: Record<string, string>;
    },
    /** Turns a status fault into the service's error body. */
    private readonly errorBody: (f: Extract<FakeFault, { kind: 'status' }>) => unknown,
  ) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  enqueue(...faults: FakeFault[]): void {
    this.queue.push(...faults);
  }

  failAll(f: FakeFault | undefined): void {
    this.always = f;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      await this.respond(req, res);
    } catch {
      // The client went away while we read or wrote (a cancelled or timed-out request): nothing to answer.
      res.destroy();
    }
  }

  private async respond(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let counted = true;
    const done = (): void => {
      if (counted) this.inFlight--;
      counted = false;
    };
    res.on('close', done);

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: (req.url ?? '/').split('?')[0] ?? '/',
      headers: req.headers,
      body,
      receivedAt: performance.now(),
    };
    this.requests.push(record);

    const f = this.queue.shift() ?? this.always;
    if (f) record.fault = f.kind;
    if (f?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    await this.delay(this.latencyMs + (f?.kind === 'slow' ? f.delayMs : 0));
    if (res.destroyed) return; // the client gave up (timeout or cancellation)

    if (f?.kind === 'status') {
      this.send(res, f.status, this.errorBody(f), f.headers);
      return;
    }
    const answer = this.answer(record);
    if (f?.kind === 'drop-mid-body') {
      const text = JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.write(text.slice(0, Math.floor(text.length / 2)), () => res.socket?.destroy());
      return;
    }
    this.send(res, answer.status, answer.body, answer.headers);
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }
}

/** A URL on 127.0.0.1 where nothing listens: connections are refused. */
export async function refusedUrl(pathSuffix = '/v1'): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}${pathSuffix}`;
}

/**
 * `nextTokens` for a model that answers in one token, " important" or " unimportant" with these probabilities, and
 * then ends its turn (<|eot_id|>), whatever form it reads: the completions prompt or the chat template's assistant turn.
 */
export function oneTokenAnswer(important: number, unimportant: number): (reads: string) => TopLogprob[] {
  const first = [
    { token: ' important', logprob: Math.log(important) },
    { token: ' unimportant', logprob: Math.log(unimportant) },
  ];
  return (reads) => (first.some((t) => reads.endsWith(t.token)) ? [{ token: '<|eot_id|>', logprob: 0 }] : first);
}

/** Whitespace words: the fake's stand-in for tokens, so usage counts are predictable. */
export function countWords(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

interface ChatBody {
  model?: string;
  messages?: { role: string; content: string }[];
  prompt?: string;
  n?: number;
  logprobs?: boolean | number;
  top_logprobs?: number;
  max_tokens?: number;
  [key: string]: unknown;
}

export async function startFakeOpenAIServer(options: FakeOpenAIServerOptions = {}): Promise<FakeOpenAIServer> {
  const texts = options.texts ?? ['important'];
  const defaultDistribution = options.topLogprobs ?? [
    { token: ' important', logprob: Math.log(0.6) },
    { token: ' unimportant', logprob: Math.log(0.3) },
    { token: ' very', logprob: Math.log(0.05) },
  ];
  let next = 0;
  const nextText = (): string => texts[next++ % texts.length] ?? '';

  const error = (
    status: number,
    message: string,
    extra: { param?: string | null; code?: string | null; type?: string } = {},
  ) => ({
    status,
    body: {
      error: {
        message,
        type: extra.type ?? 'invalid_request_error',
        param: extra.param ?? null,
        code: extra.code ?? null,
      },
    },
  });

  const answer = (record: RecordedRequest): { status: number; body: unknown } => {
    const chat = record.path.endsWith('/chat/completions');
    const legacy = !chat && record.path.endsWith('/completions');
    if (!chat && !legacy) return error(404, `Unknown request URL: POST ${record.path}.`);
    if (legacy && options.chatOnly)
      return error(404, 'This is a chat model and not supported in the v1/completions endpoint.');

    const auth = record.headers.authorization ?? '';
    if (options.apiKey !== undefined && auth !== `Bearer ${options.apiKey}`) {
      record.fault = 'unauthorized';
      // OpenAI names (a masked form of) the key it refused; echoing it whole makes leaks easy to catch.
      return error(401, `Incorrect API key provided: ${auth.replace(/^Bearer /, '')}.`, { code: 'invalid_api_key' });
    }
    const body = (record.body ?? {}) as ChatBody;
    const model = body.model ?? '';
    if (options.models && !options.models.includes(model)) {
      record.fault = 'unknown-model';
      return error(404, `The model \`${model}\` does not exist or you do not have access to it.`, {
        code: 'model_not_found',
      });
    }
    for (const param of options.rejectParams ?? []) {
      if (param in body) {
        record.fault = 'rejected-param';
        return error(400, `Unrecognized request argument supplied: ${param}`, { param });
      }
    }
    let n = body.n ?? 1;
    if (n > 1) {
      const support = options.nSupport ?? 'yes';
      if (support === 'reject-openai') {
        record.fault = 'rejected-n';
        return error(400, "Unsupported value: 'n' does not support values other than 1 with this model.", {
          param: 'n',
          code: 'unsupported_value',
        });
      }
      if (support === 'reject-llama-cpp') {
        record.fault = 'rejected-n';
        return {
          status: 400,
          body: {
            error: { code: 400, message: 'Only one completion choice is allowed', type: 'invalid_request_error' },
          },
        };
      }
      if (support === 'ignore') n = 1;
    }

    const messages = body.messages ?? [];
    const continuing = chat && body.continue_final_message === true;
    if (continuing && (body.add_generation_prompt !== false || messages.at(-1)?.role !== 'assistant')) {
      // vLLM's checks: a final assistant message to continue, and no new turn begun after it.
      return error(400, 'continue_final_message needs add_generation_prompt false and a final assistant message', {
        param: 'continue_final_message',
      });
    }
    const promptText = chat ? messages.map((m) => m.content).join('\n') : String(body.prompt ?? '');
    const modelReads = chat
      ? messages.map((m) => `<|${m.role}|>${m.content}`).join('') + (continuing ? '' : '<|assistant|>')
      : promptText;
    const distribution = options.nextTokens ? options.nextTokens(modelReads) : defaultDistribution;
    const created = Math.floor(Date.now() / 1000);
    const top = (k: number) => distribution.slice(0, Math.max(0, k));
    const choices: unknown[] = [];
    let completionTokens = 0;
    for (let index = 0; index < n; index++) {
      if (legacy && typeof body.logprobs === 'number') {
        // The legacy logprobs form: the argmax token as text, and a {token: logprob} map per position.
        const best = distribution[0] ?? { token: '', logprob: 0 };
        const tokenCount = Math.max(1, Math.min(body.max_tokens ?? 1, 1));
        completionTokens += tokenCount;
        choices.push({
          text: best.token,
          index,
          logprobs: {
            tokens: [best.token],
            token_logprobs: [best.logprob],
            top_logprobs: [Object.fromEntries(top(body.logprobs).map((t) => [t.token, t.logprob]))],
            text_offset: [promptText.length],
          },
          finish_reason: 'length',
        });
        continue;
      }
      const text = nextText();
      completionTokens += Math.max(1, countWords(text));
      if (legacy) {
        choices.push({ text, index, logprobs: null, finish_reason: 'stop' });
      } else {
        const logprobs =
          body.logprobs === true && options.chatLogprobs !== false
            ? {
                content: [
                  {
                    token: distribution[0]?.token ?? text,
                    logprob: distribution[0]?.logprob ?? 0,
                    bytes: null,
                    top_logprobs: top(body.top_logprobs ?? 0).map((t) => ({
                      token: t.token,
                      logprob: t.logprob,
                      bytes: null,
                    })),
                  },
                ],
                refusal: null,
              }
            : null;
        choices.push({
          index,
          message: { role: 'assistant', content: text, refusal: null },
          logprobs,
          finish_reason: 'stop',
        });
      }
    }
    const promptTokens = countWords(promptText);
    return {
      status: 200,
      body: {
        id: `fake-${record.receivedAt.toFixed(3)}`,
        object: chat ? 'chat.completion' : 'text_completion',
        created,
        model,
        choices,
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
        system_fingerprint: 'fake',
      },
    };
  };

  const errorBody = (f: Extract<FakeFault, { kind: 'status' }>) => ({
    error: {
      message: f.message ?? `HTTP ${f.status}`,
      type: f.status >= 500 ? 'server_error' : 'invalid_request_error',
      param: f.param ?? null,
      code: f.code ?? null,
    },
  });

  const base = new FakeHttpBase(options.latencyMs ?? 0, answer, errorBody);
  const port = await base.listen();
  return base.facade(`http://127.0.0.1:${port}/v1`);
}
