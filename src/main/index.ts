// The Electron main process, kept thin: it opens the window with the sandboxed, isolated settings, starts
// the engine in a utility process, and forwards the contract from the window to the engine and back. Every
// rule of the method lives in src/core, behind the engine.

import path from 'node:path';
import { app, BrowserWindow, ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { commands, WORKBENCH_CHANNEL, WorkbenchRequest, type WorkbenchReply } from '../shared/contract.js';
import { EngineHost } from './engine-host.js';

const here = import.meta.dirname;
const windows = new Set<BrowserWindow>();
let engine: EngineHost | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 760,
    title: 'Self-Align Workbench',
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  windows.add(win);
  win.on('closed', () => windows.delete(win));
  win.once('ready-to-show', () => win.show());

  // The window shows our screens only: links open in the user's browser, and the page never navigates away.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (url !== win.webContents.getURL()) event.preventDefault();
  });

  const devServer = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && devServer) void win.loadURL(devServer);
  else void win.loadFile(path.join(here, '../renderer/index.html'));
  return win;
}

/** Only the top frame of one of our own windows may talk to the engine. */
function isOurSender(event: IpcMainInvokeEvent): boolean {
  for (const win of windows) {
    if (!win.isDestroyed() && event.sender === win.webContents) return event.senderFrame === win.webContents.mainFrame;
  }
  return false;
}

async function forward(raw: unknown): Promise<WorkbenchReply> {
  const request = WorkbenchRequest.safeParse(raw);
  if (!request.success) return refuse('bad-request', `not a workbench request: ${z.prettifyError(request.error)}`);
  const schemas = commands[request.data.command];
  const params = schemas.params.safeParse(request.data.params ?? {});
  if (!params.success) return refuse('bad-params', `wrong parameters for "${request.data.command}": ${z.prettifyError(params.error)}`);

  const reply = await engine!.request({ command: request.data.command, params: params.data });
  if (!reply.ok) return reply;
  const result = schemas.result.safeParse(reply.result);
  if (!result.success) return { ok: false, error: { kind: 'bug', code: 'bad-reply', message: `the engine's answer to "${request.data.command}" breaks the contract: ${z.prettifyError(result.error)}` } };
  return { ok: true, result: result.data };
}

function refuse(code: string, message: string): WorkbenchReply {
  return { ok: false, error: { kind: 'bug', code, message } };
}

function start(): void {
  engine = new EngineHost({ modulePath: path.join(here, 'engine.js'), appVersion: app.getVersion() });
  engine.start();

  ipcMain.handle(WORKBENCH_CHANNEL, (event, raw: unknown) => {
    if (!isOurSender(event)) throw new Error('IPC refused: the sender is not a Self-Align Workbench window');
    return forward(raw);
  });

  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

app
  .whenReady()
  .then(start)
  .catch((error: unknown) => {
    console.error('[main] startup failed', error);
    app.exit(1);
  });

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => engine?.stop());
