// A run configuration's problems in words a person reads: "k (demonstrations per prompt) must be a whole number",
// "Turkish (tr): its country must be …", never zod's "Too small: expected number to be >=1" or a path such as
// `languages.0.country`. Each problem keeps its path as well, for a form to show it beside its field.

import type { z } from 'zod';
import { languageName } from '../data/index.js';

export interface ConfigProblem {
  /** Where in the configuration, dotted ("languages.1.country"); "configuration" for the whole of it. */
  path: string;
  /** What is wrong, in words, naming the setting. */
  message: string;
}

/** A language as messages name it: "Turkish (tr)", or the code in quotes when the runtime knows no name for it. */
export function languageWords(code: string): string {
  const name = languageName(code);
  return name === code ? `"${code}"` : `${name} (${code})`;
}

/** The settings as the words name them (their JSON names in brackets where a file or the CLI uses those). */
const SETTING_WORDS: Record<string, string> = {
  models: 'The models',
  probeSet: 'The probe set',
  survey: 'The survey',
  languages: 'The languages',
  protocol: 'The protocol',
  strategies: 'The strategies',
  retest: 'The re-test control',
  k: 'k (demonstrations per prompt)',
  n: 'n (responses per prompt)',
  estimator: 'The estimator',
  maxTokens: 'The response limit (maxTokens)',
  errorBound: 'The error bound of exact estimates',
  maxEvaluations: 'The most evaluations per exact estimate (maxEvaluations)',
  misalignmentThreshold: 'The misalignment threshold ("misaligned below")',
  categories: 'The WVS categories',
  shuffleDemonstrations: 'Shuffling the demonstrations',
  includeInvalidItems: 'Including probes invalid as published',
  contestedMargin: 'The contested margin',
  unreadableThreshold: 'The unreadable threshold ("mostly unreadable from")',
  perDraw: 'What is drawn anew for each response',
  chat: 'Chat messages',
  promptTemplates: 'The prompt templates',
  chatWrappers: 'The chat wrappers',
  explanations: 'The explanations',
  seed: 'The seed',
  concurrency: 'Concurrency (requests at once)',
};

const NESTED_WORDS: Record<string, string> = {
  country: 'its country',
  probeSet: 'its probe set',
  survey: 'its survey',
  language: 'its language code',
  enabled: 'whether to ask for them',
  perProbe: 'explanations per probe',
  maxTokens: 'their response limit (maxTokens)',
  optionOrder: 'the option order',
  demonstrationOrder: 'the demonstrations’ order',
  randomDemonstrations: 'the random demonstrations',
  instruction: 'instruction',
  explanationInstruction: 'line asking for an explanation',
  demonstration: 'demonstration line',
  question: 'question line',
  answerCue: 'answer cue',
  separator: 'separator',
};

/** The setting a path names, in words: "k (demonstrations per prompt)", "Turkish (tr): its country". */
export function settingWords(path: readonly PropertyKey[], input: unknown): string {
  if (path.length === 0) return 'The configuration';
  const [top, second, ...rest] = path.map(String);
  const root = SETTING_WORDS[top!] ?? `The setting "${top}"`;
  if (second === undefined) return root;
  if (top === 'languages') {
    const entries = (input as { languages?: unknown[] } | null)?.languages;
    const entry = Array.isArray(entries) ? entries[Number(second)] : undefined;
    const code =
      typeof entry === 'string' ? entry : (entry as { language?: unknown } | undefined)?.language?.toString();
    const language = code ? languageWords(code) : `Language ${Number(second) + 1}`;
    return rest.length === 0 ? language : `${language}: ${NESTED_WORDS[rest[0]!] ?? rest.join('.')}`;
  }
  if (top === 'promptTemplates')
    return `The ${languageName(second)} prompt's ${rest.length ? (NESTED_WORDS[rest[0]!] ?? rest[0]) : 'template'}`;
  if (top === 'chatWrappers') return `The chat wrapper of model "${second}"`;
  if (top === 'models') return `Model ${Number(second) + 1}`;
  if (top === 'strategies' || top === 'categories') {
    const list = (input as Record<string, unknown> | null)?.[top];
    const item = Array.isArray(list) ? list[Number(second)] : undefined;
    return `${top === 'strategies' ? 'The strategy' : 'The category'} ${JSON.stringify(item ?? Number(second) + 1)}`;
  }
  return `${root}: ${NESTED_WORDS[second] ?? second}`;
}

/** zod's own messages start so; a message the schema gives (a custom one) is kept as it is. */
const ZOD_DEFAULT = /^(Too (small|big)|Invalid|Unrecognized)/;

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  boolean: 'on or off (true or false)',
  string: 'text',
  array: 'a list',
  object: 'a group of settings',
};

/** What is wrong with the value, in words, after the setting's name. */
function predicate(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (issue.origin === 'array') return `needs at least ${minimum}`;
      if (issue.origin === 'string') return 'must not be empty';
      return issue.inclusive ? `must be at least ${minimum}` : `must be more than ${minimum}`;
    }
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (issue.origin === 'array') return `takes at most ${maximum}`;
      if (issue.origin === 'string') return `must be at most ${maximum} characters`;
      return issue.inclusive ? `must be at most ${maximum}` : `must be less than ${maximum}`;
    }
    case 'invalid_type':
      return /received undefined$/.test(issue.message)
        ? 'is missing'
        : `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `has no setting ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return 'must be a language code such as "de", or a language with its country, probe set and survey';
    default:
      return issue.message;
  }
}

/** Each of zod's issues with a run configuration, in words. */
export function configProblems(error: z.ZodError, input: unknown): ConfigProblem[] {
  return error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : 'configuration';
    const words = settingWords(issue.path, input);
    // A message the schema wrote is already words ("name at least one registered model"): it follows the name.
    const message = ZOD_DEFAULT.test(issue.message) ? `${words} ${predicate(issue)}` : `${words}: ${issue.message}`;
    return { path, message };
  });
}
