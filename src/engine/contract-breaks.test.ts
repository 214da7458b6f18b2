// One decision for a break of the contract, whichever way a request comes in: parameters or a request that break the
// schema are the caller's mistake (`user`), here through the engine as through the Electron bridge (ipc-bridge.test.ts).

import path from 'node:path';
import { expect, it } from 'vitest';
import { CONTRACT_BREAKS } from '../shared/contract.js';
import { useTempDir } from '../testing/temp-dir.js';
import { createEngine } from './engine.js';

const tempDir = useTempDir();

it('answers wrong parameters and an unknown command as the caller\u2019s mistake', async () => {
  const engine = createEngine({ databasePath: path.join(tempDir(), 'w.sqlite') });
  try {
    expect(await engine.invoke('results.tables', { runId: 7 })).toMatchObject({
      ok: false,
      error: { kind: 'user', code: 'bad-params' },
    });
    expect(await engine.invoke('app.explode', {})).toMatchObject({
      ok: false,
      error: { kind: 'user', code: 'unknown-command' },
    });
    expect(CONTRACT_BREAKS).toEqual({
      'bad-request': 'user',
      'bad-params': 'user',
      'unknown-command': 'user',
      'bad-result': 'bug',
    });
  } finally {
    await engine.close();
  }
});
