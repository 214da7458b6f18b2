// One entry point for every kind of model and estimator: a local model walks its token session; an API model
// samples through its server (`sampled`) or, where the server reveals log-probabilities, expands the tree with
// them (`exact`). The tree estimator needs a model whose tokens we can steer, so it is for local models.

import { UserError } from '../errors.js';
import type { Probe } from '../data/index.js';
import { ApiTokenSession, LocalModel, type NextTokenModel, type ResponseModel, type SamplingSettings } from '../models/index.js';
import { AnswerMatcher, type Prompt } from '../prompt/index.js';
import { exactEstimate, sampledEstimate, treeEstimate, type EstimateOptions } from './estimators.js';
import { ResponseTally, type Estimator, type ResponseDistribution } from './response-distribution.js';

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

export async function estimateDistribution(model: ResponseModel, sampling: SamplingSettings, request: EstimateRequest): Promise<ResponseDistribution> {
  const matcher = new AnswerMatcher(request.probe);
  const settings = request.sampling ?? sampling;
  if (model instanceof LocalModel) {
    const session = await model.session({ text: request.prompt.text, messages: request.prompt.messages, chat: request.chat }, settings);
    try {
      const estimate = { sampled: sampledEstimate, tree: treeEstimate, exact: exactEstimate }[request.estimator];
      return await estimate(session, matcher, request);
    } finally {
      await session.close();
    }
  }
  if (request.estimator === 'sampled') return apiSampledEstimate(model, settings, matcher, request);
  if (request.estimator === 'exact' && hasNextTokens(model)) {
    const session = new ApiTokenSession(model, request.prompt.text, settings, 20, request.signal);
    try {
      return await exactEstimate(session, matcher, request);
    } catch (error) {
      // Whether a server gives log-probabilities (after any prefix) shows only when it is asked; its refusal says
      // what is missing, and the user also needs to hear which estimator works instead.
      if (error instanceof UserError && (error.code === 'logprobs-unavailable' || error.code === 'next-token-prefix-unsupported')) {
        throw new UserError('estimator-unavailable', `${error.message} The exact estimator cannot run on "${model.name}": use the sampled estimator.`, error.where);
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

/** N responses from the server (in as few requests as it allows), parsed and counted. */
async function apiSampledEstimate(model: ResponseModel, sampling: SamplingSettings, matcher: AnswerMatcher, request: EstimateRequest): Promise<ResponseDistribution> {
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
    { estimator: 'sampled', n: result.texts.length, tokenEvaluations: result.completionTokens, promptTokens: result.promptTokens, wallMs: performance.now() - started, errorBound: 0 },
    result.texts.length,
  );
}
