// The options every command that works on one probe shares (probe set, language, survey, country, probe,
// strategy), and the demonstrations they select: `demos`, `prompt` and `sample` all go through here.

import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { DEFAULT_EXCLUDED_CATEGORIES, isUsable, type Probe } from '../core/data/index.js';
import { CHRF_DIRECTIONS, DEFAULT_K, DemonstrationPool, SELECTION_STRATEGIES, type ChrfDirection, type SelectionStrategy } from '../core/demos/index.js';
import { DEFAULT_COUNTRY_OF_LANGUAGE, builtinAnswerKey, countryTargets, normaliseCountry, readAnswerKey } from '../core/survey/index.js';
import { BUILTIN_PROBE_SET, loadProbes, loadSurveyCells, type Db } from '../core/store/index.js';
import { withDatabase } from './context.js';
import { normaliseProbeOption } from './commands/similarity.js';

export interface ProbeOptions {
  set?: string;
  lang?: string;
}

export function withProbeOptions(command: Command): Command {
  return command
    .option('--set <name>', `probe set (default: ${BUILTIN_PROBE_SET}, the workbench's English probes)`)
    .option('--lang <code>', 'language of the probe set (default: its only language)');
}

export function languageOf(db: Db, options: ProbeOptions): string {
  if (options.lang) return options.lang;
  const set = options.set ?? BUILTIN_PROBE_SET;
  const languages = (db.prepare('SELECT DISTINCT p.language FROM probes p JOIN probe_sets s ON s.id = p.set_id WHERE s.name = ?').all(set) as { language: string }[]).map((r) => r.language);
  if (languages.length === 1) return languages[0]!;
  throw new UserError('bad-option', `probe set "${set}" has several languages (${languages.join(', ')}): choose one with --lang`);
}

export interface SelectionCliOptions extends ProbeOptions {
  survey?: string;
  country?: string;
  probe: string;
  strategy?: string;
  k: string;
  seed: string;
  draw: string;
  direction: string;
  answerKey?: string;
  includeCategories?: boolean;
  db?: string;
}

export function withSelectionOptions(command: Command): Command {
  return withProbeOptions(command)
    .option('--survey <name>', 'survey import that gives the target answers (needed for demonstrations)')
    .option('--country <iso3>', "target country (default: the paper's country for the language)")
    .requiredOption('--probe <id>', 'the test probe, such as Q1')
    .option('--k <n>', 'number of demonstrations', String(DEFAULT_K))
    .option('--seed <n>', 'seed of the random choices', '0')
    .option('--draw <n>', 'which draw (0, 1, ...): each has its own option order and random demonstrations', '0')
    .option('--direction <direction>', `chrF++ direction: ${CHRF_DIRECTIONS.join(', ')}`, 'probe-as-hypothesis')
    .option('--answer-key <file>', 'an answer key of your own (default: the built-in key)')
    .option('--include-categories', `let categories ${DEFAULT_EXCLUDED_CATEGORIES.join(' and ')} serve as demonstrations too`);
}

export async function selectDemonstrations(options: SelectionCliOptions) {
  const k = Number(options.k);
  if (!Number.isInteger(k) || k < 0) throw new UserError('bad-option', `--k must be a whole number, got "${options.k}"`);
  const seed = wholeNumber(options.seed, '--seed');
  const draw = wholeNumber(options.draw, '--draw');
  if (options.strategy !== undefined && !(SELECTION_STRATEGIES as readonly string[]).includes(options.strategy)) {
    throw new UserError('bad-option', `--strategy must be one of ${SELECTION_STRATEGIES.join(', ')}`);
  }
  if (!(CHRF_DIRECTIONS as readonly string[]).includes(options.direction)) throw new UserError('bad-option', `--direction must be one of ${CHRF_DIRECTIONS.join(', ')}`);
  if (options.strategy !== undefined && options.survey === undefined) {
    throw new UserError('bad-option', 'demonstrations are completed with a country\'s answers: name the survey import with --survey');
  }
  const key = options.answerKey ? await readAnswerKey(options.answerKey) : await builtinAnswerKey();
  return withDatabase(options, (db) => {
    const language = languageOf(db, options);
    const probes: Probe[] = loadProbes(db, options.set ?? BUILTIN_PROBE_SET, language);
    const id = normaliseProbeOption(options.probe);
    const test = probes.find((p) => p.id === id);
    if (!test) throw new UserError('unknown-probe', `there is no probe ${id} in language ${language}`, { probe: id });
    if (!isUsable(test)) throw new UserError('unusable-probe', `probe ${test.id} is flagged (${test.flag}) and cannot be asked`, { probe: test.id });
    if (options.strategy === undefined) return { test, selection: { demonstrations: [], candidates: 0 }, seed, draw };
    const countryText = options.country ?? DEFAULT_COUNTRY_OF_LANGUAGE[language];
    if (!countryText) throw new UserError('bad-option', `there is no default country for language "${language}": give one with --country`);
    const country = normaliseCountry(countryText);
    const pool = new DemonstrationPool(probes, countryTargets(country, key, loadSurveyCells(db, options.survey!, country)));
    const selection = pool.select(test.id, {
      strategy: options.strategy as SelectionStrategy,
      k,
      seed,
      draw,
      direction: options.direction as ChrfDirection,
      excludedCategories: options.includeCategories ? [] : DEFAULT_EXCLUDED_CATEGORIES,
    });
    return { test, selection, seed, draw };
  });
}

function wholeNumber(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new UserError('bad-option', `${option} must be a whole number, got "${text}"`);
  return value;
}

