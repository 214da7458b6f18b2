// A stand-in engine process for engine-process.test.ts: the real port code (serveEngine over Node's IPC)
// around a small fake Engine, so the host's real child_process transport is tested without the engine.
// `runs.delete` makes it crash in the middle of a request.

import type { EventListener, WorkbenchReply } from '../shared/contract.js';
import { processPort, serveEngine, type PortEngine } from '../main/engine-port.js';

const listeners = new Set<EventListener>();
const engine: PortEngine = {
  async invoke(command): Promise<WorkbenchReply> {
    if (command === 'runs.delete') process.exit(3);
    if (command === 'probes.listSets') {
      for (const listener of listeners)
        listener({
          type: 'progress',
          jobId: 'j1',
          kind: 'probe-import',
          subject: 'fixture',
          phase: 'reading',
          done: 1,
          total: 1,
          rate: 1,
          etaSeconds: 0,
        });
      return { ok: true, result: [] };
    }
    return {
      ok: true,
      result: {
        version: 'fixture',
        databasePath: process.env.SELFALIGN_DB ?? '',
        node: process.version,
        platform: process.platform,
      },
    };
  },
  subscribe(listener) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
  close: () => new Promise((resolve) => setTimeout(resolve, 50)),
};

serveEngine(processPort(), engine, { exit: (code) => process.exit(code) });
