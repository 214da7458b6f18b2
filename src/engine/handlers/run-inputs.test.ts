// One input check for a run configuration: runs.validate lists every problem with its place, and starting the same
// configuration stops at the first of them, with the same words.

import path from 'node:path';
import { expect, it } from 'vitest';
import { useTempDir } from '../../testing/temp-dir.js';
import { createEngine } from '../engine.js';

const tempDir = useTempDir();

it('lists every problem with what a configuration names, and a start refuses with the first', async () => {
  const engine = createEngine({ databasePath: path.join(tempDir(), 'w.sqlite') });
  try {
    const config = {
      models: ['nowhere', 'neither'],
      survey: 'none',
      languages: ['en', { language: 'xx', country: 'DEU' }],
    };
    const validation = await engine.client.runs.validate({ config });
    expect(validation.ok).toBe(false);
    const paths = validation.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['models.0', 'models.1', 'languages.1', 'languages.0.country']));
    // The survey problem is said of the language, in words.
    expect(validation.problems.find((p) => p.path === 'languages.0.country')?.message).toMatch(/^English → USA: /);
    const first = validation.problems[0]!;
    const started = await engine.invoke('runs.start', { config });
    expect(started).toMatchObject({ ok: false, error: { kind: 'user', message: first.message } });
  } finally {
    await engine.close();
  }
});
