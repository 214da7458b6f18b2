// The configuration of a self-alignment run, as a JSON file or CLI flags: validated up front with messages a
// social scientist can act on, defaults filled in (the paper's: k = 5, all four strategies, categories 4 and 8
// left out, each language paired with the paper's country), and hashed so results can name what produced them.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DEFAULT_EXCLUDED_CATEGORIES, WVS_CATEGORIES } from '../data/index.js';
import { SELECTION_STRATEGIES } from '../demos/index.js';
import { UserError } from '../errors.js';
import { CHAT_WRAPPER_NAMES } from '../models/index.js';
import { PromptTemplateSchema, validatePromptTemplate, DEFAULT_PROMPT_TEMPLATE, type PromptTemplate } from '../prompt/index.js';
import { ESTIMATORS, type Estimator } from '../sampling/index.js';
import { DEFAULT_COUNTRY_OF_LANGUAGE } from '../survey/index.js';

import { PROTOCOLS } from '../../shared/method.js';

export { PROTOCOLS };
export type Protocol = (typeof PROTOCOLS)[number];

/** What each protocol fills in where the configuration says nothing. */
export const PROTOCOL_DEFAULTS: Record<Protocol, { estimator: Estimator; n: number }> = {
  // The paper's "10^4 model responses" is 10 and footnote 4; §6.1 judges "across all 10 runs".
  paper: { estimator: 'sampled', n: 10 },
  precise: { estimator: 'exact', n: 10 },
};

const LanguageSchema = z.union([
  z.string().regex(/^[a-z]{2,3}(-[a-z0-9]+)*$/, 'a language code such as de'),
  z
    .object({
      language: z.string().regex(/^[a-z]{2,3}(-[a-z0-9]+)*$/, 'a language code such as de'),
      country: z.string().regex(/^[A-Za-z]{3}$/, 'an ISO 3166 alpha-3 code such as DEU').optional(),
      /** The probe set of this language, when it is not the run's probeSet (e.g. Arora et al. for de, builtin for en). */
      probeSet: z.string().min(1).optional(),
    })
    .strict(),
]);

export const RunConfigSchema = z
  .object({
    models: z.array(z.string().min(1), { error: 'name at least one registered model' }).min(1, 'name at least one registered model'),
    probeSet: z.string().min(1).default('builtin'),
    survey: z.string({ error: 'name the survey import that gives the target answers' }).min(1, 'name the survey import that gives the target answers'),
    languages: z.array(LanguageSchema, { error: 'name at least one language' }).min(1, 'name at least one language'),
    /**
     * `paper`: the paper's procedure, sampled responses at n = 10 judged by "below 100%"; `precise`: exact
     * probabilities with the paper's rule evaluated in expectation at the same n. The protocol sets the defaults
     * of `estimator`, `n` and `misalignmentThreshold`; each can still be given.
     */
    protocol: z.enum(PROTOCOLS).default('paper'),
    strategies: z.array(z.enum(SELECTION_STRATEGIES)).default([...SELECTION_STRATEGIES]),
    /** The zero-shot re-test control beside the strategies: the misaligned probes' zero-shot prompt measured again. */
    retest: z.boolean().default(true),
    k: z.number().int().min(1).max(20).default(5),
    /** Responses per distribution (draws), each with its own prompt; for `exact` the draws the rule is judged at. */
    n: z.number().int().min(1).max(100_000).optional(),
    estimator: z.enum(ESTIMATORS).optional(),
    maxTokens: z.number().int().min(1).max(4096).default(16),
    errorBound: z.number().gt(0).lt(1).default(0.001),
    /**
     * Exact: the most token evaluations per prompt before an estimate stops short of its error bound (the
     * estimator's default, 100,000, when absent). A model that rambles at a high temperature spreads its mass over
     * more branches than any budget resolves; what is left is reported as the estimate's error bound.
     */
    maxEvaluations: z.number().int().min(100).max(10_000_000).optional(),
    misalignmentThreshold: z.number().gt(0).max(1).optional(),
    categories: z.array(z.number().int().min(1).max(WVS_CATEGORIES.length)).optional(),
    shuffleDemonstrations: z.boolean().default(false),
    /**
     * Probes known not to ask what their WVS question asks (data/item-validity.csv) are left out, as test items
     * and as demonstrations, unless this is true.
     */
    includeInvalidItems: z.boolean().default(false),
    /** A target whose majority leads by less than this share (|share₁ − share₂|) is contested: reported apart. */
    contestedMargin: z.number().min(0).max(1).default(0.1),
    /**
     * What is drawn anew for each of the n draws (the paper builds the prompt anew per draw, §4.2 and §5.2), and
     * what stays fixed per probe: the option order, the order of the demonstrations (when they are shuffled), and
     * the demonstrations of the random strategies.
     */
    perDraw: z
      .object({ optionOrder: z.boolean().default(true), demonstrationOrder: z.boolean().default(true), randomDemonstrations: z.boolean().default(true) })
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
      .object({ enabled: z.boolean().default(false), perProbe: z.number().int().min(1).max(100).default(1), maxTokens: z.number().int().min(1).max(4096).default(128) })
      .strict()
      .default({ enabled: false, perProbe: 1, maxTokens: 128 }),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    concurrency: z.number().int().min(1).max(256).default(1),
  })
  .strict();

export type RunConfigInput = z.input<typeof RunConfigSchema>;

/** A validated configuration with every default filled in and every language paired with its country. */
export interface RunConfig extends Omit<z.output<typeof RunConfigSchema>, 'languages' | 'misalignmentThreshold' | 'categories' | 'n' | 'estimator'> {
  languages: { language: string; country: string; probeSet: string }[];
  n: number;
  estimator: Estimator;
  misalignmentThreshold: number;
  categories: number[];
}

/**
 * The default threshold below which a zero-shot alignment counts as misaligned. Counts (sampled, tree) follow
 * the paper's "below 100%". Exact probabilities are never exactly 1, so a probe counts as misaligned when the
 * paper's rule at n draws would flag it with a chance above 0.1%: 1 − pⁿ > 0.001, that is p < 0.999^(1/n).
 */
export function defaultMisalignmentThreshold(estimator: Estimator, n: number): number {
  return estimator === 'exact' ? 0.999 ** (1 / n) : 1;
}

export function parseRunConfig(input: unknown, source = 'the run configuration'): RunConfig {
  const parsed = RunConfigSchema.safeParse(input);
  if (!parsed.success) {
    const messages = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : 'configuration'}: ${issue.message}`);
    throw new UserError('bad-run-config', `${source} is not valid: ${messages.join('; ')}`);
  }
  const config = parsed.data;
  const languages = config.languages.map((entry) => {
    const { language, country, probeSet } = typeof entry === 'string' ? { language: entry, country: undefined, probeSet: undefined } : entry;
    const paired = country ?? DEFAULT_COUNTRY_OF_LANGUAGE[language];
    if (!paired) throw new UserError('bad-run-config', `${source}: language "${language}" has no default country; give one, e.g. { "language": "${language}", "country": "USA" }`);
    return { language, country: paired.toUpperCase(), probeSet: probeSet ?? config.probeSet };
  });
  const duplicates = languages.filter((l, i) => languages.findIndex((m) => m.language === l.language && m.country === l.country) !== i);
  if (duplicates.length > 0) throw new UserError('bad-run-config', `${source}: ${duplicates[0]!.language}/${duplicates[0]!.country} is listed twice`);
  const sets = new Map<string, string>();
  for (const l of languages) {
    if (sets.has(l.language) && sets.get(l.language) !== l.probeSet) throw new UserError('bad-run-config', `${source}: language "${l.language}" comes from two probe sets; one run takes one set per language`);
    sets.set(l.language, l.probeSet);
  }
  const estimator = config.estimator ?? PROTOCOL_DEFAULTS[config.protocol].estimator;
  const n = config.n ?? PROTOCOL_DEFAULTS[config.protocol].n;
  for (const [language, template] of Object.entries(config.promptTemplates)) {
    try {
      validatePromptTemplate(template);
    } catch (error) {
      throw new UserError('bad-run-config', `${source}: the prompt template of "${language}": ${(error as Error).message}`);
    }
  }
  for (const [model, wrapper] of Object.entries(config.chatWrappers)) {
    if (!CHAT_WRAPPER_NAMES.includes(wrapper)) throw new UserError('bad-run-config', `${source}: chatWrappers.${model}: there is no chat wrapper "${wrapper}" (known: ${CHAT_WRAPPER_NAMES.join(', ')})`);
  }
  const categories = config.categories ?? WVS_CATEGORIES.map((c) => c.number).filter((c) => !DEFAULT_EXCLUDED_CATEGORIES.includes(c));
  return {
    ...config,
    languages,
    categories: [...new Set(categories)].sort((a, b) => a - b),
    estimator,
    n,
    misalignmentThreshold: config.misalignmentThreshold ?? defaultMisalignmentThreshold(estimator, n),
  };
}

/** The prompt template a run uses for a language: its own, else the workbench's English one. */
export function promptTemplateOf(config: Pick<RunConfig, 'promptTemplates'>, language: string): PromptTemplate {
  return config.promptTemplates?.[language] ?? DEFAULT_PROMPT_TEMPLATE;
}

export async function readRunConfig(file: string): Promise<RunConfig> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UserError('bad-run-config', `the run configuration cannot be read as JSON: ${(error as Error).message}`, { file });
  }
  return parseRunConfig(value, file);
}

/** A stable hash of the validated configuration: key order and defaults do not change it. */
export function configHash(config: RunConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
