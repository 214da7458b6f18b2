// The Electron main process, kept thin: the window with sandboxed, isolated settings, navigation guards and a
// session that refuses every permission and sends the Content-Security-Policy (window-security.ts),
// the engine in a utility process (engine-host.ts), the IPC bridge between them and the file dialogs
// (ipc-bridge.ts), and a quit that lets the engine cancel its jobs and close the database first. Every rule
// lives behind the engine.

import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, shell, utilityProcess } from 'electron';
import { EngineHost } from './engine-host.js';
import { IpcBridge } from './ipc-bridge.js';
import { sqliteBindingEnv } from './native-binding.js';
import { secureSession } from './window-security.js';

const here = import.meta.dirname;
/** The project folder: the built main process is out/main/index.js. */
const root = path.resolve(here, '../..');

const host = new EngineHost({
  fork: () => {
    const child = utilityProcess.fork(path.join(here, 'engine.js'), [], {
      serviceName: 'Self-Align engine',
      stdio: 'inherit',
      env: { ...process.env, ...sqliteBindingEnv(root, process.versions.electron) },
    });
    child.on('error', (type, location) => console.error(`[main] the engine process failed: ${type} at ${location}`));
    return child;
  },
});
let bridge: IpcBridge | undefined;

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
  bridge?.addWindow(win);
  // No permission for any page, and the Content-Security-Policy as a header besides the page's meta tag.
  secureSession(win.webContents.session);
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

function start(): void {
  console.log(`[main] Self-Align Workbench ${app.getVersion()}`);
  bridge = new IpcBridge({
    ipcMain,
    engine: host,
    // Every window the bridge knows is one of ours (createWindow adds it), so the cast only names its class.
    dialog: { showOpenDialog: (win, options) => dialog.showOpenDialog(win as BrowserWindow, options) },
  });
  host.start();
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

// Quitting waits once for the engine: it cancels its jobs (what they measured is kept, runs can resume) and
// closes the database, or is killed after stop()'s timeout; then the quit goes on.
let engineStopped = false;
app.on('will-quit', (event) => {
  if (engineStopped) return;
  event.preventDefault();
  if (host.status === 'stopping') return;
  void host.stop().finally(() => {
    engineStopped = true;
    bridge?.dispose();
    app.quit();
  });
});
