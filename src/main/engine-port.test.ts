// The engine process's message handling with a fake Engine and a fake port, and the choice of transport
// (Electron's parentPort or Node's IPC) with stand-ins for `process`.

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { EngineMessage, EventListener, WorkbenchEvent, WorkbenchReply } from '../shared/contract.js';
import { processPort, serveEngine, type EnginePort, type PortEngine, type ProcessLike } from './engine-port.js';

class FakePort implements EnginePort {
  readonly posted: EngineMessage[] = [];
  private listener: ((data: unknown) => void) | undefined;
  private closeListener: (() => void) | undefined;
  post(message: EngineMessage): void {
    this.posted.push(message);
  }
  onMessage(listener: (data: unknown) => void): void {
    this.listener = listener;
  }
  onClose(listener: () => void): void {
    this.closeListener = listener;
  }
  deliver(data: unknown): void {
    this.listener!(data);
  }
  disconnect(): void {
    this.closeListener!();
  }
}

/** Resolves when `check` holds, polling the event loop (the port's work is asynchronous). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(check()).toBe(true);
}

function setup(overrides: Partial<PortEngine> = {}) {
  const calls: [string, unknown][] = [];
  const listeners = new Set<EventListener>();
  let finishClose: () => void = () => {};
  let closes = 0;
  const engine: PortEngine = {
    invoke: async (command, params) => {
      calls.push([command, params]);
      return { ok: true, result: { echo: command } };
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close: () => {
      closes += 1;
      return new Promise<void>((resolve) => (finishClose = resolve));
    },
    ...overrides,
  };
  const port = new FakePort();
  const exits: number[] = [];
  const logs: string[] = [];
  serveEngine(port, engine, { exit: (code) => exits.push(code), log: (message) => logs.push(message) });
  const emit = (event: WorkbenchEvent) => listeners.forEach((listener) => listener(event));
  return { port, calls, exits, logs, emit, listeners, finish: () => finishClose(), closes: () => closes };
}

describe('serveEngine', () => {
  it('answers each request with its id and the engine’s reply', async () => {
    const { port, calls } = setup();
    port.deliver({ id: 4, command: 'probes.listSets', params: {} });
    port.deliver({ id: 5, command: 'results.tables', params: { runId: 'r1' } });
    await until(() => port.posted.length === 2);
    expect(calls).toEqual([
      ['probes.listSets', {}],
      ['results.tables', { runId: 'r1' }],
    ]);
    expect(port.posted).toEqual([
      { id: 4, reply: { ok: true, result: { echo: 'probes.listSets' } } },
      { id: 5, reply: { ok: true, result: { echo: 'results.tables' } } },
    ]);
  });

  it('forwards every engine event as {event}', () => {
    const { port, emit } = setup();
    const ended: WorkbenchEvent = {
      type: 'job-ended',
      jobId: 'j',
      kind: 'download',
      subject: 'hf:x/y',
      state: 'finished',
    };
    emit(ended);
    expect(port.posted).toEqual([{ event: ended }]);
  });

  it('answers a malformed request that has an id with bad-request, and logs one without', async () => {
    const { port, calls, logs } = setup();
    port.deliver({ id: 9, command: 'no.such', params: {} });
    port.deliver({ id: 10 });
    port.deliver({ command: 'app.info', params: {} });
    port.deliver('hello');
    await until(() => port.posted.length === 2);
    expect(port.posted.map((m) => ('id' in m ? [m.id, m.reply.ok, !m.reply.ok && m.reply.error.code] : m))).toEqual([
      [9, false, 'bad-request'],
      [10, false, 'bad-request'],
    ]);
    expect(logs.filter((l) => l.startsWith('malformed engine request'))).toHaveLength(2);
    expect(calls).toEqual([]);
  });

  it('turns an engine that throws (against its contract) into a bug reply', async () => {
    const { port, logs } = setup({ invoke: () => Promise.reject(new Error('boom')) });
    port.deliver({ id: 1, command: 'app.info', params: {} });
    await until(() => port.posted.length === 1);
    expect(port.posted[0]).toEqual({
      id: 1,
      reply: { ok: false, error: { kind: 'bug', code: 'internal', message: 'boom' } } satisfies WorkbenchReply,
    });
    expect(logs).toHaveLength(1);
  });

  it('on shutdown: closes the engine, refuses requests meanwhile, says closed and exits 0, once', async () => {
    const { port, exits, calls, emit, finish, closes } = setup();
    port.deliver({ type: 'shutdown' });
    port.deliver({ type: 'shutdown' });
    port.deliver({ id: 2, command: 'runs.list', params: {} });
    // Jobs cancelled while closing still report it.
    emit({ type: 'job-ended', jobId: 'j', kind: 'run', subject: 'r1', state: 'cancelled' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([]);
    expect(port.posted.some((m) => 'type' in m && m.type === 'closed')).toBe(false);

    finish();
    await until(() => exits.length === 1);
    expect(closes()).toBe(1);
    expect(exits).toEqual([0]);
    expect(calls).toEqual([]);
    expect(port.posted).toEqual([
      {
        id: 2,
        reply: {
          ok: false,
          error: {
            kind: 'bug',
            code: 'engine-closing',
            message: 'the engine is shutting down and did not run "runs.list"',
          },
        },
      },
      { event: { type: 'job-ended', jobId: 'j', kind: 'run', subject: 'r1', state: 'cancelled' } },
      { type: 'closed' },
    ]);
  });

  it('still says closed, and exits 1, when closing fails', async () => {
    const { port, exits, logs } = setup({ close: () => Promise.reject(new Error('database is locked')) });
    port.deliver({ type: 'shutdown' });
    await until(() => exits.length === 1);
    expect(exits).toEqual([1]);
    expect(port.posted).toEqual([{ type: 'closed' }]);
    expect(logs).toEqual(['closing the engine failed']);
  });

  it('closes without a word when the host has gone', async () => {
    const { port, exits, finish, listeners } = setup();
    port.disconnect();
    finish();
    await until(() => exits.length === 1);
    expect(port.posted).toEqual([]);
    expect(listeners.size).toBe(0);
  });
});

describe('processPort', () => {
  it("uses Electron's parentPort when there is one, unwrapping each message's data", () => {
    const parent = new EventEmitter() as EventEmitter & { postMessage(message: unknown): void; sent: unknown[] };
    parent.sent = [];
    parent.postMessage = (message) => parent.sent.push(message);
    const proc = Object.assign(new EventEmitter(), { parentPort: parent, send: () => true }) as unknown as ProcessLike;
    const port = processPort(proc);
    const received: unknown[] = [];
    port.onMessage((data) => received.push(data));
    parent.emit('message', { data: { type: 'shutdown' } });
    port.post({ type: 'closed' });
    expect(received).toEqual([{ type: 'shutdown' }]);
    expect(parent.sent).toEqual([{ type: 'closed' }]);
    expect(port.onClose).toBeUndefined();
  });

  it("uses Node's IPC under child_process.fork, with a callback so a send to a gone parent cannot crash it", () => {
    const sent: unknown[] = [];
    const proc = Object.assign(new EventEmitter(), {
      send: (message: unknown, _handle: undefined, _options: object, callback: (error: Error | null) => void) => {
        sent.push(message);
        callback(new Error('channel closed'));
        return false;
      },
    }) as unknown as ProcessLike & EventEmitter;
    const port = processPort(proc);
    const received: unknown[] = [];
    let closed = false;
    port.onMessage((data) => received.push(data));
    port.onClose!(() => (closed = true));
    proc.emit('message', { id: 1, command: 'app.info', params: {} });
    port.post({ type: 'closed' });
    proc.emit('disconnect');
    expect(received).toEqual([{ id: 1, command: 'app.info', params: {} }]);
    expect(sent).toEqual([{ type: 'closed' }]);
    expect(closed).toBe(true);
  });

  it('refuses to run without a host', () => {
    expect(() => processPort(new EventEmitter() as unknown as ProcessLike)).toThrow(
      /utility process or with child_process.fork/,
    );
  });
});
