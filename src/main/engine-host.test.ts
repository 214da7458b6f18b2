// EngineHost against fake child processes and fake timers: replies by id, events, a crash that fails what
// was in flight, restarts with growing delays (and none triggered by requests), giving up, graceful stop.

import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import type { EngineRequest, WorkbenchEvent, WorkbenchReply } from '../shared/contract.js';
import { EngineHost, type EngineChild, type EngineHostOptions } from './engine-host.js';

class FakeChild extends EventEmitter implements EngineChild {
  readonly posted: EngineRequest[] = [];
  killed = false;
  postMessage(message: EngineRequest): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
  spawn(): void {
    this.emit('spawn');
  }
  send(message: unknown): void {
    this.emit('message', message);
  }
  reply(id: number, reply: WorkbenchReply): void {
    this.send({ id, reply });
  }
  exit(code: number | null = 1): void {
    this.emit('exit', code);
  }
  /** The requests it was sent, without the shutdown. */
  get requests(): Extract<EngineRequest, { id: number }>[] {
    return this.posted.filter((m): m is Extract<EngineRequest, { id: number }> => 'id' in m);
  }
}

const ok = (result: unknown): WorkbenchReply => ({ ok: true, result });

function setup(options: Partial<EngineHostOptions> = {}) {
  const children: FakeChild[] = [];
  const logs: string[] = [];
  const events: WorkbenchEvent[] = [];
  const host = new EngineHost({
    fork: () => {
      const child = new FakeChild();
      children.push(child);
      return child;
    },
    log: (message) => logs.push(message),
    ...options,
  });
  host.subscribe((event) => events.push(event));
  const states = () =>
    events.filter((e) => e.type === 'engine').map((e) => (e.type === 'engine' ? [e.state, e.retryInSeconds] : []));
  const last = () => children.at(-1)!;
  return { host, children, logs, events, states, last };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('requests and replies', () => {
  it('holds requests until the process has spawned, then matches replies by id in any order', async () => {
    const { host, children, last, states } = setup();
    host.start();
    expect(children).toHaveLength(1);
    const first = host.request('app.info', {});
    const second = host.request('probes.listSets', {});
    expect(last().posted).toEqual([]);

    last().spawn();
    expect(last().requests.map((r) => [r.id, r.command])).toEqual([
      [0, 'app.info'],
      [1, 'probes.listSets'],
    ]);
    last().reply(1, ok([]));
    last().reply(0, ok({ version: '1' }));
    await expect(second).resolves.toEqual(ok([]));
    await expect(first).resolves.toEqual(ok({ version: '1' }));
    expect(states()).toEqual([['ready', undefined]]);
  });

  it('starts the engine on the first request when nobody started it', async () => {
    const { host, children, last } = setup();
    const reply = host.request('app.info', {});
    expect(children).toHaveLength(1);
    last().spawn();
    last().reply(last().requests[0]!.id, ok('x'));
    await expect(reply).resolves.toEqual(ok('x'));
  });

  it("fans the engine's events out to every subscriber until it unsubscribes, and ignores what breaks the contract", () => {
    const { host, last, events, logs } = setup();
    const second: WorkbenchEvent[] = [];
    const unsubscribe = host.subscribe((event) => second.push(event));
    host.start();
    last().spawn();
    const progress: WorkbenchEvent = {
      type: 'progress',
      jobId: 'j1',
      kind: 'run',
      subject: 'r1',
      phase: 'measuring',
      done: 1,
      total: 4,
      rate: 2,
      etaSeconds: 1.5,
    };
    last().send({ event: progress });
    unsubscribe();
    last().send({ event: { ...progress, done: 2 } });
    last().send({ event: { type: 'progress', done: -1 } });
    last().send('nonsense');

    expect(events.filter((e) => e.type === 'progress')).toEqual([progress, { ...progress, done: 2 }]);
    expect(second.filter((e) => e.type === 'progress')).toEqual([progress]);
    expect(logs.filter((l) => l.includes('breaks the contract'))).toHaveLength(2);
  });
});

describe('a crash', () => {
  it('fails the requests in flight at once, says so, and restarts after the first delay', async () => {
    const { host, children, last, states } = setup();
    host.start();
    last().spawn();
    const inFlight = host.request('probes.import', { path: '/data/probes.zip' });
    last().exit(134);

    const reply = await inFlight;
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error).toMatchObject({ kind: 'bug', code: 'engine-crashed' });
    expect(reply.error.message).toContain('probes.import');
    expect(reply.error.message).toContain('exit code 134');
    expect(states()).toEqual([
      ['ready', undefined],
      ['crashed', undefined],
      ['restarting', 0.5],
    ]);
    expect(host.status).toBe('restarting');

    await vi.advanceTimersByTimeAsync(499);
    expect(children).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(children).toHaveLength(2);
    last().spawn();
    expect(states().at(-1)).toEqual(['ready', undefined]);
    expect(host.status).toBe('running');
  });

  it('waits longer after each crash in a row, up to the cap, and requests during the outage neither restart it nor fail', async () => {
    const { host, children, last, states } = setup();
    host.start();
    last().spawn();
    const delays: number[] = [];
    for (let crash = 0; crash < 8; crash++) {
      last().exit(1);
      const restarting = states().at(-1)!;
      expect(restarting[0]).toBe('restarting');
      delays.push(restarting[1] as number);
      // The bug this host replaces: every request forked a new process while the engine was down.
      const waiting = [host.request('runs.list', {}), host.request('jobs.list', {})];
      expect(children).toHaveLength(crash + 1);
      await vi.advanceTimersByTimeAsync((restarting[1] as number) * 1000);
      expect(children).toHaveLength(crash + 2);
      last().spawn();
      // The outage's requests go to the new process, and succeed there.
      const [a, b] = last().requests;
      last().reply(a!.id, ok(['a']));
      last().reply(b!.id, ok(['b']));
      await expect(Promise.all(waiting)).resolves.toEqual([ok(['a']), ok(['b'])]);
    }
    expect(delays).toEqual([0.5, 1, 2, 4, 8, 16, 30, 30]);
  });

  it('does not send a request again that was in flight when the engine died (it may be what killed it)', async () => {
    const { host, last } = setup();
    host.start();
    last().spawn();
    const poison = host.request('models.sample', { model: 'm', language: 'en', probeId: 'p' });
    last().exit(1);
    await expect(poison).resolves.toMatchObject({ ok: false, error: { code: 'engine-crashed' } });
    await vi.advanceTimersByTimeAsync(500);
    last().spawn();
    expect(last().requests).toEqual([]);
  });

  it('counts again from the first delay after a process that lived a minute', async () => {
    const { host, last, states } = setup();
    host.start();
    last().spawn();
    last().exit(1);
    await vi.advanceTimersByTimeAsync(500);
    last().spawn();
    last().exit(1);
    expect(states().at(-1)).toEqual(['restarting', 1]);
    await vi.advanceTimersByTimeAsync(1000);
    last().spawn();
    await vi.advanceTimersByTimeAsync(60_000);
    last().exit(1);
    expect(states().at(-1)).toEqual(['restarting', 0.5]);
  });

  it('counts a process that dies before it spawns, and a fork that throws, as crashes', async () => {
    let calls = 0;
    const children: FakeChild[] = [];
    const { host, states } = setup({
      fork: () => {
        calls += 1;
        if (calls === 2) throw new Error('spawn ENOENT');
        const child = new FakeChild();
        children.push(child);
        return child;
      },
    });
    host.start();
    children[0]!.exit(1);
    expect(states()).toEqual([
      ['crashed', undefined],
      ['restarting', 0.5],
    ]);
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toBe(2);
    expect(states().at(-2)).toEqual(['crashed', undefined]);
    expect(states().at(-1)).toEqual(['restarting', 1]);
    await vi.advanceTimersByTimeAsync(1000);
    children[1]!.spawn();
    expect(states().at(-1)).toEqual(['ready', undefined]);
  });

  it('gives up after too many crashes in a row: waiting and later requests fail with a clear message, nothing restarts', async () => {
    const { host, children, last, events } = setup({ backoff: { giveUpAfter: 2 } });
    host.start();
    last().exit(1);
    await vi.advanceTimersByTimeAsync(500);
    const waiting = host.request('runs.list', {});
    last().exit(1);
    await vi.advanceTimersByTimeAsync(1000);
    last().exit(1);

    const finalEvent = events.at(-1)!;
    expect(finalEvent).toMatchObject({ type: 'engine', state: 'crashed' });
    expect(finalEvent.type === 'engine' && finalEvent.retryInSeconds).toBeUndefined();
    expect(finalEvent.type === 'engine' && finalEvent.message).toContain('restart the workbench');
    await expect(waiting).resolves.toMatchObject({ ok: false, error: { kind: 'bug', code: 'engine-unavailable' } });
    await expect(host.request('app.info', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'engine-unavailable' },
    });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(children).toHaveLength(3);
    expect(host.status).toBe('failed');
  });

  it('ignores what a dead process still sends', async () => {
    const { host, last, children } = setup();
    host.start();
    const old = last();
    old.spawn();
    old.exit(1);
    await vi.advanceTimersByTimeAsync(500);
    children[1]!.spawn();
    const reply = host.request('app.info', {});
    const id = children[1]!.requests[0]!.id;
    old.reply(id, ok('from the dead'));
    children[1]!.reply(id, ok('alive'));
    await expect(reply).resolves.toEqual(ok('alive'));
  });
});

describe('stop', () => {
  it('sends shutdown, waits for closed, then fails what is still open and refuses new requests', async () => {
    const { host, last, children } = setup();
    host.start();
    last().spawn();
    const inFlight = host.request('runs.start', {});
    const stopped = host.stop();
    expect(last().posted.at(-1)).toEqual({ type: 'shutdown' });
    let done = false;
    void stopped.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(done).toBe(false);

    last().send({ type: 'closed' });
    await stopped;
    expect(last().killed).toBe(false);
    await expect(inFlight).resolves.toMatchObject({ ok: false, error: { code: 'engine-stopped' } });
    await expect(host.request('app.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'engine-stopped' } });
    // The exit that follows is no crash.
    last().exit(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(children).toHaveLength(1);
    expect(host.status).toBe('stopped');
    expect(host.stop()).toBe(stopped);
  });

  it("lets the engine's last replies through while it closes (a cancelled job answers)", async () => {
    const { host, last } = setup();
    host.start();
    last().spawn();
    const inFlight = host.request('probes.import', { path: 'x.zip' });
    const stopped = host.stop();
    const cancelled: WorkbenchReply = {
      ok: false,
      error: { kind: 'cancelled', code: 'cancelled', message: 'cancelled: the workbench is closing' },
    };
    last().reply(0, cancelled);
    last().exit(0);
    await stopped;
    await expect(inFlight).resolves.toEqual(cancelled);
  });

  it('kills an engine that does not close within the timeout', async () => {
    const { host, last, logs } = setup({ stopTimeoutMs: 10_000 });
    host.start();
    last().spawn();
    const stopped = host.stop();
    await vi.advanceTimersByTimeAsync(9_999);
    expect(last().killed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await stopped;
    expect(last().killed).toBe(true);
    expect(logs.some((l) => l.includes('did not close within 10 s'))).toBe(true);
  });

  it('ends a process that has not spawned yet without waiting for it', async () => {
    const { host, last } = setup();
    host.start();
    await host.stop();
    expect(last().killed).toBe(true);
    expect(last().posted).toEqual([]);
  });

  it('during a restart delay: nothing is started again, waiting requests fail', async () => {
    const { host, last, children } = setup();
    host.start();
    last().spawn();
    last().exit(1);
    const waiting = host.request('runs.list', {});
    await host.stop();
    await expect(waiting).resolves.toMatchObject({ ok: false, error: { code: 'engine-stopped' } });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(children).toHaveLength(1);
  });
});
