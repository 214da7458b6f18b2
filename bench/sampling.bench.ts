// Benchmark: the cost of the three estimators of a response distribution on the tiny model (instruction-model
// sharpness), 20 of the built-in English probes, N = 1000 at the Llama-3 preset's sampling settings.
// Token evaluations count what the model evaluates after the prompt; each estimate evaluates its prompt once.
// Targets: tree ≥ 50× and exact ≥ 100× fewer token evaluations than sampled, with the same distribution.
// Prints JSON. Usage: npm run bench:sampling [-- --n 1000 --probes 20 --threads 1 --gpu cpu]
// On a GPU machine: npm run bench:sampling -- --shape llama-3-8b --gpu auto --threads 0 --n 50 --probes 5
// writes random weights of Llama-3-8B's shape (16 GB of f16, in the system's temporary folder): real timings.

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_EXCLUDED_CATEGORIES, readProbeSource } from '../src/core/data/index.js';
import {
  findPreset,
  LocalModel,
  llamaRuntime,
  MODEL_SHAPES,
  writeShapedModel,
  writeTinyModel,
  type GpuChoice,
} from '../src/core/models/index.js';
import { buildPrompt } from '../src/core/prompt/index.js';
import { builtinDataPath } from '../src/core/resources.js';
import {
  ESTIMATORS,
  estimateDistribution,
  type Estimator,
  type ResponseDistribution,
} from '../src/core/sampling/index.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    probes: { type: 'string', default: '20' },
    threads: { type: 'string', default: '1' },
    gpu: { type: 'string', default: 'cpu' },
    'max-tokens': { type: 'string', default: '16' },
    shape: { type: 'string' },
  },
});
const shape = values.shape === undefined ? undefined : MODEL_SHAPES[values.shape];
if (values.shape !== undefined && !shape)
  throw new Error(`unknown shape ${values.shape}; known: ${Object.keys(MODEL_SHAPES).join(', ')}`);
const n = Number(values.n);
const maxTokens = Number(values['max-tokens']);
const sampling = findPreset('llama-3-8b-instruct')!.sampling;

const dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-bench-sampling-'));
try {
  const writeStarted = performance.now();
  const model = shape
    ? {
        ...(await writeShapedModel(path.join(dir, `${shape.name}.gguf`), shape)),
        vocabularySize: shape.vocabulary,
        sha256: 'not computed',
      }
    : await writeTinyModel(path.join(dir, 'tiny.gguf'));
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  const threads = Number(values.threads);
  const llama = await llamaRuntime({ gpu: values.gpu as GpuChoice, ...(threads > 0 ? { threads } : {}) });
  const local = await LocalModel.open({
    name: shape?.name ?? 'tiny',
    path: model.path,
    sampling,
    llama,
    contextSize: 1024,
  });
  const all = (await readProbeSource(builtinDataPath('probes', 'en.csv'))).probes.filter(
    (p) => !DEFAULT_EXCLUDED_CATEGORIES.includes(p.category),
  );
  // Spread over the questionnaire rather than the first 20 (which are all "important in life").
  const step = Math.floor(all.length / Number(values.probes));
  const probes = all.filter((_, i) => i % step === 0).slice(0, Number(values.probes));

  const totals = Object.fromEntries(
    ESTIMATORS.map((e) => [e, { tokenEvaluations: 0, promptTokens: 0, wallMs: 0 }]),
  ) as Record<Estimator, { tokenEvaluations: number; promptTokens: number; wallMs: number }>;
  const perProbe: Record<string, unknown>[] = [];
  let largestShareGap = 0;
  for (const probe of probes) {
    const prompt = buildPrompt({ probe, demonstrations: [], seed: 1 });
    const results = {} as Record<Estimator, ResponseDistribution>;
    for (const estimator of ESTIMATORS) {
      const d = await estimateDistribution(local, sampling, {
        probe,
        prompt,
        chat: true,
        estimator,
        n,
        maxTokens,
        seed: 1,
      });
      results[estimator] = d;
      totals[estimator].tokenEvaluations += d.tokenEvaluations;
      totals[estimator].promptTokens += d.promptTokens;
      totals[estimator].wallMs += d.wallMs;
    }
    const shares = (d: ResponseDistribution) => [d.option1, d.option2, d.invalid];
    for (const other of ['tree', 'exact'] as const) {
      shares(results[other]).forEach(
        (x, i) => (largestShareGap = Math.max(largestShareGap, Math.abs(x - shares(results.sampled)[i]!))),
      );
    }
    perProbe.push({
      probe: probe.id,
      shares: Object.fromEntries(ESTIMATORS.map((e) => [e, shares(results[e]).map((x) => +x.toFixed(4))])),
      tokenEvaluations: Object.fromEntries(ESTIMATORS.map((e) => [e, results[e].tokenEvaluations])),
    });
  }

  // Raw speed of this backend on this model: prompt evaluation and single-token generation.
  const longPrompt = buildPrompt({ probe: probes[0]!, demonstrations: [], seed: 1 });
  const t0 = performance.now();
  const session = await local.session({ ...longPrompt, chat: true });
  const promptSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const tokens = [...(await session.next([])).probabilities.keys()].slice(0, 1);
  let generated = 0;
  while (generated < 200) {
    const next = await session.next([...tokens, ...Array.from({ length: generated % 32 }, () => tokens[0]!)]);
    generated++;
    if (next.probabilities.size === 0) break;
  }
  const generationSeconds = (performance.now() - t1) / 1000;
  await session.close();
  await local.close();

  console.log(
    JSON.stringify(
      {
        benchmark: 'response-distributions',
        model: {
          shape: shape?.name ?? 'tiny',
          parameters: model.parameterCount,
          vocabulary: model.vocabularySize,
          sha256: model.sha256,
          fileBytes: model.fileSize,
          writeSeconds: +writeSeconds.toFixed(1),
        },
        backend: local.backend,
        sampling,
        probes: probes.length,
        n,
        maxTokens,
        totals,
        ratios: {
          sampledOverTree: +(totals.sampled.tokenEvaluations / totals.tree.tokenEvaluations).toFixed(1),
          sampledOverExact: +(totals.sampled.tokenEvaluations / totals.exact.tokenEvaluations).toFixed(1),
        },
        targets: { sampledOverTree: 50, sampledOverExact: 100 },
        largestShareGapToSampled: +largestShareGap.toFixed(4),
        speed: {
          promptTokens: session.promptTokens,
          promptTokensPerSecond: Math.round(session.promptTokens / promptSeconds),
          generationTokensPerSecond: Math.round(session.evaluations / generationSeconds),
        },
        perProbe,
        node: process.version,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
