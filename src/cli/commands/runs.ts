// `selfalign run` (start a self-alignment run from a JSON configuration or flags, or resume one) and
// `selfalign runs list|show`.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { probeRecords, readRunConfig, parseRunConfig, type RunConfigInput, type RunProgress } from '../../core/experiment/index.js';
import { getRun, listRuns, loadExplanations, loadMeasurements, resumeRun, startRun, type RunRow } from '../../core/store/index.js';
import { formatCsv, outcomeTable, perProbeRows, resultsTables, writeCsvReport, type OutcomeRow } from '../../core/report/index.js';
import { addDbOption, withDatabase } from '../context.js';
import { printJson, printTable } from '../output.js';
import { defaultDatabasePath, openDatabase } from '../../core/store/index.js';
import type { GpuChoice } from '../../core/models/index.js';

const collect = (value: string, all: string[] = []) => [...all, value];

export function registerRunCommands(program: Command): void {
  addDbOption(
    program
      .command('run')
      .description('run the self-alignment experiment: zero-shot, misaligned probes, self-alignment per strategy, explanations')
      .option('--config <file>', 'a JSON run configuration (flags below override nothing in it)')
      .option('--resume <run-id>', 'continue a run that stopped (killed, cancelled, failed) to the same results')
      .option('--model <name>', 'registered model; repeat for several', collect)
      .option('--survey <name>', 'survey import that gives the target answers')
      .option('--lang <code[:ISO3[:SET]]>', "language, optionally with its country (default: the paper's) and probe set; repeat", collect)
      .option('--set <name>', 'probe set (default: builtin)')
      .option('--strategy <name>', 'selection strategy; repeat (default: all four)', collect)
      .option('--k <n>', 'demonstrations per prompt')
      .option('--n <n>', 'responses per distribution')
      .option('--estimator <name>', 'sampled, tree or exact')
      .option('--max-tokens <n>', 'response limit in tokens')
      .option('--categories <list>', 'WVS categories to include, such as 1,2,3 (default: all but 4 and 8)')
      .option('--shuffle', 'shuffle the demonstrations')
      .option('--explanations', 'ask for explanations of the improved and worsened probes')
      .option('--seed <n>', 'seed of every random choice')
      .option('--concurrency <n>', 'probes at once')
      .option('--gpu <backend>', 'local models: auto, cuda, vulkan, metal or cpu')
      .option('--threads <n>', 'local models: CPU threads')
      .option('--json', 'print the run id and summary as JSON'),
  ).action(async (options: Record<string, string | string[] | boolean | undefined> & { db?: string }) => {
    const db = openDatabase((options.db as string | undefined) ?? defaultDatabasePath());
    const controller = new AbortController();
    const cancel = () => controller.abort(new UserError('cancelled', 'the run was cancelled; what was measured is kept'));
    process.once('SIGINT', cancel);
    const showProgress = process.stderr.isTTY && !options.json;
    let runId = '';
    const runOptions = {
      signal: controller.signal,
      open: {
        ...(options.gpu ? { gpu: options.gpu as GpuChoice } : {}),
        ...(options.threads ? { threads: Number(options.threads) } : {}),
      },
      onStarted: (id: string) => {
        runId = id;
        if (!options.json) process.stderr.write(`Run ${id} (resume with: selfalign run --resume ${id})\n`);
      },
      ...(showProgress ? { onProgress: (p: RunProgress) => process.stderr.write(`\r${progressBar(p)}`) } : {}),
    };
    try {
      if (options.resume) await resumeRun(db, options.resume as string, runOptions);
      else await startRun(db, options.config ? await readRunConfig(options.config as string) : configFromFlags(options), runOptions);
      if (showProgress) process.stderr.write('\n');
      const summary = summarise(db, runId);
      if (options.json) return printJson({ runId, ...summary });
      console.log(`Run ${runId} finished.`);
      printOutcomes(summary.strategies);
    } catch (error) {
      if (showProgress) process.stderr.write('\n');
      if (runId && error instanceof UserError) throw new UserError(error.code, `${error.message} (run ${runId}; continue it with: selfalign run --resume ${runId})`, error.where);
      throw error;
    } finally {
      process.off('SIGINT', cancel);
      db.close();
    }
  });

  const runs = program.command('runs').description('the runs in the database');
  addDbOption(runs.command('list').description('every run: status, configuration, when').option('--json', 'print JSON')).action((options: { json?: boolean; db?: string }) => {
    const rows = withDatabase(options, (db) => listRuns(db).map((r) => ({ ...overview(r), measurements: loadMeasurements(db, r.id).length })));
    if (options.json) return printJson(rows);
    if (rows.length === 0) return console.log('No runs yet. Start one with `selfalign run`.');
    printTable(rows, [
      { header: 'run', value: (r) => r.id },
      { header: 'status', value: (r) => r.status },
      { header: 'models', value: (r) => r.models.join(' ') },
      { header: 'languages', value: (r) => r.languages.join(' ') },
      { header: 'estimator', value: (r) => r.estimator },
      { header: 'measurements', value: (r) => r.measurements, align: 'right' },
      { header: 'started', value: (r) => r.createdAt.slice(0, 19).replace('T', ' ') },
    ]);
  });

  addDbOption(runs.command('show <run-id>').description('one run: configuration, models, status and outcome counts').option('--json', 'print JSON')).action((runId: string, options: { json?: boolean; db?: string }) => {
    const { run, summary } = withDatabase(options, (db) => ({ run: getRun(db, runId), summary: summarise(db, runId) }));
    const shown = { ...overview(run), config: JSON.parse(run.configJson) as unknown, models: JSON.parse(run.modelsJson) as unknown, error: run.error, finishedAt: run.finishedAt, workbenchVersion: run.workbenchVersion, configHash: run.configHash, ...summary };
    if (options.json) return printJson(shown);
    console.log(`Run ${run.id}: ${run.status}${run.error ? ` (${run.error})` : ''}; started ${run.createdAt}${run.finishedAt ? `, ended ${run.finishedAt}` : ''}.`);
    console.log(`Measurements: ${summary.measurements}; probes with a known target: ${summary.probes}; misaligned: ${summary.misaligned}.`);
    printOutcomes(summary.strategies);
  });
}

function overview(run: RunRow) {
  const config = JSON.parse(run.configJson) as { models: string[]; languages: { language: string; country: string }[]; estimator: string };
  return { id: run.id, status: run.status, createdAt: run.createdAt, models: config.models, languages: config.languages.map((l) => `${l.language}/${l.country}`), estimator: config.estimator };
}

/** Counts for the terminal; the outcome rows are the report's Table 1, so the two never disagree. */
function summarise(db: ReturnType<typeof openDatabase>, runId: string) {
  const run = getRun(db, runId);
  const config = JSON.parse(run.configJson) as { misalignmentThreshold: number };
  const measurements = loadMeasurements(db, runId);
  const records = probeRecords(measurements, config.misalignmentThreshold);
  return { measurements: measurements.length, probes: records.length, misaligned: records.filter((r) => r.misaligned).length, strategies: outcomeTable(records) };
}

function printOutcomes(rows: readonly OutcomeRow[]): void {
  printTable(rows, [
    { header: 'model', value: (s) => s.model },
    { header: 'language', value: (s) => `${s.language}/${s.country}` },
    { header: 'strategy', value: (s) => s.strategy },
    { header: 'misaligned', value: (s) => s.misaligned, align: 'right' },
    { header: 'improved', value: (s) => s.improvedCount, align: 'right' },
    { header: 'unchanged', value: (s) => s.unchangedCount, align: 'right' },
    { header: 'worsened', value: (s) => s.worsenedCount, align: 'right' },
  ]);
}

function progressBar(p: RunProgress): string {
  const width = 30;
  const filled = p.total > 0 ? Math.round((width * p.done) / p.total) : width;
  const eta = Number.isFinite(p.etaSeconds) ? `${p.etaSeconds.toFixed(0)} s` : '?';
  return `${p.phase.padEnd(12)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}  ${p.rate.toFixed(1)}/s  ETA ${eta}   `;
}

function configFromFlags(options: Record<string, string | string[] | boolean | undefined>): RunConfigInput {
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
    ...(options.k !== undefined ? { k: number('k') } : {}),
    ...(options.n !== undefined ? { n: number('n') } : {}),
    ...(options.estimator ? { estimator: options.estimator } : {}),
    ...(options.maxTokens !== undefined ? { maxTokens: number('maxTokens') } : {}),
    ...(options.categories ? { categories: String(options.categories).split(',').map(Number) } : {}),
    ...(options.shuffle ? { shuffleDemonstrations: true } : {}),
    ...(options.explanations ? { explanations: { enabled: true } } : {}),
    ...(options.seed !== undefined ? { seed: number('seed') } : {}),
    ...(options.concurrency !== undefined ? { concurrency: number('concurrency') } : {}),
  };
  // Validated here too, so that a wrong flag is reported before any model is opened.
  parseRunConfig(input, 'the command line');
  return input as RunConfigInput;
}

const EXPLANATION_COLUMNS = ['model', 'language', 'country', 'probeId', 'condition', 'ordinal', 'answer', 'response'] as const;

export function registerReportCommand(program: Command): void {
  addDbOption(
    program
      .command('report <run-id>')
      .description("write a run's tables as CSV: one file per table of the paper, the probes, the explanations, and a manifest")
      .requiredOption('--out <dir>', 'folder to write into')
      .option('--bom', 'start each CSV with a byte-order mark, so Excel opens non-Latin text correctly')
      .option('--seed <n>', 'seed of the bootstrap intervals', '0')
      .option('--json', 'print the files written as JSON'),
  ).action(async (runId: string, options: { out: string; bom?: boolean; seed: string; json?: boolean; db?: string }) => {
    const seed = Number(options.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UserError('bad-option', `--seed must be a whole number, got "${options.seed}"`);
    const { run, records, explanations, measurements } = withDatabase(options, (db) => {
      const run = getRun(db, runId);
      const config = JSON.parse(run.configJson) as { misalignmentThreshold: number };
      const measurements = loadMeasurements(db, runId);
      return { run, measurements: measurements.length, records: probeRecords(measurements, config.misalignmentThreshold), explanations: loadExplanations(db, runId) };
    });
    const out = path.resolve(options.out);
    const bom = options.bom === true;
    const files = await writeCsvReport(out, { ...resultsTables(records, { seed }), probes: perProbeRows(records) }, { bom });
    await writeFile(path.join(out, 'explanations.csv'), formatCsv([...EXPLANATION_COLUMNS], explanations, { bom }));
    const manifest = {
      run: run.id,
      status: run.status,
      configuration: JSON.parse(run.configJson) as unknown,
      configurationHash: run.configHash,
      models: JSON.parse(run.modelsJson) as unknown,
      workbenchVersion: run.workbenchVersion,
      startedAt: run.createdAt,
      finishedAt: run.finishedAt,
      measurements,
      reportSeed: seed,
      writtenAt: new Date().toISOString(),
    };
    await writeFile(path.join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const written = [...files, path.join(out, 'explanations.csv'), path.join(out, 'manifest.json')];
    if (options.json) return printJson(written);
    if (run.status !== 'finished') console.log(`Note: run ${run.id} is ${run.status}; the report covers what it has measured.`);
    console.log(`Wrote ${written.length} files to ${out}:`);
    for (const file of written) console.log(`  ${path.basename(file)}`);
  });
}
