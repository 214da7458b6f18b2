// The configuration of a self-alignment run, as a JSON file or CLI flags: validated up front with messages a
// social scientist can act on, defaults filled in (the paper's: k = 5, all four strategies, categories 4 and 8
// left out, each language paired with the paper's country), and hashed so results can name what produced them.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { DEFAULT_EXCLUDED_CATEGORIES, languageName, WVS_CATEGORIES } from '../data/index.js';
import { UserError } from '../errors.js';
import { CHAT_WRAPPER_NAMES } from '../models/index.js';
import { validatePromptTemplate, DEFAULT_PROMPT_TEMPLATE, type PromptTemplate } from '../prompt/index.js';
import type { Estimator } from '../sampling/index.js';
import { DEFAULT_COUNTRY_OF_LANGUAGE } from '../survey/index.js';
import {
  controlSpecOf,
  PROTOCOLS,
  readControlId,
  referenceOf,
  RunConfigSchema,
  type ResolvedRunConfigSchema,
} from '../../shared/method.js';
import { configProblems, languageWords, type ConfigProblem } from './config-problems.js';

export { PROTOCOLS, RunConfigSchema };
export type Protocol = (typeof PROTOCOLS)[number];

/** What each protocol fills in where the configuration says nothing. */
export const PROTOCOL_DEFAULTS: Record<Protocol, { estimator: Estimator; n: number }> = {
  // The paper's "10^4 model responses" is 10 and footnote 4; §6.1 judges "across all 10 runs".
  paper: { estimator: 'sampled', n: 10 },
  precise: { estimator: 'exact', n: 10 },
};

export type RunConfigInput = z.input<typeof RunConfigSchema>;

/** A validated configuration with every default filled in and every language paired with its country. */
export type RunConfig = z.output<typeof ResolvedRunConfigSchema>;

/**
 * The default threshold below which a zero-shot alignment counts as misaligned. Counts (sampled, tree) follow
 * the paper's "below 100%". Exact probabilities are never exactly 1, so a probe counts as misaligned when the
 * paper's rule at n draws would flag it with a chance above 0.1%: 1 − pⁿ > 0.001, that is p < 0.999^(1/n).
 */
export function defaultMisalignmentThreshold(estimator: Estimator, n: number): number {
  return estimator === 'exact' ? 0.999 ** (1 / n) : 1;
}

/**
 * A configuration checked and resolved, or every problem with it in words (with its place, for a form). The one
 * check behind parseRunConfig (which throws) and runs.validate (which lists).
 */
export function checkRunConfig(
  input: unknown,
): { config: RunConfig; problems: [] } | { config: null; problems: ConfigProblem[] } {
  const parsed = RunConfigSchema.safeParse(input);
  if (!parsed.success) return { config: null, problems: configProblems(parsed.error, input) };
  const config = parsed.data;
  const problems: ConfigProblem[] = [];
  const languages = config.languages.map((entry, i) => {
    const { language, country, probeSet, survey } =
      typeof entry === 'string'
        ? { language: entry, country: undefined, probeSet: undefined, survey: undefined }
        : entry;
    const paired = country ?? DEFAULT_COUNTRY_OF_LANGUAGE[language];
    if (!paired)
      problems.push({
        path: `languages.${i}.country`,
        message: `${languageWords(language)} has no default country: give one, e.g. { "language": "${language}", "country": "USA" }`,
      });
    return {
      language,
      country: (paired ?? '').toUpperCase(),
      probeSet: probeSet ?? config.probeSet,
      survey: survey ?? config.survey,
    };
  });
  languages.forEach((l, i) => {
    if (l.country && languages.findIndex((m) => m.language === l.language && m.country === l.country) !== i)
      problems.push({
        path: `languages.${i}`,
        message: `${languageName(l.language)} → ${l.country} (${l.language}/${l.country}) is listed twice`,
      });
  });
  const sets = new Map<string, string>();
  languages.forEach((l, i) => {
    if (sets.has(l.language) && sets.get(l.language) !== l.probeSet)
      problems.push({
        path: `languages.${i}.probeSet`,
        message: `${languageWords(l.language)} comes from two probe sets; one run takes one set per language`,
      });
    sets.set(l.language, l.probeSet);
  });
  for (const [language, template] of Object.entries(config.promptTemplates)) {
    try {
      validatePromptTemplate(template);
    } catch (error) {
      problems.push({
        path: `promptTemplates.${language}`,
        message: `The ${languageName(language)} prompt: ${(error as Error).message}`,
      });
    }
  }
  for (const [model, wrapper] of Object.entries(config.chatWrappers)) {
    if (!CHAT_WRAPPER_NAMES.includes(wrapper))
      problems.push({
        path: `chatWrappers.${model}`,
        message: `The chat wrapper of model "${model}": there is no chat wrapper "${wrapper}" (known: ${CHAT_WRAPPER_NAMES.join(', ')})`,
      });
  }
  const controls = config.controls.map((id, i) => {
    const problem = controlProblem(id, config);
    if (problem) problems.push({ path: `controls.${i}`, message: problem });
    const read = readControlId(id);
    return 'spec' in read ? read.spec.id : id;
  });
  controls.forEach((id, i) => {
    if (controls.indexOf(id) !== i)
      problems.push({ path: `controls.${i}`, message: `the control "${id}" is listed twice` });
  });
  if (problems.length > 0) return { config: null, problems };
  const estimator = config.estimator ?? PROTOCOL_DEFAULTS[config.protocol].estimator;
  const n = config.n ?? PROTOCOL_DEFAULTS[config.protocol].n;
  const categories =
    config.categories ?? WVS_CATEGORIES.map((c) => c.number).filter((c) => !DEFAULT_EXCLUDED_CATEGORIES.includes(c));
  return {
    problems: [],
    config: {
      ...config,
      languages,
      controls,
      categories: [...new Set(categories)].sort((a, b) => a - b),
      estimator,
      n,
      misalignmentThreshold: config.misalignmentThreshold ?? defaultMisalignmentThreshold(estimator, n),
    },
  };
}

/**
 * What is wrong with a control of a run, in words; null when nothing is. Besides its grammar: an id that changes
 * nothing is the strategy itself, and a control is read against its strategy, which the run must measure.
 */
function controlProblem(id: string, config: Pick<RunConfig, 'strategies' | 'k'>): string | null {
  const read = readControlId(id);
  if ('problem' in read) return read.problem;
  const { spec } = read;
  if (controlSpecOf(spec.id) === null) return `"${id}" is a strategy, not a control: list it among the strategies`;
  if (spec.k === config.k)
    return `the control "${id}" asks for the run's own k (${config.k}), so it is ${spec.strategy} itself: leave it out, or give another k`;
  const reference = referenceOf(spec, config.strategies);
  if (reference === null) return `the control "${id}" is read against a strategy, and the run measures none`;
  if (!config.strategies.includes(reference))
    return `the control "${id}" is read against ${reference}, which the run does not measure: add ${reference} to the strategies`;
  return null;
}

/** A configuration checked and resolved; its first problems, in words, are thrown with `source`. */
export function parseRunConfig(input: unknown, source = 'the run configuration'): RunConfig {
  const checked = checkRunConfig(input);
  if (!checked.config)
    throw new UserError(
      'bad-run-config',
      `${source} is not valid: ${checked.problems.map((p) => p.message).join('; ')}`,
    );
  return checked.config;
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
    throw new UserError('bad-run-config', `the run configuration cannot be read as JSON: ${(error as Error).message}`, {
      file,
    });
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
