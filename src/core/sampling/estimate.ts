// One entry point for every kind of model and estimator: a local model walks its token session; an API model
// samples through its server (`sampled`) or, where the server reveals log-probabilities, expands the tree with
// them (`exact`). The tree estimator needs a model whose tokens we can steer, so it is for local models.

import { UserError } from '../errors.js';
import type { Probe } from '../data/index.js';
import {
  ApiTokenSession,
  LocalModel,
  TOP_LOGPROBS,
  type NextTokenModel,
  type PromptInput,
  type ResponseModel,
  type SamplingSettings,
} from '../models/index.js';
import { AnswerMatcher, type Prompt } from '../prompt/index.js';
import { exactEstimate, sampledEstimate, treeEstimate, type EstimateOptions } from './estimators.js';
import { deriveSeed } from '../random/index.js';
import { mixDistributions, ResponseTally, type Estimator, type ResponseDistribution } from './response-distribution.js';

export interface EstimateRequest extends EstimateOptions {
  probe: Pick<Probe, 'template' | 'options'>;
  prompt: Prompt;
  /** Send the chat form (chat models) or the plain text (completion models). */
  chat: boolean;
  estimator: Estimator;
  /** The model's sampling settings unless overridden. */
  sampling?: SamplingSettings;
}

function hasNextTokens(model: ResponseModel): model is ResponseModel & NextTokenModel {
  return typeof (model as Partial<NextTokenModel>).nextTokenDistribution === 'function';
}

export async function estimateDistribution(
  model: ResponseModel,
  sampling: SamplingSettings,
  request: EstimateRequest,
): Promise<ResponseDistribution> {
  const matcher = new AnswerMatcher(request.probe, { otherStatements: request.prompt.demonstrationStatements });
  const settings = request.sampling ?? sampling;
  if (model instanceof LocalModel) {
    // The wall time includes the prompt's evaluation, usually most of it: runs.validate's time estimate reads it.
    const started = performance.now();
    const session = await model.session(promptInput(request.prompt, request.chat), settings);
    try {
      const estimate = { sampled: sampledEstimate, tree: treeEstimate, exact: exactEstimate }[request.estimator];
      return { ...(await estimate(session, matcher, request)), wallMs: performance.now() - started };
    } finally {
      await session.close();
    }
  }
  if (request.estimator === 'sampled') return apiSampledEstimate(model, settings, matcher, request);
  if (request.estimator === 'exact' && hasNextTokens(model)) {
    const prompt = request.chat
      ? { text: request.prompt.text, messages: request.prompt.messages }
      : { text: request.prompt.text };
    const session = new ApiTokenSession(model, prompt, settings, TOP_LOGPROBS, request.signal);
    try {
      return await exactEstimate(session, matcher, request);
    } catch (error) {
      // Whether a server gives log-probabilities (after any prefix) shows only when it is asked; its refusal says
      // what is missing, and the user also needs to hear which estimator works instead.
      if (
        error instanceof UserError &&
        (error.code === 'logprobs-unavailable' || error.code === 'next-token-prefix-unsupported')
      ) {
        throw new UserError(
          'estimator-unavailable',
          `${error.message} The exact estimator cannot run on "${model.name}": use the sampled estimator.`,
          error.where,
        );
      }
      throw error;
    }
  }
  throw new UserError(
    'estimator-unavailable',
    request.estimator === 'tree'
      ? `the tree estimator needs a local GGUF model; "${model.name}" is an API model: use sampled, or exact where its server gives log-probabilities`
      : `"${model.name}" gives no log-probabilities, so exact probabilities cannot be computed: use the sampled estimator`,
  );
}

function promptInput(prompt: Prompt, chat: boolean): PromptInput {
  return { text: prompt.text, messages: prompt.messages, chat, sharedBeginnings: prompt.sharedBeginnings };
}

/** A prompt with its weight among the draws: how many draws it stands for (sampled, tree), or its probability (exact). */
export interface WeightedPrompt {
  prompt: Prompt;
  weight: number;
}

export interface MixtureRequest extends Omit<EstimateRequest, 'prompt'> {
  prompts: readonly WeightedPrompt[];
}

/**
 * The distribution of responses when each draw has its own prompt (the paper builds the prompt anew per draw):
 * sampled and tree give each distinct prompt as many responses as draws it stands for; exact mixes the exact
 * distributions of the prompts by their weights. The first prompt keeps the request's seed, so a single prompt
 * is estimated exactly as `estimateDistribution` would; the others derive theirs from it.
 */
export async function estimatePromptMixture(
  model: ResponseModel,
  sampling: SamplingSettings,
  request: MixtureRequest,
): Promise<ResponseDistribution> {
  const { prompts, ...rest } = request;
  const exact = request.estimator === 'exact';
  if (!exact && prompts.reduce((sum, p) => sum + p.weight, 0) !== request.n)
    throw new Error('the prompts of sampled draws must stand for n draws in all');
  const parts: ({ distribution: ResponseDistribution; weight: number } | undefined)[] = new Array(prompts.length);
  const order = estimationOrder(prompts.map((p) => p.prompt)).filter((index) => exact || prompts[index]!.weight > 0);
  for (const [place, index] of order.entries()) {
    const { prompt, weight } = prompts[index]!;
    const following = order[place + 1];
    if (following !== undefined && model instanceof LocalModel)
      model.prepare(promptInput(prompts[following]!.prompt, request.chat));
    const seed = index === 0 ? request.seed : deriveSeed(request.seed, 'prompt', index) >>> 0;
    parts[index] = {
      distribution: await estimateDistribution(model, sampling, {
        ...rest,
        prompt,
        n: exact ? request.n : weight,
        seed,
      }),
      weight,
    };
  }
  // Mixed in the draws' order, whatever order they were estimated in: sums of floats depend on their order.
  return mixDistributions(parts.filter((part) => part !== undefined));
}

/**
 * The order to estimate the prompts in: those with the same instruction (the same option order) one after the
 * other, groups in the order they first appear, so a local model keeps the whole instruction in its KV cache from
 * one prompt to the next instead of half of it. Each prompt's estimate depends only on the prompt and its seed.
 */
export function estimationOrder(prompts: readonly { sharedBeginnings?: readonly string[] }[]): number[] {
  const groups = new Map<string, number[]>();
  for (const [index, prompt] of prompts.entries()) {
    const instruction = prompt.sharedBeginnings?.at(-1) ?? '';
    const group = groups.get(instruction);
    if (group) group.push(index);
    else groups.set(instruction, [index]);
  }
  return [...groups.values()].flat();
}

/** N responses from the server (in as few requests as it allows), parsed and counted. */
async function apiSampledEstimate(
  model: ResponseModel,
  sampling: SamplingSettings,
  matcher: AnswerMatcher,
  request: EstimateRequest,
): Promise<ResponseDistribution> {
  const started = performance.now();
  const result = await model.generate({
    text: request.prompt.text,
    messages: request.prompt.messages,
    chat: request.chat,
    n: request.n,
    maxTokens: request.maxTokens,
    sampling,
    seed: request.seed,
    ...(request.signal ? { signal: request.signal } : {}),
  });
  const tally = new ResponseTally();
  for (const text of result.texts) tally.add(text, matcher.parse(text).answer, 1);
  return tally.result(
    {
      estimator: 'sampled',
      n: result.texts.length,
      tokenEvaluations: result.completionTokens,
      promptTokens: result.promptTokens,
      wallMs: performance.now() - started,
      errorBound: 0,
    },
    result.texts.length,
  );
}
