// The window's side of the contract in the main process: one `ipcMain.handle` on WORKBENCH_CHANNEL that
// answers only the top frame of our own windows, parses the request and its params before anything reaches
// the engine, checks the engine's result against the command's schema, and fans the engine's events out to
// the windows on EVENT_CHANNEL. It also opens the system's file dialog for a screen (CHOOSE_PATH_CHANNEL), with
// the same check of who asks. Electron is injected (structural types), so this runs under Node in tests.

import { z } from 'zod';
import { CHOOSE_PATH_CHANNEL, isPathPurpose, PATH_PURPOSES, type PathPurpose } from '../shared/desktop.js';
import { dialogOptionsFor, type OpenDialogOptions } from './file-dialogs.js';
import {
  commands,
  EVENT_CHANNEL,
  WORKBENCH_CHANNEL,
  WorkbenchRequest,
  type CommandName,
  type EventListener,
  type WorkbenchEvent,
  contractBreak,
  type WorkbenchReply,
} from '../shared/contract.js';

export interface BridgeWebContents {
  readonly mainFrame: unknown;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
  on(
    event: 'did-start-navigation',
    listener: (details: { isMainFrame: boolean; isSameDocument: boolean }) => void,
  ): unknown;
}

export interface BridgeWindow {
  readonly webContents: BridgeWebContents;
  isDestroyed(): boolean;
  once(event: 'closed', listener: () => void): unknown;
}

export interface InvokeEvent {
  readonly sender: unknown;
  readonly senderFrame: unknown;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The engine as the bridge sees it: EngineHost in the app. */
export interface BridgeEngine {
  request(command: CommandName, params: unknown): Promise<WorkbenchReply>;
  subscribe(listener: EventListener): () => void;
}

/** Electron's `dialog` as the bridge uses it: a dialog modal to the window that asked. */
export interface DialogLike {
  showOpenDialog(window: BridgeWindow, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export interface IpcBridgeOptions {
  ipcMain: IpcMainLike;
  engine: BridgeEngine;
  dialog: DialogLike;
  log?: (message: string) => void;
}

export class IpcBridge {
  /**
   * Our windows, each with whether its page is ready for events. A page counts as ready once it has sent
   * its first request, and stops being ready when its top frame loads another document (a reload).
   *
   * Events for a page that is not ready are dropped, not queued as Electron Fiddle does with its commands:
   * every event here is either a snapshot (progress carries done/total, the engine's state its state) or
   * is read back by the request a page makes when it opens (`jobs.list`, `runs.get`, `results.probes`), so
   * replaying a queue would only show stale progress, and a queue for a page that never gets ready would
   * grow for as long as a run goes. The page's first request is the signal because it needs no extra
   * message in the contract and comes after the preload and the page's scripts are up.
   */
  private readonly windows = new Map<BridgeWindow, { ready: boolean }>();
  private readonly unsubscribe: () => void;
  private readonly log: (message: string) => void;

  constructor(private readonly options: IpcBridgeOptions) {
    this.log = options.log ?? ((message) => console.error(`[ipc] ${message}`));
    options.ipcMain.handle(WORKBENCH_CHANNEL, (event, raw) => {
      const [, entry] = this.senderWindow(event);
      entry.ready = true;
      return this.forward(raw);
    });
    options.ipcMain.handle(CHOOSE_PATH_CHANNEL, (event, purpose) => {
      const [win] = this.senderWindow(event);
      if (!isPathPurpose(purpose))
        throw new Error(`no file dialog for ${JSON.stringify(purpose)}: one of ${PATH_PURPOSES.join(', ')}`);
      return this.choosePath(win, purpose);
    });
    this.unsubscribe = options.engine.subscribe((event) => this.broadcast(event));
  }

  /** Lets the window talk to the engine; it is forgotten when it closes. */
  addWindow(win: BridgeWindow): void {
    const entry = { ready: false };
    this.windows.set(win, entry);
    win.once('closed', () => this.windows.delete(win));
    win.webContents.on('did-start-navigation', (details) => {
      if (details.isMainFrame && !details.isSameDocument) entry.ready = false;
    });
  }

  dispose(): void {
    this.options.ipcMain.removeHandler(WORKBENCH_CHANNEL);
    this.options.ipcMain.removeHandler(CHOOSE_PATH_CHANNEL);
    this.unsubscribe();
    this.windows.clear();
  }

  /** The window whose top frame sent this; anything else (another page, a subframe, a closed window) is refused. */
  private senderWindow(event: InvokeEvent): [BridgeWindow, { ready: boolean }] {
    for (const [win, entry] of this.windows) {
      if (win.isDestroyed() || win.webContents.isDestroyed() || event.sender !== win.webContents) continue;
      const frame = win.webContents.mainFrame;
      if (frame != null && event.senderFrame === frame) return [win, entry];
      break;
    }
    this.log('refused a request from a sender that is not the top frame of a workbench window');
    throw new Error('IPC refused: the sender is not a Self-Align Workbench window');
  }

  private async choosePath(win: BridgeWindow, purpose: PathPurpose): Promise<string | null> {
    const chosen = await this.options.dialog.showOpenDialog(win, dialogOptionsFor(purpose));
    return chosen.canceled ? null : (chosen.filePaths[0] ?? null);
  }

  private async forward(raw: unknown): Promise<WorkbenchReply> {
    const request = WorkbenchRequest.safeParse(raw);
    if (!request.success)
      return contractBreak('bad-request', `not a workbench request: ${z.prettifyError(request.error)}`);
    const { command } = request.data;
    const schemas = commands[command];
    const params = schemas.params.safeParse(request.data.params);
    if (!params.success)
      return contractBreak('bad-params', `wrong parameters for "${command}": ${z.prettifyError(params.error)}`);

    const reply = await this.options.engine.request(command, params.data);
    if (!reply.ok) return reply;
    // The engine checks its results too; this check is the window's guarantee that what the preload hands
    // the page is what the contract's types say, whatever process produced it.
    const result = schemas.result.safeParse(reply.result);
    if (!result.success)
      return contractBreak(
        'bad-result',
        `the engine's answer to "${command}" breaks the contract: ${z.prettifyError(result.error)}`,
      );
    return { ok: true, result: result.data };
  }

  private broadcast(event: WorkbenchEvent): void {
    for (const [win, entry] of this.windows) {
      if (!entry.ready || win.isDestroyed() || win.webContents.isDestroyed()) continue;
      try {
        win.webContents.send(EVENT_CHANNEL, event);
      } catch (error) {
        // A window between destroyed and 'closed'; the others still get the event.
        this.log(`could not send an event to a window: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
