// A local GGUF model through node-llama-cpp. Layers go to the GPU automatically (all that fit); the prompt is
// evaluated once per session and each response continues from it, so responses to one prompt share its
// evaluation. A prompt's shared beginnings (chat header, instruction) are evaluated as batches of their own and
// stay in the sequence's KV cache for the next prompt that begins the same way. Several sessions run side by side on
// the sequences of one context, but their tokens go to llama.cpp one sequence at a time: in a batch shared with other
// sequences a prompt's probabilities change (by up to 0.014 on a Q4_0 model, measured), so a run's numbers would
// depend on which prompts happened to be evaluated together, and no rerun or resumed run would repeat them.

import { access } from 'node:fs/promises';
import {
  resolveChatWrapper,
  specializedChatWrapperTypeNames,
  type ChatHistoryItem,
  type SpecializedChatWrapperTypeName,
  type BuiltInChatWrapperType,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { UserError } from '../errors.js';
import type { ChatMessage } from '../prompt/index.js';
import { deriveSeed, SeededRandom } from '../random/index.js';
import { checkGgufHeader } from './gguf-info.js';
import { describeBackend, llamaRuntime, threadsFreeNow, type BackendReport, type GpuChoice } from './llama-runtime.js';
import type { GenerationRequest, GenerationResult, ResponseModel, SamplingSettings } from './model-types.js';
import { sampleResponse } from './sample-response.js';

export interface LocalModelOptions {
  name: string;
  path: string;
  sampling: SamplingSettings;
  gpu?: GpuChoice;
  /** Layers to offload to the GPU: all that fit ("auto", the default), "max", or a number. */
  gpuLayers?: 'auto' | 'max' | number;
  /** Tokens per sequence; prompts with k = 5 demonstrations fit in 2048. */
  contextSize?: number;
  /** Sessions that can run at once (one context sequence each). */
  sequences?: number;
  threads?: number;
  /** An already started llama.cpp runtime (tests share one). */
  llama?: Llama;
}

export interface PromptInput {
  text: string;
  messages: readonly ChatMessage[];
  chat: boolean;
  /** Beginnings of the text (of the first message, for chat) that other prompts share, shortest first. */
  sharedBeginnings?: readonly string[];
}

/** Distinct shared beginnings whose tokens are remembered (a run has about two per probe: one per option order). */
const REMEMBERED_BEGINNINGS = 10_000;
/** Announced prompts whose tokens wait for their session (one is announced at a time; more came from sessions in parallel). */
const PREPARED_PROMPTS = 64;

/**
 * What to ask llama.cpp for after a token to get the next token's probabilities under these sampling settings
 * (node-llama-cpp's `generateNext`): the estimators and the benchmarks that price their work ask the same.
 */
export function nextTokenRequest(sampling: SamplingSettings) {
  return {
    probabilities: true,
    options: {
      temperature: sampling.temperature,
      topK: sampling.topK ?? 0,
      topP: sampling.topP ?? 1,
      minP: sampling.minP ?? 0,
    },
  } as const;
}

function promptKey(prompt: PromptInput): string {
  return prompt.chat ? `chat\u0000${JSON.stringify(prompt.messages)}` : `text\u0000${prompt.text}`;
}

export class LocalModel implements ResponseModel {
  readonly kind = 'gguf' as const;
  private readonly free: LlamaContextSequence[];
  private chatWrapper: BuiltInChatWrapperType | undefined;
  /** A chat wrapper the user named (node-llama-cpp's type name), instead of the GGUF's own template. */
  chatWrapperType: string | undefined;
  private readonly waiting: ((sequence: LlamaContextSequence) => void)[] = [];
  /** The evaluation in progress on the context; the next one starts after it (see the header). */
  private evaluating: Promise<unknown> = Promise.resolve();
  /** The tokens of a shared beginning rendered as a prompt of its own, by beginning (and chat or not). */
  private readonly beginnings = new Map<string, Token[]>();
  /** Tokens of prompts announced by `prepare`, by prompt, until their session takes them. */
  private readonly prepared = new Map<string, Token[]>();

  private constructor(
    readonly name: string,
    readonly sampling: SamplingSettings,
    readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly backend: BackendReport,
  ) {
    this.free = Array.from({ length: context.totalSequences }, () => context.getSequence());
  }

  static async open(options: LocalModelOptions): Promise<LocalModel> {
    await access(options.path).catch(() => {
      throw new UserError('model-file-missing', `the model file of "${options.name}" is missing: ${options.path}`);
    });
    await checkGgufHeader(options.path).catch((error: unknown) => {
      throw error instanceof UserError
        ? new UserError(
            'model-unreadable',
            `the model "${options.name}" cannot be loaded: ${error.message}. Is it a complete GGUF file?`,
            error.where,
          )
        : error;
    });
    const llama =
      options.llama ??
      (await llamaRuntime({ gpu: options.gpu ?? 'auto', ...(options.threads ? { threads: options.threads } : {}) }));
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: options.path, gpuLayers: options.gpuLayers ?? 'auto' });
    } catch (error) {
      throw loadError(options, error);
    }
    // The user's thread count, else the default capped by what is idle now (llama-runtime.ts).
    const threads = options.threads ?? (await threadsFreeNow(llama));
    let context: LlamaContext;
    try {
      context = await model.createContext({
        contextSize: Math.min(options.contextSize ?? 4096, model.trainContextSize),
        sequences: options.sequences ?? 1,
        ...(threads ? { threads } : {}),
      });
    } catch (error) {
      await model.dispose();
      throw loadError(options, error);
    }
    const totalLayers = (model.fileInsights.totalLayers as number | undefined) ?? model.gpuLayers;
    return new LocalModel(
      options.name,
      options.sampling,
      model,
      context,
      await describeBackend(llama, model.gpuLayers, totalLayers, context.idealThreads),
    );
  }

  /** Tokens per sequence. */
  get contextSize(): number {
    return this.context.contextSize;
  }

  /** The chat wrapper of this model: the one the user named, else the GGUF's own chat template. */
  private wrapper(): BuiltInChatWrapperType {
    // Resolving the wrapper compiles the GGUF's chat template: about 100 ms, so once per model.
    this.chatWrapper ??= this.chatWrapperType
      ? namedChatWrapper(this.model, this.chatWrapperType)
      : ownChatWrapper(this.name, this.model);
    return this.chatWrapper;
  }

  /**
   * Whether the model's chat template takes a system message: node-llama-cpp renders a template with one and tells
   * whether it had to turn it into a user message (Gemma's templates do).
   */
  takesSystemMessages(): boolean {
    return this.wrapper().settings.supportsSystemMessages;
  }

  /** The prompt's tokens: the chat template from the GGUF for chat prompts, BOS and the text otherwise. */
  promptTokens(prompt: PromptInput): Token[] {
    if (prompt.chat) {
      const wrapper = this.wrapper();
      const chatHistory: ChatHistoryItem[] = prompt.messages.map((m) =>
        m.role === 'assistant' ? { type: 'model', response: [m.content] } : { type: m.role, text: m.content },
      );
      chatHistory.push({ type: 'model', response: [] });
      return wrapper.generateContextState({ chatHistory }).contextText.tokenize(this.model.tokenizer);
    }
    const bos =
      this.model.tokens.shouldPrependBosToken && this.model.tokens.bos !== null ? [this.model.tokens.bos] : [];
    return [...bos, ...this.model.tokenize(prompt.text)];
  }

  /**
   * The prompt exactly as llama.cpp is given it: its tokens written back as text, special tokens (BOS, the chat
   * template's turn markers) included, so a user can see what the model receives.
   */
  renderPrompt(prompt: PromptInput): { text: string; tokens: number } {
    const tokens = this.promptTokens(prompt);
    return { text: this.model.detokenize(tokens, true), tokens: tokens.length };
  }

  /**
   * Announces a prompt that a session will soon be asked for: its tokens are made while the main thread would
   * otherwise wait for llama.cpp (rendering the chat template and tokenizing take about a millisecond, which a
   * prompt evaluated after the other waits for in full). The tokens are the same either way.
   */
  prepare(prompt: PromptInput): void {
    setImmediate(() => {
      const key = promptKey(prompt);
      if (this.prepared.has(key)) return;
      if (this.prepared.size >= PREPARED_PROMPTS) this.prepared.clear();
      try {
        this.prepared.set(key, this.promptTokens(prompt));
      } catch {
        // The model was closed meanwhile, or the prompt cannot be tokenized: its session, if any, says why.
      }
    });
  }

  /**
   * Where the prompt's shared beginnings end, in tokens, ascending: for each beginning, the tokens the prompt has
   * in common with that beginning rendered alone (with the chat header). They depend on the prompt only, never on
   * what the cache holds, so a prompt is always split at the same tokens and always evaluated the same way.
   */
  sharedTokenCounts(prompt: PromptInput, tokens: readonly Token[]): number[] {
    const counts = new Set<number>();
    for (const beginning of prompt.sharedBeginnings ?? []) {
      const key = `${prompt.chat ? 'chat' : 'text'}\u0000${beginning}`;
      let alone = this.beginnings.get(key);
      if (!alone) {
        alone = this.promptTokens({
          text: beginning,
          messages: [{ role: 'user', content: beginning }],
          chat: prompt.chat,
        });
        if (this.beginnings.size >= REMEMBERED_BEGINNINGS) this.beginnings.clear();
        this.beginnings.set(key, alone);
      }
      // The last prompt token is always evaluated last: it gives the first response token's probabilities.
      const limit = Math.min(alone.length, tokens.length - 1);
      let common = 0;
      while (common < limit && alone[common] === tokens[common]) common++;
      if (common > 0) counts.add(common);
    }
    return [...counts].sort((a, b) => a - b);
  }

  /** Evaluates on a sequence once no other sequence of the context is being evaluated, so batches never mix them. */
  evaluateAlone<T>(evaluation: () => Promise<T>): Promise<T> {
    const result = this.evaluating.then(evaluation);
    this.evaluating = result.catch(() => undefined);
    return result;
  }

  /** A session on a free sequence (waiting for one when all are busy); close it to free the sequence. */
  async session(prompt: PromptInput, sampling: SamplingSettings = this.sampling): Promise<LocalTokenSession> {
    const sequence =
      this.free.pop() ?? (await new Promise<LlamaContextSequence>((resolve) => this.waiting.push(resolve)));
    try {
      const key = promptKey(prompt);
      const tokens = this.prepared.get(key) ?? this.promptTokens(prompt);
      this.prepared.delete(key);
      return await LocalTokenSession.start(
        this,
        sequence,
        tokens,
        this.sharedTokenCounts(prompt, tokens),
        sampling,
        (s) => this.release(s),
      );
    } catch (error) {
      this.release(sequence);
      throw error;
    }
  }

  private release(sequence: LlamaContextSequence): void {
    const next = this.waiting.shift();
    if (next) next(sequence);
    else this.free.push(sequence);
  }

  /** N independent responses as text (the `sampled` estimator counts them itself; this serves callers that want texts). */
  async generate(request: GenerationRequest): Promise<GenerationResult> {
    const session = await this.session(request, request.sampling);
    try {
      const texts: string[] = [];
      for (let i = 0; i < request.n; i++) {
        const random = new SeededRandom(deriveSeed(request.seed, 'generate', i));
        texts.push(session.text(await sampleResponse(session, request.maxTokens, random, request.signal)));
      }
      return { texts, completionTokens: session.evaluations, promptTokens: session.promptTokens };
    } finally {
      await session.close();
    }
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }
}

/**
 * The model's own chat template from its GGUF file, rendered by node-llama-cpp's Jinja engine as transformers'
 * apply_chat_template renders it. node-llama-cpp's own choice ("auto") replaces a template it deems equivalent
 * to one of its wrappers, and for SmolLM2 that sent "<|im_start|><|im_start|>user…": the ChatML wrapper put the
 * BOS token (which is <|im_start|> there) in front and dropped the template's default system message. A template
 * the Jinja engine cannot render is said so, not swapped for a wrapper behind the user's back; a file without one
 * is sent chat messages only under a wrapper the user named (chatModeOf).
 */
function ownChatWrapper(name: string, model: LlamaModel): BuiltInChatWrapperType {
  // Without a template (a record made before the header was read) node-llama-cpp's own choice, as before.
  if (!(model.fileInfo.metadata.tokenizer as { chat_template?: string } | undefined)?.chat_template)
    return resolveChatWrapper(model);
  try {
    return resolveChatWrapper(model, { type: 'jinjaTemplate', fallbackToOtherWrappersOnJinjaError: false });
  } catch (error) {
    throw new UserError(
      'chat-template-unreadable',
      `the chat template in the GGUF file of "${name}" cannot be rendered (${(error as Error).message}); name a chat wrapper for it (chatWrappers in the run configuration)`,
    );
  }
}

/** The chat wrapper of that name, or a message listing the names there are. */
function namedChatWrapper(model: LlamaModel, type: string): BuiltInChatWrapperType {
  if (!(specializedChatWrapperTypeNames as readonly string[]).includes(type)) {
    throw new UserError(
      'unknown-chat-wrapper',
      `there is no chat wrapper "${type}" (known: ${specializedChatWrapperTypeNames.join(', ')})`,
    );
  }
  return resolveChatWrapper(model, { type: type as SpecializedChatWrapperTypeName });
}

function loadError(options: LocalModelOptions, error: unknown): UserError {
  const message = (error as Error).message ?? String(error);
  if (/memory|alloc|VRAM|too large/i.test(message)) {
    return new UserError(
      'model-too-large',
      `the model "${options.name}" does not fit in memory (${message}); try fewer GPU layers (--gpu-layers 20) or a smaller context`,
    );
  }
  return new UserError(
    'model-unreadable',
    `the model "${options.name}" cannot be loaded from ${options.path}: ${message}. Is it a complete GGUF file?`,
  );
}

/**
 * One prompt on one context sequence. The prompt is evaluated once, in batches that end where its shared
 * beginnings end, then the rest. When the sequence still holds a beginning from the prompt before, its batches are
 * kept instead of evaluated again. Both ways give the same numbers: each batch is computed on top of the same
 * KV entries either way, and those were computed by the same batches from an empty sequence (one batch for the
 * whole prompt could round differently from several, so the split never depends on the cache).
 * `next(tokens)` keeps the longest prefix already in the sequence and evaluates only the rest, so walking a
 * prefix tree depth first costs one token evaluation per node.
 */
export class LocalTokenSession {
  private current: Token[] = [];
  private rootDistribution!: Map<Token, number>;
  evaluations = 0;
  cachedPromptTokens = 0;
  /** Time inside llama.cpp's evaluations of this session (not the wait for another sequence's turn). */
  llamaMs = 0;

  private constructor(
    private readonly owner: LocalModel,
    private readonly sequence: LlamaContextSequence,
    private readonly prompt: Token[],
    private readonly sampling: SamplingSettings,
    private readonly onClose: (sequence: LlamaContextSequence) => void,
  ) {}

  static async start(
    owner: LocalModel,
    sequence: LlamaContextSequence,
    prompt: Token[],
    shared: readonly number[],
    sampling: SamplingSettings,
    onClose: (s: LlamaContextSequence) => void,
  ) {
    if (prompt.length === 0) throw new UserError('empty-prompt', 'the prompt is empty');
    if (prompt.length >= sequence.contextSize) {
      throw new UserError(
        'prompt-too-long',
        `the prompt has ${prompt.length} tokens, more than the context of ${sequence.contextSize} tokens of "${owner.name}"`,
      );
    }
    const session = new LocalTokenSession(owner, sequence, prompt, sampling, onClose);
    // The beginnings are nested, so the sequence holds all up to the longest it holds.
    let kept = 0;
    for (const end of shared) {
      if (!holdsBeginning(sequence, prompt, end)) break;
      kept = end;
    }
    if (kept > 0) await sequence.eraseContextTokenRanges([{ start: kept, end: sequence.nextTokenIndex }]);
    else await sequence.clearHistory();
    session.cachedPromptTokens = kept;
    let from = kept;
    for (const end of shared.filter((e) => e > kept)) {
      await session.evaluateTimed(() => sequence.controlledEvaluate(prompt.slice(from, end)));
      from = end;
    }
    session.rootDistribution = await session.evaluate(prompt.slice(from));
    return session;
  }

  get promptTokens(): number {
    return this.prompt.length;
  }

  async next(tokens: readonly Token[]): Promise<{ probabilities: ReadonlyMap<Token, number>; missingMass: number }> {
    if (tokens.length === 0) return { probabilities: this.rootDistribution, missingMass: 0 };
    let common = 0;
    while (common < this.current.length && common < tokens.length - 1 && this.current[common] === tokens[common])
      common++;
    if (common < this.current.length) {
      await this.sequence.eraseContextTokenRanges([
        { start: this.prompt.length + common, end: this.sequence.nextTokenIndex },
      ]);
    }
    const fresh = tokens.slice(common);
    const probabilities = await this.evaluate(fresh);
    this.evaluations += fresh.length;
    this.current = [...tokens];
    return { probabilities, missingMass: 0 };
  }

  isEnd(token: Token): boolean {
    return this.owner.model.isEogToken(token);
  }

  text(tokens: readonly Token[]): string {
    return this.owner.model.detokenize(tokens);
  }

  async close(): Promise<void> {
    this.onClose(this.sequence);
  }

  /** An evaluation on this session's sequence, in its turn (LocalModel.evaluateAlone), its time counted in `llamaMs`. */
  private evaluateTimed<T>(evaluation: () => Promise<T>): Promise<T> {
    return this.owner.evaluateAlone(async () => {
      const started = performance.now();
      try {
        return await evaluation();
      } finally {
        this.llamaMs += performance.now() - started;
      }
    });
  }

  /** Evaluates tokens and returns the next-token probabilities after the last, with the sampling settings applied. */
  private async evaluate(tokens: readonly Token[]): Promise<Map<Token, number>> {
    const last = tokens.length - 1;
    const output = await this.evaluateTimed(() =>
      this.sequence.controlledEvaluate(
        tokens.map((token, i) => (i === last ? [token, { generateNext: nextTokenRequest(this.sampling) }] : token)),
      ),
    );
    const probabilities = output[last]?.next.probabilities;
    if (!probabilities) throw new Error('llama.cpp returned no probabilities');
    return probabilities;
  }
}

/** Whether the sequence's first tokens are the prompt's first `count`. */
function holdsBeginning(sequence: LlamaContextSequence, prompt: readonly Token[], count: number): boolean {
  const held = sequence.contextTokens;
  if (held.length < count) return false;
  for (let i = 0; i < count; i++) if (held[i] !== prompt[i]) return false;
  return true;
}
