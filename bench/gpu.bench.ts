// Benchmark for a machine with a GPU: speed at a real model's size. Writes a GGUF of Llama-3-8B's shape with
// seeded random 4-bit weights (Q4_0, 4.5 GB; nothing is downloaded), loads it on the GPU, and prints JSON with:
// - the backend, its devices and the layers offloaded;
// - llama.cpp's own rates on it: prompt evaluation and generation tokens/s, on one sequence and on `--sequences`
//   batched sequences of one context;
// - the English run in the paper's protocol (sampled, n = 10) and in `precise` (exact), each in seconds and
//   measurements per second, at the batched sequence count as the run's concurrency (evaluated one sequence at a time);
// - whether a prompt evaluated in a batch with other sequences' prompts gets the numbers it gets alone (runs
//   batch sequences only where they are identical: a result must not depend on what it was evaluated beside).
//
// Random weights do not answer like an instruction-tuned model: the paper's protocol samples each response to its
// token limit (the worst case), and the exact estimator would expand a near-uniform tree to its evaluation budget,
// which measures nothing a user meets. So `precise` is run on the tiny model, whose answers are shaped like a real
// model's, to count the tokens a precise run evaluates, and those tokens are priced at the rates measured here
// (`projectedSeconds`); the paper's run is measured on the 8B shape itself and projected the same way beside it.
//
// It needs no display and no network: the survey is ../shared/data's answer shares when they are there, else
// seeded synthetic shares for the USA (the amount of work depends on which probes are misaligned, not on why).
// Usage on a GPU machine:  npm run bench:gpu
// Tested on the CPU at a small shape:  npm run bench:gpu -- --shape small --gpu cpu --threads 1 --categories 2

import { mkdtempSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findPreset, inspectGguf, LLAMA_3_8B_SHAPE, llamaRuntime, LocalModel, MODEL_SHAPES, writeShapedModel, writeTinyModel, type GpuChoice, type ModelShape } from '../src/core/models/index.js';
import { SeededRandom } from '../src/core/random/index.js';
import type { ResponseDistribution } from '../src/core/sampling/index.js';
import { loadMeasurements, openDatabase, saveModel, saveSurvey } from '../src/core/store/index.js';
import { builtinAnswerKey, readSurveyFile } from '../src/core/survey/index.js';
import { createRun, executeRun } from '../src/engine/run-service.js';
import { batchedMatchesAlone, llamaThroughput, type Throughput } from './llama-throughput.js';

/** Small enough for a CPU test, the same architecture as the real one. */
const SMALL_SHAPE: ModelShape = { ...LLAMA_3_8B_SHAPE, name: 'small', vocabulary: 4000, dimensions: 256, layers: 2, heads: 4, kvHeads: 2, feedForward: 512, contextLength: 2048 };

const { values } = parseArgs({
  options: {
    shape: { type: 'string', default: LLAMA_3_8B_SHAPE.name },
    weights: { type: 'string', default: 'q4_0' },
    gpu: { type: 'string', default: 'auto' },
    threads: { type: 'string' },
    sequences: { type: 'string', default: '8' },
    /** Only these WVS categories (a quick check, e.g. 2); absent: the run's defaults, the whole English set. */
    categories: { type: 'string' },
    survey: { type: 'string', default: path.resolve(import.meta.dirname, '../../shared/data/wvs/country_distributions.csv') },
  },
});
const shape = values.shape === 'small' ? SMALL_SHAPE : MODEL_SHAPES[values.shape];
if (!shape) throw new Error(`unknown shape ${values.shape}; known: small, ${Object.keys(MODEL_SHAPES).join(', ')}`);
if (values.weights !== 'q4_0' && values.weights !== 'f16') throw new Error('--weights is q4_0 or f16');
const sequences = Number(values.sequences);
const threads = values.threads === undefined ? undefined : Number(values.threads);
const sampling = findPreset('llama-3-8b-instruct')!.sampling;
const started = performance.now();

/** Seeded answer shares for the USA over every code the answer key knows, in the aggregate layout. */
async function syntheticSurvey(file: string): Promise<void> {
  const random = new SeededRandom(7);
  const lines = ['country_iso3,question_id,answer_code,share,source'];
  const seen = new Set<string>();
  for (const entry of (await builtinAnswerKey()).entries) {
    if (seen.has(entry.variable)) continue;
    seen.add(entry.variable);
    const codes = [...new Set([...entry.option1, ...entry.option2])].sort((a, b) => a - b);
    const weights = codes.map(() => random.float() + 0.05);
    const total = weights.reduce((a, b) => a + b, 0);
    codes.forEach((code, i) => lines.push(`USA,${entry.variable},${code},${(weights[i]! / total).toFixed(6)},synthetic`));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-bench-gpu-'));
try {
  const surveyFile = existsSync(values.survey) ? values.survey : path.join(dir, 'synthetic-shares.csv');
  if (surveyFile !== values.survey) await syntheticSurvey(surveyFile);
  const survey = await readSurveyFile(surveyFile);

  const writeStarted = performance.now();
  const shaped = await writeShapedModel(path.join(dir, `${shape.name}.gguf`), shape, { weights: values.weights });
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  const tiny = await writeTinyModel(path.join(dir, 'tiny.gguf'));

  const llama = await llamaRuntime({ gpu: values.gpu as GpuChoice, ...(threads ? { threads } : {}) });
  const loadStarted = performance.now();
  const local = await LocalModel.open({ name: shape.name, path: shaped.path, sampling, llama, contextSize: 1024 });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const backend = local.backend;
  // At about a prompt's length in these runs (bench:run measured 453 tokens on average with the same vocabulary)
  // and twice a response's limit (16 tokens), on one sequence and batched.
  const rates: Throughput[] = [];
  for (const count of [...new Set([1, sequences])]) rates.push(await llamaThroughput(local.model, { sequences: count, promptTokens: 448, generatedTokens: 32, sampling }));
  // Prompts of different lengths, so a batch holds unequal parts, as a run's do.
  const statements = ['Family', 'Work', 'Friends', 'Leisure time', 'Politics', 'Religion', 'Hard work', 'Tolerance'];
  const probePrompts = statements.map((word, i) =>
    local.promptTokens({ text: `Fill in the blank with "important" or "not important". ${'Consider it carefully. '.repeat(i * 3)}${word} is _ in my life. Answer:`, messages: [], chat: false }),
  );
  const batching = await batchedMatchesAlone(local.model, { prompts: probePrompts, sequences, contextSize: 1024, sampling });
  await local.close();
  // Runs evaluate one sequence at a time (LocalModel: batches shared by sequences change the numbers), so their
  // tokens are priced at one sequence's rates; the batched rates say what batching would give where it is exact.
  const oneSequence = rates[0]!;

  const categories = values.categories?.split(',').map(Number);

  const englishRun = async (name: string, modelPath: string, config: object) => {
    const db = openDatabase(path.join(dir, `${name}.sqlite`));
    try {
      saveSurvey(db, 'shares', surveyFile, survey);
      saveModel(db, { name: 'model', kind: 'gguf', path: modelPath, sampling, info: await inspectGguf(modelPath) });
      const runStarted = performance.now();
      const prepared = await createRun(db, {
        models: ['model'],
        survey: 'shares',
        languages: ['en'],
        seed: 1,
        concurrency: sequences,
        ...(categories ? { categories } : {}),
        ...config,
      });
      await executeRun(db, prepared, { open: { llama, sequences } });
      const seconds = (performance.now() - runStarted) / 1000;
      const distributions = loadMeasurements(db, prepared.runId).map((m) => JSON.parse(m.distributionJson) as ResponseDistribution);
      const promptTokens = distributions.reduce((sum, d) => sum + d.promptTokens, 0);
      const generatedTokens = distributions.reduce((sum, d) => sum + d.tokenEvaluations, 0);
      return {
        protocol: prepared.config.protocol,
        estimator: prepared.config.estimator,
        n: prepared.config.n,
        measurements: distributions.length,
        promptTokens,
        generatedTokens,
        seconds: +seconds.toFixed(2),
        measurementsPerSecond: +(distributions.length / seconds).toFixed(2),
        // The same tokens at llama.cpp's rates on one sequence of the shaped model.
        projectedSeconds: +(promptTokens / oneSequence.promptTokensPerSecond + generatedTokens / oneSequence.generationTokensPerSecond).toFixed(2),
      };
    } finally {
      db.close();
    }
  };

  const paperOnShape = await englishRun('paper-shaped', shaped.path, { protocol: 'paper' });
  const paperOnTiny = await englishRun('paper-tiny', tiny.path, { protocol: 'paper' });
  const preciseOnTiny = await englishRun('precise-tiny', tiny.path, { protocol: 'precise' });

  console.log(
    JSON.stringify(
      {
        benchmark: 'gpu',
        model: { shape: shape.name, weights: values.weights, parameters: shaped.parameterCount, fileBytes: shaped.fileSize, writeSeconds: +writeSeconds.toFixed(1), loadSeconds: +loadSeconds.toFixed(1) },
        backend: backend.backend,
        devices: backend.devices,
        layersOffloaded: `${backend.gpuLayers} of ${backend.totalLayers}`,
        threads: threads ?? 'default',
        survey: surveyFile === values.survey ? 'shared data' : 'synthetic (USA)',
        categories: categories ?? 'the defaults',
        sequences,
        llama: rates,
        // Whether batched sequences leave every prompt's numbers as they are alone (needed to batch by default).
        batchedIdenticalToAlone: batching,
        runs: {
          paper: { measuredOnShape: paperOnShape, workOfTinyModel: paperOnTiny },
          precise: { workOfTinyModel: preciseOnTiny, projectedSecondsOnShape: preciseOnTiny.projectedSeconds },
        },
        goals: { preciseEnglishUnderSeconds: 60 },
        totalSeconds: +((performance.now() - started) / 1000).toFixed(1),
        node: process.version,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
