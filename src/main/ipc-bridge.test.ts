// The IPC bridge with a fake ipcMain, fake windows and a fake engine: who may call, what reaches the engine,
// what the window gets back, and which windows get the engine's events.

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EVENT_CHANNEL, WORKBENCH_CHANNEL, type CommandName, type EventListener, type WorkbenchEvent, type WorkbenchReply } from '../shared/contract.js';
import { IpcBridge, type BridgeEngine, type BridgeWindow, type InvokeEvent, type IpcMainLike } from './ipc-bridge.js';

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEvent, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`a second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke would resolve or reject with. */
  async invoke(event: InvokeEvent, request: unknown): Promise<unknown> {
    const handler = this.handlers.get(WORKBENCH_CHANNEL);
    if (!handler) throw new Error('no handler');
    return handler(event, request);
  }
}

class FakeWebContents extends EventEmitter {
  mainFrame: object | null = { name: 'main frame' };
  destroyed = false;
  failSend = false;
  readonly sent: [string, unknown][] = [];
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    if (this.failSend) throw new Error('Render frame was disposed before WebFrameMain could be accessed');
    this.sent.push([channel, args[0]]);
  }
  events(): unknown[] {
    return this.sent.filter(([channel]) => channel === EVENT_CHANNEL).map(([, event]) => event);
  }
}

class FakeWindow extends EventEmitter implements BridgeWindow {
  readonly webContents = new FakeWebContents();
  destroyed = false;
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** An invoke event from this window's top frame. */
  topFrame(): InvokeEvent {
    return { sender: this.webContents, senderFrame: this.webContents.mainFrame };
  }
}

class FakeEngine implements BridgeEngine {
  readonly requests: [CommandName, unknown][] = [];
  readonly listeners = new Set<EventListener>();
  answer: (command: CommandName, params: unknown) => WorkbenchReply = () => ({ ok: true, result: null });
  async request(command: CommandName, params: unknown): Promise<WorkbenchReply> {
    this.requests.push([command, params]);
    return this.answer(command, params);
  }
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  emit(event: WorkbenchEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

const APP_INFO = {
  version: '0.1.0',
  databasePath: '/tmp/w.sqlite',
  node: '22.0.0',
  platform: 'linux',
  vocabulary: { categories: [{ number: 1, name: 'Social values', excludedByDefault: false }], strategies: ['chrf-all'], protocols: [{ name: 'paper', estimator: 'sampled', n: 10 }], defaultCountries: { en: 'USA' } },
};

function setup() {
  const ipcMain = new FakeIpcMain();
  const engine = new FakeEngine();
  const logs: string[] = [];
  const bridge = new IpcBridge({ ipcMain, engine, log: (message) => logs.push(message) });
  const open = () => {
    const win = new FakeWindow();
    bridge.addWindow(win);
    return win;
  };
  return { ipcMain, engine, bridge, logs, open };
}

const progress = (done: number): WorkbenchEvent => ({ type: 'progress', jobId: 'j1', kind: 'run', subject: 'r1', phase: 'measuring', done, total: 10, rate: 1, etaSeconds: 10 - done });

describe('who may call', () => {
  it("answers the top frame of one of our windows", async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    engine.answer = () => ({ ok: true, result: APP_INFO });
    await expect(ipcMain.invoke(win.topFrame(), { command: 'app.info', params: {} })).resolves.toEqual({ ok: true, result: APP_INFO });
  });

  it('refuses a webContents that is not one of our windows', async () => {
    const { ipcMain, engine, open, logs } = setup();
    open();
    const foreign = new FakeWebContents();
    await expect(ipcMain.invoke({ sender: foreign, senderFrame: foreign.mainFrame }, { command: 'app.info', params: {} })).rejects.toThrow('IPC refused');
    expect(engine.requests).toEqual([]);
    expect(logs).toHaveLength(1);
  });

  it('refuses a subframe of our own window', async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    await expect(ipcMain.invoke({ sender: win.webContents, senderFrame: { name: 'an iframe' } }, { command: 'app.info', params: {} })).rejects.toThrow('IPC refused');
    await expect(ipcMain.invoke({ sender: win.webContents, senderFrame: null }, { command: 'app.info', params: {} })).rejects.toThrow('IPC refused');
    expect(engine.requests).toEqual([]);
  });

  it('refuses a destroyed window, a destroyed webContents and a closed window', async () => {
    const { ipcMain, engine, open } = setup();
    const destroyed = open();
    destroyed.destroyed = true;
    const gone = open();
    gone.webContents.destroyed = true;
    const closed = open();
    const closedEvent = closed.topFrame();
    closed.emit('closed');
    for (const event of [destroyed.topFrame(), gone.topFrame(), closedEvent]) {
      await expect(ipcMain.invoke(event, { command: 'app.info', params: {} })).rejects.toThrow('IPC refused');
    }
    expect(engine.requests).toEqual([]);
  });
});

describe('forwarding', () => {
  it('refuses a request that is not one, without asking the engine', async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    // The contract's envelope wants params too: createClient always sends them ({} when there are none).
    for (const bad of [undefined, 'app.info', { command: 'app.explode', params: {} }, { params: {} }, { command: 'app.info' }]) {
      await expect(ipcMain.invoke(win.topFrame(), bad)).resolves.toMatchObject({ ok: false, error: { kind: 'bug', code: 'bad-request' } });
    }
    expect(engine.requests).toEqual([]);
  });

  it('refuses params that break the command schema, naming the command', async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    const reply = (await ipcMain.invoke(win.topFrame(), { command: 'results.tables', params: { runId: 7 } })) as WorkbenchReply;
    expect(reply).toMatchObject({ ok: false, error: { kind: 'bug', code: 'bad-params' } });
    expect(!reply.ok && reply.error.message).toContain('"results.tables"');
    await expect(ipcMain.invoke(win.topFrame(), { command: 'app.info', params: { extra: true } })).resolves.toMatchObject({ ok: false, error: { code: 'bad-params' } });
    expect(engine.requests).toEqual([]);
  });

  it('forwards the parsed params, defaults filled in', async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    engine.answer = (command) => (command === 'app.info' ? { ok: true, result: APP_INFO } : { ok: false, error: { kind: 'user', code: 'no-run', message: 'no run r1' } });
    await ipcMain.invoke(win.topFrame(), { command: 'results.tables', params: { runId: 'r1' } });
    await ipcMain.invoke(win.topFrame(), { command: 'app.info', params: {} });
    expect(engine.requests).toEqual([
      ['results.tables', { runId: 'r1', seed: 0 }],
      ['app.info', {}],
    ]);
  });

  it("passes the engine's refusal through as it is", async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    const refusal: WorkbenchReply = { ok: false, error: { kind: 'user', code: 'bad-file', message: 'line 3: no option B', file: 'en.csv', line: 3 } };
    engine.answer = () => refusal;
    await expect(ipcMain.invoke(win.topFrame(), { command: 'probes.import', params: { path: 'en.csv' } })).resolves.toEqual(refusal);
  });

  it('turns a result that breaks the contract into a bug, and strips fields the contract does not have', async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    engine.answer = () => ({ ok: true, result: { version: '0.1.0' } });
    const broken = (await ipcMain.invoke(win.topFrame(), { command: 'app.info', params: {} })) as WorkbenchReply;
    expect(broken).toMatchObject({ ok: false, error: { kind: 'bug', code: 'bad-result' } });
    expect(!broken.ok && broken.error.message).toContain('"app.info"');

    engine.answer = () => ({ ok: true, result: { ...APP_INFO, secret: 'internal' } });
    await expect(ipcMain.invoke(win.topFrame(), { command: 'app.info', params: {} })).resolves.toEqual({ ok: true, result: APP_INFO });
  });
});

describe('events', () => {
  it('go to every window whose page has made a request, and to no other', async () => {
    const { ipcMain, engine, open } = setup();
    const [a, b, quiet] = [open(), open(), open()];
    await ipcMain.invoke(a.topFrame(), { command: 'jobs.list', params: {} });
    await ipcMain.invoke(b.topFrame(), { command: 'jobs.list', params: {} });
    engine.emit(progress(1));
    engine.emit({ type: 'engine', state: 'crashed', message: 'the engine stopped unexpectedly (exit code 1)' });
    expect(a.webContents.events()).toEqual([progress(1), { type: 'engine', state: 'crashed', message: 'the engine stopped unexpectedly (exit code 1)' }]);
    expect(b.webContents.events()).toEqual(a.webContents.events());
    expect(quiet.webContents.events()).toEqual([]);
  });

  it('skip destroyed and closed windows, and one that throws does not keep the others from theirs', async () => {
    const { ipcMain, engine, open, logs } = setup();
    const [alive, destroyed, closed, failing] = [open(), open(), open(), open()];
    for (const win of [alive, destroyed, closed, failing]) await ipcMain.invoke(win.topFrame(), { command: 'jobs.list', params: {} });
    destroyed.destroyed = true;
    closed.emit('closed');
    failing.webContents.failSend = true;
    engine.emit(progress(2));
    expect(alive.webContents.events()).toEqual([progress(2)]);
    expect(destroyed.webContents.events()).toEqual([]);
    expect(closed.webContents.events()).toEqual([]);
    expect(logs.some((l) => l.includes('could not send an event'))).toBe(true);
  });

  it('stop for a page that reloads until it asks again; an in-page navigation keeps them coming', async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    await ipcMain.invoke(win.topFrame(), { command: 'jobs.list', params: {} });
    win.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: true });
    win.webContents.emit('did-start-navigation', { isMainFrame: false, isSameDocument: false });
    engine.emit(progress(3));
    win.webContents.emit('did-start-navigation', { isMainFrame: true, isSameDocument: false });
    engine.emit(progress(4));
    await ipcMain.invoke(win.topFrame(), { command: 'jobs.list', params: {} });
    engine.emit(progress(5));
    expect(win.webContents.events()).toEqual([progress(3), progress(5)]);
  });

  it('stop, with the handler, when the bridge is disposed', async () => {
    const { ipcMain, engine, open, bridge } = setup();
    const win = open();
    await ipcMain.invoke(win.topFrame(), { command: 'jobs.list', params: {} });
    bridge.dispose();
    engine.emit(progress(6));
    expect(win.webContents.events()).toEqual([]);
    expect(ipcMain.handlers.size).toBe(0);
    expect(engine.listeners.size).toBe(0);
  });
});
