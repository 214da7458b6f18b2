// Every command of the contract through the real HTTP server, against a real engine on a temporary database,
// with the real probes and survey shares from ../shared/data and the tiny model in llama.cpp: imports and their
// previews, the registry, a small run started, watched over server-sent events, cancelled, resumed, its tables
// and one probe read back, a report exported; and every refusal (token, body, command, parameters, paths).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName, type WorkbenchEvent, type WorkbenchReply } from '../shared/contract.js';
import { startFakeModelServer, type FakeModelServer } from '../testing/fake-model-server.js';
import { describeWithSharedData, sharedDataDir } from '../testing/shared-data.js';
import { useTempDir } from '../testing/temp-dir.js';
import { tinyModelPath } from '../testing/tiny-model.js';
import { createEngine, type Engine } from './engine.js';
import { startHttpServer, type RunningServer } from './http-server.js';

const tempDir = useTempDir('selfalign-http-');
const used = new Set<string>();

interface Session {
  engine: Engine;
  server: RunningServer;
  invoke(
    command: CommandName | string,
    params?: unknown,
    token?: string | null,
  ): Promise<{ status: number; body: WorkbenchReply }>;
  call<T = unknown>(command: CommandName, params?: unknown): Promise<T>;
}

async function session(dir: string): Promise<Session> {
  const engine = createEngine({ databasePath: path.join(dir, 'workbench.sqlite') });
  const server = await startHttpServer({ engine, port: 0 });
  const invoke: Session['invoke'] = async (command, params = {}, token = server.token) => {
    used.add(command);
    const response = await fetch(`${server.origin}/api/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ command, params }),
    });
    return { status: response.status, body: (await response.json()) as WorkbenchReply };
  };
  const call = async <T>(command: CommandName, params: unknown = {}): Promise<T> => {
    const { body } = await invoke(command, params);
    if (!body.ok) throw new Error(`${command} failed: ${JSON.stringify(body.error)}`);
    return body.result as T;
  };
  return { engine, server, invoke, call };
}

/** The server-sent events of one connection, parsed, as they arrive. */
async function eventStream(server: RunningServer) {
  const controller = new AbortController();
  const response = await fetch(`${server.origin}/api/events?token=${server.token}`, { signal: controller.signal });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: WorkbenchEvent[] = [];
  const waiters: { test: (e: WorkbenchEvent) => boolean; resolve: (e: WorkbenchEvent) => void }[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message.split('\n').find((line) => line.startsWith('data: '));
          if (!data) continue;
          const event = JSON.parse(data.slice(6)) as WorkbenchEvent;
          events.push(event);
          for (const w of waiters.splice(0)) {
            if (w.test(event)) w.resolve(event);
            else waiters.push(w);
          }
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return {
    events,
    next: (test: (e: WorkbenchEvent) => boolean) =>
      new Promise<WorkbenchEvent>((resolve) => {
        const seen = events.find(test);
        if (seen) resolve(seen);
        else waiters.push({ test, resolve });
      }),
    close: () => controller.abort(),
  };
}

describeWithSharedData('the engine over HTTP', () => {
  let s: Session;
  let models: FakeModelServer;
  let dir = '';

  beforeAll(async () => {
    dir = tempDir();
    s = await session(dir);
    models = await startFakeModelServer();
  });

  afterAll(async () => {
    await s?.server.close();
    await s?.engine.close();
    await models?.close();
  });

  it('refuses a missing or wrong token, a malformed body, an unknown command, wrong parameters and a missing file, storing nothing', async () => {
    const before = await s.call<unknown[]>('probes.listSets');
    const noToken = await s.invoke(
      'probes.import',
      { path: path.join(sharedDataDir, 'arora-probes/probes.zip') },
      null,
    );
    expect(noToken.status).toBe(401);
    expect(noToken.body).toMatchObject({ ok: false, error: { code: 'unauthorised' } });
    expect((await s.invoke('probes.listSets', {}, 'wrong-token')).status).toBe(401);
    const events = await fetch(`${s.server.origin}/api/events?token=nope`);
    expect(events.status).toBe(401);

    const malformed = await fetch(`${s.server.origin}/api/invoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.server.token}` },
      body: '{"command": ',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ ok: false, error: { code: 'bad-request' } });

    const unknown = await s.invoke('probes.explode', {});
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ ok: false, error: { kind: 'user', code: 'unknown-command' } });

    const badParams = await s.invoke('probes.import', { path: 42 });
    expect(badParams.body).toMatchObject({ ok: false, error: { code: 'bad-params' } });
    expect(!badParams.body.ok && badParams.body.error.message).toContain('path');
    expect((await s.invoke('probes.import', { path: 'x.zip', extra: true })).body).toMatchObject({
      ok: false,
      error: { code: 'bad-params' },
    });

    const missing = await s.invoke('probes.import', { path: path.join(dir, 'no-such-probes.zip') });
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({
      ok: false,
      error: { kind: 'user', code: 'not-found', file: path.join(dir, 'no-such-probes.zip') },
    });
    const missingSurvey = await s.invoke('surveys.import', { path: path.join(dir, 'nothing.csv') });
    expect(missingSurvey.body).toMatchObject({ ok: false, error: { kind: 'user', code: 'not-found' } });

    // A foreign Host header (DNS rebinding) is refused even with the token.
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${s.server.origin}/api/invoke`,
        { method: 'POST', headers: { authorization: `Bearer ${s.server.token}`, host: 'evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{"command": "probes.listSets", "params": {}}');
    });
    expect(rebound).toBe(403);

    expect(await s.call('probes.listSets')).toEqual(before);
    expect(await s.call('surveys.list')).toEqual([]);
  });

  it('describes every command and event as JSON Schema', async () => {
    const response = await fetch(`${s.server.origin}/api/contract`);
    expect(response.status).toBe(200);
    const contract = (await response.json()) as {
      commands: Record<string, { params: object; result: object }>;
      events: object;
    };
    expect(Object.keys(contract.commands)).toEqual([...COMMAND_NAMES]);
    expect(contract.commands['runs.start']!.params).toMatchObject({
      type: 'object',
      properties: { config: expect.any(Object) },
    });
    expect(JSON.stringify(contract.events)).toContain('job-ended');
  });

  it('imports probes and a survey, first as a preview that stores nothing', async () => {
    const info = await s.call<{ version: string; databasePath: string }>('app.info');
    expect(info.databasePath).toBe(path.join(dir, 'workbench.sqlite'));

    const zip = path.join(sharedDataDir, 'arora-probes/probes.zip');
    const preview = await s.call<{ preview: boolean; probes: number; usable: number; flagged: Record<string, number> }>(
      'probes.import',
      { path: zip, name: 'arora', preview: true },
    );
    expect(preview).toMatchObject({
      preview: true,
      probes: 3536,
      usable: 3299,
      flagged: { 'missing-option': 232, 'no-blank': 5 },
    });
    expect((await s.call<{ name: string }[]>('probes.listSets')).map((x) => x.name)).toEqual(['builtin']);
    expect(await s.call('probes.import', { path: zip, name: 'arora' })).toMatchObject({ preview: false, probes: 3536 });
    expect((await s.call<{ name: string }[]>('probes.listSets')).map((x) => x.name)).toEqual(['arora', 'builtin']);
    const german = await s.call<{ probes: { id: string; template: string }[] }>('probes.show', {
      set: 'arora',
      language: 'de',
    });
    expect(german.probes[0]).toMatchObject({ id: 'Q1', template: 'Familie ist _ in meinem Leben' });
    await s.call('probes.import', { path: zip, name: 'spare' });
    expect(await s.call('probes.delete', { name: 'spare' })).toEqual({ deleted: 'spare' });
    expect((await s.invoke('probes.delete', { name: 'builtin' })).body).toMatchObject({
      ok: false,
      error: { code: 'builtin-set' },
    });

    const shares = path.join(sharedDataDir, 'wvs/country_distributions.csv');
    const surveyPreview = await s.call<{ preview: boolean; countries: { iso3: string }[] }>('surveys.import', {
      path: shares,
      name: 'shares',
      preview: true,
    });
    expect(surveyPreview.preview).toBe(true);
    expect(surveyPreview.countries.map((c) => c.iso3)).toContain('USA');
    expect(await s.call('surveys.list')).toEqual([]);
    await s.call('surveys.import', { path: shares, name: 'shares' });
    await s.call('surveys.import', { path: shares, name: 'spare' });
    expect(await s.call('surveys.delete', { name: 'spare' })).toEqual({ deleted: 'spare' });
    expect((await s.call<{ name: string; countries: string[] }[]>('surveys.list')).map((x) => x.name)).toEqual([
      'shares',
    ]);

    const targets = await s.call<{ rows: { id: string; kind: string; majorityText?: string }[] }>('targets.get', {
      survey: 'shares',
      country: 'USA',
    });
    expect(targets.rows.find((r) => r.id === 'Q1')).toMatchObject({ kind: 'majority', majorityText: 'important' });
    const demos = await s.call<{ demonstrations: { id: string; sentence: string }[] }>('demos.select', {
      survey: 'shares',
      probe: 'Q28',
      strategy: 'chrf-all',
    });
    expect(demos.demonstrations).toHaveLength(5);
    const prompt = await s.call<{ text: string; demonstrationIds: string[] }>('prompts.build', {
      survey: 'shares',
      probe: 'Q28',
      strategy: 'chrf-all',
    });
    expect(prompt.demonstrationIds).toEqual(demos.demonstrations.map((d) => d.id));
    expect(prompt.text).toContain(demos.demonstrations[0]!.sentence);
  });

  it('registers, inspects, downloads and samples models', async () => {
    const tiny = await tinyModelPath();
    const presets = await s.call<{ name: string }[]>('models.presets');
    expect(presets.map((p) => p.name)).toContain('llama-3-8b-instruct');
    const record = await s.call<{ kind: string; info: { architecture: string } }>('models.addGguf', {
      path: tiny,
      name: 'tiny',
      preset: 'llama-3-8b-instruct',
    });
    expect(record).toMatchObject({ kind: 'gguf', info: { architecture: 'llama' } });
    await s.call('models.addOpenAI', {
      model: 'served',
      baseUrls: ['http://127.0.0.1:9/v1'],
      name: 'served',
      sampling: { temperature: 0.5 },
    });
    await s.call('models.addGemini', { model: 'gemini-1.5-pro', name: 'gem' });
    expect((await s.invoke('models.addOpenAI', { model: 'x', baseUrls: ['ftp://x'] })).body).toMatchObject({
      ok: false,
      error: { code: 'bad-url' },
    });
    const listed = await s.call<{ name: string; kind: string; apiKeyEnv?: string }[]>('models.list');
    expect(listed.map((m) => `${m.name}:${m.kind}`)).toEqual(['gem:gemini', 'served:openai', 'tiny:gguf']);
    expect(listed.find((m) => m.name === 'gem')?.apiKeyEnv).toBe('GEMINI_API_KEY');
    expect(await s.call('models.remove', { name: 'served' })).toEqual({ deleted: 'served' });

    const inspected = await s.call<{
      layers: number;
      machine: { backend: string };
      fit: { fits: boolean; gpuLayers: number; note: string };
    }>('models.inspect', { model: 'tiny', gpu: 'cpu' });
    expect(inspected.layers).toBeGreaterThanOrEqual(2);
    expect(inspected).toMatchObject({ machine: { backend: 'cpu' }, fit: { fits: true, gpuLayers: 0 } });
    expect(inspected.fit.note).toContain('CPU');
    expect((await s.invoke('models.inspect', { model: 'gem' })).body).toMatchObject({
      ok: false,
      error: { code: 'not-local' },
    });

    models.serveFile('/tiny.gguf', tiny);
    const downloaded = await s.call<{ path: string; sha256: string }>('models.download', {
      uri: `${models.url}/tiny.gguf`,
      dir: path.join(dir, 'models'),
    });
    expect(existsSync(downloaded.path)).toBe(true);
    expect(downloaded.sha256).toMatch(/^[0-9a-f]{64}$/);

    const sampled = await s.call<{ distribution: { n: number; option1: number; option2: number; invalid: number } }>(
      'models.sample',
      { model: 'tiny', probe: 'Q1', n: 20, gpu: 'cpu', threads: 1 },
    );
    expect(sampled.distribution.n).toBe(20);
    expect(sampled.distribution.option1 + sampled.distribution.option2 + sampled.distribution.invalid).toBeCloseTo(
      1,
      9,
    );
  }, 60_000);

  it('validates a run, starts it, streams its events, cancels it, resumes it, and reads its results and report', async () => {
    const bad = await s.call<{ ok: boolean; problems: { path: string; message: string }[] }>('runs.validate', {
      config: { models: ['tiny', 'ghost'], survey: 'shares', languages: ['en', { language: 'en', country: 'FRA' }] },
    });
    expect(bad.ok).toBe(false);
    expect(bad.problems.map((p) => p.path)).toEqual(['models.1', 'languages.1.country']);
    const invalid = await s.call<{ ok: boolean; problems: { path: string }[] }>('runs.validate', {
      config: { models: [], survey: 'shares', languages: ['en'], k: 0 },
    });
    expect(invalid.problems.map((p) => p.path).sort()).toEqual(['k', 'models']);

    const config = {
      models: ['tiny'],
      survey: 'shares',
      languages: ['en'],
      categories: [1, 2],
      strategies: ['chrf-all', 'random'],
      seed: 1,
      explanations: { enabled: true, perProbe: 1, maxTokens: 12 },
    };
    // The paper's protocol, as the default: sampled, n = 10, misaligned below 100%.
    const valid = await s.call<{
      ok: boolean;
      config: Record<string, unknown>;
      work: { zeroShot: number; selfAlignedAtMost: number };
    }>('runs.validate', { config });
    expect(valid.ok).toBe(true);
    expect(valid.config).toMatchObject({ protocol: 'paper', estimator: 'sampled', n: 10, misalignmentThreshold: 1 });
    expect(valid.work.zeroShot).toBeGreaterThan(20);
    expect(valid.work.selfAlignedAtMost).toBe(valid.work.zeroShot * 3); // two strategies and the re-test control

    const stream = await eventStream(s.server);
    const { runId, jobId } = await s.call<{ runId: string; jobId: string }>('runs.start', {
      config,
      gpu: 'cpu',
      threads: 1,
    });
    // A second client (a reloaded window) finds the run and its progress.
    await stream.next((e) => e.type === 'progress' && e.subject === runId && e.done >= 5);
    const running = await s.call<{
      status: string;
      active: boolean;
      jobId: string;
      progress: { phase: string; total: number };
    }>('runs.get', { runId });
    expect(running).toMatchObject({
      status: 'running',
      active: true,
      jobId,
      progress: { phase: 'zero-shot', total: valid.work.zeroShot },
    });
    expect(
      (await s.call<{ jobId: string; kind: string }[]>('jobs.list')).some((j) => j.jobId === jobId && j.kind === 'run'),
    ).toBe(true);
    expect((await s.invoke('runs.delete', { runId })).body).toMatchObject({ ok: false, error: { code: 'run-active' } });
    expect(await s.call('runs.cancel', { runId })).toEqual({ runId, cancelled: true });
    const cancelled = await stream.next((e) => e.type === 'job-ended' && e.jobId === jobId);
    expect(cancelled).toMatchObject({ state: 'cancelled', error: { kind: 'cancelled' } });
    const stopped = await s.call<{ status: string; measurements: number }>('runs.get', { runId });
    expect(stopped.status).toBe('cancelled');
    expect(stopped.measurements).toBeGreaterThanOrEqual(5);
    expect(stopped.measurements).toBeLessThan(valid.work.zeroShot);
    expect(stream.events.some((e) => e.type === 'progress' && e.kind === 'run' && e.subject === runId)).toBe(true);

    const resumed = await s.call<{ runId: string; jobId: string }>('runs.resume', { runId, gpu: 'cpu', threads: 1 });
    expect((await s.invoke('runs.resume', { runId })).body).toMatchObject({ ok: false, error: { code: 'run-active' } });
    const finished = await stream.next((e) => e.type === 'job-ended' && e.jobId === resumed.jobId);
    expect(finished).toMatchObject({ state: 'finished' });
    stream.close();

    const run = await s.call<{
      status: string;
      probes: number;
      misaligned: number;
      outcomes: { strategy: string; misaligned: number; improved: number }[];
    }>('runs.get', { runId });
    expect(run.status).toBe('finished');
    expect(run.probes).toBe(valid.work.zeroShot);
    expect(new Set(run.outcomes.map((o) => o.strategy))).toEqual(new Set(['zero-shot-retest', 'chrf-all', 'random']));
    const list = await s.call<
      {
        id: string;
        status: string;
        active: boolean;
        headline: { strategy: string; improvedShare: number; retestImprovedShare: number | null } | null;
      }[]
    >('runs.list');
    expect(list).toEqual([expect.objectContaining({ id: runId, status: 'finished', active: false })]);
    // The headline: the best strategy's improved share (pooled), beside the re-test control's.
    const best = run.outcomes
      .filter((o) => o.strategy !== 'zero-shot-retest')
      .map((o) => ({ strategy: o.strategy, share: o.improved / Math.max(1, o.misaligned) }));
    expect(list[0]!.headline).toMatchObject({ strategy: best.sort((a, b) => b.share - a.share)[0]!.strategy });
    expect(list[0]!.headline!.retestImprovedShare).not.toBeNull();

    const tables = await s.call<{
      outcomes: { strategy: string; misaligned: number }[];
      categories: unknown[];
      misalignment: { probes: number }[];
    }>('results.tables', { runId });
    expect(tables.outcomes.map((o) => o.misaligned)).toEqual(run.outcomes.map((o) => o.misaligned));
    expect(tables.misalignment[0]!.probes).toBe(run.probes);

    const page = await s.call<{
      total: number;
      rows: { probeId: string; condition: string; outcome: string | null; template: string | null }[];
    }>('results.probes', { runId, filter: { condition: 'chrf-all' }, limit: 3 });
    expect(page.total).toBe(run.misaligned);
    expect(page.rows).toHaveLength(Math.min(3, run.misaligned));
    expect(page.rows.every((r) => r.condition === 'chrf-all' && r.outcome !== null && r.template !== null)).toBe(true);
    const family = await s.call<{ rows: { probeId: string }[] }>('results.probes', {
      runId,
      filter: { text: 'family', condition: 'zero-shot' },
    });
    expect(family.rows.map((r) => r.probeId)).toContain('Q1');
    const sorted = await s.call<{ rows: { errorReduction: number | null }[] }>('results.probes', {
      runId,
      filter: { condition: 'random' },
      sort: { by: 'errorReduction', descending: true },
    });
    const reductions = sorted.rows.map((r) => r.errorReduction ?? Number.NEGATIVE_INFINITY);
    expect(reductions).toEqual([...reductions].sort((a, b) => b - a));

    const one = page.rows[0]!;
    const detail = await s.call<{
      conditions: {
        condition: string;
        demonstrations: { id: string; sentence: string | null; chrfpp: number | null }[];
        prompts: { text: string; weight: number }[];
      }[];
    }>('results.probe', { runId, model: 'tiny', language: 'en', probeId: one.probeId });
    expect(detail.conditions.map((c) => c.condition).sort()).toEqual([
      'chrf-all',
      'random',
      'zero-shot',
      'zero-shot-retest',
    ]);
    const aligned = detail.conditions.find((c) => c.condition === 'chrf-all')!;
    expect(aligned.demonstrations.length).toBeGreaterThan(0);
    expect(
      aligned.demonstrations.every(
        (d) => d.sentence !== null && d.chrfpp !== null && aligned.prompts.some((p) => p.text.includes(d.sentence!)),
      ),
    ).toBe(true);
    // Each draw has its own prompt: the option order is drawn per draw, so a probe has more than one prompt, n draws in all.
    expect(aligned.prompts.length).toBeGreaterThan(1);
    expect(aligned.prompts.reduce((sum, p) => sum + p.weight, 0)).toBe(10);

    const out = path.join(dir, 'report');
    const report = await s.call<{ files: string[] }>('reports.export', { runId, dir: out, bom: true });
    expect(report.files.map((f) => path.basename(f))).toContain('manifest.json');
    expect(readdirSync(out)).toEqual(
      expect.arrayContaining(['probes.csv', 'table1-expected.csv', 'table1-uncontested.csv']),
    );
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
      configuration: { protocol: string };
      promptTemplates: Record<string, { instruction: string }>;
      itemsLeftOut: { probeId: string }[];
    };
    expect(manifest.configuration.protocol).toBe('paper');
    expect(manifest.promptTemplates.en!.instruction).toContain('{first_option}');
    expect(manifest.itemsLeftOut).toEqual([]); // Q82 is in category 3, outside this run
    // explanations.csv in the layout of the paper's Table 2.
    const table2 = parse(readFileSync(path.join(out, 'explanations.csv'), 'utf8').replace(/^\uFEFF/, ''), {
      columns: true,
    }) as Record<string, string>[];
    expect(table2.length).toBeGreaterThan(0);
    expect(Object.keys(table2[0]!)).toEqual([
      'model',
      'language',
      'country',
      'probeId',
      'strategy',
      'outcome',
      'demonstrations',
      'question',
      'answer',
      'explanation',
      'ordinal',
    ]);
    for (const row of table2) {
      expect(['improved', 'worsened']).toContain(row.outcome);
      expect(row.demonstrations!.split('\n').length).toBeGreaterThan(0);
      expect(row.demonstrations).not.toContain('_');
      expect(row.question).toContain('_');
    }
    // The same entries for the window, filtered and paged on the engine's side.
    const browsed = await s.call<{
      total: number;
      rows: { probeId: string; outcome: string; demonstrations: string[]; explanation: string; categoryName: string }[];
    }>('results.explanations', { runId, limit: 2 });
    expect(browsed.total).toBe(table2.length);
    expect(browsed.rows[0]).toMatchObject({
      probeId: table2[0]!.probeId,
      explanation: table2[0]!.explanation,
      demonstrations: table2[0]!.demonstrations!.split('\n'),
    });
    expect(browsed.rows[0]!.categoryName).toBeTruthy();
    const improvedOnly = await s.call<{ total: number; rows: { outcome: string }[] }>('results.explanations', {
      runId,
      filter: { outcome: 'improved' },
    });
    expect(improvedOnly.total).toBe(table2.filter((r) => r.outcome === 'improved').length);
    expect(improvedOnly.rows.every((r) => r.outcome === 'improved')).toBe(true);

    expect(await s.call('jobs.cancel', { jobId: resumed.jobId })).toEqual({ jobId: resumed.jobId, cancelled: false });
    expect(await s.call('runs.delete', { runId })).toEqual({ deleted: runId });
    expect(await s.call('runs.list')).toEqual([]);
  }, 240_000);

  it('has exercised every command of the contract', () => {
    expect(COMMAND_NAMES.filter((c) => !used.has(c))).toEqual([]);
  });
});
