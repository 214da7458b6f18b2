// The preload with Electron faked: what it puts on `window`, and that each call goes to its channel. The page's
// side of these objects is tested in the browser (e2e/workbench.test.ts gives the page a fake desktop bridge).

import { beforeAll, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, WORKBENCH_CHANNEL } from '../shared/client.js';
import { CHOOSE_PATH_CHANNEL } from '../shared/desktop.js';

const exposed = new Map<string, unknown>();
const invoked: [string, unknown][] = [];
const listeners = new Map<string, (...args: unknown[]) => void>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, payload: unknown) => {
      invoked.push([channel, payload]);
      return channel === CHOOSE_PATH_CHANNEL ? '/data/probes.zip' : { ok: true, result: null };
    },
    on: (channel: string, listener: (...args: unknown[]) => void) => listeners.set(channel, listener),
    removeListener: (channel: string) => listeners.delete(channel),
  },
  webUtils: { getPathForFile: (file: { name: string }) => `/home/user/${file.name}` },
}));

beforeAll(async () => {
  await import('./index.js');
});

describe('the preload', () => {
  it('exposes the transport and the desktop bridge, nothing else', () => {
    expect([...exposed.keys()].sort()).toEqual(['workbenchDesktop', 'workbenchTransport']);
  });

  it('sends commands on the workbench channel and hands events over without the IPC event', async () => {
    const transport = exposed.get('workbenchTransport') as {
      invoke: (c: string, p: unknown) => Promise<unknown>;
      subscribe: (l: (e: unknown) => void) => () => void;
    };
    await transport.invoke('app.info', {});
    expect(invoked.at(-1)).toEqual([WORKBENCH_CHANNEL, { command: 'app.info', params: {} }]);
    const seen: unknown[] = [];
    const unsubscribe = transport.subscribe((event) => seen.push(event));
    listeners.get(EVENT_CHANNEL)!({ sender: 'ipc' }, { type: 'engine', state: 'ready' });
    expect(seen).toEqual([{ type: 'engine', state: 'ready' }]);
    unsubscribe();
    expect(listeners.has(EVENT_CHANNEL)).toBe(false);
  });

  it('asks the main process for a file dialog and reads the path of a dropped file', async () => {
    const desktop = exposed.get('workbenchDesktop') as {
      choosePath: (p: string) => Promise<string | null>;
      pathForFile: (f: unknown) => string;
    };
    await expect(desktop.choosePath('probe-file')).resolves.toBe('/data/probes.zip');
    expect(invoked.at(-1)).toEqual([CHOOSE_PATH_CHANNEL, 'probe-file']);
    expect(desktop.pathForFile({ name: 'de.csv' })).toBe('/home/user/de.csv');
  });
});
