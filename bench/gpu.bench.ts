// Benchmark for a machine with a GPU: speed at a real model's size. Writes a GGUF of Llama-3-8B's shape with
// seeded random 4-bit weights (Q4_0, 4.5 GB; nothing is downloaded), loads it on the GPU, and prints JSON with:
// - the backend, its devices, the layers offloaded and the CPU threads;
// - llama.cpp's own rates on it: prompt evaluation and generation tokens/s, on one sequence and on `--sequences`
//   batched sequences of one context;
// - whether a prompt evaluated in a batch with other sequences' prompts gets the numbers it gets alone (runs
//   batch sequences only where they are identical: a result must not depend on what it was evaluated beside);
// - the English run in the paper's protocol (sampled, n = 10) and in `precise` (exact, n = 10), and the full grid
//   (14 languages: English and Arora et al.'s 13), each in seconds on this GPU, against the goals (60 s, 300 s);
// - a run measured on the 8B shape itself (`shapeCheck`, the paper's protocol on `--check-categories`): the whole
//   workbench on this GPU, in seconds beside its own tokens at llama.cpp's rates.
//
// Random weights do not answer like an instruction-tuned model: the paper's protocol samples each response to its
// token limit (the worst case), and the exact estimator would expand a near-uniform tree to its evaluation budget,
// which measures nothing a user meets. So the runs' work is counted on the tiny model, whose answers are shaped
// like a real model's, and priced at the rates measured here (`projectedSeconds`). The grid is the English runs'
// seconds per test item times the grid's test items (gpu-work.ts): a lower bound, because Llama 3's tokenizer
// spends more tokens on most of the other 13 scripts than on English.
//
// It needs no display and no network. The work is counted in this process, or read from `--work` (a file that
// `npm run bench:gpu:pack` writes beside the shared data, for a GPU machine that has none: bench/device/).
// Usage on a GPU machine with the repository installed:  npm run bench:gpu
// On a bare GPU machine:  see bench/device/run-gpu-bench.sh
// Tested on the CPU at a small shape:  npm run bench:gpu -- --shape small --gpu cpu --threads 1 --categories 2

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  LLAMA_3_8B_SHAPE,
  llamaRuntime,
  LocalModel,
  MODEL_SHAPES,
  writeShapedModel,
  type GpuChoice,
} from '../src/core/models/index.js';
import { SMALL_SHAPE } from '../src/testing/tiny-model.js';
import { answerShares, englishRun, measureWork, projectedSeconds, SAMPLING, type GpuWork } from './gpu-work.js';
import { batchedMatchesAlone, llamaThroughput, type Throughput } from './llama-throughput.js';

const GOALS = { preciseEnglishSeconds: 60, gridSeconds: 300, gridLanguages: 14 };

const { values } = parseArgs({
  options: {
    shape: { type: 'string', default: LLAMA_3_8B_SHAPE.name },
    weights: { type: 'string', default: 'q4_0' },
    gpu: { type: 'string', default: 'auto' },
    threads: { type: 'string' },
    sequences: { type: 'string', default: '8' },
    /** The runs' work counted from only these WVS categories (a quick check, e.g. 2); absent: the whole English set. */
    categories: { type: 'string' },
    /** The categories of the run measured on the shape (every response runs to its limit there: keep it small). */
    'check-categories': { type: 'string', default: '2' },
    survey: {
      type: 'string',
      default: path.resolve(import.meta.dirname, '../../shared/data/wvs/country_distributions.csv'),
    },
    /** Arora et al.'s probes (probes.zip or its folder), for the 14-language grid; absent there: English only. */
    probes: { type: 'string', default: path.resolve(import.meta.dirname, '../../shared/data/arora-probes/probes.zip') },
    /** The work counted elsewhere (bench:gpu:pack), instead of counting it here. */
    work: { type: 'string' },
  },
});
const shape = values.shape === 'small' ? SMALL_SHAPE : MODEL_SHAPES[values.shape];
if (!shape) throw new Error(`unknown shape ${values.shape}; known: small, ${Object.keys(MODEL_SHAPES).join(', ')}`);
if (values.weights !== 'q4_0' && values.weights !== 'f16') throw new Error('--weights is q4_0 or f16');
const sequences = Number(values.sequences);
const threads = values.threads === undefined ? undefined : Number(values.threads);
const categoriesOf = (list: string | undefined) => list?.split(',').map(Number);
const started = performance.now();

const dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-bench-gpu-'));
try {
  const sharedSurvey = existsSync(values.survey) ? values.survey : undefined;
  const surveyFile = await answerShares(sharedSurvey, path.join(dir, 'shares.csv'));
  const surveyLabel = sharedSurvey ? 'shared data, synthetic for the countries it lacks' : 'synthetic';

  const writeStarted = performance.now();
  const shaped = await writeShapedModel(path.join(dir, `${shape.name}.gguf`), shape, { weights: values.weights });
  const writeSeconds = (performance.now() - writeStarted) / 1000;

  const llama = await llamaRuntime({ gpu: values.gpu as GpuChoice, ...(threads ? { threads } : {}) });
  const loadStarted = performance.now();
  const local = await LocalModel.open({
    name: shape.name,
    path: shaped.path,
    sampling: SAMPLING,
    llama,
    contextSize: 1024,
  });
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const backend = local.backend;
  // At about a prompt's length in these runs (bench:run measured 453 tokens on average with the same vocabulary)
  // and twice a response's limit (16 tokens), on one sequence and batched.
  const rates: Throughput[] = [];
  for (const count of [...new Set([1, sequences])])
    rates.push(
      await llamaThroughput(local.model, {
        sequences: count,
        promptTokens: 448,
        generatedTokens: 32,
        sampling: SAMPLING,
      }),
    );
  // Prompts of different lengths, so a batch holds unequal parts, as a run's do.
  const statements = ['Family', 'Work', 'Friends', 'Leisure time', 'Politics', 'Religion', 'Hard work', 'Tolerance'];
  const probePrompts = statements.map((word, i) =>
    local.promptTokens({
      text: `Fill in the blank with "important" or "not important". ${'Consider it carefully. '.repeat(i * 3)}${word} is _ in my life. Answer:`,
      messages: [],
      chat: false,
    }),
  );
  const batching = await batchedMatchesAlone(local.model, {
    prompts: probePrompts,
    sequences,
    contextSize: 1024,
    sampling: SAMPLING,
  });
  await local.close();
  // Runs evaluate one sequence at a time (LocalModel: batches shared by sequences change the numbers), so their
  // tokens are priced at one sequence's rates; the batched rates say what batching would give where it is exact.
  const oneSequence = rates[0]!;

  // The whole workbench on the shape: prompts, estimating, storing, at the run's concurrency.
  const check = await englishRun({
    dir,
    name: 'shape-check',
    modelPath: shaped.path,
    surveyFile,
    llama,
    protocol: 'paper',
    sequences,
    categories: categoriesOf(values['check-categories']),
  });
  const checkProjected = projectedSeconds(check, oneSequence);

  const work: GpuWork = values.work
    ? (JSON.parse(readFileSync(values.work, 'utf8')) as GpuWork)
    : await measureWork({
        dir,
        surveyFile,
        surveyLabel,
        llama,
        probes: values.probes,
        categories: categoriesOf(values.categories),
      });
  const english = {
    paper: projectedSeconds(work.runs.paper, oneSequence),
    precise: projectedSeconds(work.runs.precise, oneSequence),
  };
  const gridItems = work.grid.reduce((sum, l) => sum + l.testItems, 0);
  const perEnglishItem = gridItems / work.grid.find((l) => l.language === 'en')!.testItems;
  const grid = {
    paper: +(english.paper * perEnglishItem).toFixed(1),
    precise: +(english.precise * perEnglishItem).toFixed(1),
  };
  const fullGrid = work.grid.length === GOALS.gridLanguages;

  console.log(
    JSON.stringify(
      {
        benchmark: 'gpu',
        model: {
          shape: shape.name,
          weights: values.weights,
          parameters: shaped.parameterCount,
          fileBytes: shaped.fileSize,
          writeSeconds: +writeSeconds.toFixed(1),
          loadSeconds: +loadSeconds.toFixed(1),
        },
        backend: backend.backend,
        devices: backend.devices,
        layersOffloaded: `${backend.gpuLayers} of ${backend.totalLayers}`,
        threads: backend.threads,
        sequences,
        llama: rates,
        // Whether batched sequences leave every prompt's numbers as they are alone (needed to batch by default).
        batchedIdenticalToAlone: batching,
        shapeCheck: {
          ...check,
          categories: values['check-categories'],
          projectedSeconds: checkProjected,
          measuredOverProjected: +(check.seconds / checkProjected).toFixed(2),
        },
        work: { countedHere: !values.work, survey: work.survey, categories: work.categories },
        runs: {
          paper: { workOfTinyModel: work.runs.paper, projectedSecondsOnShape: english.paper },
          precise: { workOfTinyModel: work.runs.precise, projectedSecondsOnShape: english.precise },
        },
        grid: {
          languages: work.grid.length,
          testItems: gridItems,
          testItemsPerLanguage: Object.fromEntries(work.grid.map((l) => [`${l.language}/${l.country}`, l.testItems])),
          // Lower bounds: English's tokens per test item for every language.
          paper: { projectedSecondsOnShape: grid.paper },
          precise: { projectedSecondsOnShape: grid.precise },
        },
        goals: {
          preciseEnglish: {
            underSeconds: GOALS.preciseEnglishSeconds,
            met: english.precise < GOALS.preciseEnglishSeconds,
          },
          grid: {
            underSeconds: GOALS.gridSeconds,
            languages: GOALS.gridLanguages,
            metInPrecise: fullGrid && grid.precise < GOALS.gridSeconds,
            metInPaper: fullGrid && grid.paper < GOALS.gridSeconds,
          },
        },
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
