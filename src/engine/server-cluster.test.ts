// A model behind several OpenAI-compatible servers, as a user with a vLLM cluster or a few llama.cpp servers has
// it: a run spreads its requests over them, so three servers of the same latency give about three times the
// throughput of one; and a server that dies in the middle of a run costs nothing: its requests go to the others
// and the run finishes with the same measurements as on one healthy server.

import path from 'node:path';
import { expect, it } from 'vitest';
import { readSurveyFile } from '../core/survey/index.js';
import { getRun, loadMeasurements, openDatabase, saveModel, saveSurvey, type Db } from '../core/store/index.js';
import { startFakeOpenAIServer, type FakeOpenAIServer, type TopLogprob } from '../testing/fake-openai-server.js';
import { describeWithSharedData, sharedDataDir } from '../testing/shared-data.js';
import { useTempDir } from '../testing/temp-dir.js';
import { createRun, executeRun, runWarnings } from './run-service.js';
import { withoutCosts, type ResponseDistribution } from '../core/sampling/index.js';

const tempDir = useTempDir();

/** Every server answers as the same model would: option shares that depend only on what it reads. */
function sameModelEverywhere(reads: string): TopLogprob[] {
  const options = /"([^"]+)" or "([^"]+)"/.exec(reads);
  if (!options) return [{ token: '<|eot_id|>', logprob: 0 }];
  const [first, second] = [` ${options[1]}`, ` ${options[2]}`];
  if (reads.endsWith(first) || reads.endsWith(second)) return [{ token: '<|eot_id|>', logprob: 0 }];
  let hash = 0;
  for (let i = 0; i < reads.length; i++) hash = (hash * 31 + reads.charCodeAt(i)) >>> 0;
  const p = 0.05 + 0.9 * ((hash % 1000) / 1000);
  return [
    { token: first, logprob: Math.log(p) },
    { token: second, logprob: Math.log(1 - p) },
  ].sort((a, b) => b.logprob - a.logprob);
}

const LATENCY_MS = 40;
// Not the default (4), so that the model's own setting is what the servers see.
const PER_SERVER = 3;
const CONFIG = {
  models: ['cluster'],
  survey: 'shares',
  languages: ['en'],
  categories: [2, 4, 5, 6, 8, 9],
  // A fixed set of demonstrations: an exact estimate asks the same few prompts (both option orders), so the
  // work is many short requests.
  strategies: ['chrf-all'],
  estimator: 'exact',
  protocol: 'precise',
  seed: 11,
  // Probes at once: more than the servers take, so that the servers, not the run, set the pace.
  concurrency: 6 * PER_SERVER,
};

async function databaseWith(servers: readonly FakeOpenAIServer[]): Promise<Db> {
  const db = openDatabase(path.join(tempDir(), 'w.sqlite'));
  const file = path.join(sharedDataDir, 'wvs/country_distributions.csv');
  saveSurvey(db, 'shares', file, await readSurveyFile(file));
  saveModel(db, {
    name: 'cluster',
    kind: 'openai',
    baseUrls: servers.map((s) => s.url),
    remoteModel: 'llama-3-8b',
    sampling: { temperature: 1 },
    concurrencyPerServer: PER_SERVER,
  });
  return db;
}

/** What a run measured, without its timing (which differs between any two runs). */
function measured(db: Db, runId: string) {
  return loadMeasurements(db, runId).map((m) => {
    // What the estimate cost depends on what ran before (time, prompt tokens still in the KV cache), never the result.
    const distribution = withoutCosts(JSON.parse(m.distributionJson) as ResponseDistribution);
    return [m.model, m.language, m.probeId, m.condition, JSON.stringify(distribution), m.demonstrationIds.join(',')];
  });
}

async function timedRun(
  db: Db,
  config: object = CONFIG,
): Promise<{ runId: string; seconds: number; warnings: string[] }> {
  const prepared = await createRun(db, config);
  const started = performance.now();
  await executeRun(db, prepared);
  return { runId: prepared.runId, seconds: (performance.now() - started) / 1000, warnings: runWarnings(prepared) };
}

async function servers(count: number): Promise<FakeOpenAIServer[]> {
  return Promise.all(
    Array.from({ length: count }, () =>
      startFakeOpenAIServer({ nextTokens: sameModelEverywhere, latencyMs: LATENCY_MS }),
    ),
  );
}

describeWithSharedData('a model on a cluster of servers', () => {
  it('gives close to three times the throughput on three servers of one latency, each kept at its concurrency', async () => {
    const one = await servers(1);
    const three = await servers(3);
    try {
      const alone = await timedRun(await databaseWith(one));
      const spread = await timedRun(await databaseWith(three));
      const requests = (list: FakeOpenAIServer[]) => list.reduce((sum, s) => sum + s.requests.length, 0);
      // The same work both times: one question about chat before the run, then the same estimates.
      expect(requests(three)).toBe(requests(one));
      expect(requests(one)).toBeGreaterThan(200);
      // The run's requests reach one server 3 at a time (the model's setting); over three servers, 3 on each.
      expect(one[0]!.maxInFlight).toBe(PER_SERVER);
      for (const server of three) {
        expect(server.maxInFlight).toBe(PER_SERVER);
        expect(server.requests.length).toBeGreaterThan(requests(three) / 4);
      }
      const speedUp = alone.seconds / spread.seconds;
      console.log(
        JSON.stringify({
          requests: requests(one),
          secondsOnOne: alone.seconds,
          secondsOnThree: spread.seconds,
          speedUp,
        }),
      );
      // Latency-bound work spread three ways; the bound leaves room for a busy test machine.
      expect(speedUp).toBeGreaterThan(2.2);
    } finally {
      await Promise.all([...one, ...three].map((s) => s.close()));
    }
  });

  it('loses nothing when a server dies mid-run: its requests go to the others and the results are those of a healthy server', async () => {
    const healthy = await servers(1);
    const cluster = await servers(3);
    const dying = cluster[1]!;
    let died = false;
    const watch = setInterval(() => {
      if (!died && dying.requests.length >= 60) {
        died = true;
        void dying.close();
      }
    }, 5);
    try {
      const referenceDb = await databaseWith(healthy);
      const reference = await timedRun(referenceDb);
      const db = await databaseWith(cluster);
      const survived = await timedRun(db);
      expect(died).toBe(true);
      expect(getRun(db, survived.runId).status).toBe('finished');
      // The dead server answered some; the others took its share and what it had in flight when it died.
      const answeredBy = cluster.map((s) => s.requests.length);
      expect(answeredBy[1]).toBeGreaterThanOrEqual(60);
      expect(answeredBy[0]! + answeredBy[2]!).toBeGreaterThan(answeredBy[1]!);
      const results = measured(db, survived.runId);
      expect(results.length).toBeGreaterThan(50);
      expect(results).toEqual(measured(referenceDb, reference.runId));
    } finally {
      clearInterval(watch);
      await Promise.all([...healthy, ...cluster].map((s) => s.close().catch(() => undefined)));
    }
  });

  it('says when a run sends fewer requests at once than the servers take', async () => {
    const three = await servers(3);
    try {
      const db = await databaseWith(three);
      const prepared = await createRun(db, { ...CONFIG, concurrency: 1 });
      expect(runWarnings(prepared)).toEqual([
        'model "cluster": its 3 servers take 9 requests at once and the run sends at most 1; a concurrency of 9 uses them all',
      ]);
      expect(runWarnings(await createRun(db, CONFIG))).toEqual([]);
    } finally {
      await Promise.all(three.map((s) => s.close()));
    }
  });
});
