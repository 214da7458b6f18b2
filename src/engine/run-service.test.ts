// A whole self-alignment run on the tiny model in llama.cpp, with the real built-in probes and the real survey
// shares: it finishes, stores every measurement, and a run cancelled part-way resumes to the same results.

import path from 'node:path';
import { expect, it } from 'vitest';
import { ZERO_SHOT } from '../core/demos/index.js';
import { probeRecords, parseRunConfig, storedPrompts } from '../core/experiment/index.js';
import { expectedOutcomeTable, outcomeTable } from '../core/report/index.js';
import { SeededRandom } from '../core/random/index.js';
import { paperRuleChances } from '../core/statistics/index.js';
import { inspectGguf } from '../core/models/index.js';
import { readProbeSource } from '../core/data/index.js';
import { startFakeOpenAIServer } from '../testing/fake-openai-server.js';
import { describeWithSharedData, sharedDataDir } from '../testing/shared-data.js';
import { useTempDir } from '../testing/temp-dir.js';
import { tinyRunDatabase } from '../testing/tiny-run.js';
import { getTestLlama, tinyModelPath } from '../testing/tiny-model.js';
import { getRun, loadExplanations, loadMeasurements, saveModel, saveProbeSet, type Db } from '../core/store/index.js';
import { createRun, executeRun, reopenRun, runWarnings, type ExecuteOptions } from './run-service.js';
import { withoutCosts, type ResponseDistribution } from '../core/sampling/index.js';

/** A run from its configuration to its end, as `runs.start` does it without the job around it. */
async function startRun(
  db: Db,
  config: unknown,
  options: ExecuteOptions & { onStarted?: (runId: string) => void } = {},
): Promise<string> {
  const prepared = await createRun(db, config);
  options.onStarted?.(prepared.runId);
  await executeRun(db, prepared, options);
  return prepared.runId;
}

async function resumeRun(db: Db, runId: string, options: ExecuteOptions = {}): Promise<void> {
  await executeRun(db, await reopenRun(db, runId), options);
}

const tempDir = useTempDir();

const CONFIG = {
  models: ['tiny'],
  survey: 'shares',
  languages: ['en'],
  categories: [1, 2],
  strategies: ['chrf-all', 'random'],
  n: 10,
  estimator: 'tree',
  seed: 7,
};

const database = (): Promise<Db> => tinyRunDatabase(path.join(tempDir(), 'w.sqlite'));

/** A measurement without its timing, which differs between any two runs. */
function comparable(db: Db, runId: string) {
  return loadMeasurements(db, runId).map((m) => {
    // What the estimate cost depends on what ran before (time, prompt tokens still in the KV cache), never the result.
    const distribution = withoutCosts(JSON.parse(m.distributionJson) as ResponseDistribution);
    return { ...m, distributionJson: JSON.stringify(distribution) };
  });
}

describeWithSharedData('a self-alignment run', () => {
  it('measures every probe zero-shot, self-aligns the misaligned ones with each strategy, and resumes a cancelled run to the same results', async () => {
    const open = { llama: await getTestLlama() };
    const whole = await database();
    const wholeId = await startRun(whole, CONFIG, { open });
    expect(getRun(whole, wholeId).status).toBe('finished');
    const measurements = loadMeasurements(whole, wholeId);
    const zeroShot = measurements.filter((m) => m.condition === ZERO_SHOT);
    expect(zeroShot.length).toBeGreaterThan(30);
    const records = probeRecords(measurements, parseRunConfig(CONFIG).misalignmentThreshold);
    const misaligned = records.filter((r) => r.misaligned);
    expect(misaligned.length).toBeGreaterThan(0);
    for (const r of misaligned)
      expect(r.strategies.map((s) => s.condition).sort()).toEqual(['chrf-all', 'random', 'zero-shot-retest']);
    // Counts of 10 draws are tested with Fisher's exact test and adjusted within each table cell.
    for (const r of misaligned) {
      for (const s of r.strategies) {
        expect(s.pValue).not.toBeNull();
        expect(s.qValue!).toBeGreaterThanOrEqual(s.pValue!);
        if (s.gatedOutcome !== 'unchanged') expect(s.qValue!).toBeLessThan(0.05);
      }
    }
    // The re-test control asks the zero-shot prompts again with another seed; at n = 10 chance alone "improves" some.
    const retests = measurements.filter((m) => m.condition === 'zero-shot-retest');
    for (const m of retests) expect(m.promptJson).toBe(zeroShot.find((z) => z.probeId === m.probeId)!.promptJson);
    const retestRow = outcomeTable(records).find((row) => row.condition === 'zero-shot-retest')!;
    expect(retestRow.improvedCount).toBeGreaterThan(0);
    expect(outcomeTable(records).find((row) => row.condition === 'chrf-all')!.retestImprovedShare).toBe(
      retestRow.improvedShare,
    );
    expect(measurements.filter((m) => m.condition === 'chrf-all').every((m) => m.demonstrationIds.length === 5)).toBe(
      true,
    );

    // The same run, cancelled after 10 measurements, then resumed.
    const broken = await database();
    const controller = new AbortController();
    let brokenId = '';
    await expect(
      startRun(broken, CONFIG, {
        open,
        signal: controller.signal,
        onStarted: (id) => (brokenId = id),
        onProgress: (p) => {
          if (p.phase === 'zero-shot' && p.done >= 10) controller.abort(new Error('stopped by the test'));
        },
      }),
    ).rejects.toThrow();
    expect(getRun(broken, brokenId).status).toBe('cancelled');
    const partial = loadMeasurements(broken, brokenId).length;
    expect(partial).toBeGreaterThanOrEqual(10);
    expect(partial).toBeLessThan(measurements.length);
    await resumeRun(broken, brokenId, { open });
    expect(getRun(broken, brokenId).status).toBe('finished');
    const resumed = comparable(broken, brokenId).map(({ cacheKey: _c, ...m }) => m);
    const uninterrupted = comparable(whole, wholeId).map(({ cacheKey: _c, ...m }) => m);
    expect(resumed).toEqual(uninterrupted);
  }, 120_000);

  it('asks for explanations of the improved and the worsened probes, with the demonstrations', async () => {
    const db = await database();
    const config = {
      ...CONFIG,
      categories: [1],
      strategies: ['chrf-all'],
      explanations: { enabled: true, perProbe: 2, maxTokens: 24 },
    };
    const id = await startRun(db, config, { open: { llama: await getTestLlama() } });
    const records = probeRecords(loadMeasurements(db, id), 1);
    const changed = records.filter((r) =>
      r.strategies.some((st) => st.condition !== 'zero-shot-retest' && st.outcome !== 'unchanged'),
    );
    expect(changed.length).toBeGreaterThan(0);
    const explanations = loadExplanations(db, id);
    expect(explanations).toHaveLength(changed.length * 2);
    for (const e of explanations) {
      expect(e.condition).toBe('chrf-all');
      expect(JSON.parse(e.promptJson).text).toContain('explain why');
      expect(['1', '2', 'invalid']).toContain(e.answer);
    }
  }, 120_000);
});

describeWithSharedData('a precise run', () => {
  it("gives the paper's Table 1 in expectation, as a Monte Carlo simulation of the paper's rule does", async () => {
    const db = await database();
    const id = await startRun(
      db,
      { ...CONFIG, protocol: 'precise', estimator: undefined, strategies: ['chrf-all'] },
      { open: { llama: await getTestLlama() } },
    );
    const config = parseRunConfig(JSON.parse(getRun(db, id).configJson));
    expect(config).toMatchObject({ protocol: 'precise', estimator: 'exact', n: 10 });
    const records = probeRecords(loadMeasurements(db, id), config.misalignmentThreshold);
    // Every probe the paper's rule could flag with a chance above 0.1% was self-aligned, so the sums are complete.
    for (const r of records) if (1 - r.zeroShot.alignment ** 10 > 0.001) expect(r.misaligned).toBe(true);
    const expected = expectedOutcomeTable(records, 10);
    expect(expected.map((row) => row.condition)).toEqual(['zero-shot-retest', 'chrf-all']);

    // 10,000 runs of the paper's procedure: n = 10 draws from each probe's exact shares, zero-shot and self-aligned.
    const runs = 10_000;
    const random = SeededRandom.from(99, 'monte-carlo');
    const draw = (p: number) => {
      let hits = 0;
      for (let i = 0; i < 10; i++) if (random.float() < p) hits++;
      return hits;
    };
    for (const row of expected) {
      const results = records.flatMap((r) =>
        r.strategies
          .filter((s) => s.condition === row.condition)
          .map((s) => ({ p0: r.zeroShot.alignment, p1: s.alignment })),
      );
      const improved: number[] = [];
      const flagged: number[] = [];
      for (let run = 0; run < runs; run++) {
        let improvedHere = 0;
        let flaggedHere = 0;
        for (const { p0, p1 } of results) {
          const before = draw(p0);
          if (before === 10) continue;
          flaggedHere++;
          if (draw(p1) > before) improvedHere++;
        }
        improved.push(improvedHere);
        flagged.push(flaggedHere);
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const standardError = (xs: number[]) =>
        Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1) / xs.length);
      const chances = results.map(({ p0, p1 }) => paperRuleChances(10, p0, p1));
      const expectedImproved = chances.reduce((a, c) => a + c.improved, 0);
      const expectedFlagged = chances.reduce((a, c) => a + c.misaligned, 0);
      // Within 4 standard errors of the simulation (a false alarm about once in 16,000 runs of this test).
      expect(Math.abs(mean(improved) - expectedImproved), row.condition).toBeLessThan(
        4 * standardError(improved) + 1e-9,
      );
      expect(Math.abs(mean(flagged) - expectedFlagged), row.condition).toBeLessThan(4 * standardError(flagged) + 1e-9);
      expect(row.expectedImprovedShare).toBeCloseTo(expectedImproved / expectedFlagged, 12);
    }
    // The re-test control under the paper's rule "improves" a share of probes by chance alone.
    expect(expected[0]!.expectedImprovedShare).toBeGreaterThan(0);
  }, 180_000);
});

describeWithSharedData('a run over several probe sets and languages', () => {
  it('runs the published probes of two languages beside the built-in English set with all four strategies, and reuses what it has computed', async () => {
    const db = await database();
    const zip = path.join(sharedDataDir, 'arora-probes/probes.zip');
    saveProbeSet(db, 'arora', zip, await readProbeSource(zip));
    const config = {
      models: ['tiny'],
      survey: 'shares',
      probeSet: 'arora',
      languages: ['de', 'tr', { language: 'en', probeSet: 'builtin' }],
      categories: [2],
      n: 10,
      estimator: 'tree',
      seed: 1,
    };
    const open = { llama: await getTestLlama() };
    const first = await startRun(db, config, { open });
    const measurements = loadMeasurements(db, first);
    expect(new Set(measurements.map((m) => `${m.language}/${m.country}`))).toEqual(
      new Set(['de/DEU', 'tr/TUR', 'en/USA']),
    );
    const conditions = new Set(measurements.map((m) => m.condition));
    expect(conditions).toEqual(
      new Set(['zero-shot', 'zero-shot-retest', 'random', 'random-category', 'chrf-category', 'chrf-all']),
    );
    // Q46 offers "now" for "unhappy" in the published files: left out there, as test item and as demonstration, but
    // not from our English set, which words it right.
    const published = measurements.filter((m) => m.language !== 'en');
    expect(published.some((m) => m.probeId === 'Q46' || m.demonstrationIds.includes('Q46'))).toBe(false);
    expect(measurements.some((m) => m.language === 'en' && m.probeId === 'Q46')).toBe(true);
    const included = await startRun(
      db,
      { ...config, languages: ['de'], strategies: ['random'], includeInvalidItems: true },
      { open },
    );
    expect(loadMeasurements(db, included).some((m) => m.probeId === 'Q46')).toBe(true);

    // The same configuration again: every estimate comes from the cache, none is computed anew.
    const cached = () => (db.prepare('SELECT COUNT(*) AS n FROM estimate_cache').get() as { n: number }).n;
    const before = cached();
    const second = await startRun(db, config, { open });
    expect(cached()).toBe(before);
    expect(loadMeasurements(db, second).map((m) => m.distributionJson)).toEqual(
      measurements.map((m) => m.distributionJson),
    );
  }, 120_000);

  it('stops before any work when a model file is gone, a language is unknown or the survey lacks a country', async () => {
    const db = await database();
    await expect(startRun(db, { ...CONFIG, languages: ['xx'] })).rejects.toThrow(/no default country/);
    await expect(startRun(db, { ...CONFIG, languages: [{ language: 'en', country: 'FRA' }] })).rejects.toThrow(
      /has no answers for FRA/,
    );
    await expect(startRun(db, { ...CONFIG, languages: ['de'] })).rejects.toThrow(/has no language "de"/);
    await expect(startRun(db, { ...CONFIG, models: ['ghost'] })).rejects.toThrow(/no model named "ghost"/);
    saveModel(db, {
      name: 'gone',
      kind: 'gguf',
      path: path.join(tempDir(), 'gone.gguf'),
      sampling: { temperature: 1 },
    });
    await expect(startRun(db, { ...CONFIG, models: ['gone'] })).rejects.toThrow(/model file of "gone" is missing/);
    expect((db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n).toBe(0);
  });

  it('runs an API model behind an OpenAI-compatible server the same way', async () => {
    const server = await startFakeOpenAIServer({ texts: ['important', 'happy', 'I am not sure', 'unhappy', 'very'] });
    try {
      const db = await database();
      saveModel(db, {
        name: 'served',
        kind: 'openai',
        baseUrls: [server.url],
        remoteModel: 'llama-3-8b',
        sampling: { temperature: 0.6, topP: 0.9 },
      });
      const id = await startRun(db, {
        ...CONFIG,
        models: ['served'],
        categories: [2],
        strategies: ['chrf-all'],
        n: 10,
        estimator: 'sampled',
      });
      expect(getRun(db, id).status).toBe('finished');
      const measurements = loadMeasurements(db, id);
      expect(measurements.filter((m) => m.condition === ZERO_SHOT).length).toBeGreaterThanOrEqual(5);
      // Self-aligned prompts carry their demonstrations as completed statements (here fewer than five can exist:
      // only category 2 is in the run, and demonstrations come from the run's categories).
      const aligned = measurements.filter((m) => m.condition === 'chrf-all');
      expect(aligned.length).toBeGreaterThan(0);
      for (const m of aligned) {
        expect(m.demonstrationIds.length).toBeGreaterThan(0);
        for (const prompt of storedPrompts(m.promptJson, m.demonstrationIds))
          expect(prompt.text.split('\n')).toHaveLength(3 + prompt.demonstrationIds.length);
      }
      expect(server.requests.length).toBeGreaterThanOrEqual(measurements.length);
    } finally {
      await server.close();
    }
  });

  it('sends exact estimates on an OpenAI-compatible server chat messages where it continues a begun answer, else the plain prompt after a warning', async () => {
    const FIRST = [
      { token: ' important', logprob: Math.log(0.7) },
      { token: ' unimportant', logprob: Math.log(0.3) },
    ];
    // One token, then the end, whatever the form: the completions prompt or the chat template's assistant turn.
    const nextTokens = (reads: string) =>
      FIRST.some((t) => reads.endsWith(t.token)) ? [{ token: '<|eot_id|>', logprob: 0 }] : FIRST;
    const vllm = await startFakeOpenAIServer({ nextTokens });
    const openai = await startFakeOpenAIServer({ nextTokens, rejectParams: ['continue_final_message'] });
    try {
      const db = await database();
      saveModel(db, {
        name: 'vllm',
        kind: 'openai',
        baseUrls: [vllm.url],
        remoteModel: 'llama-3-8b',
        sampling: { temperature: 1 },
      });
      saveModel(db, {
        name: 'openai',
        kind: 'openai',
        baseUrls: [openai.url],
        remoteModel: 'gpt-4o-mini',
        sampling: { temperature: 1 },
      });
      const config = {
        ...CONFIG,
        models: ['vllm', 'openai'],
        categories: [2],
        strategies: ['chrf-all'],
        estimator: 'exact',
        protocol: 'precise',
        concurrency: 4,
      };
      const prepared = await createRun(db, config);
      // Before any work: one question per server, and what the user hears.
      expect(vllm.requests).toHaveLength(1);
      expect(openai.requests).toHaveLength(1);
      expect(prepared.chatModes.get('vllm')).toEqual({ chat: true });
      expect(prepared.chatModes.get('openai')?.chat).toBe(false);
      expect(runWarnings(prepared)).toEqual([
        expect.stringMatching(
          /server of model "openai" does not give .*continue_final_message.*plain prompt through the completions endpoint/,
        ),
      ]);

      // A resume keeps the modes the run began with, without asking again.
      const reopened = await reopenRun(db, prepared.runId);
      expect(reopened.chatModes).toEqual(prepared.chatModes);
      expect(vllm.requests.length + openai.requests.length).toBe(2);

      await executeRun(db, reopened);
      expect(getRun(db, prepared.runId).status).toBe('finished');
      const measured = vllm.requests.slice(1);
      expect(measured.length).toBeGreaterThan(0);
      expect(
        measured.every(
          (r) => r.path === '/v1/chat/completions' && Array.isArray((r.body as { messages?: unknown }).messages),
        ),
      ).toBe(true);
      expect(openai.requests.slice(1).every((r) => r.path === '/v1/completions')).toBe(true);
      // Both forms read the same scripted probabilities, so both models measure the same.
      const shares = (model: string) =>
        loadMeasurements(db, prepared.runId)
          .filter((m) => m.model === model)
          .map((m) => [m.probeId, m.condition, JSON.parse(m.distributionJson).option1]);
      expect(shares('vllm').length).toBeGreaterThan(0);
      expect(shares('vllm')).toEqual(shares('openai'));

      // A run stored before the chat mode was kept resumes as it began: the plain prompt, and it says so.
      const legacy = await createRun(db, config);
      db.prepare('UPDATE runs SET models_json = ? WHERE id = ?').run(
        JSON.stringify(
          JSON.parse(getRun(db, legacy.runId).modelsJson).map(
            ({ name, identity }: { name: string; identity: string }) => ({ name, identity }),
          ),
        ),
        legacy.runId,
      );
      const legacyModes = (await reopenRun(db, legacy.runId)).chatModes;
      expect(legacyModes.get('vllm')).toMatchObject({
        chat: false,
        warning: expect.stringContaining('began before chat log-probabilities were asked for'),
      });
    } finally {
      await vllm.close();
      await openai.close();
    }
  });

  it('runs several models in one run, each measured and reported under its own name', async () => {
    const db = await database();
    const model = await tinyModelPath();
    saveModel(db, {
      name: 'tiny-hot',
      kind: 'gguf',
      path: model,
      sampling: { temperature: 1.2, topK: 40 },
      info: await inspectGguf(model),
    });
    const id = await startRun(
      db,
      { ...CONFIG, models: ['tiny', 'tiny-hot'], categories: [2], strategies: ['chrf-all'] },
      { open: { llama: await getTestLlama() } },
    );
    const records = probeRecords(loadMeasurements(db, id), 1);
    const byModel = (name: string) => records.filter((r) => r.model === name);
    expect(byModel('tiny').length).toBeGreaterThan(0);
    expect(byModel('tiny-hot').map((r) => r.probeId)).toEqual(byModel('tiny').map((r) => r.probeId));
    // Other sampling settings, other distributions: the models are measured apart, not from one cache entry.
    expect(byModel('tiny-hot').map((r) => r.zeroShot.alignment)).not.toEqual(
      byModel('tiny').map((r) => r.zeroShot.alignment),
    );
  }, 120_000);
});
