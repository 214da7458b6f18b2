// EngineHost over real child processes (Node's child_process.fork and IPC, the transport the built engine
// is tested with): a stand-in engine process answers, sends an event, crashes, is restarted, and shuts down.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkbenchEvent } from '../shared/contract.js';
import { EngineHost, forkWithNode } from './engine-host.js';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = path.join(import.meta.dirname, '../testing/fake-engine-process.ts');

describe('the engine host with a real process', () => {
  it('answers, forwards events, restarts after a crash and stops gracefully', async () => {
    const logs: string[] = [];
    const events: WorkbenchEvent[] = [];
    const host = new EngineHost({
      fork: () =>
        forkWithNode(fixture, {
          cwd: root,
          execArgv: ['--import', 'tsx'],
          env: { ...process.env, SELFALIGN_DB: '/tmp/fixture.sqlite' },
        }),
      backoff: { initialMs: 50 },
      log: (message) => logs.push(message),
    });
    host.subscribe((event) => events.push(event));
    const readyCount = () => events.filter((e) => e.type === 'engine' && e.state === 'ready').length;
    try {
      host.start();
      await expect(host.request('app.info', {})).resolves.toMatchObject({
        ok: true,
        result: { version: 'fixture', databasePath: '/tmp/fixture.sqlite' },
      });

      await expect(host.request('probes.listSets', {})).resolves.toEqual({ ok: true, result: [] });
      expect(events.filter((e) => e.type === 'progress')).toHaveLength(1);

      const crashed = await host.request('runs.delete', { runId: 'r1' });
      expect(crashed).toMatchObject({ ok: false, error: { code: 'engine-crashed' } });
      expect(!crashed.ok && crashed.error.message).toContain('exit code 3');
      // Sent while the engine is down: it waits for the restart.
      await expect(host.request('app.info', {})).resolves.toMatchObject({ ok: true });
      expect(readyCount()).toBe(2);
      expect(events.filter((e) => e.type === 'engine').map((e) => e.type === 'engine' && e.state)).toEqual([
        'ready',
        'crashed',
        'restarting',
        'ready',
      ]);

      const started = Date.now();
      await host.stop();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(logs.filter((l) => l.includes('killing'))).toEqual([]);
      expect(host.status).toBe('stopped');
    } finally {
      await host.stop();
    }
  });
});
