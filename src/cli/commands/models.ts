// `selfalign models add|list|remove|presets|inspect|download`, `selfalign tiny-model` and `selfalign sample`: the
// models our users run, and the distribution of one model's answers to one probe.

import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { GPU_CHOICES, MODEL_PRESETS, writeTinyModel } from '../../core/models/index.js';
import { ESTIMATORS } from '../../core/sampling/index.js';
import type { CommandResult, RegisteredModel, Sampling } from '../../shared/contract.js';
import type { z } from 'zod';
import { addDbOption, cancellableBySigint, numberIn, oneOf, wholeNumber, withEngine } from '../context.js';
import { printJson, printTable, progressLine } from '../output.js';
import { selectionParams, withSelectionOptions, type SelectionCliOptions } from './survey.js';

type Record_ = z.output<typeof RegisteredModel>;
type SamplingSettings = z.output<typeof Sampling>;

interface SamplingOptions {
  preset?: string;
  temperature?: string;
  topK?: string;
  topP?: string;
  minP?: string;
}

function withSamplingOptions(command: Command): Command {
  return command
    .option('--preset <name>', `the paper's settings for a model: ${MODEL_PRESETS.map((p) => p.name).join(', ')}`)
    .option('--temperature <x>', 'sampling temperature (overrides the preset)')
    .option('--top-k <n>', 'top-k (0 for none)')
    .option('--top-p <x>', 'top-p (1 for none)')
    .option('--min-p <x>', 'min-p (0 for none)');
}

function samplingChoice(options: SamplingOptions) {
  const sampling = {
    ...(options.temperature !== undefined
      ? { temperature: numberIn(options.temperature, '--temperature', 0, 10)! }
      : {}),
    ...(options.topK !== undefined ? { topK: wholeNumber(options.topK, '--top-k')! } : {}),
    ...(options.topP !== undefined ? { topP: numberIn(options.topP, '--top-p', 0, 1)! } : {}),
    ...(options.minP !== undefined ? { minP: numberIn(options.minP, '--min-p', 0, 1)! } : {}),
  };
  return {
    ...(options.preset ? { preset: options.preset } : {}),
    ...(Object.keys(sampling).length ? { sampling } : {}),
  };
}

function describeSampling(s: SamplingSettings): string {
  return [
    `temperature ${s.temperature}`,
    s.topK !== undefined ? `top-k ${s.topK}` : '',
    s.topP !== undefined ? `top-p ${s.topP}` : '',
    s.minP !== undefined ? `min-p ${s.minP}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

export function registerModelCommands(program: Command): void {
  const models = program
    .command('models')
    .description('register the models to measure: local GGUF files, OpenAI-compatible servers, Gemini');
  const add = models.command('add').description('register a model');

  addDbOption(
    withSamplingOptions(
      add
        .command('gguf <path>')
        .description('a local GGUF model file')
        .option('--name <name>', 'name in the workbench (default: the file name)')
        .option('--json', 'print JSON'),
    ),
  ).action(async (file: string, options: SamplingOptions & { name?: string; json?: boolean; db?: string }) => {
    const showProgress = process.stderr.isTTY && !options.json;
    const record = await withEngine(options, (client) => {
      const stop = showProgress
        ? client.subscribe(
            (e) =>
              e.type === 'progress' &&
              e.kind === 'model-inspect' &&
              process.stderr.write(`\rhashing ${((100 * e.done) / Math.max(1, e.total)).toFixed(0)}%`),
          )
        : () => undefined;
      return client.models
        .addGguf({
          path: path.resolve(file),
          ...(options.name ? { name: options.name } : {}),
          ...samplingChoice(options),
        })
        .finally(() => {
          stop();
          if (showProgress) process.stderr.write('\n');
        });
    });
    printRecord(record, options.json);
  });

  addDbOption(
    withSamplingOptions(
      add
        .command('openai')
        .description('a model behind one or more OpenAI-compatible servers (OpenAI, vLLM, llama.cpp server, Ollama)')
        .requiredOption('--model <id>', "the server's model id")
        .requiredOption(
          '--base-url <url>',
          'a server, up to /v1; repeat for several (requests are spread over them)',
          (url: string, all: string[] = []) => [...all, url],
        )
        .option('--api-key-env <variable>', 'environment variable that holds the API key')
        .option('--keychain-account <account>', 'OS keychain account that holds the API key')
        .option(
          '--concurrency-per-server <n>',
          'requests at once on each server (default 4; vLLM takes many, a llama.cpp server its --parallel)',
        )
        .option('--name <name>', 'name in the workbench (default: the model id)')
        .option('--json', 'print JSON'),
    ),
  ).action(
    async (
      options: SamplingOptions & {
        model: string;
        baseUrl: string[];
        apiKeyEnv?: string;
        keychainAccount?: string;
        concurrencyPerServer?: string;
        name?: string;
        json?: boolean;
        db?: string;
      },
    ) => {
      const concurrencyPerServer = wholeNumber(options.concurrencyPerServer, '--concurrency-per-server', 1);
      const record = await withEngine(options, (client) =>
        client.models.addOpenAI({
          model: options.model,
          baseUrls: options.baseUrl,
          ...(options.apiKeyEnv ? { apiKeyEnv: options.apiKeyEnv } : {}),
          ...(options.keychainAccount ? { keychainAccount: options.keychainAccount } : {}),
          ...(concurrencyPerServer ? { concurrencyPerServer } : {}),
          ...(options.name ? { name: options.name } : {}),
          ...samplingChoice(options),
        }),
      );
      printRecord(record, options.json);
    },
  );

  addDbOption(
    withSamplingOptions(
      add
        .command('gemini')
        .description('a Gemini model')
        .requiredOption('--model <id>', "Gemini's model id, such as gemini-1.5-pro")
        .option('--api-key-env <variable>', 'environment variable that holds the API key', 'GEMINI_API_KEY')
        .option('--keychain-account <account>', 'OS keychain account that holds the API key')
        .option('--base-url <url>', "another endpoint than Google's")
        .option('--concurrency-per-server <n>', 'requests at once (default 4)')
        .option('--name <name>', 'name in the workbench (default: the model id)')
        .option('--json', 'print JSON'),
    ),
  ).action(
    async (
      options: SamplingOptions & {
        model: string;
        apiKeyEnv: string;
        keychainAccount?: string;
        baseUrl?: string;
        concurrencyPerServer?: string;
        name?: string;
        json?: boolean;
        db?: string;
      },
    ) => {
      const concurrencyPerServer = wholeNumber(options.concurrencyPerServer, '--concurrency-per-server', 1);
      const record = await withEngine(options, (client) =>
        client.models.addGemini({
          model: options.model,
          apiKeyEnv: options.apiKeyEnv,
          ...(options.keychainAccount ? { keychainAccount: options.keychainAccount } : {}),
          ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
          ...(concurrencyPerServer ? { concurrencyPerServer } : {}),
          ...(options.name ? { name: options.name } : {}),
          ...samplingChoice(options),
        }),
      );
      printRecord(record, options.json);
    },
  );

  models
    .command('download <uri>')
    .description(
      'download a GGUF file: hf:user/repo:Q4_K_M, hf:user/repo/file.gguf, or an http(s) URL; a partial download resumes',
    )
    .option('--dir <dir>', "where to save it (default: the workbench's models folder)")
    .option('--json', 'print JSON')
    .action(async (uri: string, options: { dir?: string; json?: boolean }) => {
      const showProgress = process.stderr.isTTY && !options.json;
      // A download needs no database; the engine opens it only when a command touches it.
      const result = await withEngine({ db: ':memory:' }, (client) => {
        let jobId: string | undefined;
        const stop = client.subscribe((e) => {
          if (e.type !== 'progress' || e.kind !== 'download') return;
          jobId = e.jobId;
          if (showProgress)
            process.stderr.write(
              `\r${((100 * e.done) / Math.max(1, e.total)).toFixed(1)}%  ${progressLine(e, 'bytes')}`,
            );
        });
        const cancel = () => jobId && void client.jobs.cancel({ jobId });
        return cancellableBySigint(cancel, () =>
          client.models.download({ uri, ...(options.dir ? { dir: path.resolve(options.dir) } : {}) }),
        ).finally(() => {
          stop();
          if (showProgress) process.stderr.write('\n');
        });
      }).catch((error: unknown) => {
        if (error instanceof Error && 'kind' in error && error.kind === 'cancelled')
          throw new UserError('cancelled', 'the download was cancelled; run the same command again to resume it');
        throw error;
      });
      if (options.json) return printJson(result);
      console.log(
        `Saved ${result.path} (${result.bytes} bytes, sha256 ${result.sha256}). Register it with: selfalign models add gguf "${result.path}"`,
      );
    });

  addDbOption(models.command('list').description('the registered models').option('--json', 'print JSON')).action(
    async (options: { json?: boolean; db?: string }) => {
      const records = await withEngine(options, (client) => client.models.list());
      if (options.json) return printJson(records);
      if (records.length === 0)
        return console.log('No models yet. Add one with `selfalign models add gguf FILE` (or openai, gemini).');
      printTable(records, [
        { header: 'name', value: (m) => m.name },
        { header: 'kind', value: (m) => m.kind },
        {
          header: 'where',
          value: (m) =>
            m.kind === 'gguf'
              ? m.path
              : `${m.remoteModel} @ ${m.baseUrls?.join(' ') ?? 'Google'}${m.concurrencyPerServer ? ` (${m.concurrencyPerServer} at once each)` : ''}`,
        },
        { header: 'sampling', value: (m) => describeSampling(m.sampling) },
        {
          header: 'about',
          value: (m) =>
            m.kind === 'gguf' && m.info
              ? `${m.info.architecture}, ${formatCount(m.info.parameterCount)} parameters, ${m.info.quantisation}`
              : '',
        },
      ]);
    },
  );

  addDbOption(models.command('remove <name>').description('forget a registered model (its file stays)')).action(
    async (name: string, options: { db?: string }) => {
      await withEngine(options, (client) => client.models.remove({ name }));
      console.log(`Removed model "${name}".`);
    },
  );

  addDbOption(
    models
      .command('inspect <file-or-model>')
      .description(
        "a GGUF file's header, and whether it fits this machine's GPU (layers that would be offloaded, memory)",
      )
      .option('--gpu <backend>', `${GPU_CHOICES.join(', ')}`, 'auto')
      .option('--context-size <n>', 'the context to plan for (default: what fits)')
      .option('--json', 'print JSON'),
  ).action(async (target: string, options: { gpu: string; contextSize?: string; json?: boolean; db?: string }) => {
    const gpu = oneOf(options.gpu, '--gpu', GPU_CHOICES)!;
    const contextSize = wholeNumber(options.contextSize, '--context-size', 1);
    const isFile = /\.gguf$/i.test(target) || target.includes(path.sep);
    const result = await withEngine(options, (client) =>
      client.models.inspect({
        ...(isFile ? { path: path.resolve(target) } : { model: target }),
        gpu,
        ...(contextSize ? { contextSize } : {}),
      }),
    );
    if (options.json) return printJson(result);
    const i = result.info;
    const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
    console.log(
      `${result.path}: ${i.architecture}, ${formatCount(i.parameterCount)} parameters, ${i.quantisation}, ${result.layers ?? '?'} layers, context ${i.contextLength ?? '?'}, ${gb(i.fileSize)}.`,
    );
    const m = result.machine;
    console.log(
      `This machine: ${m.backend}${m.devices.length ? ` (${m.devices.join(', ')})` : ''}, GPU memory ${gb(m.gpuFreeBytes)} free of ${gb(m.gpuMemoryBytes)}, RAM ${gb(m.ramFreeBytes)} free of ${gb(m.ramBytes)}.`,
    );
    console.log(
      `Fit: ${result.fit.note}; about ${gb(result.fit.estimatedGpuBytes)} on the GPU and ${gb(result.fit.estimatedRamBytes)} in RAM${result.fit.contextSize ? ` with a context of ${result.fit.contextSize}` : ''}.`,
    );
  });

  models
    .command('presets')
    .description("the paper's models and their sampling settings")
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      if (options.json) return printJson(MODEL_PRESETS);
      printTable(MODEL_PRESETS, [
        { header: 'preset', value: (p) => p.name },
        { header: 'kinds', value: (p) => p.kinds.join(' ') },
        { header: 'sampling', value: (p) => describeSampling(p.sampling) },
        { header: 'source', value: (p) => p.note },
      ]);
    });

  program
    .command('tiny-model <out>')
    .description("write the project's tiny GGUF test model (a 2-layer llama that answers cloze prompts)")
    .option('--seed <n>', 'seed of its weights', '1')
    .option(
      '--sharpness <x>',
      'how peaked its next-token distributions are (7 is like an instruction-tuned model)',
      '7',
    )
    .option('--json', 'print JSON')
    .action(async (out: string, options: { seed: string; sharpness: string; json?: boolean }) => {
      const seed = Number(options.seed);
      const sharpness = Number(options.sharpness);
      if (!Number.isInteger(seed))
        throw new UserError('bad-option', `--seed must be a whole number, got "${options.seed}"`);
      if (!Number.isFinite(sharpness) || sharpness < 0)
        throw new UserError('bad-option', `--sharpness must be a number ≥ 0, got "${options.sharpness}"`);
      const info = await writeTinyModel(path.resolve(out), { seed, sharpness });
      if (options.json) return printJson(info);
      console.log(
        `Wrote ${info.path}: ${formatCount(info.parameterCount)} parameters, ${info.vocabularySize} tokens, ${info.fileSize} bytes, sha256 ${info.sha256}.`,
      );
    });

  addDbOption(
    withSelectionOptions(program.command('sample').description("a model's distribution of answers to one probe"))
      .requiredOption('--model <name>', 'registered model')
      .option('--strategy <name>', 'selection strategy for demonstrations; zero-shot without it')
      .option('--n <n>', 'responses (sampled and tree)', '100')
      .option('--mode <estimator>', `${ESTIMATORS.join(', ')}`, 'sampled')
      .option('--max-tokens <n>', 'response limit in tokens', '16')
      .option('--error-bound <x>', 'exact: the most probability left unresolved', '0.001')
      .option('--plain', 'send the plain-text prompt instead of chat messages')
      .option('--gpu <backend>', `local models: ${GPU_CHOICES.join(', ')}`, 'auto')
      .option('--gpu-layers <n>', 'local models: layers on the GPU (default: all that fit)')
      .option(
        '--threads <n>',
        'local models: CPU threads (default: one fewer than the cores that do math, at most those idle when the model loads)',
      )
      .option('--json', 'print JSON'),
  ).action(
    async (
      options: SelectionCliOptions & {
        model: string;
        n: string;
        mode: string;
        maxTokens: string;
        errorBound: string;
        plain?: boolean;
        gpu: string;
        gpuLayers?: string;
        threads?: string;
        json?: boolean;
      },
    ) => {
      const mode = oneOf(options.mode, '--mode', ESTIMATORS)!;
      const gpu = oneOf(options.gpu, '--gpu', GPU_CHOICES)!;
      const errorBound = Number(options.errorBound);
      if (!(errorBound > 0 && errorBound < 1))
        throw new UserError('bad-option', `--error-bound must be between 0 and 1, got "${options.errorBound}"`);
      const gpuLayers = wholeNumber(options.gpuLayers, '--gpu-layers', 1);
      const threads = wholeNumber(options.threads, '--threads', 1);
      const result = await withEngine(options, (client) =>
        client.models.sample({
          ...selectionParams(options),
          model: options.model,
          n: wholeNumber(options.n, '--n', 1)!,
          mode,
          maxTokens: wholeNumber(options.maxTokens, '--max-tokens', 1)!,
          errorBound,
          chat: !options.plain,
          gpu,
          ...(gpuLayers !== undefined ? { gpuLayers } : {}),
          ...(threads !== undefined ? { threads } : {}),
        }),
      );
      for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
      if (options.json) return printJson(result);
      printSample(result);
    },
  );
}

function printSample(result: CommandResult<'models.sample'>): void {
  const d = result.distribution;
  console.log(
    `${result.model} on ${result.probe} (${result.strategy}), ${d.estimator}${d.n ? `, N = ${d.n}` : ''}, ${describeSampling(result.sampling)}`,
  );
  const b = result.backend;
  if (b)
    console.log(
      `Backend: ${b.backend}${b.devices.length ? ` (${b.devices.join(', ')})` : ''}, ${b.gpuLayers} of ${b.totalLayers} layers on the GPU, ${b.threads} CPU thread${b.threads === 1 ? '' : 's'}.`,
    );
  const share = (x: number) => (d.estimator === 'exact' ? x.toFixed(4) : `${(100 * x).toFixed(1)}%`);
  const options = result.options;
  console.log(
    `option 1 "${options[0]}": ${share(d.option1)}   option 2 "${options[1]}": ${share(d.option2)}   invalid: ${share(d.invalid)}`,
  );
  if (d.estimator === 'exact') console.log(`error bound (unresolved probability): ${d.errorBound.toExponential(2)}`);
  const inLlama = d.llamaMs !== undefined ? `, ${d.llamaMs.toFixed(0)} ms of it inside llama.cpp` : '';
  console.log(
    `Token evaluations after the prompt: ${d.tokenEvaluations} (prompt: ${d.promptTokens} tokens), ${d.wallMs.toFixed(0)} ms${inLlama}.`,
  );
  printTable(d.responses.slice(0, 15), [
    {
      header: d.estimator === 'exact' ? 'probability' : 'count',
      value: (r) => (d.estimator === 'exact' ? r.weight.toFixed(4) : r.weight),
      align: 'right',
    },
    { header: 'answer', value: (r) => String(r.answer) },
    { header: 'response', value: (r) => JSON.stringify(r.text) },
  ]);
}

function formatCount(n: number): string {
  return n >= 1e9
    ? `${(n / 1e9).toFixed(1)}B`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)}M`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(0)}k`
        : String(n);
}

function printRecord(record: Record_, json: boolean | undefined): void {
  if (json) return printJson(record);
  console.log(
    `Registered model "${record.name}" (${record.kind}), sampling: ${describeSampling(record.sampling)}${record.preset ? ` (preset ${record.preset})` : ''}.`,
  );
  if (record.kind === 'gguf' && record.info) {
    const i = record.info;
    console.log(
      `${i.architecture}, ${formatCount(i.parameterCount)} parameters, ${i.quantisation}, context ${i.contextLength ?? '?'}, ${i.chatTemplate ? 'chat template in the file' : 'no chat template'}, sha256 ${i.sha256}.`,
    );
  }
}
