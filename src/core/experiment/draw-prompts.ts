// The prompts of one measurement. The paper builds the prompt anew for every draw: "we randomly pick which answer
// option to present first" (§4.2), and "for each draw, randomly shuffle the examples before re-constructing the
// prompt" (§5.2). So each of the n draws gets its own option order, demonstration order and (for the random
// strategies) demonstrations, unless the run fixes them per probe. Sampled and tree estimates give each distinct
// prompt as many responses as draws it stands for; exact mixes the distinct prompts' exact distributions: both
// option orders at one half each, and the n draws' demonstrations where those vary.

import {
  controlSpecOf,
  isSelectionStrategy,
  relabelDemonstration,
  type Condition,
  type DemonstrationPool,
  type Demonstration,
  type LabelSource,
  type SelectionStrategy,
} from '../demos/index.js';
import { WVS_CATEGORIES, type Probe } from '../data/index.js';
import {
  buildPrompt,
  DEFAULT_PERSONA_SENTENCE,
  personaSentence,
  type Prompt,
  type SystemContentPlace,
} from '../prompt/index.js';
import { SeededRandom } from '../random/index.js';
import type { WeightedPrompt } from '../sampling/index.js';
import { countryNameIn, type TargetAnswers } from '../survey/index.js';
import { labelsDrawnPerDraw, labelSourceWords } from '../../shared/method.js';
import { promptTemplateOf, type RunConfig } from './run-config.js';

export interface DrawnPrompts {
  /** The distinct prompts in order of first appearance, each with the draws (or, for exact, the probability) it stands for. */
  prompts: WeightedPrompt[];
  /** Every demonstration shown in any of them, in order of first appearance. */
  demonstrationIds: string[];
}

/**
 * What a condition's prompts carry, in the terms the prompt is built from: the paper's strategies carry k of their
 * demonstrations completed with the country's answers, in the user message; zero-shot and the re-test carry none;
 * a control changes one of these or adds the persona sentence.
 */
export interface ConditionLayout {
  /** Whose demonstrations: null for none. */
  strategy: SelectionStrategy | null;
  k: number;
  labels: LabelSource;
  persona: boolean;
  placement: 'user' | 'system';
}

export function layoutOf(condition: Condition, config: Pick<RunConfig, 'k'>): ConditionLayout {
  const control = controlSpecOf(condition);
  if (control)
    return {
      strategy: control.strategy,
      k: control.k ?? config.k,
      labels: control.labels,
      persona: control.persona,
      placement: control.placement,
    };
  return {
    strategy: isSelectionStrategy(condition) ? condition : null,
    k: config.k,
    labels: { kind: 'country' },
    persona: false,
    placement: 'user',
  };
}

/** What a probe's prompts need beyond the run's configuration: the country's answers and how the model takes a system message. */
export interface DrawContext {
  /** The run's country for the probe's language: the persona sentence names it. */
  country: string;
  /** The country's answers (the demonstrations' own); share labels are drawn from them. */
  own: TargetAnswers;
  /** Another country's answers, for a control with that country's labels. */
  other?: TargetAnswers;
  /** Whether the model's chat template takes a system message (buildPrompt). */
  systemMessages: boolean;
  /** The prompt's explanation variant (one prompt: the first draw's). */
  explain?: boolean;
}

const RANDOM_STRATEGIES: readonly string[] = ['random', 'random-category'];

/** The categories a run leaves out, which never serve as demonstrations either. */
export function excludedCategories(config: Pick<RunConfig, 'categories'>): number[] {
  return WVS_CATEGORIES.map((c) => c.number).filter((c) => !config.categories.includes(c));
}

type SelectionConfig = Pick<RunConfig, 'n' | 'seed' | 'k' | 'perDraw' | 'categories'>;

/** How many selections of demonstrations a condition's prompts draw from: one per draw for a random strategy drawn anew per draw, else one. */
export function selectionDraws(condition: Condition, config: SelectionConfig): number {
  const { strategy } = layoutOf(condition, config);
  return strategy !== null && RANDOM_STRATEGIES.includes(strategy) && config.perDraw.randomDemonstrations
    ? config.n
    : 1;
}

/**
 * The demonstrations a condition's prompt for a probe shows at one selection draw (0 .. selectionDraws − 1), in the
 * order chosen (a prompt may shuffle them), completed with the country's answers: none for a condition without a
 * strategy. A control with the same strategy selects the same demonstrations (the same seed), so only the respect
 * it changes differs.
 */
export function selectedDemonstrations(
  probeId: string,
  condition: Condition,
  pool: DemonstrationPool,
  config: SelectionConfig,
  selectionDraw: number,
): Demonstration[] {
  const { strategy, k } = layoutOf(condition, config);
  if (strategy === null) return [];
  return pool.select(probeId, {
    strategy,
    k,
    seed: config.seed,
    draw: selectionDraw,
    excludedCategories: excludedCategories(config),
  }).demonstrations;
}

/**
 * The demonstrations completed as the condition says at one draw: the country's answers, or a control's label
 * source (random and share labels drawn anew per draw). Null where the source has no answer for one of them
 * (another country without a majority on its question): the control leaves the probe out.
 */
export function labelledDemonstrations(
  probe: Probe,
  condition: Condition,
  demonstrations: readonly Demonstration[],
  config: Pick<RunConfig, 'seed' | 'k'>,
  context: Pick<DrawContext, 'own' | 'other'>,
  draw: number,
): Demonstration[] | null {
  const { labels } = layoutOf(condition, config);
  if (labels.kind === 'country') return [...demonstrations];
  const random = SeededRandom.from(config.seed, 'labels', condition, probe.language, probe.id, draw);
  const relabelled: Demonstration[] = [];
  for (const demonstration of demonstrations) {
    const done = relabelDemonstration(demonstration, labels, { ...context, uniform: () => random.float() });
    if (done === null) return null;
    relabelled.push(done);
  }
  return relabelled;
}

/** The persona sentence of a probe's prompt: the language's own wording (else Tao et al.'s), naming the country in the language. */
export function personaOf(config: Pick<RunConfig, 'promptTemplates'>, language: string, country: string): string {
  const wording = promptTemplateOf(config, language).persona ?? DEFAULT_PERSONA_SENTENCE;
  return personaSentence(wording, countryNameIn(country, language) ?? country);
}

/**
 * A condition's prompts for a probe; null where the condition leaves the probe out (a control with another
 * country's labels where that country has no majority on one of the demonstrations' questions).
 */
export function drawPrompts(
  probe: Probe,
  condition: Condition,
  pool: DemonstrationPool,
  config: Pick<
    RunConfig,
    'n' | 'estimator' | 'seed' | 'k' | 'shuffleDemonstrations' | 'perDraw' | 'categories' | 'promptTemplates'
  >,
  context: DrawContext,
): DrawnPrompts | null {
  const { perDraw } = config;
  const explain = context.explain ?? false;
  const layout = layoutOf(condition, config);
  const randomPerDraw = selectionDraws(condition, config) > 1;
  const shufflePerDraw = layout.strategy !== null && config.shuffleDemonstrations && perDraw.demonstrationOrder;
  const relabelPerDraw = layout.strategy !== null && labelsDrawnPerDraw(layout.labels);
  const template = promptTemplateOf(config, probe.language);
  const persona = layout.persona ? personaOf(config, probe.language, context.country) : undefined;
  const chosen = new Map<number, Demonstration[]>();
  const demonstrationsOf = (draw: number): Demonstration[] | null => {
    const selectionDraw = randomPerDraw ? draw : 0;
    let demonstrations = chosen.get(selectionDraw);
    if (!demonstrations) {
      demonstrations = selectedDemonstrations(probe.id, condition, pool, config, selectionDraw);
      chosen.set(selectionDraw, demonstrations);
    }
    return labelledDemonstrations(probe, condition, demonstrations, config, context, relabelPerDraw ? draw : 0);
  };
  const promptOf = (draw: number, optionOrder?: readonly [1 | 2, 1 | 2]): Prompt | null => {
    const demonstrations = demonstrationsOf(draw);
    if (demonstrations === null) return null;
    return buildPrompt({
      probe,
      demonstrations,
      seed: config.seed,
      draw: perDraw.optionOrder ? draw : 0,
      shuffleDraw: perDraw.demonstrationOrder ? draw : 0,
      shuffleDemonstrations: config.shuffleDemonstrations,
      explain,
      template,
      ...(persona ? { persona } : {}),
      demonstrationsIn: layout.placement,
      systemMessages: context.systemMessages,
      ...(optionOrder ? { optionOrder } : {}),
    });
  };

  const drawn: { prompt: Prompt | null; weight: number }[] = [];
  if (explain) {
    drawn.push({ prompt: promptOf(0), weight: 1 });
  } else if (config.estimator !== 'exact') {
    for (let draw = 0; draw < config.n; draw++) drawn.push({ prompt: promptOf(draw), weight: 1 });
  } else {
    // Exact: the expectation over what a draw chooses. The option order is a fair coin, so both orders at one
    // half; demonstrations (or their labels) that vary per draw are taken as the run's n draws of them.
    const draws =
      randomPerDraw || shufflePerDraw || relabelPerDraw ? Array.from({ length: config.n }, (_, d) => d) : [0];
    const orders: (readonly [1 | 2, 1 | 2] | undefined)[] = perDraw.optionOrder
      ? [
          [1, 2],
          [2, 1],
        ]
      : [undefined];
    const weight = 1 / (draws.length * orders.length);
    for (const draw of draws) for (const order of orders) drawn.push({ prompt: promptOf(draw, order), weight });
  }
  // Another country's labels are missing for the probe's demonstrations at every draw or at none (they do not
  // depend on the draw, except through the random strategies' selections): any gap leaves the probe out.
  if (drawn.some((d) => d.prompt === null)) return null;

  const distinct = new Map<string, WeightedPrompt>();
  for (const { prompt, weight } of drawn as { prompt: Prompt; weight: number }[]) {
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
  /** Where a control's system content (persona sentence, demonstrations placed there) went; absent for the paper's prompts. */
  systemContentIn?: SystemContentPlace;
}

export function storedPromptJson(prompts: readonly WeightedPrompt[]): string {
  return JSON.stringify({
    prompts: prompts.map(({ prompt, weight }): StoredPrompt => ({
      text: prompt.text,
      messages: prompt.messages,
      optionOrder: prompt.optionOrder,
      demonstrationIds: prompt.demonstrationIds,
      weight,
      // Absent for the paper's prompts, so their stored form is as before.
      ...(prompt.systemContentIn ? { systemContentIn: prompt.systemContentIn } : {}),
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

/** What a condition's prompts look like, with placeholders for what varies by probe and draw (the report's manifest). */
export interface PromptLayout {
  condition: Condition;
  /** The chat messages for a model whose template takes a system message; placeholders in braces. */
  messages: { role: 'system' | 'user'; content: string }[];
  /** Where the system content goes for a model whose chat template takes none (and in the plain prompt). */
  withoutSystemMessages: string | null;
  /** Whose demonstrations, how many, completed how; null for none. */
  demonstrations: { strategy: SelectionStrategy; k: number; completedWith: string; placement: string } | null;
  /** The persona sentence as the prompt shows it; null for none. */
  persona: string | null;
}

/**
 * A condition's prompt layout for a language and its country: the run's template with {first_option},
 * {second_option} and {statement} for the probe, and one placeholder per demonstration.
 */
export function promptLayout(
  condition: Condition,
  config: Pick<RunConfig, 'k' | 'promptTemplates'>,
  language: string,
  country: string,
): PromptLayout {
  const layout = layoutOf(condition, config);
  const completedWith = labelSourceWords(layout.labels);
  const placeholder: Probe = {
    id: 'probe',
    language,
    template: '{statement}',
    options: ['{first_option}', '{second_option}'],
    category: 0,
    flag: null,
    source: { file: 'layout', line: 0 },
  };
  const demonstrations: Demonstration[] =
    layout.strategy === null
      ? []
      : Array.from({ length: layout.k }, (_, i) => ({
          probe: { ...placeholder, id: `demonstration-${i + 1}` },
          answer: 1,
          answerText: '',
          sentence: `{demonstration ${i + 1} of ${layout.k}: a statement completed with ${completedWith}}`,
          chrfpp: 0,
        }));
  const persona = layout.persona ? personaOf(config, language, country) : null;
  const prompt = buildPrompt({
    probe: placeholder,
    demonstrations,
    seed: 0,
    optionOrder: [1, 2],
    template: promptTemplateOf(config, language),
    ...(persona ? { persona } : {}),
    demonstrationsIn: layout.placement,
    systemMessages: true,
  });
  return {
    condition,
    messages: prompt.messages.map((m) => ({ role: m.role as 'system' | 'user', content: m.content })),
    withoutSystemMessages: prompt.systemContentIn === null ? null : 'the system content opens the user message',
    demonstrations:
      layout.strategy === null
        ? null
        : {
            strategy: layout.strategy,
            k: layout.k,
            completedWith,
            placement: layout.placement === 'system' ? 'system message' : 'user message, before the question',
          },
    persona,
  };
}
