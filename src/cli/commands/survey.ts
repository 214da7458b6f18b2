// `selfalign survey import|list|delete`, `selfalign targets`, `selfalign demos`, `selfalign prompt`: survey data,
// each country's target answers, and the demonstrations and prompts built from them.

import path from 'node:path';
import type { Command } from 'commander';
import { CHRF_DIRECTIONS, DEFAULT_K, SELECTION_STRATEGIES } from '../../core/demos/index.js';
import { DEFAULT_EXCLUDED_CATEGORIES } from '../../core/data/index.js';
import { UserError } from '../../core/errors.js';
import type { CommandParams } from '../../shared/contract.js';
import { addDbOption, oneOf, wholeNumber, withEngine } from '../context.js';
import { formatScore, printJson, printTable, progressLine } from '../output.js';

export function registerSurveyCommands(program: Command): void {
  const survey = program.command('survey').description('import and inspect WVS survey data');

  addDbOption(
    survey
      .command('import <file>')
      .description(
        'import WVS microdata (a country file or the cross-national Wave 7 file) or aggregated answer shares',
      )
      .option('--format <format>', 'microdata or aggregate (default: decided from the header)')
      .option('--name <name>', 'name of the import (default: the file name)')
      .option('--weight <column>', 'microdata: the weight column, or "none" for unweighted shares', 'W_WEIGHT')
      .option('--preview', 'read and count the file without storing it')
      .option('--json', 'print the import summary as JSON'),
  ).action(
    async (
      file: string,
      options: { format?: string; name?: string; weight: string; preview?: boolean; json?: boolean; db?: string },
    ) => {
      const format = oneOf(options.format, '--format', ['microdata', 'aggregate'] as const);
      const showProgress = process.stderr.isTTY && !options.json;
      const s = await withEngine(options, (client) => {
        const stop = showProgress
          ? client.subscribe(
              (e) =>
                e.type === 'progress' &&
                e.kind === 'survey-import' &&
                process.stderr.write(`\r${progressLine(e, 'bytes')}`),
            )
          : () => undefined;
        return client.surveys
          .import({
            path: path.resolve(file),
            ...(format ? { format } : {}),
            ...(options.name ? { name: options.name } : {}),
            weight: options.weight,
            preview: options.preview ?? false,
          })
          .finally(() => {
            stop();
            if (showProgress) process.stderr.write('\n');
          });
      });
      if (options.json) return printJson(s);
      console.log(
        `${s.preview ? 'Preview of' : 'Imported'} survey "${s.name}" (${s.format}${s.weightColumn ? `, weighted by ${s.weightColumn}` : s.format === 'microdata' ? ', unweighted' : ''}): ${s.rows} rows, ${s.countries.length} countries, ${s.cells} answer cells.${s.preview ? ' Nothing was stored.' : ''}`,
      );
      printTable(s.countries, [
        { header: 'country', value: (c) => c.iso3 },
        { header: 'name', value: (c) => c.name },
        { header: 'respondents', value: (c) => c.respondents ?? '', align: 'right' },
        { header: 'questions', value: (c) => c.variables, align: 'right' },
      ]);
      for (const w of s.warnings) {
        console.log(
          `warning: ${w.count} ${w.message}; first at ${w.examples.map((e) => `line ${e.line}${e.column ? ` ${e.column}` : ''} (${e.detail})`).join(', ')}`,
        );
      }
    },
  );

  addDbOption(survey.command('list').description('list the survey imports').option('--json', 'print JSON')).action(
    async (options: { json?: boolean; db?: string }) => {
      const surveys = await withEngine(options, (client) => client.surveys.list());
      if (options.json) return printJson(surveys);
      if (surveys.length === 0)
        return console.log('No survey data yet. Import some with `selfalign survey import FILE`.');
      printTable(surveys, [
        { header: 'name', value: (s) => s.name },
        { header: 'format', value: (s) => s.format },
        { header: 'weight', value: (s) => s.weightColumn ?? (s.format === 'microdata' ? 'none' : '') },
        { header: 'countries', value: (s) => s.countries.join(' ') },
        { header: 'cells', value: (s) => s.cells, align: 'right' },
        { header: 'imported', value: (s) => s.importedAt.slice(0, 19).replace('T', ' ') },
      ]);
    },
  );

  addDbOption(survey.command('delete <name>').description('delete a survey import')).action(
    async (name: string, options: { db?: string }) => {
      await withEngine(options, (client) => client.surveys.delete({ name }));
      console.log(`Deleted survey import "${name}".`);
    },
  );

  addDbOption(
    withProbeOptions(
      program
        .command('targets')
        .description("each probe's target answer for a country: option shares, majority and margin"),
    )
      .requiredOption('--survey <name>', 'survey import')
      .requiredOption('--country <iso3>', 'country, such as TUR')
      .option('--answer-key <file>', 'an answer key of your own (default: the built-in key)')
      .option('--json', 'print JSON'),
  ).action(
    async (
      options: ProbeOptions & { survey: string; country: string; answerKey?: string; json?: boolean; db?: string },
    ) => {
      const result = await withEngine(options, (client) =>
        client.targets.get({
          survey: options.survey,
          country: options.country,
          ...probeScope(options),
          ...(options.answerKey ? { answerKey: options.answerKey } : {}),
        }),
      );
      if (options.json) return printJson(result.rows);
      console.log(`Target answers of ${result.country} (${result.countryName}) from survey "${result.survey}":`);
      printTable(result.rows, [
        { header: 'id', value: (r) => r.id },
        { header: 'cat', value: (r) => r.category, align: 'right' },
        { header: 'option 1', value: (r) => r.options[0] },
        { header: 'share 1', value: (r) => (r.shares ? r.shares[0].toFixed(3) : ''), align: 'right' },
        { header: 'option 2', value: (r) => r.options[1] },
        { header: 'share 2', value: (r) => (r.shares ? r.shares[1].toFixed(3) : ''), align: 'right' },
        { header: 'majority', value: (r) => r.majorityText ?? r.kind },
        { header: 'margin', value: (r) => (r.margin !== undefined ? r.margin.toFixed(3) : ''), align: 'right' },
        { header: 'note', value: (r) => (r.kind === 'unknown' ? (r.reason ?? '') : (r.flag ?? '')) },
      ]);
    },
  );

  addDbOption(
    withSelectionOptions(
      program
        .command('demos')
        .description('the demonstrations chosen for one probe, with their answers and chrF++ scores'),
    )
      .requiredOption('--strategy <name>', `selection strategy: ${SELECTION_STRATEGIES.join(', ')}`)
      .option('--json', 'print JSON'),
  ).action(async (options: SelectionCliOptions & { json?: boolean }) => {
    const result = await withEngine(options, (client) =>
      client.demos.select({
        ...selectionParams(options),
        strategy: oneOf(options.strategy, '--strategy', SELECTION_STRATEGIES)!,
        survey: options.survey!,
      }),
    );
    if (options.json) return printJson(result);
    const test = result.probe;
    console.log(`${test.id} (category ${test.category}): ${test.template}  [${test.options.join(' / ')}]`);
    console.log(`Strategy ${result.strategy}: ${result.demonstrations.length} of ${result.candidates} candidates.`);
    printTable(result.demonstrations, [
      { header: 'id', value: (d) => d.id },
      { header: 'cat', value: (d) => d.category, align: 'right' },
      { header: 'chrF++', value: (d) => formatScore(d.chrfpp), align: 'right' },
      { header: 'answer', value: (d) => d.answerText },
      { header: 'sentence', value: (d) => d.sentence },
    ]);
  });

  addDbOption(
    withSelectionOptions(
      program
        .command('prompt')
        .description('the exact prompt text, or chat messages, that would be sent for one probe'),
    )
      .option('--strategy <name>', `selection strategy (${SELECTION_STRATEGIES.join(', ')}); zero-shot without it`)
      .option('--shuffle', 'shuffle the demonstrations for this draw')
      .option('--explain', 'the explanation variant: answer, then explain why')
      .option('--template <file>', 'a prompt template of your own (JSON)')
      .option('--chat', 'print the chat messages instead of the plain text')
      .option(
        '--model <name>',
        'print the prompt exactly as this local model receives it: through its chat template, special tokens written out',
      )
      .option(
        '--chat-wrapper <name>',
        "with --model: render with node-llama-cpp's chat wrapper of that name instead of the file's template",
      )
      .option('--json', 'print JSON (text, messages, option order, demonstration ids, the rendering for --model)'),
  ).action(
    async (
      options: SelectionCliOptions & {
        shuffle?: boolean;
        explain?: boolean;
        template?: string;
        chat?: boolean;
        model?: string;
        chatWrapper?: string;
        json?: boolean;
      },
    ) => {
      const prompt = await withEngine(options, (client) =>
        client.prompts.build({
          ...selectionParams(options),
          shuffle: options.shuffle ?? false,
          explain: options.explain ?? false,
          ...(options.template ? { templatePath: options.template } : {}),
          ...(options.model ? { model: options.model } : {}),
          ...(options.chatWrapper ? { chatWrapper: options.chatWrapper } : {}),
        }),
      );
      if (options.json) return printJson(prompt);
      if (prompt.rendered) {
        const { rendered } = prompt;
        if (rendered.warning) process.stderr.write(`warning: ${rendered.warning}\n`);
        process.stderr.write(
          `${rendered.model} receives ${rendered.tokens} tokens, rendered by ${rendered.renderedBy}:\n`,
        );
        process.stdout.write(`${rendered.text}\n`);
        return;
      }
      if (options.chat) return printJson(prompt.messages);
      process.stdout.write(`${prompt.text}\n`);
    },
  );
}

// ---------------------------------------------------------------------------------------------------------
// The options of every command that works on one probe: `targets`, `demos`, `prompt` and `sample`.

export interface ProbeOptions {
  set?: string;
  lang?: string;
}

export function withProbeOptions(command: Command): Command {
  return command
    .option('--set <name>', "probe set (default: builtin, the workbench's English probes)")
    .option('--lang <code>', 'language of the probe set (default: its only language)');
}

export function probeScope(options: ProbeOptions): { set?: string; language?: string } {
  return { ...(options.set ? { set: options.set } : {}), ...(options.lang ? { language: options.lang } : {}) };
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
    .option(
      '--include-categories',
      `let categories ${DEFAULT_EXCLUDED_CATEGORIES.join(' and ')} serve as demonstrations too`,
    );
}

export function selectionParams(options: SelectionCliOptions): CommandParams<'prompts.build'> {
  const strategy = oneOf(options.strategy, '--strategy', SELECTION_STRATEGIES);
  if (strategy !== undefined && options.survey === undefined) {
    throw new UserError(
      'bad-option',
      "demonstrations are completed with a country's answers: name the survey import with --survey",
    );
  }
  return {
    ...probeScope(options),
    probe: options.probe,
    ...(options.survey ? { survey: options.survey } : {}),
    ...(options.country ? { country: options.country } : {}),
    ...(strategy ? { strategy } : {}),
    k: wholeNumber(options.k, '--k')!,
    seed: wholeNumber(options.seed, '--seed')!,
    draw: wholeNumber(options.draw, '--draw')!,
    direction: oneOf(options.direction, '--direction', CHRF_DIRECTIONS)!,
    ...(options.answerKey ? { answerKey: options.answerKey } : {}),
    includeCategories: options.includeCategories ?? false,
  };
}
