// The bridge between the sandboxed window and the main process: it exposes exactly one object,
// `window.workbenchTransport` ({invoke, subscribe} over two IPC channels), and the screens build the contract's
// client on it with createClient, as they do over HTTP in a browser. The client is built on the page's side,
// not here, because contextBridge keeps only the message of an error thrown across it: a WorkbenchFailure made
// in the page keeps its kind, code and place. No command is listed here; the renderer never sees ipcRenderer.
// The main process parses every request and checks every result against the contract before it gets here.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_CHANNEL, WORKBENCH_CHANNEL, type EventListener, type WorkbenchTransport } from '../shared/client.js';
import type { WorkbenchEvent, WorkbenchReply } from '../shared/contract.js';

const transport: WorkbenchTransport = {
  invoke: (command, params) => ipcRenderer.invoke(WORKBENCH_CHANNEL, { command, params }) as Promise<WorkbenchReply>,
  subscribe: (listener: EventListener) => {
    // The wrapper keeps the IPC event (and its `sender`, an ipcRenderer handle) out of the page's reach.
    const onEvent = (_event: IpcRendererEvent, event: WorkbenchEvent) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, onEvent);
    return () => void ipcRenderer.removeListener(EVENT_CHANNEL, onEvent);
  },
};

contextBridge.exposeInMainWorld('workbenchTransport', transport);
