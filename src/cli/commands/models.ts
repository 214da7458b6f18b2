// `selfalign models add|list|remove|presets`, `selfalign tiny-model` and `selfalign sample`: the models our users
// run, and the distribution of one model's answers to one probe.

import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../core/errors.js';
import { MODEL_PRESETS, findPreset, inspectGguf, openModel, writeTinyModel, LocalModel, type ModelKind, type ModelRecord, type SamplingSettings, GPU_CHOICES, type GpuChoice } from '../../core/models/index.js';
import { buildPrompt } from '../../core/prompt/index.js';
import { ESTIMATORS, estimateDistribution, type Estimator } from '../../core/sampling/index.js';
import { downloadModel } from '../../core/models/model-download.js';
import { appDataFolder, getModel, listModels, removeModel, saveModel } from '../../core/store/index.js';
import { addDbOption, withDatabase } from '../context.js';
import { printJson, printTable } from '../output.js';
import { selectDemonstrations, withSelectionOptions, type SelectionCliOptions } from '../selection.js';

/** llama.cpp's own defaults, for a GGUF model added without a preset. */
const LLAMA_CPP_DEFAULTS: SamplingSettings = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05 };
/** The APIs' defaults (OpenAI, Gemini), for an API model added without a preset. */
const API_DEFAULTS: SamplingSettings = { temperature: 1.0, topP: 1.0 };

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

function samplingOf(kind: ModelKind, options: SamplingOptions): { sampling: SamplingSettings; preset?: string } {
  let sampling = kind === 'gguf' ? LLAMA_CPP_DEFAULTS : API_DEFAULTS;
  let preset: string | undefined;
  if (options.preset) {
    const found = findPreset(options.preset);
    if (!found) throw new UserError('unknown-preset', `there is no preset "${options.preset}" (known: ${MODEL_PRESETS.map((p) => p.name).join(', ')})`);
    if (!found.kinds.includes(kind)) throw new UserError('bad-preset', `the preset "${found.name}" is for ${found.kinds.join(' or ')} models, not ${kind}`);
    sampling = found.sampling;
    preset = found.name;
  }
  const number = (text: string | undefined, option: string, min: number, max: number): number | undefined => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < min || value > max) throw new UserError('bad-option', `${option} must be a number from ${min} to ${max}, got "${text}"`);
    return value;
  };
  const overrides: Partial<SamplingSettings> = {};
  const temperature = number(options.temperature, '--temperature', 0, 10);
  const topK = number(options.topK, '--top-k', 0, 1_000_000);
  const topP = number(options.topP, '--top-p', 0, 1);
  const minP = number(options.minP, '--min-p', 0, 1);
  if (temperature !== undefined) overrides.temperature = temperature;
  if (topK !== undefined) overrides.topK = topK;
  if (topP !== undefined) overrides.topP = topP;
  if (minP !== undefined) overrides.minP = minP;
  return { sampling: { ...sampling, ...overrides }, ...(preset ? { preset } : {}) };
}

function describeSampling(s: SamplingSettings): string {
  return [`temperature ${s.temperature}`, s.topK !== undefined ? `top-k ${s.topK}` : '', s.topP !== undefined ? `top-p ${s.topP}` : '', s.minP !== undefined ? `min-p ${s.minP}` : '']
    .filter(Boolean)
    .join(', ');
}

function checkUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
    return url.replace(/\/+$/, '');
  } catch {
    throw new UserError('bad-url', `"${url}" is not an http(s) URL such as http://127.0.0.1:8000/v1`);
  }
}

export function registerModelCommands(program: Command): void {
  const models = program.command('models').description('register the models to measure: local GGUF files, OpenAI-compatible servers, Gemini');
  const add = models.command('add').description('register a model');

  addDbOption(
    withSamplingOptions(add.command('gguf <path>').description('a local GGUF model file').option('--name <name>', 'name in the workbench (default: the file name)').option('--json', 'print JSON')),
  ).action(async (file: string, options: SamplingOptions & { name?: string; json?: boolean; db?: string }) => {
    const absolute = path.resolve(file);
    const showProgress = process.stderr.isTTY && !options.json;
    const info = await inspectGguf(absolute, showProgress ? { onHashProgress: (done, total) => process.stderr.write(`\rhashing ${((100 * done) / total).toFixed(0)}%`) } : {});
    if (showProgress) process.stderr.write('\n');
    const name = options.name ?? path.basename(absolute).replace(/\.gguf$/i, '');
    const record = withDatabase(options, (db) => saveModel(db, { name, kind: 'gguf', path: absolute, ...samplingOf('gguf', options), info }));
    printRecord(record, options.json);
  });

  addDbOption(
    withSamplingOptions(
      add
        .command('openai')
        .description('a model behind one or more OpenAI-compatible servers (OpenAI, vLLM, llama.cpp server, Ollama)')
        .requiredOption('--model <id>', "the server's model id")
        .requiredOption('--base-url <url>', 'a server, up to /v1; repeat for several (requests are spread over them)', (url: string, all: string[] = []) => [...all, url])
        .option('--api-key-env <variable>', 'environment variable that holds the API key')
        .option('--keychain-account <account>', 'OS keychain account that holds the API key')
        .option('--name <name>', 'name in the workbench (default: the model id)')
        .option('--json', 'print JSON'),
    ),
  ).action((options: SamplingOptions & { model: string; baseUrl: string[]; apiKeyEnv?: string; keychainAccount?: string; name?: string; json?: boolean; db?: string }) => {
    const record = withDatabase(options, (db) =>
      saveModel(db, {
        name: options.name ?? options.model,
        kind: 'openai',
        baseUrls: options.baseUrl.map(checkUrl),
        remoteModel: options.model,
        ...samplingOf('openai', options),
        ...(options.apiKeyEnv ? { apiKeyEnv: options.apiKeyEnv } : {}),
        ...(options.keychainAccount ? { keychainAccount: options.keychainAccount } : {}),
      }),
    );
    printRecord(record, options.json);
  });

  addDbOption(
    withSamplingOptions(
      add
        .command('gemini')
        .description('a Gemini model')
        .requiredOption('--model <id>', "Gemini's model id, such as gemini-1.5-pro")
        .option('--api-key-env <variable>', 'environment variable that holds the API key', 'GEMINI_API_KEY')
        .option('--keychain-account <account>', 'OS keychain account that holds the API key')
        .option('--base-url <url>', "another endpoint than Google's")
        .option('--name <name>', 'name in the workbench (default: the model id)')
        .option('--json', 'print JSON'),
    ),
  ).action((options: SamplingOptions & { model: string; apiKeyEnv?: string; keychainAccount?: string; baseUrl?: string; name?: string; json?: boolean; db?: string }) => {
    const record = withDatabase(options, (db) =>
      saveModel(db, {
        name: options.name ?? options.model,
        kind: 'gemini',
        ...(options.baseUrl ? { baseUrls: [checkUrl(options.baseUrl)] } : {}),
        remoteModel: options.model,
        ...samplingOf('gemini', options),
        ...(options.apiKeyEnv ? { apiKeyEnv: options.apiKeyEnv } : {}),
        ...(options.keychainAccount ? { keychainAccount: options.keychainAccount } : {}),
      }),
    );
    printRecord(record, options.json);
  });

  models
    .command('download <uri>')
    .description('download a GGUF file: hf:user/repo:Q4_K_M, hf:user/repo/file.gguf, or an http(s) URL; a partial download resumes')
    .option('--dir <dir>', "where to save it (default: the workbench's models folder)")
    .option('--json', 'print JSON')
    .action(async (uri: string, options: { dir?: string; json?: boolean }) => {
      const dir = path.resolve(options.dir ?? path.join(appDataFolder(), 'models'));
      const controller = new AbortController();
      const cancel = () => controller.abort(new UserError('cancelled', 'the download was cancelled; run the same command again to resume it'));
      process.once('SIGINT', cancel);
      const showProgress = process.stderr.isTTY && !options.json;
      try {
        const result = await downloadModel(uri, {
          dir,
          signal: controller.signal,
          ...(showProgress
            ? {
                onProgress: (p) =>
                  process.stderr.write(
                    `\r${((100 * p.downloadedBytes) / Math.max(1, p.totalBytes)).toFixed(1)}%  ${(p.downloadedBytes / 1e6).toFixed(1)} of ${(p.totalBytes / 1e6).toFixed(1)} MB  ${(p.bytesPerSecond / 1e6).toFixed(1)} MB/s  ETA ${Number.isFinite(p.etaSeconds) ? p.etaSeconds.toFixed(0) : '?'} s   `,
                  ),
              }
            : {}),
        });
        if (showProgress) process.stderr.write('\n');
        if (options.json) return printJson(result);
        console.log(`Saved ${result.path} (${result.bytes} bytes, sha256 ${result.sha256}). Register it with: selfalign models add gguf "${result.path}"`);
      } finally {
        process.off('SIGINT', cancel);
      }
    });

  addDbOption(models.command('list').description('the registered models').option('--json', 'print JSON')).action((options: { json?: boolean; db?: string }) => {
    const records = withDatabase(options, (db) => listModels(db));
    if (options.json) return printJson(records);
    if (records.length === 0) return console.log('No models yet. Add one with `selfalign models add gguf FILE` (or openai, gemini).');
    printTable(records, [
      { header: 'name', value: (m) => m.name },
      { header: 'kind', value: (m) => m.kind },
      { header: 'where', value: (m) => (m.kind === 'gguf' ? m.path! : `${m.remoteModel} @ ${m.baseUrls?.join(' ') ?? 'Google'}`) },
      { header: 'sampling', value: (m) => describeSampling(m.sampling) },
      { header: 'about', value: (m) => (m.info ? `${m.info.architecture}, ${formatCount(m.info.parameterCount)} parameters, ${m.info.quantisation}` : '') },
    ]);
  });

  addDbOption(models.command('remove <name>').description('forget a registered model (its file stays)')).action((name: string, options: { db?: string }) => {
    withDatabase(options, (db) => removeModel(db, name));
    console.log(`Removed model "${name}".`);
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
    .option('--sharpness <x>', 'how peaked its next-token distributions are (7 is like an instruction-tuned model)', '7')
    .option('--json', 'print JSON')
    .action(async (out: string, options: { seed: string; sharpness: string; json?: boolean }) => {
      const seed = Number(options.seed);
      const sharpness = Number(options.sharpness);
      if (!Number.isInteger(seed)) throw new UserError('bad-option', `--seed must be a whole number, got "${options.seed}"`);
      if (!Number.isFinite(sharpness) || sharpness < 0) throw new UserError('bad-option', `--sharpness must be a number ≥ 0, got "${options.sharpness}"`);
      const info = await writeTinyModel(path.resolve(out), { seed, sharpness });
      if (options.json) return printJson(info);
      console.log(`Wrote ${info.path}: ${formatCount(info.parameterCount)} parameters, ${info.vocabularySize} tokens, ${info.fileSize} bytes, sha256 ${info.sha256}.`);
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
      .option('--threads <n>', "local models: CPU threads (default: llama.cpp's choice)")
      .option('--json', 'print JSON'),
  ).action(async (options: SelectionCliOptions & { model: string; n: string; mode: string; maxTokens: string; errorBound: string; plain?: boolean; gpu: string; gpuLayers?: string; threads?: string; json?: boolean }) => {
    if (!(ESTIMATORS as readonly string[]).includes(options.mode)) throw new UserError('bad-option', `--mode must be one of ${ESTIMATORS.join(', ')}`);
    if (!(GPU_CHOICES as readonly string[]).includes(options.gpu)) throw new UserError('bad-option', `--gpu must be one of ${GPU_CHOICES.join(', ')}`);
    const n = positive(options.n, '--n');
    const maxTokens = positive(options.maxTokens, '--max-tokens');
    const errorBound = Number(options.errorBound);
    if (!(errorBound > 0 && errorBound < 1)) throw new UserError('bad-option', `--error-bound must be between 0 and 1, got "${options.errorBound}"`);
    const record: ModelRecord = withDatabase(options, (db) => getModel(db, options.model));
    const { test, selection, seed, draw } = await selectDemonstrations(options);
    const prompt = buildPrompt({ probe: test, demonstrations: selection.demonstrations, seed, draw });
    const model = await openModel(record, {
      gpu: options.gpu as GpuChoice,
      ...(options.gpuLayers ? { gpuLayers: positive(options.gpuLayers, '--gpu-layers') } : {}),
      ...(options.threads ? { threads: positive(options.threads, '--threads') } : {}),
    });
    try {
      const distribution = await estimateDistribution(model, record.sampling, {
        probe: test,
        prompt,
        chat: !options.plain,
        estimator: options.mode as Estimator,
        n,
        maxTokens,
        seed,
        errorBound,
      });
      const backend = model instanceof LocalModel ? model.backend : undefined;
      if (options.json) return printJson({ model: record.name, probe: test.id, strategy: options.strategy ?? 'zero-shot', sampling: record.sampling, ...(backend ? { backend } : {}), ...distribution });
      console.log(`${record.name} on ${test.id} (${options.strategy ?? 'zero-shot'}), ${distribution.estimator}${distribution.n ? `, N = ${distribution.n}` : ''}, ${describeSampling(record.sampling)}`);
      if (backend) console.log(`Backend: ${backend.backend}${backend.devices.length ? ` (${backend.devices.join(', ')})` : ''}, ${backend.gpuLayers} of ${backend.totalLayers} layers on the GPU.`);
      const share = (x: number) => (distribution.estimator === 'exact' ? x.toFixed(4) : `${(100 * x).toFixed(1)}%`);
      console.log(`option 1 "${test.options[0]}": ${share(distribution.option1)}   option 2 "${test.options[1]}": ${share(distribution.option2)}   invalid: ${share(distribution.invalid)}`);
      if (distribution.estimator === 'exact') console.log(`error bound (unresolved probability): ${distribution.errorBound.toExponential(2)}`);
      console.log(`Token evaluations after the prompt: ${distribution.tokenEvaluations} (prompt: ${distribution.promptTokens} tokens), ${distribution.wallMs.toFixed(0)} ms.`);
      printTable(distribution.responses.slice(0, 15), [
        { header: distribution.estimator === 'exact' ? 'probability' : 'count', value: (r) => (distribution.estimator === 'exact' ? r.weight.toFixed(4) : r.weight), align: 'right' },
        { header: 'answer', value: (r) => String(r.answer) },
        { header: 'response', value: (r) => JSON.stringify(r.text) },
      ]);
    } finally {
      await model.close();
    }
  });
}

function positive(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UserError('bad-option', `${option} must be a positive whole number, got "${text}"`);
  return value;
}

function formatCount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)}B` : n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(0)}k` : String(n);
}

function printRecord(record: ModelRecord, json: boolean | undefined): void {
  if (json) return printJson(record);
  console.log(`Registered model "${record.name}" (${record.kind}), sampling: ${describeSampling(record.sampling)}${record.preset ? ` (preset ${record.preset})` : ''}.`);
  if (record.info) {
    const i = record.info;
    console.log(`${i.architecture}, ${formatCount(i.parameterCount)} parameters, ${i.quantisation}, context ${i.contextLength ?? '?'}, ${i.chatTemplate ? 'chat template in the file' : 'no chat template'}, sha256 ${i.sha256}.`);
  }
}
