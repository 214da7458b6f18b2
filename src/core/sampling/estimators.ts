// The three estimators of a response distribution for one prompt:
// - sampled: N independent responses at the model's sampling settings (the paper's procedure);
// - tree: the same distribution of N responses, but every distinct prefix is evaluated once: a node's samples
//   split over the next tokens by a multinomial draw, and a branch ends at the end of the response, at the token
//   limit, or as soon as the answer parser can no longer change its mind;
// - exact: the same tree expanded with probabilities instead of counts, light branches pruned, the unresolved
//   mass reported as the error bound.

import { throwIfCancelled } from '../cancellation.js';
import { sampleResponse } from '../models/index.js';
import { deriveSeed, multinomialSplit, SeededRandom } from '../random/index.js';
import type { AnswerMatcher } from '../prompt/index.js';
import { ResponseTally, type Answer, type ResponseDistribution } from './response-distribution.js';
import type { TokenSession } from './token-session.js';

export interface EstimateOptions {
  /** Responses to draw (sampled, tree). */
  n: number;
  /** Response limit in tokens. */
  maxTokens: number;
  seed: number;
  /** Exact: the most probability mass the estimate may leave unresolved (default 0.001). */
  errorBound?: number;
  /** Exact: the most tokens to evaluate before giving up on the bound (a flat distribution never meets it). */
  maxEvaluations?: number;
  signal?: AbortSignal;
}

export const DEFAULT_ERROR_BOUND = 0.001;
export const DEFAULT_MAX_EVALUATIONS = 100_000;

/** What an estimate on this session cost, from `started` on. */
function costsOf<T>(session: TokenSession<T>, started: number) {
  return {
    tokenEvaluations: session.evaluations,
    promptTokens: session.promptTokens,
    cachedPromptTokens: session.cachedPromptTokens,
    wallMs: performance.now() - started,
    ...(session.llamaMs !== undefined ? { llamaMs: session.llamaMs } : {}),
  };
}

function answerOf(matcher: AnswerMatcher, text: string): Answer {
  return matcher.parse(text).answer;
}

/** N independent responses, each generated token by token from the prompt, to the end or the token limit. */
export async function sampledEstimate<T>(
  session: TokenSession<T>,
  matcher: AnswerMatcher,
  options: EstimateOptions,
): Promise<ResponseDistribution> {
  const started = performance.now();
  const tally = new ResponseTally();
  for (let sample = 0; sample < options.n; sample++) {
    const random = SeededRandom.from(options.seed, 'sampled', sample);
    const text = session.text(await sampleResponse(session, options.maxTokens, random, options.signal));
    tally.add(text, answerOf(matcher, text), 1);
  }
  return tally.result({ estimator: 'sampled', n: options.n, ...costsOf(session, started), errorBound: 0 }, options.n);
}

/** The same distribution as `sampledEstimate`, drawn on the prefix tree: each distinct prefix evaluated once. */
export async function treeEstimate<T>(
  session: TokenSession<T>,
  matcher: AnswerMatcher,
  options: EstimateOptions,
): Promise<ResponseDistribution> {
  const started = performance.now();
  const tally = new ResponseTally();
  // Depth first, so that moving to the next branch erases and evaluates as little as possible.
  const stack: { tokens: T[]; count: number }[] = [{ tokens: [], count: options.n }];
  while (stack.length > 0) {
    throwIfCancelled(options.signal);
    const { tokens, count } = stack.pop()!;
    const text = session.text(tokens);
    const decided = tokens.length > 0 ? matcher.decidedAnswer(text) : undefined;
    if (decided !== undefined || tokens.length >= options.maxTokens) {
      tally.add(text, decided?.answer ?? answerOf(matcher, text), count);
      continue;
    }
    // Each node draws from its own seed (the run's seed and its path), so a branch's draws do not depend on
    // the order in which the other branches were visited.
    const random = new SeededRandom(deriveSeed(options.seed, 'tree', ...tokens.map(String)));
    const split = multinomialSplit(count, (await session.next(tokens)).probabilities, random);
    const children: { tokens: T[]; count: number }[] = [];
    for (const [token, share] of split) {
      if (session.isEnd(token)) tally.add(text, answerOf(matcher, text), share);
      else children.push({ tokens: [...tokens, token], count: share });
    }
    stack.push(...children.reverse());
  }
  return tally.result({ estimator: 'tree', n: options.n, ...costsOf(session, started), errorBound: 0 }, options.n);
}

/**
 * Probabilities of option 1, option 2 and invalid, exact to within the error bound: the tree expanded with
 * probabilities instead of counts. Expansion goes heaviest first, in rounds: each round expands the heaviest
 * unresolved branches until what is left unexpanded fits in the bound, visiting them in path order so the
 * sequence keeps as much of each path as it can. Half the bound is spent on "dust": at each node the lightest
 * next tokens, together under bound / (2 × token limit) of its mass, are not followed at all (with the whole
 * vocabulary allowed, most of it is dust). What stays unresolved, with the next-token mass an API server did not
 * reveal, is reported as the error bound.
 */
export async function exactEstimate<T>(
  session: TokenSession<T>,
  matcher: AnswerMatcher,
  options: EstimateOptions,
): Promise<ResponseDistribution> {
  const started = performance.now();
  const bound = options.errorBound ?? DEFAULT_ERROR_BOUND;
  const budget = options.maxEvaluations ?? DEFAULT_MAX_EVALUATIONS;
  const dustShare = bound / (2 * options.maxTokens);
  const tally = new ResponseTally();
  let missing = 0;
  let dust = 0;
  let pending: { tokens: T[]; mass: number }[] = [];

  /** Settles a branch that needs no evaluation (decided, or at the token limit), else keeps it pending. */
  const place = (tokens: T[], mass: number): void => {
    if (tokens.length > 0) {
      const text = session.text(tokens);
      const decided = matcher.decidedAnswer(text);
      if (decided !== undefined || tokens.length >= options.maxTokens) {
        tally.add(text, decided?.answer ?? answerOf(matcher, text), mass);
        return;
      }
    }
    pending.push({ tokens, mass });
  };

  const expand = async (tokens: T[], mass: number): Promise<void> => {
    const next = await session.next(tokens);
    missing += mass * next.missingMass;
    // llama.cpp's probabilities are float32 and a server's are rounded: they are scaled in doubles so that a node's
    // children and its unrevealed mass add up to the node's mass, or shares could leave [0, 1] by a rounding step.
    const revealed = [...next.probabilities.values()].reduce((sum, p) => sum + p, 0);
    const scale = revealed > 0 ? (1 - next.missingMass) / revealed : 0;
    const entries = [...next.probabilities]
      .map(([token, p]) => [token, p * scale] as const)
      .sort((a, b) => b[1] - a[1]);
    let kept = entries.length;
    let light = 0;
    while (kept > 1 && light + entries[kept - 1]![1] <= dustShare) light += entries[--kept]![1];
    dust += mass * light;
    const text = session.text(tokens);
    for (const [token, probability] of entries.slice(0, kept)) {
      if (session.isEnd(token)) tally.add(text, answerOf(matcher, text), mass * probability);
      else place([...tokens, token], mass * probability);
    }
  };

  place([], 1);
  for (;;) {
    throwIfCancelled(options.signal);
    const unresolved = () => pending.reduce((sum, p) => sum + p.mass, 0) + dust + missing;
    if ((session.evaluations > 0 && unresolved() <= bound) || pending.length === 0 || session.evaluations >= budget) {
      return tally.result({ estimator: 'exact', n: 0, ...costsOf(session, started), errorBound: unresolved() }, 1);
    }
    // This round: the heaviest branches, until the rest would fit in the bound.
    pending.sort((a, b) => b.mass - a.mass);
    let rest = unresolved();
    let take = 0;
    while (take < pending.length && (rest > bound || take === 0)) rest -= pending[take++]!.mass;
    const round = pending.slice(0, take).sort((a, b) => comparePaths(a.tokens, b.tokens));
    pending = pending.slice(take);
    for (const { tokens, mass } of round) {
      if (session.evaluations >= budget) pending.push({ tokens, mass });
      else await expand(tokens, mass);
    }
  }
}

/** Path order: a branch's descendants come right after it, so consecutive expansions share the longest prefix. */
function comparePaths<T>(a: readonly T[], b: readonly T[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = String(a[i]);
    const y = String(b[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
