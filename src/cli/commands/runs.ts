// `selfalign run` (start a self-alignment run from a JSON configuration or flags, or resume one),
// `selfalign runs list|show|delete` and `selfalign report`.

import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { readRunConfig, parseRunConfig, type RunConfigInput } from '../../core/experiment/index.js';
import { readPromptTemplate } from '../../core/prompt/index.js';
import { GPU_CHOICES } from '../../core/models/index.js';
import {
  WorkbenchFailure,
  type CommandResult,
  type JobEndedEvent,
  type WorkbenchClient,
} from '../../shared/contract.js';
import { writeChartFiles } from '../charts.js';
import { addDbOption, cancellableBySigint, oneOf, wholeNumber, withEngine } from '../context.js';
import { printJson, printTable, progressLine } from '../output.js';

const collect = (value: string, all: string[] = []) => [...all, value];

type RunOptions = Record<string, string | string[] | boolean | undefined> & { db?: string };

export function registerRunCommands(program: Command): void {
  addDbOption(
    program
      .command('run')
      .description(
        'run the self-alignment experiment: zero-shot, misaligned probes, self-alignment per strategy, explanations',
      )
      .option('--config <file>', 'a JSON run configuration (flags below override nothing in it)')
      .option('--resume <run-id>', 'continue a run that stopped (killed, cancelled, failed) to the same results')
      .option('--model <name>', 'registered model; repeat for several', collect)
      .option('--survey <name>', 'survey import that gives the target answers')
      .option(
        '--lang <code[:ISO3[:SET]]>',
        "language, optionally with its country (default: the paper's) and probe set; repeat",
        collect,
      )
      .option('--set <name>', 'probe set (default: builtin)')
      .option(
        '--protocol <name>',
        "paper (sampled, n = 10, the paper's rule; the default) or precise (exact probabilities, the rule in expectation)",
      )
      .option('--strategy <name>', 'selection strategy; repeat (default: all four)', collect)
      .option(
        '--control <id>',
        "a reviewer's control, read against the paper's condition: persona, chrf-all+persona, chrf-all/random-labels, chrf-all/flipped-labels, chrf-all/share-labels, chrf-all/country=ISO3, chrf-all/k=N, chrf-all/system (any strategy takes the suffixes); repeat",
        collect,
      )
      .option('--k <n>', 'demonstrations per prompt')
      .option('--n <n>', 'responses per distribution')
      .option('--estimator <name>', 'sampled, tree or exact')
      .option('--max-tokens <n>', 'response limit in tokens')
      .option('--categories <list>', 'WVS categories to include, such as 1,2,3 (default: all but 4 and 8)')
      .option('--shuffle', 'shuffle the demonstrations')
      .option(
        '--fixed-per-probe <list>',
        `what stays the same for every draw of a probe instead of being drawn anew (the paper draws all anew): ${FIXABLE.join(', ')}`,
      )
      .option('--explanations', 'ask for explanations of the improved and worsened probes')
      .option(
        '--template <lang=file>',
        "a language's prompt template (a JSON file, such as a translation of the instruction); repeat per language",
        collect,
      )
      .option('--no-chat', 'send the plain-text prompt instead of chat messages')
      .option('--seed <n>', 'seed of every random choice')
      .option('--concurrency <n>', 'probes at once')
      .option('--gpu <backend>', `local models: ${GPU_CHOICES.join(', ')}`)
      .option(
        '--threads <n>',
        'local models: CPU threads (default: one fewer than the cores that do math, at most those idle when the model loads)',
      )
      .option('--name <text>', 'your name for the run (shown in every list; change it with `selfalign runs describe`)')
      .option('--notes <text>', 'your notes on the run')
      .option('--json', 'print the run id and summary as JSON'),
  ).action(async (options: RunOptions) => {
    const gpu = oneOf(options.gpu as string | undefined, '--gpu', GPU_CHOICES);
    const threads = wholeNumber(options.threads as string | undefined, '--threads', 1);
    const local = { ...(gpu ? { gpu } : {}), ...(threads ? { threads } : {}) };
    const config = options.resume
      ? undefined
      : options.config
        ? await readRunConfig(options.config as string)
        : await configFromFlags(options);
    await withEngine(options, async (client) => {
      const showProgress = process.stderr.isTTY && !options.json;
      const ended = new Map<string, JobEndedEvent>();
      const waiting = new Map<string, (event: JobEndedEvent) => void>();
      const stop = client.subscribe((event) => {
        if (event.type === 'progress' && event.kind === 'run' && showProgress)
          process.stderr.write(`\r${progressLine(event)}`);
        if (event.type === 'job-ended') {
          ended.set(event.jobId, event);
          waiting.get(event.jobId)?.(event);
        }
      });
      try {
        const { runId, jobId, warnings } = options.resume
          ? await client.runs.resume({ runId: options.resume as string, ...local })
          : await client.runs.start({
              config: config as Record<string, unknown>,
              ...local,
              ...(typeof options.name === 'string' ? { name: options.name } : {}),
              ...(typeof options.notes === 'string' ? { notes: options.notes } : {}),
            });
        if (!options.json) process.stderr.write(`Run ${runId} (resume with: selfalign run --resume ${runId})\n`);
        for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
        const end = await cancellableBySigint(
          () => void client.runs.cancel({ runId }),
          () =>
            new Promise<JobEndedEvent>((resolve) =>
              ended.has(jobId) ? resolve(ended.get(jobId)!) : waiting.set(jobId, resolve),
            ),
        );
        if (showProgress) process.stderr.write('\n');
        if (end.state !== 'finished') {
          const error = end.error ?? { kind: 'bug' as const, code: 'internal', message: 'the run stopped' };
          throw new WorkbenchFailure({
            ...error,
            message: `${error.message} (run ${runId}; continue it with: selfalign run --resume ${runId})`,
          });
        }
        const run = await client.runs.get({ runId });
        if (options.json)
          return printJson({
            runId,
            measurements: run.measurements,
            probes: run.probes,
            misaligned: run.misaligned,
            strategies: run.outcomes,
          });
        console.log(`Run ${runId} finished.`);
        printOutcomes(run.outcomes);
      } finally {
        stop();
      }
    });
  });

  const runs = program.command('runs').description('the runs in the database');
  addDbOption(
    runs.command('list').description('every run: status, configuration, when').option('--json', 'print JSON'),
  ).action(async (options: { json?: boolean; db?: string }) => {
    const rows = await withEngine(options, (client) => client.runs.list());
    if (options.json) return printJson(rows);
    if (rows.length === 0) return console.log('No runs yet. Start one with `selfalign run`.');
    printTable(rows, [
      { header: 'run', value: (r) => r.id },
      { header: 'name', value: (r) => r.name },
      { header: 'status', value: (r) => r.status },
      { header: 'models', value: (r) => r.models.join(' ') },
      { header: 'languages', value: (r) => r.languages.join(' ') },
      { header: 'protocol', value: (r) => r.protocol },
      { header: 'estimator', value: (r) => `${r.estimator}, n = ${r.n}` },
      { header: 'seed', value: (r) => r.seed, align: 'right' },
      { header: 'measurements', value: (r) => r.measurements, align: 'right' },
      { header: 'started', value: (r) => r.createdAt.slice(0, 19).replace('T', ' ') },
    ]);
  });

  addDbOption(
    runs
      .command('show <run-id>')
      .description('one run: configuration, models, status and outcome counts')
      .option('--json', 'print JSON'),
  ).action(async (runId: string, options: { json?: boolean; db?: string }) => {
    const run = await withEngine(options, (client) => client.runs.get({ runId }));
    if (options.json) return printJson(run);
    console.log(
      `Run ${run.id}${run.name ? ` "${run.name}"` : ''}: ${run.status}${run.error ? ` (${run.error})` : ''}; started ${run.createdAt}${run.finishedAt ? `, ended ${run.finishedAt}` : ''}; seed ${run.seed}.`,
    );
    if (run.notes) console.log(`Notes: ${run.notes}`);
    console.log(`Protocol: ${describeProtocol(run)}.`);
    console.log(
      `Measurements: ${run.measurements}; probes with a known target: ${run.probes}; misaligned: ${run.misaligned}.`,
    );
    printOutcomes(run.outcomes);
  });

  addDbOption(
    runs
      .command('describe <run-id>')
      .description('rename a run or rewrite its notes (what it measured is untouched)')
      .option('--name <text>', 'its new name')
      .option('--notes <text>', 'its new notes'),
  ).action(async (runId: string, options: { name?: string; notes?: string; db?: string }) => {
    const run = await withEngine(options, (client) =>
      client.runs.describe({
        runId,
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(options.notes !== undefined ? { notes: options.notes } : {}),
      }),
    );
    console.log(`Run ${run.id}: name "${run.name}"${run.notes ? `; notes: ${run.notes}` : ''}.`);
  });

  addDbOption(
    runs.command('delete <run-id>').description('delete a run with its measurements and explanations'),
  ).action(async (runId: string, options: { db?: string }) => {
    await withEngine(options, (client) => client.runs.delete({ runId }));
    console.log(`Deleted run ${runId}.`);
  });
}

function describeProtocol(run: CommandResult<'runs.get'>): string {
  const perDraw = (run.config.perDraw ?? {}) as Record<string, boolean>;
  const drawn = Object.entries(perDraw)
    .filter(([, anew]) => anew)
    .map(([what]) => what);
  const what = run.protocol === 'none' ? 'none (a run from before protocols: one prompt per probe)' : run.protocol;
  return `${what}; ${run.estimator} estimates of n = ${run.n} draws; drawn anew per draw: ${drawn.length ? drawn.join(', ') : 'nothing'}`;
}

function printOutcomes(rows: CommandResult<'runs.get'>['outcomes']): void {
  printTable(rows, [
    { header: 'model', value: (s) => s.model },
    { header: 'language', value: (s) => `${s.language}/${s.country}` },
    { header: 'condition', value: (s) => s.condition },
    { header: 'misaligned', value: (s) => s.misaligned, align: 'right' },
    { header: 'improved', value: (s) => s.improved, align: 'right' },
    { header: 'unchanged', value: (s) => s.unchanged, align: 'right' },
    { header: 'worsened', value: (s) => s.worsened, align: 'right' },
    // Answers that gave neither option: a mostly unreadable row says how the model handles the prompt, not its values.
    {
      header: 'unreadable',
      value: (s) =>
        `${s.invalidShare === null ? '—' : `${Math.round(s.invalidShare * 100)}%`}${s.mostlyUnreadable ? ' (no readable answer)' : ''}`,
    },
  ]);
}

/** `--fixed-per-probe` words and the `perDraw` field each one turns off. */
const FIXABLE = ['option-order', 'demonstration-order', 'random-demonstrations'] as const;
const PER_DRAW_FIELD = {
  'option-order': 'optionOrder',
  'demonstration-order': 'demonstrationOrder',
  'random-demonstrations': 'randomDemonstrations',
} as const;

function perDrawFromFlag(list: string): Record<string, boolean> {
  const perDraw: Record<string, boolean> = { optionOrder: true, demonstrationOrder: true, randomDemonstrations: true };
  for (const word of list
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean))
    perDraw[PER_DRAW_FIELD[oneOf(word, '--fixed-per-probe', FIXABLE)!]] = false;
  return perDraw;
}

async function configFromFlags(options: RunOptions): Promise<RunConfigInput> {
  const promptTemplates: Record<string, unknown> = {};
  for (const entry of (options.template as string[] | undefined) ?? []) {
    const [language, file] = entry.split(/=(.*)/s);
    if (!language || !file)
      throw new UserError('bad-option', `--template takes LANG=FILE, such as de=prompt-de.json; got "${entry}"`);
    promptTemplates[language] = await readPromptTemplate(file);
  }
  const number = (name: string) => (options[name] === undefined ? undefined : Number(options[name]));
  const languages = ((options.lang as string[] | undefined) ?? []).map((entry) => {
    const [language, country, probeSet] = entry.split(':');
    if (!country && !probeSet) return language!;
    return { language: language!, ...(country ? { country } : {}), ...(probeSet ? { probeSet } : {}) };
  });
  const input: Record<string, unknown> = {
    models: (options.model as string[] | undefined) ?? [],
    survey: options.survey,
    languages,
    ...(options.set ? { probeSet: options.set } : {}),
    ...(options.strategy ? { strategies: options.strategy } : {}),
    ...(options.control ? { controls: options.control } : {}),
    ...(options.k !== undefined ? { k: number('k') } : {}),
    ...(options.n !== undefined ? { n: number('n') } : {}),
    ...(options.estimator ? { estimator: options.estimator } : {}),
    ...(options.maxTokens !== undefined ? { maxTokens: number('maxTokens') } : {}),
    ...(options.categories ? { categories: String(options.categories).split(',').map(Number) } : {}),
    ...(options.protocol ? { protocol: options.protocol } : {}),
    ...(options.shuffle ? { shuffleDemonstrations: true } : {}),
    ...(options.chat === false ? { chat: false } : {}),
    ...(Object.keys(promptTemplates).length ? { promptTemplates } : {}),
    ...(options.fixedPerProbe ? { perDraw: perDrawFromFlag(String(options.fixedPerProbe)) } : {}),
    ...(options.explanations ? { explanations: { enabled: true } } : {}),
    ...(options.seed !== undefined ? { seed: number('seed') } : {}),
    ...(options.concurrency !== undefined ? { concurrency: number('concurrency') } : {}),
  };
  // Validated here too, so that a wrong flag is reported as the command line's before any model is opened.
  parseRunConfig(input, 'the command line');
  return input as RunConfigInput;
}

export function registerReportCommand(program: Command): void {
  addDbOption(
    program
      .command('report <run-id>')
      .description(
        "write a run's tables as CSV: one file per table of the paper, the probes, the explanations, and a manifest",
      )
      .requiredOption('--out <dir>', 'folder to write into')
      .option('--bom', 'start each CSV with a byte-order mark, so Excel opens non-Latin text correctly')
      .option('--seed <n>', 'seed of the bootstrap intervals', '0')
      .option(
        '--spss-names',
        'name the columns as SPSS, Stata and R take them unchanged (zero_shot_retest_alignment); codebook.csv describes them',
      )
      .option(
        '--charts',
        "also write the window's charts as SVG files into OUT/charts (the paper's figures, per model and language)",
      )
      .option('--json', 'print the files written as JSON'),
  ).action(
    async (
      runId: string,
      options: {
        out: string;
        bom?: boolean;
        seed: string;
        spssNames?: boolean;
        charts?: boolean;
        json?: boolean;
        db?: string;
      },
    ) => {
      const seed = wholeNumber(options.seed, '--seed')!;
      const report = await withEngine(options, async (client: WorkbenchClient) => {
        const written = await client.reports.export({
          runId,
          dir: path.resolve(options.out),
          bom: options.bom === true,
          seed,
          columnNames: options.spssNames ? 'spss' : 'workbench',
        });
        if (!options.charts) return written;
        return {
          ...written,
          files: [...written.files, ...(await writeChartFiles(client, runId, path.join(written.dir, 'charts'), seed))],
        };
      });
      if (options.json) return printJson(report.files);
      if (report.status !== 'finished')
        console.log(`Note: run ${runId} is ${report.status}; the report covers what it has measured.`);
      console.log(`Wrote ${report.files.length} files to ${report.dir}:`);
      for (const file of report.files) console.log(`  ${file.slice(report.dir.length + 1)}`);
    },
  );
}
