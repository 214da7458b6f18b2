// The method's vocabulary, defined once: the names core computes with, the contract carries and the screens show.
// Only zod here, so that every layer may import it: core (the layer test allows this one file of src/shared), the
// engine, the contract and the renderer. Core's types are inferred from these lists.

import { z } from 'zod';

/** The paper's four ways to choose the demonstrations (§4.3). */
export const SELECTION_STRATEGIES = ['random', 'random-category', 'chrf-category', 'chrf-all'] as const;
export const Strategy = z.enum(SELECTION_STRATEGIES);

/** A probe's prompt without demonstrations: the measurement that selects the misaligned probes. */
export const ZERO_SHOT = 'zero-shot';
/**
 * The zero-shot prompt measured again with an independent seed. Probes are selected as misaligned on one noisy
 * measurement, so measuring them again "improves" some by chance alone (regression to the mean); this control
 * shows how many, beside each strategy.
 */
export const ZERO_SHOT_RETEST = 'zero-shot-retest';
/** What is compared with a misaligned probe's zero-shot measurement, in the order of every table: the control first. */
export const COMPARISONS = [ZERO_SHOT_RETEST, ...SELECTION_STRATEGIES] as const;
/** The fixed conditions a probe is measured under, in the order of every table and chart; controls follow them. */
export const CONDITIONS = [ZERO_SHOT, ...COMPARISONS] as const;

// ---------------------------------------------------------------------------------------------------------
// The reviewer's controls (issue 24): conditions that differ from the paper's in one respect or several, named by
// ids read one way:
//   persona                      the zero-shot prompt with the persona sentence (Tao et al. 2024)
//   chrf-all+persona             the strategy's demonstrations and the persona sentence
//   chrf-all/random-labels       the same demonstrations, each completed with an option drawn at random per draw
//   chrf-all/flipped-labels      … completed with the country's minority answer
//   chrf-all/share-labels        … with an option drawn per draw from the country's own answer shares
//   chrf-all/country=DEU         … with another country's majority answers
//   chrf-all/k=3                 k demonstrations instead of the run's k (1 to 10)
//   chrf-all/system              the demonstrations in the system message, the question in the user message
// Suffixes combine (one label source at most) and apply to any of the four strategies ("random-category/k=3").

/** Where a demonstration's completion comes from; `country` is the paper's: the country's majority answer. */
export type LabelSource =
  | { kind: 'country' }
  | { kind: 'random' }
  | { kind: 'flipped' }
  | { kind: 'shares' }
  | { kind: 'other-country'; country: string };

export interface ControlSpec {
  /** The id in its one written form: suffixes in the order below, a country code in capitals. */
  id: string;
  /** The strategy whose demonstrations the prompts carry; null for `persona`, which carries none. */
  strategy: (typeof SELECTION_STRATEGIES)[number] | null;
  persona: boolean;
  labels: LabelSource;
  /** Demonstrations per prompt; null: the run's k. */
  k: number | null;
  /** Where the demonstrations sit: in the user message with the question (the paper's), or in the system message. */
  placement: 'user' | 'system';
}

export const MAX_CONTROL_K = 10;

/** The ids the screens offer first, with what each tests. `ISO3` and `N` are filled in by the user. */
export const SUGGESTED_CONTROLS: readonly { id: string; tests: string }[] = [
  { id: 'persona', tests: 'Would naming the country do as well? The zero-shot prompt with a persona sentence.' },
  { id: 'chrf-all+persona', tests: "Does the persona add to the paper's best strategy?" },
  { id: 'chrf-all/random-labels', tests: 'Is it the answers or the format? Demonstrations completed at random.' },
  {
    id: 'chrf-all/flipped-labels',
    tests: 'Does the model follow the answers? Demonstrations with the minority answer.',
  },
  { id: 'chrf-all/share-labels', tests: "Soft labels: each demonstration's answer drawn from the country's shares." },
  { id: 'chrf-all/country=ISO3', tests: "Another country's answers: is it this country's values, or any?" },
  { id: 'chrf-all/k=N', tests: 'Does it depend on how many demonstrations (1 to 10)?' },
  { id: 'chrf-all/system', tests: "The demonstrations in the system message (the paper's §8)." },
];

const CONTROL_GRAMMAR =
  'persona; or a strategy (' +
  SELECTION_STRATEGIES.join(', ') +
  '), optionally with +persona, followed by any of /random-labels, /flipped-labels, /share-labels or /country=ISO3 ' +
  `(one label source), /k=N (1 to ${MAX_CONTROL_K}) and /system`;

/** A control id read, or what is wrong with it in words (with the id and what is allowed). */
export function readControlId(id: string): { spec: ControlSpec } | { problem: string } {
  const refuse = (why: string) => ({ problem: `the control "${id}" ${why}; a control is ${CONTROL_GRAMMAR}` });
  const [head = '', ...suffixes] = id.trim().split('/');
  if (head === 'persona') {
    if (suffixes.length > 0) return refuse('changes demonstrations, and persona alone has none');
    const spec = { strategy: null, persona: true, labels: { kind: 'country' as const }, k: null, placement: 'user' };
    return { spec: { id: 'persona', ...(spec as Omit<ControlSpec, 'id'>) } };
  }
  const persona = head.endsWith('+persona');
  const strategy = persona ? head.slice(0, -'+persona'.length) : head;
  if (!(SELECTION_STRATEGIES as readonly string[]).includes(strategy))
    return refuse(`starts with "${head}", which is no strategy (or persona)`);
  let labels: LabelSource | null = null;
  let k: number | null = null;
  let placement: 'user' | 'system' = 'user';
  for (const suffix of suffixes) {
    let source: LabelSource | null = null;
    if (suffix === 'random-labels') source = { kind: 'random' };
    else if (suffix === 'flipped-labels') source = { kind: 'flipped' };
    else if (suffix === 'share-labels') source = { kind: 'shares' };
    else if (/^country=[A-Za-z]{3}$/.test(suffix))
      source = { kind: 'other-country', country: suffix.slice('country='.length).toUpperCase() };
    else if (/^k=\d+$/.test(suffix)) {
      if (k !== null) return refuse('gives k twice');
      k = Number(suffix.slice(2));
      if (k < 1 || k > MAX_CONTROL_K) return refuse(`asks for ${k} demonstrations`);
    } else if (suffix === 'system') {
      if (placement === 'system') return refuse('says /system twice');
      placement = 'system';
    } else return refuse(`has "/${suffix}", which changes nothing the workbench knows`);
    if (source) {
      if (labels) return refuse('names two label sources');
      labels = source;
    }
  }
  const spec = {
    strategy: strategy as (typeof SELECTION_STRATEGIES)[number],
    persona,
    labels: labels ?? { kind: 'country' as const },
    k,
    placement,
  };
  return { spec: { id: controlId(spec), ...spec } };
}

/** The one written form of a control: strategy[+persona][/labels][/k=N][/system]. */
export function controlId(spec: Omit<ControlSpec, 'id'>): string {
  if (spec.strategy === null) return 'persona';
  const parts = [`${spec.strategy}${spec.persona ? '+persona' : ''}`];
  const labels: LabelSource = spec.labels;
  if (labels.kind === 'random') parts.push('random-labels');
  else if (labels.kind === 'flipped') parts.push('flipped-labels');
  else if (labels.kind === 'shares') parts.push('share-labels');
  else if (labels.kind === 'other-country') parts.push(`country=${labels.country}`);
  if (spec.k !== null) parts.push(`k=${spec.k}`);
  if (spec.placement === 'system') parts.push('system');
  return parts.join('/');
}

/** A control's spec where `condition` is a control id in its written form; null for a fixed condition or anything else. */
export function controlSpecOf(condition: string): ControlSpec | null {
  if ((CONDITIONS as readonly string[]).includes(condition)) return null;
  const read = readControlId(condition);
  return 'spec' in read && read.spec.id === condition ? read.spec : null;
}

/** Whether a value names a condition: a fixed one, or a control id in its written form. */
export function isCondition(value: string): boolean {
  return (CONDITIONS as readonly string[]).includes(value) || controlSpecOf(value) !== null;
}

export function isSelectionStrategy(condition: string): condition is (typeof SELECTION_STRATEGIES)[number] {
  return (SELECTION_STRATEGIES as readonly string[]).includes(condition);
}

/**
 * What a control is read against: the paper's condition it differs from, that is its strategy with the country's
 * own answers; for `persona`, which has no strategy, the paper's best strategy (chrF++ over all categories) where
 * the run measures it, else the run's first strategy; null where the run has no strategy.
 */
export function referenceOf(
  control: ControlSpec,
  strategies: readonly string[],
): (typeof SELECTION_STRATEGIES)[number] | null {
  if (control.strategy !== null) return control.strategy;
  const run = SELECTION_STRATEGIES.filter((s) => strategies.includes(s));
  return run.includes('chrf-all') ? 'chrf-all' : (run[0] ?? null);
}

/** The label controls before those that keep the country's answers (and change k or placement). */
const LABEL_ORDER: readonly LabelSource['kind'][] = ['random', 'flipped', 'shares', 'other-country', 'country'];

/**
 * Orders conditions as every table and chart does: zero-shot, the re-test control, the strategies in the paper's
 * order, then the controls (persona, then per strategy: with the persona sentence, label sources, k, placement); names this
 * version does not know after them, by name (code units, never the locale).
 */
export function compareConditions(a: string, b: string): number {
  return compareKeys(conditionSortKey(a), conditionSortKey(b)) || (a < b ? -1 : a > b ? 1 : 0);
}

function conditionSortKey(condition: string): number[] {
  const fixed = (CONDITIONS as readonly string[]).indexOf(condition);
  if (fixed >= 0) return [0, fixed];
  const spec = controlSpecOf(condition);
  if (!spec) return [2];
  return [
    1,
    spec.strategy === null ? -1 : SELECTION_STRATEGIES.indexOf(spec.strategy),
    spec.persona ? 0 : 1,
    LABEL_ORDER.indexOf(spec.labels.kind),
    spec.k ?? 0,
    spec.placement === 'system' ? 1 : 0,
  ];
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -Infinity) - (b[i] ?? -Infinity);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether a label source draws each demonstration's answer anew for each draw (random and share labels). */
export function labelsDrawnPerDraw(labels: LabelSource): boolean {
  return labels.kind === 'random' || labels.kind === 'shares';
}

/** What a demonstration is completed with, in words: "the country's minority answer", "DEU's majority answer". */
export function labelSourceWords(labels: LabelSource): string {
  switch (labels.kind) {
    case 'country':
      return "the country's majority answer";
    case 'random':
      return 'an option drawn at random for each draw';
    case 'flipped':
      return "the country's minority answer";
    case 'shares':
      return "an option drawn for each draw from the country's answer shares";
    case 'other-country':
      return `${labels.country}'s majority answer`;
  }
}

/**
 * A control in words, its strategy named as the caller names strategies: "chrF++ (all), flipped labels",
 * "chrF++ (all) + persona, DEU's answers, k = 3, in the system message".
 */
export function controlWords(spec: ControlSpec, strategyName: (strategy: string) => string): string {
  if (spec.strategy === null) return 'persona';
  const changes: string[] = [];
  const labels: LabelSource = spec.labels;
  if (labels.kind === 'random') changes.push('random labels');
  else if (labels.kind === 'flipped') changes.push('flipped labels');
  else if (labels.kind === 'shares') changes.push('share labels');
  else if (labels.kind === 'other-country') changes.push(`${labels.country}'s answers`);
  if (spec.k !== null) changes.push(`k = ${spec.k}`);
  if (spec.placement === 'system') changes.push('in the system message');
  return [`${strategyName(spec.strategy)}${spec.persona ? ' + persona' : ''}`, ...changes].join(', ');
}

/** A control id in its one written form, as a pattern (for the contract's JSON Schema; readControlId reads it). */
export const CONTROL_ID_PATTERN = `^(persona|(${SELECTION_STRATEGIES.join('|')})(\\+persona)?(/(random-labels|flipped-labels|share-labels|country=[A-Z]{3}))?(/k=([1-9]|10))?(/system)?)$`;

/** A condition: one of the fixed ones, or a control id in its written form. */
export const Condition = z.union([
  z.enum(CONDITIONS),
  z
    .string()
    .regex(new RegExp(CONTROL_ID_PATTERN), 'a control id in its written form (persona, chrf-all/flipped-labels, …)')
    .refine(isCondition, { error: 'a condition: zero-shot, the re-test control, a strategy or a control id' }),
]);

/** How a response distribution is estimated: n samples, a prefix tree of n samples, or exact probabilities. */
export const ESTIMATORS = ['sampled', 'tree', 'exact'] as const;
export const Estimator = z.enum(ESTIMATORS);

/** `paper`: sampled at n = 10, judged by "below 100%"; `precise`: exact probabilities, the rule in expectation. */
export const PROTOCOLS = ['paper', 'precise'] as const;
/** A stored run's protocol: `none` for a run made before protocols. */
export const RunProtocol = z.enum([...PROTOCOLS, 'none']);

/** What self-alignment did to a misaligned probe's alignment. */
export const OUTCOMES = ['improved', 'unchanged', 'worsened'] as const;
export const Outcome = z.enum(OUTCOMES);

/** chrF++ is not symmetric: which text is the hypothesis when candidates are ranked. */
export const CHRF_DIRECTIONS = ['probe-as-hypothesis', 'probe-as-reference', 'mean'] as const;
export const ChrfDirection = z.enum(CHRF_DIRECTIONS);

/** Where llama.cpp runs a local model. */
export const GPU_CHOICES = ['auto', 'cuda', 'vulkan', 'metal', 'cpu'] as const;
export const Gpu = z.enum(GPU_CHOICES);

/** How a report's CSV columns are named: as the workbench names them, or as SPSS, Stata and R take them unchanged. */
export const COLUMN_NAME_STYLES = ['workbench', 'spss'] as const;

/** The phases of a run, in order. */
export const RUN_PHASES = ['zero-shot', 'self-aligned', 'explanations'] as const;
export const RunPhase = z.enum(RUN_PHASES);

// ---------------------------------------------------------------------------------------------------------
// The run configuration: what a run file, the CLI's flags, the New run screen and `runs.start` give.

/**
 * A result whose responses are at least this share unreadable (neither option) is "mostly unreadable": its
 * outcomes say how the model answers the prompt's format, not what it thinks, so no summary reads it as
 * misalignment or as "unchanged".
 */
export const DEFAULT_UNREADABLE_THRESHOLD = 0.5;

/** The WVS Wave 7 questionnaire's thematic categories (core's data/categories.ts lists them; a test keeps both equal). */
export const WVS_CATEGORY_COUNT = 13;

/** The editable layout of a prompt; core checks its placeholders (prompt/prompt-template.ts). */
export const PromptTemplateSchema = z.object({
  /** Names the two options of the test probe: {first_option} and {second_option}, in their drawn order. */
  instruction: z.string(),
  /** Added to the instruction when the model is asked to explain its answer. */
  explanationInstruction: z.string(),
  /** One demonstration: {sentence} is the completed statement. */
  demonstration: z.string(),
  /** The test probe: {statement} is the probe with `_` for the blank. */
  question: z.string(),
  /** What the model continues from. */
  answerCue: z.string(),
  /** Between the instruction, the demonstrations, the question and the cue. */
  separator: z.string(),
  /**
   * The persona sentence of the persona controls, with {country} for the country's name in this language (Tao et
   * al.'s English wording where absent).
   */
  persona: z.string().optional(),
});

const LanguageSchema = z.union([
  z.string().regex(/^[a-z]{2,3}(-[a-z0-9]+)*$/, 'a language code such as de'),
  z
    .object({
      language: z.string().regex(/^[a-z]{2,3}(-[a-z0-9]+)*$/, 'a language code such as de'),
      country: z
        .string()
        .regex(/^[A-Za-z]{3}$/, 'an ISO 3166 alpha-3 code such as DEU')
        .optional(),
      /** The probe set of this language, when it is not the run's probeSet (e.g. Arora et al. for de, builtin for en). */
      probeSet: z.string().min(1).optional(),
      /**
       * The survey import of this language's targets, when it is not the run's survey (e.g. Turkey's microdata for
       * tr/TUR, the published shares for en/USA).
       */
      survey: z.string().min(1).optional(),
    })
    .strict(),
]);

export const RunConfigSchema = z
  .object({
    models: z
      .array(z.string().min(1), { error: 'name at least one registered model' })
      .min(1, 'name at least one registered model'),
    probeSet: z.string().min(1).default('builtin'),
    survey: z
      .string({ error: 'name the survey import that gives the target answers' })
      .min(1, 'name the survey import that gives the target answers'),
    languages: z.array(LanguageSchema, { error: 'name at least one language' }).min(1, 'name at least one language'),
    /**
     * `paper`: the paper's procedure, sampled responses at n = 10 judged by "below 100%"; `precise`: exact
     * probabilities with the paper's rule evaluated in expectation at the same n. The protocol sets the defaults
     * of `estimator`, `n` and `misalignmentThreshold`; each can still be given.
     */
    protocol: z.enum(PROTOCOLS).default('paper'),
    strategies: z.array(Strategy).default([...SELECTION_STRATEGIES]),
    /** The zero-shot re-test control beside the strategies: the misaligned probes' zero-shot prompt measured again. */
    retest: z.boolean().default(true),
    /**
     * The reviewer's controls (ids such as persona or chrf-all/flipped-labels), measured on the misaligned probes
     * beside the strategies, each read against the paper's condition it differs from.
     */
    controls: z.array(z.string()).default([]),
    k: z.number().int().min(1).max(20).default(5),
    /** Responses per distribution (draws), each with its own prompt; for `exact` the draws the rule is judged at. */
    n: z.number().int().min(1).max(100_000).optional(),
    estimator: Estimator.optional(),
    maxTokens: z.number().int().min(1).max(4096).default(16),
    errorBound: z.number().gt(0).lt(1).default(0.001),
    /**
     * Exact: the most token evaluations per prompt before an estimate stops short of its error bound (the
     * estimator's default, 100,000, when absent). A model that rambles at a high temperature spreads its mass over
     * more branches than any budget resolves; what is left is reported as the estimate's error bound.
     */
    maxEvaluations: z.number().int().min(100).max(10_000_000).optional(),
    misalignmentThreshold: z.number().gt(0).max(1).optional(),
    categories: z.array(z.number().int().min(1).max(WVS_CATEGORY_COUNT)).optional(),
    shuffleDemonstrations: z.boolean().default(false),
    /**
     * Probes known not to ask what their WVS question asks (data/item-validity.csv) are left out, as test items
     * and as demonstrations, unless this is true.
     */
    includeInvalidItems: z.boolean().default(false),
    /** A target whose majority leads by less than this share (|share₁ − share₂|) is contested: reported apart. */
    contestedMargin: z.number().min(0).max(1).default(0.1),
    /**
     * A result (a probe's measurement, a table's cell) with at least this share of unreadable responses is marked
     * mostly unreadable and left out of every summary. A reading rule: changing it changes no measurement.
     */
    unreadableThreshold: z.number().gt(0).max(1).default(DEFAULT_UNREADABLE_THRESHOLD),
    /**
     * What is drawn anew for each of the n draws (the paper builds the prompt anew per draw, §4.2 and §5.2), and
     * what stays fixed per probe: the option order, the order of the demonstrations (when they are shuffled), and
     * the demonstrations of the random strategies.
     */
    perDraw: z
      .object({
        optionOrder: z.boolean().default(true),
        demonstrationOrder: z.boolean().default(true),
        randomDemonstrations: z.boolean().default(true),
      })
      .strict()
      .default({ optionOrder: true, demonstrationOrder: true, randomDemonstrations: true }),
    chat: z.boolean().default(true),
    /**
     * The prompt template per language (a translation of the instruction, or a wording of one's own); a language
     * without one gets the workbench's English template. Stored with the run, so its manifest holds the text used.
     */
    promptTemplates: z.record(z.string(), PromptTemplateSchema.strict()).default({}),
    /** A chat wrapper (node-llama-cpp's name, such as llama3 or chatML) per local model whose GGUF has no chat template. */
    chatWrappers: z.record(z.string(), z.string().min(1)).default({}),
    explanations: z
      .object({
        enabled: z.boolean().default(false),
        perProbe: z.number().int().min(1).max(100).default(1),
        maxTokens: z.number().int().min(1).max(4096).default(128),
      })
      .strict()
      .default({ enabled: false, perProbe: 1, maxTokens: 128 }),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    concurrency: z.number().int().min(1).max(256).default(1),
  })
  .strict();

/**
 * A run configuration as the engine resolved it: every default filled in, each language paired with its country
 * and probe set, the protocol's estimator, n and threshold in place. What runs.validate returns and a run stores.
 */
export const ResolvedRunConfigSchema = RunConfigSchema.extend({
  languages: z.array(
    z.object({ language: z.string(), country: z.string(), probeSet: z.string(), survey: z.string() }).strict(),
  ),
  n: z.number().int().min(1),
  estimator: Estimator,
  misalignmentThreshold: z.number().gt(0).max(1),
  categories: z.array(z.number().int().min(1).max(WVS_CATEGORY_COUNT)),
});

// ---------------------------------------------------------------------------------------------------------
// Words for the screens and messages

const LANGUAGE_NAMES = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** A language's name in English ("tr" → "Turkish"), from the runtime's CLDR data; an unknown code as it is. */
export function languageName(code: string): string {
  try {
    return LANGUAGE_NAMES.of(code) ?? code;
  } catch {
    return code; // not a well-formed language tag
  }
}
