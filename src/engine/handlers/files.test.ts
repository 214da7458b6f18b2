// The browser window's file picker: a folder's folders and files as the engine's machine sees them.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { useTempDir } from '../../testing/temp-dir.js';
import { createEngine } from '../engine.js';

const tempDir = useTempDir();

it("lists a folder's folders first, then its files with their size, hidden ones left out", async () => {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'wvs'));
  mkdirSync(path.join(dir, 'Arora'));
  writeFileSync(path.join(dir, 'probes.zip'), 'zip bytes');
  writeFileSync(path.join(dir, 'a-notes.txt'), '');
  writeFileSync(path.join(dir, '.hidden'), 'x');
  const engine = createEngine({ databasePath: path.join(tempDir(), 'w.sqlite') });
  try {
    const listed = await engine.client.files.list({ dir: `"${dir}"` });
    expect(listed.dir).toBe(dir);
    expect(listed.parent).toBe(path.dirname(dir));
    expect(listed.entries).toEqual([
      { name: 'Arora', path: path.join(dir, 'Arora'), kind: 'folder', bytes: null },
      { name: 'wvs', path: path.join(dir, 'wvs'), kind: 'folder', bytes: null },
      { name: 'a-notes.txt', path: path.join(dir, 'a-notes.txt'), kind: 'file', bytes: 0 },
      { name: 'probes.zip', path: path.join(dir, 'probes.zip'), kind: 'file', bytes: 9 },
    ]);
    // Without a folder: the home folder; the root has no parent.
    const home = await engine.client.files.list();
    expect(home).toMatchObject({ dir: os.homedir(), home: os.homedir() });
    expect((await engine.client.files.list({ dir: path.parse(dir).root })).parent).toBeNull();
  } finally {
    await engine.close();
  }
});

it('says in words why a folder cannot be listed', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'file.csv'), 'a,b\n');
  const engine = createEngine({ databasePath: path.join(tempDir(), 'w.sqlite') });
  try {
    const refusal = async (params: { dir: string }) => {
      const reply = await engine.invoke('files.list', params);
      expect(reply.ok).toBe(false);
      return reply.ok ? null : reply.error;
    };
    expect(await refusal({ dir: path.join(dir, 'nowhere') })).toMatchObject({
      kind: 'user',
      message: `there is no folder ${path.join(dir, 'nowhere')}`,
    });
    expect(await refusal({ dir: path.join(dir, 'file.csv') })).toMatchObject({
      kind: 'user',
      message: `${path.join(dir, 'file.csv')} is a file, not a folder`,
    });
    expect((await refusal({ dir: 'data' }))?.message).toMatch(/^the folder: "data" is a relative path/);
  } finally {
    await engine.close();
  }
});
