// `selfalign survey import|list`, `selfalign targets`, `selfalign demos`, `selfalign prompt`: survey data, each
// country's target answers, and the demonstrations and prompts built from them.

import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { SELECTION_STRATEGIES } from '../../core/demos/index.js';
import { buildPrompt, readPromptTemplate } from '../../core/prompt/index.js';
import { builtinAnswerKey, countryName, countryTargets, normaliseCountry, readAnswerKey, readSurveyFile, type SurveyFormat } from '../../core/survey/index.js';
import { BUILTIN_PROBE_SET, listSurveys, loadProbes, loadSurveyCells, saveSurvey } from '../../core/store/index.js';
import { addDbOption, withDatabase } from '../context.js';
import { formatScore, printJson, printTable } from '../output.js';
import { languageOf, selectDemonstrations, withProbeOptions, withSelectionOptions, type ProbeOptions, type SelectionCliOptions } from '../selection.js';

export function registerSurveyCommands(program: Command): void {
  const survey = program.command('survey').description('import and inspect WVS survey data');

  addDbOption(
    survey
      .command('import <file>')
      .description('import WVS microdata (a country file or the cross-national Wave 7 file) or aggregated answer shares')
      .option('--format <format>', 'microdata or aggregate (default: decided from the header)')
      .option('--name <name>', 'name of the import (default: the file name)')
      .option('--weight <column>', 'microdata: the weight column, or "none" for unweighted shares', 'W_WEIGHT')
      .option('--json', 'print the import summary as JSON'),
  ).action(async (file: string, options: { format?: string; name?: string; weight: string; json?: boolean; db?: string }) => {
    if (options.format !== undefined && options.format !== 'microdata' && options.format !== 'aggregate') {
      throw new UserError('bad-option', '--format must be microdata or aggregate');
    }
    const showProgress = process.stderr.isTTY && !options.json;
    const started = Date.now();
    const data = await readSurveyFile(file, {
      ...(options.format ? { format: options.format as SurveyFormat } : {}),
      weight: options.weight,
      ...(showProgress
        ? {
            onProgress: ({ bytesRead, totalBytes, rows }) => {
              const seconds = (Date.now() - started) / 1000;
              const eta = bytesRead > 0 ? (seconds * (totalBytes - bytesRead)) / bytesRead : 0;
              process.stderr.write(`\r${((100 * bytesRead) / totalBytes).toFixed(0)}%  ${rows} rows  ${(rows / Math.max(seconds, 0.001)).toFixed(0)} rows/s  ETA ${eta.toFixed(0)} s   `);
            },
          }
        : {}),
    });
    if (showProgress) process.stderr.write('\n');
    const name = options.name ?? path.basename(file).replace(/\.(csv|txt)$/i, '');
    const info = withDatabase(options, (db) => saveSurvey(db, name, path.resolve(file), data));
    if (options.json) return printJson(info);
    const s = info.summary;
    console.log(`Imported survey "${info.name}" (${s.format}${s.weightColumn ? `, weighted by ${s.weightColumn}` : s.format === 'microdata' ? ', unweighted' : ''}): ${s.rows} rows, ${info.countries.length} countries, ${info.cells} answer cells.`);
    printTable(s.countries, [
      { header: 'country', value: (c) => c.iso3 },
      { header: 'name', value: (c) => c.name },
      { header: 'respondents', value: (c) => c.respondents ?? '', align: 'right' },
      { header: 'questions', value: (c) => c.variables, align: 'right' },
    ]);
    for (const w of s.warnings) {
      console.log(`warning: ${w.count} ${w.message}; first at ${w.examples.map((e) => `line ${e.line}${e.column ? ` ${e.column}` : ''} (${e.detail})`).join(', ')}`);
    }
  });

  addDbOption(survey.command('list').description('list the survey imports').option('--json', 'print JSON')).action((options: { json?: boolean; db?: string }) => {
    const surveys = withDatabase(options, (db) => listSurveys(db));
    if (options.json) return printJson(surveys);
    if (surveys.length === 0) return console.log('No survey data yet. Import some with `selfalign survey import FILE`.');
    printTable(surveys, [
      { header: 'name', value: (s) => s.name },
      { header: 'format', value: (s) => s.format },
      { header: 'weight', value: (s) => s.weightColumn ?? (s.format === 'microdata' ? 'none' : '') },
      { header: 'countries', value: (s) => s.countries.join(' ') },
      { header: 'cells', value: (s) => s.cells, align: 'right' },
      { header: 'imported', value: (s) => s.importedAt.slice(0, 19).replace('T', ' ') },
    ]);
  });

  addDbOption(
    withProbeOptions(program.command('targets').description("each probe's target answer for a country: option shares, majority and margin"))
      .requiredOption('--survey <name>', 'survey import')
      .requiredOption('--country <iso3>', 'country, such as TUR')
      .option('--answer-key <file>', 'an answer key of your own (default: the built-in key)')
      .option('--json', 'print JSON'),
  ).action(async (options: ProbeOptions & { survey: string; country: string; answerKey?: string; json?: boolean; db?: string }) => {
    const country = normaliseCountry(options.country);
    const key = options.answerKey ? await readAnswerKey(options.answerKey) : await builtinAnswerKey();
    const { probes, targets } = withDatabase(options, (db) => {
      const probes = loadProbes(db, options.set ?? BUILTIN_PROBE_SET, languageOf(db, options));
      return { probes, targets: countryTargets(country, key, loadSurveyCells(db, options.survey, country)) };
    });
    const rows = probes.map((p) => ({ probe: p, target: targets.get(p.id) }));
    if (options.json) {
      return printJson(
        rows.map(({ probe, target }) => ({
          id: probe.id,
          category: probe.category,
          options: probe.options,
          flag: probe.flag,
          ...target,
          majorityText: target.kind === 'majority' ? probe.options[target.option - 1] : undefined,
        })),
      );
    }
    console.log(`Target answers of ${country} (${countryName(country)}) from survey "${options.survey}":`);
    printTable(rows, [
      { header: 'id', value: (r) => r.probe.id },
      { header: 'cat', value: (r) => r.probe.category, align: 'right' },
      { header: 'option 1', value: (r) => r.probe.options[0] },
      { header: 'share 1', value: (r) => (r.target.kind === 'unknown' ? '' : r.target.shares[0].toFixed(3)), align: 'right' },
      { header: 'option 2', value: (r) => r.probe.options[1] },
      { header: 'share 2', value: (r) => (r.target.kind === 'unknown' ? '' : r.target.shares[1].toFixed(3)), align: 'right' },
      { header: 'majority', value: (r) => (r.target.kind === 'majority' ? r.probe.options[r.target.option - 1]! : r.target.kind) },
      { header: 'margin', value: (r) => (r.target.kind === 'majority' ? r.target.margin.toFixed(3) : ''), align: 'right' },
      { header: 'note', value: (r) => (r.target.kind === 'unknown' ? (r.target.reason ?? '') : (r.probe.flag ?? '')) },
    ]);
  });

  addDbOption(
    withSelectionOptions(program.command('demos').description('the demonstrations chosen for one probe, with their answers and chrF++ scores'))
      .requiredOption('--strategy <name>', `selection strategy: ${SELECTION_STRATEGIES.join(', ')}`)
      .option('--json', 'print JSON'),
  ).action(async (options: SelectionCliOptions & { json?: boolean }) => {
    const { test, selection } = await selectDemonstrations(options);
    if (options.json) {
      return printJson({
        probe: test,
        strategy: options.strategy,
        candidates: selection.candidates,
        demonstrations: selection.demonstrations.map((d) => ({ id: d.probe.id, category: d.probe.category, answer: d.answer, answerText: d.answerText, sentence: d.sentence, chrfpp: d.chrfpp })),
      });
    }
    console.log(`${test.id} (category ${test.category}): ${test.template}  [${test.options.join(' / ')}]`);
    console.log(`Strategy ${options.strategy}: ${selection.demonstrations.length} of ${selection.candidates} candidates.`);
    printTable(selection.demonstrations, [
      { header: 'id', value: (d) => d.probe.id },
      { header: 'cat', value: (d) => d.probe.category, align: 'right' },
      { header: 'chrF++', value: (d) => formatScore(d.chrfpp), align: 'right' },
      { header: 'answer', value: (d) => d.answerText },
      { header: 'sentence', value: (d) => d.sentence },
    ]);
  });

  addDbOption(
    withSelectionOptions(program.command('prompt').description('the exact prompt text, or chat messages, that would be sent for one probe'))
      .option('--strategy <name>', `selection strategy (${SELECTION_STRATEGIES.join(', ')}); zero-shot without it`)
      .option('--shuffle', 'shuffle the demonstrations for this draw')
      .option('--explain', 'the explanation variant: answer, then explain why')
      .option('--template <file>', 'a prompt template of your own (JSON)')
      .option('--chat', 'print the chat messages instead of the plain text')
      .option('--json', 'print JSON (text, messages, option order, demonstration ids)'),
  ).action(async (options: SelectionCliOptions & { shuffle?: boolean; explain?: boolean; template?: string; chat?: boolean; json?: boolean }) => {
    const { test, selection, seed, draw } = await selectDemonstrations(options);
    const template = options.template ? await readPromptTemplate(options.template) : undefined;
    const prompt = buildPrompt({
      probe: test,
      demonstrations: selection.demonstrations,
      seed,
      draw,
      shuffleDemonstrations: options.shuffle ?? false,
      explain: options.explain ?? false,
      ...(template ? { template } : {}),
    });
    if (options.json) return printJson(prompt);
    if (options.chat) return printJson(prompt.messages);
    process.stdout.write(`${prompt.text}\n`);
  });
}

