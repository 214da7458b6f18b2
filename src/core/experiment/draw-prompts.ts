// The prompts of one measurement. The paper builds the prompt anew for every draw: "we randomly pick which answer
// option to present first" (§4.2), and "for each draw, randomly shuffle the examples before re-constructing the
// prompt" (§5.2). So each of the n draws gets its own option order, demonstration order and (for the random
// strategies) demonstrations, unless the run fixes them per probe. Sampled and tree estimates give each distinct
// prompt as many responses as draws it stands for; exact mixes the distinct prompts' exact distributions: both
// option orders at one half each, and the n draws' demonstrations where those vary.

import { isZeroShot, type Condition, type DemonstrationPool, type Demonstration } from '../demos/index.js';
import { WVS_CATEGORIES, type Probe } from '../data/index.js';
import { buildPrompt, type Prompt } from '../prompt/index.js';
import type { WeightedPrompt } from '../sampling/index.js';
import { promptTemplateOf, type RunConfig } from './run-config.js';

export interface DrawnPrompts {
  /** The distinct prompts in order of first appearance, each with the draws (or, for exact, the probability) it stands for. */
  prompts: WeightedPrompt[];
  /** Every demonstration shown in any of them, in order of first appearance. */
  demonstrationIds: string[];
}

const RANDOM_STRATEGIES: readonly Condition[] = ['random', 'random-category'];

/** The categories a run leaves out, which never serve as demonstrations either. */
export function excludedCategories(config: Pick<RunConfig, 'categories'>): number[] {
  return WVS_CATEGORIES.map((c) => c.number).filter((c) => !config.categories.includes(c));
}

type SelectionConfig = Pick<RunConfig, 'n' | 'seed' | 'k' | 'perDraw' | 'categories'>;

/** How many selections of demonstrations a condition's prompts draw from: one per draw for a random strategy drawn anew per draw, else one. */
export function selectionDraws(condition: Condition, config: SelectionConfig): number {
  return RANDOM_STRATEGIES.includes(condition) && config.perDraw.randomDemonstrations ? config.n : 1;
}

/**
 * The demonstrations a condition's prompt for a probe shows at one selection draw (0 .. selectionDraws − 1), in the
 * order chosen (a prompt may shuffle them): none for zero-shot and the re-test control.
 */
export function selectedDemonstrations(
  probeId: string,
  condition: Condition,
  pool: DemonstrationPool,
  config: SelectionConfig,
  selectionDraw: number,
): Demonstration[] {
  if (isZeroShot(condition)) return [];
  return pool.select(probeId, {
    strategy: condition,
    k: config.k,
    seed: config.seed,
    draw: selectionDraw,
    excludedCategories: excludedCategories(config),
  }).demonstrations;
}

export function drawPrompts(
  probe: Probe,
  condition: Condition,
  pool: DemonstrationPool,
  config: Pick<
    RunConfig,
    'n' | 'estimator' | 'seed' | 'k' | 'shuffleDemonstrations' | 'perDraw' | 'categories' | 'promptTemplates'
  >,
  explain = false,
): DrawnPrompts {
  const { perDraw } = config;
  const randomPerDraw = selectionDraws(condition, config) > 1;
  const shufflePerDraw = !isZeroShot(condition) && config.shuffleDemonstrations && perDraw.demonstrationOrder;
  const template = promptTemplateOf(config, probe.language);
  const chosen = new Map<number, Demonstration[]>();
  const demonstrationsOf = (draw: number): Demonstration[] => {
    const selectionDraw = randomPerDraw ? draw : 0;
    let demonstrations = chosen.get(selectionDraw);
    if (!demonstrations) {
      demonstrations = selectedDemonstrations(probe.id, condition, pool, config, selectionDraw);
      chosen.set(selectionDraw, demonstrations);
    }
    return demonstrations;
  };
  const promptOf = (draw: number, optionOrder?: readonly [1 | 2, 1 | 2]): Prompt =>
    buildPrompt({
      probe,
      demonstrations: demonstrationsOf(draw),
      seed: config.seed,
      draw: perDraw.optionOrder ? draw : 0,
      shuffleDraw: perDraw.demonstrationOrder ? draw : 0,
      shuffleDemonstrations: config.shuffleDemonstrations,
      explain,
      template,
      ...(optionOrder ? { optionOrder } : {}),
    });

  const drawn: { prompt: Prompt; weight: number }[] = [];
  if (explain) {
    drawn.push({ prompt: promptOf(0), weight: 1 });
  } else if (config.estimator !== 'exact') {
    for (let draw = 0; draw < config.n; draw++) drawn.push({ prompt: promptOf(draw), weight: 1 });
  } else {
    // Exact: the expectation over what a draw chooses. The option order is a fair coin, so both orders at one
    // half; demonstrations that vary per draw are taken as the run's n draws of them.
    const draws = randomPerDraw || shufflePerDraw ? Array.from({ length: config.n }, (_, d) => d) : [0];
    const orders: (readonly [1 | 2, 1 | 2] | undefined)[] = perDraw.optionOrder
      ? [
          [1, 2],
          [2, 1],
        ]
      : [undefined];
    const weight = 1 / (draws.length * orders.length);
    for (const draw of draws) for (const order of orders) drawn.push({ prompt: promptOf(draw, order), weight });
  }

  const distinct = new Map<string, WeightedPrompt>();
  for (const { prompt, weight } of drawn) {
    const identity = JSON.stringify([prompt.text, prompt.messages]);
    const seen = distinct.get(identity);
    if (seen) seen.weight += weight;
    else distinct.set(identity, { prompt, weight });
  }
  const prompts = [...distinct.values()];
  return { prompts, demonstrationIds: [...new Set(prompts.flatMap((p) => p.prompt.demonstrationIds))] };
}

/** A measurement's prompts as stored: every distinct prompt with its weight. */
export interface StoredPrompt {
  text: string;
  messages: { role: 'system' | 'user' | 'assistant'; content: string }[];
  optionOrder: readonly [1 | 2, 1 | 2];
  demonstrationIds: string[];
  weight: number;
}

export function storedPromptJson(prompts: readonly WeightedPrompt[]): string {
  return JSON.stringify({
    prompts: prompts.map(({ prompt, weight }): StoredPrompt => ({
      text: prompt.text,
      messages: prompt.messages,
      optionOrder: prompt.optionOrder,
      demonstrationIds: prompt.demonstrationIds,
      weight,
    })),
  });
}

/** The prompts of a stored measurement, also of runs stored before each draw had its own prompt (one prompt). */
export function storedPrompts(promptJson: string, demonstrationIds: readonly string[]): StoredPrompt[] {
  const stored = JSON.parse(promptJson) as { prompts?: StoredPrompt[] } & Partial<StoredPrompt>;
  if (stored.prompts) return stored.prompts;
  return [
    {
      text: stored.text ?? '',
      messages: stored.messages ?? [],
      optionOrder: stored.optionOrder ?? [1, 2],
      demonstrationIds: [...demonstrationIds],
      weight: 1,
    },
  ];
}
