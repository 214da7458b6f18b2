// Benchmark: a full self-alignment run of one language with the tiny model (or a real GGUF model: --model PATH with
// its --preset) — every probe of the built-in English
// set against the USA's answer shares, all four strategies, N = 100 — once per estimator, and once in each of the
// two protocols a user picks: `precise` (exact, n = 10) and the paper's (sampled, n = 10). Prints JSON with probes per second, where the time goes (estimating distributions vs
// everything else: prompts, demonstrations, storage), and `idealSeconds`: the run's evaluated prompt tokens (less
// those kept in the KV cache) and generated tokens priced at llama.cpp's own rates on the same model in the same
// process (llama-throughput.ts: a sample of the run's own prompts, each evaluated whole), with
// `efficiency` = idealSeconds / seconds. Goal: efficiency ≥ 0.85 for exact, tree and precise.
// Usage: npm run bench:run [-- --cases tree,exact,precise,paper,sampled --categories 2,5 --n 100 --threads 1 --survey ../shared/data/wvs/country_distributions.csv
//        --model PATH --preset smollm2-135m-instruct --max-evaluations 1500 --strategies chrf-all]

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ESTIMATORS,
  estimationOrder,
  readStoredDistribution,
  type ResponseDistribution,
} from '../src/core/sampling/index.js';
import {
  findPreset,
  inspectGguf,
  llamaRuntime,
  LocalModel,
  writeTinyModel,
  type PromptInput,
} from '../src/core/models/index.js';
import { readSurveyFile } from '../src/core/survey/index.js';
import { loadMeasurements, openDatabase, saveModel, saveSurvey } from '../src/core/store/index.js';
import { promptTemplateOf, storedPrompts } from '../src/core/experiment/index.js';
import { sharedBeginnings } from '../src/core/prompt/index.js';
import { createRun, executeRun } from '../src/engine/run-service.js';
import { llamaPromptRate, llamaThroughput, type ReplayedPrompt } from './llama-throughput.js';
import { SeededRandom } from '../src/core/random/index.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100' },
    threads: { type: 'string', default: '1' },
    // sampled at n = 100 takes about 15 minutes here (every response drawn token by token), so it is asked for.
    cases: { type: 'string', default: 'tree,exact,precise,paper' },
    // A quick look: only these categories (the whole English set takes 14 min in tree, 30 in exact, 2 in paper here).
    categories: { type: 'string' },
    survey: {
      type: 'string',
      default: path.resolve(import.meta.dirname, '../../shared/data/wvs/country_distributions.csv'),
    },
    // A real GGUF model instead of the tiny one, at a preset's sampling settings; its chat template decides chat.
    model: { type: 'string' },
    preset: { type: 'string', default: 'llama-3-8b-instruct' },
    // Exact: the most token evaluations per prompt (a real model at its own temperature needs a budget).
    'max-evaluations': { type: 'string' },
    // Only these strategies (default all four): on a real model the random ones make `precise` estimate every
    // drawn prompt exactly, too dear for a CPU, while the deterministic ones show the estimator's efficiency.
    strategies: { type: 'string' },
  },
});

/** Prompts per case replayed for llama.cpp's prompt rate (whole measurements, so a few more). */
const SAMPLED_PROMPTS = 200;

const dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-bench-run-'));
try {
  const model = values.model
    ? {
        path: path.resolve(values.model),
        parameterCount: (await inspectGguf(path.resolve(values.model))).parameterCount,
      }
    : await writeTinyModel(path.join(dir, 'tiny.gguf'));
  const llama = await llamaRuntime({ gpu: 'cpu', threads: Number(values.threads) });
  const preset = findPreset(values.preset);
  if (!preset) throw new Error(`unknown preset ${values.preset}`);
  const sampling = preset.sampling;
  // Seeds follow the model's name: the tiny model keeps the name its earlier numbers were measured under.
  const name = values.model ? path.basename(model.path, '.gguf') : 'tiny';
  const maxEvaluations = values['max-evaluations'] ? { maxEvaluations: Number(values['max-evaluations']) } : {};
  const strategies = values.strategies ? { strategies: values.strategies.split(',') } : {};
  const known = [
    ...ESTIMATORS.map((estimator) => ({
      name: estimator as string,
      config: { estimator, n: Number(values.n) } as object,
    })),
    // The two protocols a user picks, each at its own defaults (n = 10): what a run costs in practice.
    { name: 'precise', config: { protocol: 'precise' } },
    { name: 'paper', config: { protocol: 'paper' } },
  ];
  const cases = values.cases.split(',').map((name) => {
    const found = known.find((c) => c.name === name);
    if (!found) throw new Error(`unknown case ${name}; known: ${known.map((c) => c.name).join(', ')}`);
    return found;
  });
  /** A measurement's distinct prompts, as the model was sent them (chat or plain text). */
  type SentPrompts = PromptInput[];
  const runs: {
    name: string;
    seconds: number;
    distributions: ResponseDistribution[];
    sent: SentPrompts[];
    row: Record<string, unknown>;
  }[] = [];
  for (const { name, config } of cases) {
    // A fresh database per case, so no estimate comes from another's cache.
    const db = openDatabase(path.join(dir, `${name}.sqlite`));
    saveSurvey(db, 'shares', values.survey, await readSurveyFile(values.survey));
    saveModel(db, { name, kind: 'gguf', path: model.path, sampling, info: await inspectGguf(model.path) });
    const started = performance.now();
    const categories = values.categories?.split(',').map(Number);
    const prepared = await createRun(db, {
      models: [name],
      survey: 'shares',
      languages: ['en'],
      seed: 1,
      ...(categories ? { categories } : {}),
      ...maxEvaluations,
      ...strategies,
      ...config,
    });
    await executeRun(db, prepared, { open: { llama } });
    const { runId } = prepared;
    const seconds = (performance.now() - started) / 1000;
    const measurements = loadMeasurements(db, runId);
    const distributions = measurements.map((m) => readStoredDistribution(m.distributionJson));
    // Each draw may have its own prompt: a distribution's prompt tokens are those of all its distinct prompts.
    // Their shared beginnings are those buildPrompt gave them (the instruction is a prompt's first line).
    const chat = prepared.chatModes.get(name)!.chat;
    const template = promptTemplateOf(prepared.config, 'en');
    const sent = measurements.map((m) =>
      storedPrompts(m.promptJson, m.demonstrationIds).map((p) => ({
        text: p.text,
        messages: p.messages,
        chat,
        sharedBeginnings: sharedBeginnings(template, p.text.split(template.separator)[0]!),
      })),
    );
    const promptCount = sent.reduce((sum, prompts) => sum + prompts.length, 0);
    const estimateSeconds = distributions.reduce((sum, d) => sum + d.wallMs, 0) / 1000;
    const llamaSeconds = distributions.reduce((sum, d) => sum + (d.llamaMs ?? 0), 0) / 1000;
    const probes = measurements.filter((m) => m.condition === 'zero-shot').length;
    runs.push({
      name,
      seconds,
      distributions,
      sent,
      row: {
        case: name,
        estimator: prepared.config.estimator,
        n: prepared.config.n,
        probes,
        measurements: measurements.length,
        misaligned: new Set(measurements.filter((m) => m.condition !== 'zero-shot').map((m) => m.probeId)).size,
        seconds: +seconds.toFixed(2),
        probesPerSecond: +(probes / seconds).toFixed(2),
        measurementsPerSecond: +(measurements.length / seconds).toFixed(2),
        estimatingSeconds: +estimateSeconds.toFixed(2),
        otherSeconds: +(seconds - estimateSeconds).toFixed(2),
        // Of the run, the time inside llama.cpp's evaluations: the rest is the workbench's own work.
        llamaSeconds: +llamaSeconds.toFixed(2),
        insideLlamaShare: +(llamaSeconds / seconds).toFixed(3),
        tokenEvaluations: distributions.reduce((sum, d) => sum + d.tokenEvaluations, 0),
        promptTokens: distributions.reduce((sum, d) => sum + d.promptTokens, 0),
        // Tokens of the prompts' shared beginnings that stayed in the KV cache from the prompt before.
        cachedPromptTokens: distributions.reduce((sum, d) => sum + (d.cachedPromptTokens ?? 0), 0),
        prompts: promptCount,
      },
    });
    db.close();
  }

  // llama.cpp's own rates on this model, one sequence as the runs use. Prompts: per case, a seeded sample of its
  // measurements replayed with nothing of ours around them, each measurement's prompts in the order the run
  // estimates them, with the same kept beginnings (llama-throughput.ts). Generation: one token at a time.
  const local = await LocalModel.open({ name, path: model.path, sampling, llama });
  const generation = await llamaThroughput(local.model, {
    sequences: 1,
    promptTokens: 256,
    generatedTokens: 64,
    sampling,
    repeat: 3,
  });
  const results = [];
  for (const { seconds, sent, row } of runs) {
    const replayed: ReplayedPrompt[] = [];
    for (const prompts of new SeededRandom(1).shuffle(sent)) {
      if (replayed.length >= SAMPLED_PROMPTS) break;
      for (const index of estimationOrder(prompts)) {
        const tokens = local.promptTokens(prompts[index]!);
        replayed.push({ tokens, shared: local.sharedTokenCounts(prompts[index]!, tokens) });
      }
    }
    const prompt = await llamaPromptRate(local.model, { prompts: replayed, contextSize: local.contextSize, sampling });
    // The work: the prompt tokens evaluated (those kept in the cache were not) and the tokens of the responses.
    const evaluatedPromptTokens = (row.promptTokens as number) - (row.cachedPromptTokens as number);
    const idealSeconds =
      evaluatedPromptTokens / prompt.promptTokensPerSecond +
      (row.tokenEvaluations as number) / generation.generationTokensPerSecond;
    results.push({
      ...row,
      llamaPrompts: prompt,
      idealSeconds: +idealSeconds.toFixed(2),
      efficiency: +(idealSeconds / seconds).toFixed(3),
    });
  }
  await local.close();
  const rates = {
    generatedTokens: generation.generatedTokens,
    generationTokensPerSecond: generation.generationTokensPerSecond,
  };
  const goalMet = results
    .filter((_, i) => ['exact', 'tree', 'precise'].includes(runs[i]!.name))
    .every((r) => r.efficiency >= 0.85);
  console.log(
    JSON.stringify(
      {
        benchmark: 'self-alignment-run',
        language: 'en',
        country: 'USA',
        n: Number(values.n),
        strategies: values.strategies?.split(',') ?? 'all four',
        threads: Number(values.threads),
        model: {
          file: values.model ? path.basename(model.path) : 'tiny (generated)',
          parameters: model.parameterCount,
          preset: preset.name,
          sampling,
        },
        llama: rates,
        results,
        goal: { efficiency: 0.85, for: ['exact', 'tree', 'precise'] },
        goalMet,
        node: process.version,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
