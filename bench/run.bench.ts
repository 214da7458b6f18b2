// Benchmark: a full self-alignment run of one language with the tiny model — every probe of the built-in English
// set against the USA's answer shares, all four strategies, N = 100 — once per estimator. Prints JSON with probes
// per second and where the time goes (estimating distributions vs everything else: prompts, demonstrations,
// storage). Usage: npm run bench:run [-- --n 100 --threads 1 --survey ../shared/data/wvs/country_distributions.csv]

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ESTIMATORS, type ResponseDistribution } from '../src/core/sampling/index.js';
import { findPreset, inspectGguf, llamaRuntime, writeTinyModel } from '../src/core/models/index.js';
import { readSurveyFile } from '../src/core/survey/index.js';
import { loadMeasurements, openDatabase, saveModel, saveSurvey } from '../src/core/store/index.js';
import { createRun, executeRun } from '../src/engine/run-service.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100' },
    threads: { type: 'string', default: '1' },
    survey: { type: 'string', default: path.resolve(import.meta.dirname, '../../shared/data/wvs/country_distributions.csv') },
  },
});

const dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-bench-run-'));
try {
  const model = await writeTinyModel(path.join(dir, 'tiny.gguf'));
  const llama = await llamaRuntime({ gpu: 'cpu', threads: Number(values.threads) });
  const results: Record<string, unknown>[] = [];
  for (const estimator of ESTIMATORS) {
    // A fresh database per estimator, so no estimate comes from another's cache.
    const db = openDatabase(path.join(dir, `${estimator}.sqlite`));
    saveSurvey(db, 'shares', values.survey, await readSurveyFile(values.survey));
    saveModel(db, { name: 'tiny', kind: 'gguf', path: model.path, sampling: findPreset('llama-3-8b-instruct')!.sampling, info: await inspectGguf(model.path) });
    const started = performance.now();
    const prepared = await createRun(db, { models: ['tiny'], survey: 'shares', languages: ['en'], n: Number(values.n), estimator, seed: 1 });
    await executeRun(db, prepared, { open: { llama } });
    const { runId } = prepared;
    const seconds = (performance.now() - started) / 1000;
    const measurements = loadMeasurements(db, runId);
    const distributions = measurements.map((m) => JSON.parse(m.distributionJson) as ResponseDistribution);
    const estimateSeconds = distributions.reduce((sum, d) => sum + d.wallMs, 0) / 1000;
    const probes = measurements.filter((m) => m.condition === 'zero-shot').length;
    results.push({
      estimator,
      probes,
      measurements: measurements.length,
      misaligned: new Set(measurements.filter((m) => m.condition !== 'zero-shot').map((m) => m.probeId)).size,
      seconds: +seconds.toFixed(2),
      probesPerSecond: +(probes / seconds).toFixed(2),
      measurementsPerSecond: +(measurements.length / seconds).toFixed(2),
      estimatingSeconds: +estimateSeconds.toFixed(2),
      otherSeconds: +(seconds - estimateSeconds).toFixed(2),
      tokenEvaluations: distributions.reduce((sum, d) => sum + d.tokenEvaluations, 0),
      promptTokens: distributions.reduce((sum, d) => sum + d.promptTokens, 0),
    });
    db.close();
  }
  console.log(JSON.stringify({ benchmark: 'self-alignment-run', language: 'en', country: 'USA', n: Number(values.n), strategies: 4, model: { parameters: model.parameterCount }, results, node: process.version }, null, 2));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
