// What is HTTP's own, through the real HTTP server in front of a real engine on a temporary database: the token
// and the Host header, malformed bodies and unknown commands, the contract as JSON Schema, a user's mistake as an
// answer with its place, the events as server-sent events, and one path end to end (a survey and the tiny model
// registered, a run started and streamed to its end, its results read). What each command does, and each of its
// refusals, is tested through the in-process client beside its handlers (src/engine/handlers/*.test.ts, each of
// which checks that it has called every command of its group).

import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COMMAND_NAMES, type CommandName, type WorkbenchEvent, type WorkbenchReply } from '../shared/contract.js';
import { describeWithSharedData, sharedDataDir } from '../testing/shared-data.js';
import { useTempDir } from '../testing/temp-dir.js';
import { tinyModelPath } from '../testing/tiny-model.js';
import { createEngine, type Engine } from './engine.js';
import { startHttpServer, type RunningServer } from './http-server.js';

const tempDir = useTempDir('selfalign-http-');

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
  let dir = '';

  beforeAll(async () => {
    dir = tempDir();
    s = await session(dir);
  });

  afterAll(async () => {
    await s?.server.close();
    await s?.engine.close();
  });

  it('refuses a missing or wrong token, a foreign host, a malformed body and an unknown command, answers a missing file with its place, and stores nothing', async () => {
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

    // A user's mistake is an answer (200), its code and place as fields.
    const missing = await s.invoke('probes.import', { path: path.join(dir, 'no-such-probes.zip') });
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({
      ok: false,
      error: { kind: 'user', code: 'not-found', file: path.join(dir, 'no-such-probes.zip') },
    });

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

  it('runs end to end: a survey and a model registered, a run started, its events streamed until it ends, its results read', async () => {
    await s.call('surveys.import', { path: path.join(sharedDataDir, 'wvs/country_distributions.csv'), name: 'shares' });
    await s.call('models.addGguf', { path: await tinyModelPath(), name: 'tiny', preset: 'llama-3-8b-instruct' });
    const config = { models: ['tiny'], survey: 'shares', languages: ['en'], categories: [2], strategies: ['random'] };
    const { work } = await s.call<{ work: { zeroShot: number } }>('runs.validate', { config });

    const stream = await eventStream(s.server);
    const { runId, jobId } = await s.call<{ runId: string; jobId: string }>('runs.start', {
      config,
      gpu: 'cpu',
      threads: 1,
    });
    const ended = await stream.next((e) => e.type === 'job-ended' && e.jobId === jobId);
    expect(ended).toMatchObject({ kind: 'run', subject: runId, state: 'finished' });
    const progress = stream.events.filter(
      (e): e is Extract<WorkbenchEvent, { type: 'progress' }> => e.type === 'progress' && e.jobId === jobId,
    );
    expect(progress[0]).toMatchObject({ kind: 'run', subject: runId, done: 0 });
    const last = progress.at(-1)!;
    expect(last.done).toBe(last.total);
    stream.close();

    const run = await s.call<{ status: string; active: boolean; probes: number }>('runs.get', { runId });
    expect(run).toMatchObject({ status: 'finished', active: false, probes: work.zeroShot });
    const tables = await s.call<{ runId: string; misalignment: { probes: number }[] }>('results.tables', { runId });
    expect(tables.misalignment[0]!.probes).toBe(run.probes);
  }, 120_000);
});
