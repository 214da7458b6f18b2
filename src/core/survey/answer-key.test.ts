// The built-in English probes and answer key against the published probe ids and the WVS questionnaire.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProbeSource } from '../data/index.js';
import { builtinDataPath } from '../resources.js';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data.js';
import { AnswerKey, builtinAnswerKey, parseAnswerKey, parseCodeList } from './index.js';

/** Answer codes per variable, from the questionnaire's "- scale:" lines. */
function questionnaireScales(): Map<string, number[]> {
  const text = readFileSync(path.join(sharedDataDir, 'wvs/questionnaire.md'), 'utf8');
  const scales = new Map<string, number[]>();
  let variable = '';
  for (const line of text.split('\n')) {
    const heading = /^## (Q\d+)\s*$/.exec(line);
    if (heading) variable = heading[1]!;
    if (line.startsWith('- scale:'))
      scales.set(
        variable,
        [...line.matchAll(/(?:^|;|:)\s*(-?\d+)\s*=/g)].map((m) => Number(m[1])),
      );
  }
  return scales;
}

describe('the answer key format', () => {
  it('reads codes and ranges', () => {
    expect(parseCodeList('1-5')).toEqual([1, 2, 3, 4, 5]);
    expect(parseCodeList(' 1 3  6-7 ')).toEqual([1, 3, 6, 7]);
    expect(() => parseCodeList('5-1')).toThrow(/backwards/);
    expect(() => parseCodeList('a')).toThrow(/neither a code nor a range/);
  });

  it('refuses overlapping options and bad rows, naming the line', () => {
    const header = 'probe_id,wvs_variable,option_1_codes,option_2_codes,note\n';
    expect(() => parseAnswerKey(`${header}Q1,Q1,1-2,2-4,\n`, 'key.csv')).toThrow(/code 2 counts for both options/);
    try {
      parseAnswerKey(`${header}Q1,Q1,1-2,3-4,\nQ2,Q2,1-2,,\n`, 'key.csv');
      expect.unreachable();
    } catch (error) {
      expect((error as { describe(): string }).describe()).toBe(
        'key.csv, line 3, probe Q2: each option needs at least one answer code',
      );
    }
    expect(() => parseAnswerKey('probe_id,codes\n', 'key.csv')).toThrow(
      /lacks the columns wvs_variable, option_1_codes, option_2_codes, note/,
    );
  });

  it('says which option a code counts for', async () => {
    const key = await builtinAnswerKey();
    const q1 = key.get('Q1')!;
    expect([1, 2, 3, 4].map((code) => AnswerKey.optionOfCode(q1, code))).toEqual([1, 1, 2, 2]);
  });
});

describe('the built-in English probes', () => {
  it('has one usable probe per answer-key entry, each with one blank and two options', async () => {
    const { probes, summary } = await readProbeSource(builtinDataPath('probes', 'en.csv'));
    const key = await builtinAnswerKey();
    expect(probes).toHaveLength(272);
    expect(summary.flaggedProbes).toEqual([]);
    expect(probes.map((p) => p.id)).toEqual(key.entries.map((e) => e.probeId));
    for (const p of probes) {
      expect(p.language).toBe('en');
      expect(p.template.split('_')).toHaveLength(2);
      expect(p.options[0]).not.toBe(p.options[1]);
    }
  });
});

describeWithSharedData(
  'the built-in English probes and answer key against the published probes and the questionnaire',
  () => {
    it('cover exactly the 272 question ids of the published set, options in the same order of meaning', async () => {
      const published = await readProbeSource(path.join(sharedDataDir, 'arora-probes/wvs/de.csv'));
      const english = await readProbeSource(builtinDataPath('probes', 'en.csv'));
      expect(english.probes.map((p) => p.id)).toEqual(published.probes.map((p) => p.id));
      expect(english.probes.map((p) => p.category)).toEqual(published.probes.map((p) => p.category));
    });

    it('maps every probe to a questionnaire variable and to codes of its scale, never a missing code', async () => {
      const scales = questionnaireScales();
      const key = await builtinAnswerKey();
      expect(key.entries).toHaveLength(272);
      for (const entry of key.entries) {
        const scale = scales.get(entry.variable);
        expect(scale, `${entry.probeId}: ${entry.variable} is not in the questionnaire`).toBeDefined();
        expect(entry.probeId.replace(/[a-z]$/, ''), entry.probeId).toBe(entry.variable);
        for (const code of [...entry.option1, ...entry.option2]) {
          expect(code, `${entry.probeId}: code ${code}`).toBeGreaterThanOrEqual(0);
          expect(scale, `${entry.probeId}: code ${code} is not on the scale of ${entry.variable}`).toContain(code);
        }
      }
    });

    it('gives every mapping that leaves a substantive code out of both options a note', async () => {
      const scales = questionnaireScales();
      const key = await builtinAnswerKey();
      for (const entry of key.entries) {
        const substantive = scales.get(entry.variable)!.filter((c) => c >= 0);
        const neither = substantive.filter((c) => !entry.option1.includes(c) && !entry.option2.includes(c));
        // An odd scale's single middle code is the rule itself; anything else needs a reason.
        const isMiddleOfOddScale =
          neither.length === 1 &&
          substantive.length % 2 === 1 &&
          neither[0] === substantive[(substantive.length - 1) / 2];
        if (neither.length > 0 && !isMiddleOfOddScale)
          expect(entry.note, `${entry.probeId} leaves ${neither.join(' ')} out without a note`).not.toBe('');
      }
    });
  },
);
