// One probe's demonstrations and prompt through the engine's in-process client, with the built-in probes and the
// survey shares from ../shared/data: the prompt holds the demonstrations a strategy chose; and a probe the set lacks,
// or a strategy without a survey to complete its demonstrations, is refused with what is wrong.

import path from 'node:path';
import { expect, it } from 'vitest';
import { commandRecorder } from '../../testing/recording-client.js';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { createEngine } from '../engine.js';
import { selectionHandlers } from './selection.js';

const tempDir = useTempDir();
const recorder = commandRecorder();

describeWithSharedData("one probe's demonstrations and prompt through the engine", () => {
  it('builds the prompt of a probe from the demonstrations its strategy chose, and refuses what it cannot build', async () => {
    const engine = createEngine({ databasePath: path.join(tempDir(), 'workbench.sqlite') });
    const client = recorder.clientOf(engine);
    try {
      await client.surveys.import({ path: path.join(sharedDataDir, 'wvs/country_distributions.csv'), name: 'shares' });
      const demos = await client.demos.select({ survey: 'shares', probe: 'Q28', strategy: 'chrf-all' });
      expect(demos.probe.id).toBe('Q28');
      expect(demos.strategy).toBe('chrf-all');
      expect(demos.demonstrations).toHaveLength(5);
      expect(demos.demonstrations.every((d) => d.id !== 'Q28' && d.sentence.length > 0 && d.chrfpp !== null)).toBe(
        true,
      );
      const prompt = await client.prompts.build({ survey: 'shares', probe: 'Q28', strategy: 'chrf-all' });
      expect(prompt.demonstrationIds).toEqual(demos.demonstrations.map((d) => d.id));
      expect(prompt.text).toContain(demos.demonstrations[0]!.sentence);
      // Zero-shot: the probe alone.
      expect((await client.prompts.build({ probe: 'Q28' })).demonstrationIds).toEqual([]);

      await expect(client.demos.select({ survey: 'shares', probe: 'Q9999', strategy: 'random' })).rejects.toMatchObject(
        {
          kind: 'user',
          code: 'unknown-probe',
          message: expect.stringContaining('no probe Q9999 in language en of probe set "builtin"'),
          where: { probe: 'Q9999' },
        },
      );
      await expect(client.prompts.build({ probe: 'Q28', strategy: 'chrf-all' })).rejects.toMatchObject({
        code: 'bad-option',
        message: expect.stringContaining('name the survey import'),
      });
    } finally {
      await engine.close();
    }
  });

  it('has called every command of its group', () => {
    expect(recorder.uncalled(selectionHandlers)).toEqual([]);
  });
});
