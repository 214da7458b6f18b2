// The bridge between the sandboxed window and the main process. It exposes two objects:
// `window.workbenchTransport` ({invoke, subscribe} over two IPC channels) and `window.workbenchDesktop` (the
// system's file dialog, and the path of a dropped file, which only the preload can read since Electron 32
// removed `File.path`). The screens build the contract's client on the transport with createClient, as they do
// over HTTP in a browser. The client is built on the page's side,
// not here, because contextBridge keeps only the message of an error thrown across it: a WorkbenchFailure made
// in the page keeps its kind, code and place. No command is listed here; the renderer never sees ipcRenderer.
// The main process parses every request and checks every result against the contract before it gets here.

import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, WORKBENCH_CHANNEL, type EventListener, type WorkbenchTransport } from '../shared/client.js';
import type { WorkbenchEvent, WorkbenchReply } from '../shared/contract.js';
import { CHOOSE_PATH_CHANNEL, type DesktopBridge } from '../shared/desktop.js';

const transport: WorkbenchTransport = {
  invoke: (command, params) => ipcRenderer.invoke(WORKBENCH_CHANNEL, { command, params }) as Promise<WorkbenchReply>,
  subscribe: (listener: EventListener) => {
    // The wrapper keeps the IPC event (and its `sender`, an ipcRenderer handle) out of the page's reach.
    const onEvent = (_event: IpcRendererEvent, event: WorkbenchEvent) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, onEvent);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, onEvent);
  },
};

const desktop: DesktopBridge = {
  choosePath: (purpose) => ipcRenderer.invoke(CHOOSE_PATH_CHANNEL, purpose) as Promise<string | null>,
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('workbenchTransport', transport);
contextBridge.exposeInMainWorld('workbenchDesktop', desktop);
