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
/** Every condition a probe is measured under, in the order of every table and chart. */
export const CONDITIONS = [ZERO_SHOT, ...COMPARISONS] as const;
export const Condition = z.enum(CONDITIONS);

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
