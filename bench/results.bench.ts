// Benchmark: reading a big run. A synthetic run of the paper's full grid (the 13 languages of Arora et al. plus
// English, two models, zero-shot, the re-test control and the four strategies; about 20,000 measurements) is written
// straight to the database with the store's own functions, real probes and real targets, then read through the
// engine as the window reads it: `results.tables` (every table and figure) and pages of `results.probes`
// (filtered, sorted, searched), in the engine that measured the run and in one opened again on the database.
// Prints JSON; the goal is each read under 1 s. `derive` is the one-time derivation of the tables, which an
// engine job does when the run finishes.
// Usage: npm run bench:results [-- --models 2 --repeat 5]

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import prand from 'pure-rand';
import { readProbeSource } from '../src/core/data/probe-files.js';
import { ZERO_SHOT, ZERO_SHOT_RETEST, type Condition } from '../src/core/demos/index.js';
import { alignment } from '../src/core/experiment/outcomes.js';
import { findPreset, inspectGguf, writeTinyModel } from '../src/core/models/index.js';
import type { DistinctResponse, ResponseDistribution } from '../src/core/sampling/index.js';
import {
  openDatabase,
  saveMeasurement,
  saveModel,
  saveProbeSet,
  saveSurvey,
  setRunStatus,
} from '../src/core/store/index.js';
import { DEFAULT_COUNTRY_OF_LANGUAGE, readSurveyFile } from '../src/core/survey/index.js';
import { createEngine } from '../src/engine/index.js';
import { createRun, pairKey } from '../src/engine/run-service.js';
import type { CommandParams } from '../src/shared/contract.js';

const shared = path.resolve(import.meta.dirname, '../../shared/data');
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: '2' },
    repeat: { type: 'string', default: '5' },
    probes: { type: 'string', default: path.join(shared, 'arora-probes/probes.zip') },
    survey: { type: 'string', default: path.join(shared, 'wvs/country_distributions.csv') },
  },
});
const GOAL_SECONDS = 1;

const dir = mkdtempSync(path.join(os.tmpdir(), 'selfalign-bench-results-'));
try {
  const databasePath = path.join(dir, 'workbench.sqlite');
  const db = openDatabase(databasePath);
  const source = await readProbeSource(values.probes);
  const arora = saveProbeSet(db, 'arora', values.probes, source);
  const survey = await readSurveyFile(values.survey);
  saveSurvey(db, 'shares', values.survey, survey);
  const surveyed = new Set(survey.summary.countries.map((c) => c.iso3));
  const tiny = await writeTinyModel(path.join(dir, 'tiny.gguf'));
  const modelNames = Array.from({ length: Number(values.models) }, (_, i) => `model-${i + 1}`);
  for (const name of modelNames)
    saveModel(db, {
      name,
      kind: 'gguf',
      path: tiny.path,
      sampling: findPreset('llama-3-8b-instruct')!.sampling,
      info: await inspectGguf(tiny.path),
    });

  // Every language whose country (the paper's pairing) the survey file has answers for.
  const languages = [
    { language: 'en', probeSet: 'builtin' },
    ...arora.languages.map((language) => ({ language, probeSet: 'arora' })),
  ].filter(({ language }) => surveyed.has(DEFAULT_COUNTRY_OF_LANGUAGE[language] ?? ''));
  const prepared = await createRun(db, { models: modelNames, survey: 'shares', languages, protocol: 'paper', seed: 1 });
  const { config, runId } = prepared;

  // Distributions drawn once per probe and condition from a seeded generator: a spread of alignments, some
  // invalid answers, and self-aligned conditions that move the share of the target answer up or down.
  let rng = prand.xoroshiro128plus(7);
  const uniform = (): number => {
    const [value, next] = prand.uniformIntDistribution(0, 1_000_000, rng);
    rng = next;
    return value / 1_000_000;
  };
  const distribution = (targetShare: number, targetOption: 1 | 2): ResponseDistribution => {
    const invalid = Math.round(uniform() * 2) / config.n;
    const target = Math.min(1 - invalid, Math.max(0, Math.round(targetShare * config.n) / config.n));
    const other = Math.max(0, 1 - invalid - target);
    const [option1, option2] = targetOption === 1 ? [target, other] : [other, target];
    const responses: DistinctResponse[] = [
      { text: 'important', weight: Math.round(option1 * config.n), answer: 1 as const },
      { text: 'not important', weight: Math.round(option2 * config.n), answer: 2 as const },
      { text: 'I cannot answer', weight: Math.round(invalid * config.n), answer: 'invalid' as const },
    ].filter((r) => r.weight > 0);
    return {
      estimator: config.estimator,
      n: config.n,
      option1,
      option2,
      invalid,
      responses,
      tokenEvaluations: 40,
      promptTokens: 300,
      wallMs: 50,
      errorBound: 0,
    };
  };

  const writeStarted = performance.now();
  let measurements = 0;
  db.transaction(() => {
    for (const model of modelNames) {
      for (const { language, country } of config.languages) {
        const probes = prepared.probesByLanguage.get(language)!;
        const targets = prepared.targetsByPair.get(pairKey(language, country))!;
        for (const probe of probes) {
          const target = targets.get(probe.id);
          if (target.kind !== 'majority' || !config.categories.includes(probe.category)) continue;
          const others = probes.filter((p) => p.id !== probe.id).slice(0, 5);
          const prompt = [...others.map((p) => `${p.template.replace('_', p.options[0])}`), probe.template].join('\n');
          const row = (condition: Condition, d: ResponseDistribution, demos: string[]) => {
            saveMeasurement(db, runId, {
              model,
              language,
              country,
              probeId: probe.id,
              condition,
              category: probe.category,
              targetOption: target.option,
              targetShares: [target.shares[0], target.shares[1]],
              promptJson: JSON.stringify([prompt]),
              demonstrationIds: demos,
              distributionJson: JSON.stringify(d),
              cacheKey: `${model}:${language}:${probe.id}:${condition}`,
            });
            measurements++;
          };
          const zero = distribution(uniform(), target.option);
          row(ZERO_SHOT, zero, []);
          if (alignment(zero, target) >= config.misalignmentThreshold) continue;
          const zeroTarget = target.option === 1 ? zero.option1 : zero.option2;
          row(
            ZERO_SHOT_RETEST,
            distribution(Math.min(1, Math.max(0, zeroTarget + (uniform() - 0.5) * 0.3)), target.option),
            [],
          );
          for (const strategy of config.strategies) {
            row(
              strategy,
              distribution(Math.min(1, Math.max(0, zeroTarget + (uniform() - 0.35) * 0.8)), target.option),
              others.map((p) => p.id),
            );
          }
        }
      }
    }
  })();
  setRunStatus(db, runId, 'finished');
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  db.close();

  const repeat = Number(values.repeat);
  const time = async (name: string, call: () => Promise<unknown>, times = repeat) => {
    const seconds: number[] = [];
    let answer: unknown;
    for (let i = 0; i < times; i++) {
      const started = performance.now();
      answer = await call();
      seconds.push((performance.now() - started) / 1000);
    }
    const sorted = [...seconds].sort((a, b) => a - b);
    const total =
      typeof answer === 'object' && answer && 'total' in answer ? { total: (answer as { total: number }).total } : {};
    return {
      name,
      firstSeconds: round(seconds[0]!),
      medianSeconds: round(sorted[Math.floor(sorted.length / 2)]!),
      maxSeconds: round(sorted.at(-1)!),
      ...total,
    };
  };
  type ProbesQuery = Omit<CommandParams<'results.probes'>, 'runId'>;
  const queries: [string, ProbesQuery][] = [
    ['first page', { limit: 100 }],
    [
      'one language, improved, by error reduction',
      { filter: { language: 'tr', outcome: 'improved' }, sort: { by: 'errorReduction', descending: true }, limit: 100 },
    ],
    [
      'a strategy, gated worsened, by zero-shot error',
      {
        filter: { condition: 'chrf-all', gatedOutcome: 'worsened' },
        sort: { by: 'zeroShotError', descending: true },
        limit: 100,
      },
    ],
    [
      'text search, a far page',
      { filter: { text: 'important' }, sort: { by: 'alignment', descending: false }, offset: 1000, limit: 100 },
    ],
  ];

  // 1. The run as the engine that measured it has it. Its first read of the tables derives them; an engine job
  //    does that when the run finishes (warmResults), before anyone opens the results.
  let engine = createEngine({ databasePath });
  const derive = await time(
    'results.tables, derived (done at the end of a run)',
    () => engine.client.results.tables({ runId }),
    1,
  );
  const measuring = [
    await time('results.tables', () => engine.client.results.tables({ runId })),
    ...(await sequential(
      queries.map(
        ([name, query]) =>
          () =>
            time(`results.probes: ${name}`, () => engine.client.results.probes({ runId, ...query })),
      ),
    )),
  ];
  await engine.close();

  // 2. The workbench opened again on the same database: nothing in memory, the tables kept in the database.
  engine = createEngine({ databasePath });
  const reopened = [
    await time('results.tables', () => engine.client.results.tables({ runId }), 1),
    await time(
      `results.probes: ${queries[0]![0]}`,
      () => engine.client.results.probes({ runId, ...queries[0]![1] }),
      1,
    ),
  ];
  await engine.close();

  const goalReads = [...measuring.map((r) => r.maxSeconds), ...reopened.map((r) => r.maxSeconds)];
  const slowest = Math.max(...goalReads);
  console.log(
    JSON.stringify(
      {
        benchmark: 'results',
        measurements,
        models: modelNames.length,
        languages: config.languages.length,
        conditions: [ZERO_SHOT, ZERO_SHOT_RETEST, ...config.strategies],
        writeSeconds: round(writeSeconds),
        repeat,
        derive,
        reads: measuring,
        reopened,
        goalSeconds: GOAL_SECONDS,
        slowestSeconds: slowest,
        goalMet: slowest < GOAL_SECONDS,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function sequential<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const task of tasks) out.push(await task());
  return out;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
