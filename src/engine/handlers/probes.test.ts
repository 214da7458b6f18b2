// Probe sets through the engine's in-process client, with the published probes from ../shared/data: a preview that
// counts and stores nothing, the import, one language of it shown, a delete; and every refusal says what is wrong
// and where, and stores nothing.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { commandRecorder } from '../../testing/recording-client.js';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { createEngine } from '../engine.js';
import { probeHandlers } from './probes.js';

const tempDir = useTempDir();
const recorder = commandRecorder();

function engineIn(dir: string) {
  const engine = createEngine({ databasePath: path.join(dir, 'workbench.sqlite') });
  return { engine, client: recorder.clientOf(engine) };
}

describeWithSharedData('probe sets through the engine', () => {
  const zip = () => path.join(sharedDataDir, 'arora-probes/probes.zip');

  it('previews an import without storing it, then imports it, shows one of its languages, and deletes a set', async () => {
    const { engine, client } = engineIn(tempDir());
    try {
      const names = async () => (await client.probes.listSets()).map((x) => x.name);
      const preview = await client.probes.import({ path: zip(), name: 'arora', preview: true });
      expect(preview).toMatchObject({
        preview: true,
        name: 'arora',
        probes: 3536,
        usable: 3299,
        flagged: { 'missing-option': 232, 'no-blank': 5 },
      });
      expect(await names()).toEqual(['builtin']);

      expect(await client.probes.import({ path: zip(), name: 'arora' })).toMatchObject({
        preview: false,
        probes: 3536,
      });
      expect(await names()).toEqual(['arora', 'builtin']);
      const german = await client.probes.show({ set: 'arora', language: 'de' });
      expect(german).toMatchObject({ set: 'arora', language: 'de' });
      expect(german.probes[0]).toMatchObject({ id: 'Q1', template: 'Familie ist _ in meinem Leben' });

      await client.probes.import({ path: zip(), name: 'spare' });
      expect(await names()).toEqual(['arora', 'builtin', 'spare']);
      expect(await client.probes.delete({ name: 'spare' })).toEqual({ deleted: 'spare' });
      expect(await names()).toEqual(['arora', 'builtin']);
    } finally {
      await engine.close();
    }
  });

  it('refuses wrong parameters, a missing or broken file, a taken name, an unknown set or language and the built-in set, storing nothing', async () => {
    const dir = tempDir();
    const { engine, client } = engineIn(dir);
    try {
      await client.probes.import({ path: zip(), name: 'arora' });
      const before = await client.probes.listSets();

      await expect(client.probes.import({ path: 42 } as never)).rejects.toMatchObject({
        kind: 'user',
        code: 'bad-params',
        message: expect.stringContaining('path'),
      });
      await expect(client.probes.import({ path: 'x.zip', extra: true } as never)).rejects.toMatchObject({
        code: 'bad-params',
        message: expect.stringContaining('extra'),
      });

      const missing = path.join(dir, 'no-such-probes.zip');
      await expect(client.probes.import({ path: missing })).rejects.toMatchObject({
        kind: 'user',
        code: 'not-found',
        where: { file: missing },
      });

      // A custom CSV whose second probe names no language code: the file, line and probe are given.
      const broken = path.join(dir, 'broken.csv');
      writeFileSync(
        broken,
        'id,language,template,option_a,option_b\nQ1,en,Family is _ in my life,important,not important\nQ2,english,Friends are _ in my life,important,not important\n',
      );
      await expect(client.probes.import({ path: broken, name: 'broken' })).rejects.toMatchObject({
        kind: 'user',
        code: 'bad-language',
        message: expect.stringContaining('"english"'),
        where: { file: broken, line: 3, probe: 'Q2' },
      });

      await expect(client.probes.import({ path: zip(), name: 'arora' })).rejects.toMatchObject({
        code: 'set-exists',
        message: expect.stringContaining('"arora" already exists'),
      });
      await expect(client.probes.show({ set: 'arora', language: 'xx' })).rejects.toMatchObject({
        code: 'unknown-language',
        message: expect.stringContaining('probe set "arora" has no language "xx"'),
      });
      await expect(client.probes.show({ set: 'nothing' })).rejects.toMatchObject({
        code: 'unknown-set',
        message: expect.stringContaining('known: arora, builtin'),
      });
      await expect(client.probes.delete({ name: 'nothing' })).rejects.toMatchObject({ code: 'unknown-set' });
      await expect(client.probes.delete({ name: 'builtin' })).rejects.toMatchObject({
        kind: 'user',
        code: 'builtin-set',
        message: expect.stringContaining('cannot be deleted'),
      });

      expect(await client.probes.listSets()).toEqual(before);
    } finally {
      await engine.close();
    }
  });

  it('has called every command of its group', () => {
    expect(recorder.uncalled(probeHandlers)).toEqual([]);
  });
});
