// The IPC bridge with a fake ipcMain, fake windows and a fake engine: who may call, what reaches the engine,
// what the window gets back, and which windows get the engine's events.

import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  EVENT_CHANNEL,
  WORKBENCH_CHANNEL,
  type CommandName,
  type EventListener,
  type WorkbenchEvent,
  type WorkbenchReply,
} from '../shared/contract.js';
import { CHOOSE_PATH_CHANNEL, PATH_PURPOSES } from '../shared/desktop.js';
import type { OpenDialogOptions } from './file-dialogs.js';
import {
  IpcBridge,
  type BridgeEngine,
  type DialogLike,
  type BridgeWindow,
  type InvokeEvent,
  type IpcMainLike,
} from './ipc-bridge.js';

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
  async invoke(event: InvokeEvent, request: unknown, channel = WORKBENCH_CHANNEL): Promise<unknown> {
    const handler = this.handlers.get(channel);
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

/** The system's dialog: records what it was asked and answers as the user would. */
class FakeDialog implements DialogLike {
  readonly opened: [BridgeWindow, OpenDialogOptions][] = [];
  answer: { canceled: boolean; filePaths: string[] } = { canceled: true, filePaths: [] };
  async showOpenDialog(win: BridgeWindow, options: OpenDialogOptions) {
    this.opened.push([win, options]);
    return this.answer;
  }
}

const APP_INFO = {
  version: '0.1.0',
  databasePath: '/tmp/w.sqlite',
  node: '22.0.0',
  platform: 'linux',
  vocabulary: {
    categories: [{ number: 1, name: 'Social values', excludedByDefault: false }],
    strategies: ['chrf-all'],
    protocols: [{ name: 'paper', estimator: 'sampled', n: 10 }],
    defaultCountries: { en: 'USA' },
    defaultPromptTemplate: {
      instruction: 'Fill in the blank with "{first_option}" or "{second_option}".',
      explanationInstruction: 'Then explain why.',
      demonstration: '{sentence}',
      question: '{statement}',
      answerCue: 'Answer:',
      separator: '\n',
    },
  },
};

function setup() {
  const ipcMain = new FakeIpcMain();
  const engine = new FakeEngine();
  const dialog = new FakeDialog();
  const logs: string[] = [];
  const bridge = new IpcBridge({ ipcMain, engine, dialog, log: (message) => logs.push(message) });
  const open = () => {
    const win = new FakeWindow();
    bridge.addWindow(win);
    return win;
  };
  return { ipcMain, engine, dialog, bridge, logs, open };
}

const progress = (done: number): WorkbenchEvent => ({
  type: 'progress',
  jobId: 'j1',
  kind: 'run',
  subject: 'r1',
  phase: 'measuring',
  done,
  total: 10,
  rate: 1,
  etaSeconds: 10 - done,
});

describe('who may call', () => {
  it('answers the top frame of one of our windows', async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    engine.answer = () => ({ ok: true, result: APP_INFO });
    await expect(ipcMain.invoke(win.topFrame(), { command: 'app.info', params: {} })).resolves.toEqual({
      ok: true,
      result: APP_INFO,
    });
  });

  it('refuses a webContents that is not one of our windows', async () => {
    const { ipcMain, engine, open, logs } = setup();
    open();
    const foreign = new FakeWebContents();
    await expect(
      ipcMain.invoke({ sender: foreign, senderFrame: foreign.mainFrame }, { command: 'app.info', params: {} }),
    ).rejects.toThrow('IPC refused');
    expect(engine.requests).toEqual([]);
    expect(logs).toHaveLength(1);
  });

  it('refuses a subframe of our own window', async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    await expect(
      ipcMain.invoke(
        { sender: win.webContents, senderFrame: { name: 'an iframe' } },
        { command: 'app.info', params: {} },
      ),
    ).rejects.toThrow('IPC refused');
    await expect(
      ipcMain.invoke({ sender: win.webContents, senderFrame: null }, { command: 'app.info', params: {} }),
    ).rejects.toThrow('IPC refused');
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
    for (const bad of [
      undefined,
      'app.info',
      { command: 'app.explode', params: {} },
      { params: {} },
      { command: 'app.info' },
    ]) {
      await expect(ipcMain.invoke(win.topFrame(), bad)).resolves.toMatchObject({
        ok: false,
        // The caller's mistake, as through the engine and the HTTP server (CONTRACT_BREAKS).
        error: { kind: 'user', code: 'bad-request' },
      });
    }
    expect(engine.requests).toEqual([]);
  });

  it('refuses params that break the command schema, naming the command', async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    const reply = (await ipcMain.invoke(win.topFrame(), {
      command: 'results.tables',
      params: { runId: 7 },
    })) as WorkbenchReply;
    expect(reply).toMatchObject({ ok: false, error: { kind: 'user', code: 'bad-params' } });
    expect(!reply.ok && reply.error.message).toContain('"results.tables"');
    await expect(
      ipcMain.invoke(win.topFrame(), { command: 'app.info', params: { extra: true } }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'bad-params' } });
    expect(engine.requests).toEqual([]);
  });

  it('forwards the parsed params, defaults filled in', async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    engine.answer = (command) =>
      command === 'app.info'
        ? { ok: true, result: APP_INFO }
        : { ok: false, error: { kind: 'user', code: 'no-run', message: 'no run r1' } };
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
    const refusal: WorkbenchReply = {
      ok: false,
      error: { kind: 'user', code: 'bad-file', message: 'line 3: no option B', file: 'en.csv', line: 3 },
    };
    engine.answer = () => refusal;
    await expect(
      ipcMain.invoke(win.topFrame(), { command: 'probes.import', params: { path: 'en.csv' } }),
    ).resolves.toEqual(refusal);
  });

  it('turns a result that breaks the contract into a bug, and strips fields the contract does not have', async () => {
    const { ipcMain, engine, open } = setup();
    const win = open();
    engine.answer = () => ({ ok: true, result: { version: '0.1.0' } });
    const broken = (await ipcMain.invoke(win.topFrame(), { command: 'app.info', params: {} })) as WorkbenchReply;
    expect(broken).toMatchObject({ ok: false, error: { kind: 'bug', code: 'bad-result' } });
    expect(!broken.ok && broken.error.message).toContain('"app.info"');

    engine.answer = () => ({ ok: true, result: { ...APP_INFO, secret: 'internal' } });
    await expect(ipcMain.invoke(win.topFrame(), { command: 'app.info', params: {} })).resolves.toEqual({
      ok: true,
      result: APP_INFO,
    });
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
    expect(a.webContents.events()).toEqual([
      progress(1),
      { type: 'engine', state: 'crashed', message: 'the engine stopped unexpectedly (exit code 1)' },
    ]);
    expect(b.webContents.events()).toEqual(a.webContents.events());
    expect(quiet.webContents.events()).toEqual([]);
  });

  it('skip destroyed and closed windows, and one that throws does not keep the others from theirs', async () => {
    const { ipcMain, engine, open, logs } = setup();
    const [alive, destroyed, closed, failing] = [open(), open(), open(), open()];
    for (const win of [alive, destroyed, closed, failing])
      await ipcMain.invoke(win.topFrame(), { command: 'jobs.list', params: {} });
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

describe('file dialogs', () => {
  it('open on the window that asked, with the options of the purpose, and give back the chosen path', async () => {
    const { ipcMain, dialog, open } = setup();
    open();
    const win = open();
    dialog.answer = { canceled: false, filePaths: ['/data/probes.zip'] };
    await expect(ipcMain.invoke(win.topFrame(), 'probe-file', CHOOSE_PATH_CHANNEL)).resolves.toBe('/data/probes.zip');
    expect(dialog.opened).toHaveLength(1);
    const [parent, options] = dialog.opened[0]!;
    expect(parent).toBe(win);
    expect(options.properties).toEqual(['openFile']);
    expect(options.filters?.[0]?.extensions).toEqual(['csv', 'zip']);
  });

  it('give back null when the user closes the dialog', async () => {
    const { ipcMain, dialog, open } = setup();
    const win = open();
    dialog.answer = { canceled: true, filePaths: [] };
    await expect(ipcMain.invoke(win.topFrame(), 'survey-file', CHOOSE_PATH_CHANNEL)).resolves.toBeNull();
  });

  it('pick folders where a folder is meant, files elsewhere, and a GGUF filter for models', async () => {
    const { ipcMain, dialog, open } = setup();
    const win = open();
    for (const purpose of PATH_PURPOSES) await ipcMain.invoke(win.topFrame(), purpose, CHOOSE_PATH_CHANNEL);
    const properties = Object.fromEntries(
      dialog.opened.map(([, options], i) => [PATH_PURPOSES[i], options.properties]),
    );
    expect(properties).toEqual({
      'probe-file': ['openFile'],
      'probe-folder': ['openDirectory'],
      'survey-file': ['openFile'],
      'model-file': ['openFile'],
      'model-folder': ['openDirectory', 'createDirectory'],
      'report-folder': ['openDirectory', 'createDirectory'],
    });
    expect(dialog.opened[3]![1].filters?.[0]?.extensions).toEqual(['gguf']);
    for (const [, options] of dialog.opened) expect(options.title).not.toBe('');
  });

  it('refuse a purpose they do not know and a sender that is not our top frame, without opening', async () => {
    const { ipcMain, dialog, open } = setup();
    const win = open();
    await expect(ipcMain.invoke(win.topFrame(), '/etc/passwd', CHOOSE_PATH_CHANNEL)).rejects.toThrow(
      'no file dialog for "/etc/passwd"',
    );
    const foreign = new FakeWebContents();
    await expect(
      ipcMain.invoke({ sender: foreign, senderFrame: foreign.mainFrame }, 'probe-file', CHOOSE_PATH_CHANNEL),
    ).rejects.toThrow('IPC refused');
    await expect(
      ipcMain.invoke(
        { sender: win.webContents, senderFrame: { name: 'an iframe' } },
        'probe-file',
        CHOOSE_PATH_CHANNEL,
      ),
    ).rejects.toThrow('IPC refused');
    expect(dialog.opened).toEqual([]);
  });

  it('a dialog does not count as the page being ready for events', async () => {
    const { ipcMain, engine, dialog, open } = setup();
    const win = open();
    dialog.answer = { canceled: false, filePaths: ['/models/a.gguf'] };
    await ipcMain.invoke(win.topFrame(), 'model-file', CHOOSE_PATH_CHANNEL);
    engine.emit(progress(1));
    expect(win.webContents.events()).toEqual([]);
  });

  it('stop with the bridge', () => {
    const { ipcMain, bridge } = setup();
    bridge.dispose();
    expect(ipcMain.handlers.has(CHOOSE_PATH_CHANNEL)).toBe(false);
  });
});
