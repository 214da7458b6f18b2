// Survey imports and the target answers they give, through the engine's in-process client, with the survey shares
// from ../shared/data: a preview that reads and stores nothing, imports listed and deleted, a country's targets;
// and every refusal says what is wrong and where, and stores nothing.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { commandRecorder } from '../../testing/recording-client.js';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { createEngine } from '../engine.js';
import { surveyHandlers } from './surveys.js';

const tempDir = useTempDir();
const recorder = commandRecorder();

function engineIn(dir: string) {
  const engine = createEngine({ databasePath: path.join(dir, 'workbench.sqlite') });
  return { engine, client: recorder.clientOf(engine) };
}

describeWithSharedData('survey imports through the engine', () => {
  const shares = () => path.join(sharedDataDir, 'wvs/country_distributions.csv');

  it('previews an import without storing it, imports, lists and deletes imports, and gives a country its targets', async () => {
    const { engine, client } = engineIn(tempDir());
    try {
      const preview = await client.surveys.import({ path: shares(), name: 'shares', preview: true });
      expect(preview).toMatchObject({ preview: true, name: 'shares', format: 'aggregate' });
      expect(preview.countries.map((c) => c.iso3)).toContain('USA');
      expect(await client.surveys.list()).toEqual([]);

      expect(await client.surveys.import({ path: shares(), name: 'shares' })).toMatchObject({
        preview: false,
        cells: preview.cells,
      });
      await client.surveys.import({ path: shares(), name: 'spare' });
      expect(await client.surveys.delete({ name: 'spare' })).toEqual({ deleted: 'spare' });
      const listed = await client.surveys.list();
      expect(listed.map((x) => x.name)).toEqual(['shares']);
      expect(listed[0]).toMatchObject({ source: shares(), cells: preview.cells });
      expect(listed[0]!.countries).toEqual(preview.countries.map((c) => c.iso3).sort());

      const targets = await client.targets.get({ survey: 'shares', country: 'usa' });
      expect(targets).toMatchObject({ survey: 'shares', country: 'USA', set: 'builtin', language: 'en' });
      expect(targets.rows.find((r) => r.id === 'Q1')).toMatchObject({
        kind: 'majority',
        option: 1,
        majorityText: 'important',
        leftOut: null,
      });
      // A probe a run leaves out says why: Q82 is invalid as published (data/item-validity.csv).
      expect(targets.rows.find((r) => r.id === 'Q82')?.leftOut).toMatch(/^invalid as published: /);
    } finally {
      await engine.close();
    }
  });

  it('refuses a missing or broken file, a taken name, an unknown import and a country it lacks, storing nothing', async () => {
    const dir = tempDir();
    const { engine, client } = engineIn(dir);
    try {
      await client.surveys.import({ path: shares(), name: 'shares' });
      const before = await client.surveys.list();

      const missing = path.join(dir, 'nothing.csv');
      await expect(client.surveys.import({ path: missing })).rejects.toMatchObject({
        kind: 'user',
        code: 'not-found',
        where: { file: missing },
      });
      // A share above 1 on the third line: the file, line and column are given.
      const broken = path.join(dir, 'broken.csv');
      writeFileSync(broken, 'country_iso3,question_id,answer_code,share,source\nUSA,Q1,1,0.5,x\nUSA,Q1,2,1.5,x\n');
      await expect(client.surveys.import({ path: broken, name: 'broken' })).rejects.toMatchObject({
        kind: 'user',
        code: 'bad-share',
        message: expect.stringContaining('"1.5"'),
        where: { file: broken, line: 3, column: 4 },
      });
      await expect(client.surveys.import({ path: shares(), name: 'shares' })).rejects.toMatchObject({
        code: 'survey-exists',
        message: expect.stringContaining('"shares" already exists'),
      });
      await expect(client.surveys.delete({ name: 'nothing' })).rejects.toMatchObject({
        code: 'unknown-survey',
        message: expect.stringContaining('known: shares'),
      });
      await expect(client.targets.get({ survey: 'shares', country: 'XYZ' })).rejects.toMatchObject({
        code: 'bad-country',
        message: expect.stringContaining('"XYZ"'),
      });
      await expect(client.targets.get({ survey: 'shares', country: 'ATA' })).rejects.toMatchObject({
        code: 'unknown-country',
        message: expect.stringContaining('has no answers for ATA'),
      });

      expect(await client.surveys.list()).toEqual(before);
    } finally {
      await engine.close();
    }
  });

  it('has called every command of its group', () => {
    expect(recorder.uncalled(surveyHandlers)).toEqual([]);
  });
});
