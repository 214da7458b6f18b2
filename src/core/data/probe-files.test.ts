import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.js';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data.js';
import { rejection } from '../../testing/rejection.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { categoryOfQuestionId, compareQuestionIds, normaliseQuestionId, readProbeSource } from './index.js';

const tempDir = useTempDir();

const importError = (file: string): Promise<UserError> => rejection(readProbeSource(file), UserError);

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(tempDir(), name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

const HEADER = '\t0\t1\t2\t3\r\n';

describeWithSharedData('the published Arora et al. probes', () => {
  it('imports probes.zip as 13 languages × 272 probes, flagging what cannot be a two-option cloze probe', async () => {
    const { probes, summary } = await readProbeSource(path.join(sharedDataDir, 'arora-probes/probes.zip'));
    expect(summary.languages).toEqual(['bn', 'de', 'el', 'fa', 'id', 'ko', 'ms', 'ro', 'sr', 'tl', 'tr', 'ur', 'vi']);
    for (const language of summary.languages) expect(probes.filter((p) => p.language === language)).toHaveLength(272);
    expect(probes).toHaveLength(13 * 272);
    // 18 probes per language have an empty second option; 5 templates have no [MASK] (1 bn, 4 sr), two of which
    // are also among the 18, and a probe carries one flag.
    expect(summary.flagged).toEqual({ 'missing-option': 232, 'no-blank': 5, 'several-blanks': 0 });
    expect(summary.flaggedProbes.filter((f) => f.flag === 'no-blank').map((f) => `${f.language}:${f.id}`)).toEqual([
      'bn:Q110b',
      'sr:Q106a',
      'sr:Q130d',
      'sr:Q152b',
      'sr:Q156b',
    ]);
    const german = probes.filter((p) => p.language === 'de' && p.flag === 'missing-option').map((p) => p.id);
    expect(german).toEqual(['Q152a', 'Q152b', 'Q152c', 'Q152d', 'Q154a', 'Q154b', 'Q154c', 'Q154d', 'Q156a', 'Q156b', 'Q156c', 'Q156d', 'Q173a', 'Q173b', 'Q174a', 'Q174b', 'Q175a', 'Q175b']);
    expect(summary.duplicateTemplates.find((d) => d.language === 'tr' && d.ids.length === 5)?.ids).toEqual(['Q67', 'Q69', 'Q71', 'Q73', 'Q75']);
  });

  it('reads ids, blanks and options as published', async () => {
    const { probes } = await readProbeSource(path.join(sharedDataDir, 'arora-probes/probes.zip'));
    const q1 = probes.find((p) => p.language === 'de' && p.id === 'Q1')!;
    expect(q1).toMatchObject({ template: 'Familie ist _ in meinem Leben', options: ['wichtig', 'unwichtig'], category: 1, flag: null });
    expect(q1.source.file).toMatch(/probes\.zip:probes\/wvs\/de\.csv$/);
    expect(q1.source.line).toBe(2);
    const q106a = probes.find((p) => p.language === 'de' && p.id === 'Q106a')!;
    expect(q106a.category).toBe(4);
    // A quoted field with an HTML character reference, as the Turkish file has it.
    const tr20 = probes.find((p) => p.language === 'tr' && p.id === 'Q20')!;
    expect(tr20.template).toBe("AIDS'li insanların komşu olması benim için _ bir durum.");
  });

  it('gives the same probes from the archive and from the unpacked folder (LF and CRLF files alike)', async () => {
    const fromZip = await readProbeSource(path.join(sharedDataDir, 'arora-probes/probes.zip'));
    const fromFolder = await readProbeSource(path.join(sharedDataDir, 'arora-probes'));
    const strip = (ps: typeof fromZip.probes) => ps.map(({ source: _source, ...rest }) => rest);
    expect(strip(fromFolder.probes)).toEqual(strip(fromZip.probes));
  });
});

describe('probe files', () => {
  it('normalises question ids and orders them as the questionnaire does', () => {
    expect(normaliseQuestionId('1')).toBe('Q1');
    expect(normaliseQuestionId('106a')).toBe('Q106a');
    expect(normaliseQuestionId('Q106A')).toBe('Q106a');
    expect(normaliseQuestionId('abc')).toBeUndefined();
    expect(['Q10', 'Q2', 'Q106b', 'Q106a'].sort(compareQuestionIds)).toEqual(['Q2', 'Q10', 'Q106a', 'Q106b']);
    expect([45, 46, 105, 106, 151, 152, 157, 158, 175, 176, 259].map((n) => categoryOfQuestionId(`Q${n}`))).toEqual([1, 2, 3, 4, 7, 8, 8, 9, 10, 11, 13]);
    expect(categoryOfQuestionId('Q260')).toBeUndefined();
  });

  it('reads a single language file with a BOM, LF endings and CSV quoting', async () => {
    const file = write('de.csv', `\uFEFF${HEADER}0\t1\t"Familie ist [MASK] in meinem ""Leben"""\twichtig\tunwichtig\n1\t2\tFreunde sind [MASK]\twichtig\tunwichtig\n`);
    const { probes, summary } = await readProbeSource(file);
    expect(summary.format).toBe('arora');
    expect(probes.map((p) => [p.id, p.template])).toEqual([
      ['Q1', 'Familie ist _ in meinem "Leben"'],
      ['Q2', 'Freunde sind _'],
    ]);
  });

  it('names file and line for a row with missing columns', async () => {
    const file = write('de.csv', `${HEADER}0\t1\tFamilie ist [MASK]\twichtig\tunwichtig\r\n1\t2\tFreunde sind [MASK]\twichtig\r\n`);
    const error = await importError(file);
    expect(error.code).toBe('missing-columns');
    expect(error.where).toMatchObject({ file, line: 3 });
    expect(error.describe()).toContain('line 3');
  });

  it('names file and line for an empty template', async () => {
    const file = write('de.csv', `${HEADER}0\t1\tFamilie ist [MASK]\twichtig\tunwichtig\r\n1\t2\t \twichtig\tunwichtig\r\n`);
    const error = await importError(file);
    expect(error.code).toBe('empty-template');
    expect(error.where).toMatchObject({ file, line: 3, probe: 'Q2' });
  });

  it('names both lines of a duplicate id within a language', async () => {
    const file = write('de.csv', `${HEADER}0\t1\tA [MASK]\tx\ty\r\n1\t2\tB [MASK]\tx\ty\r\n2\t1\tC [MASK]\tx\ty\r\n`);
    const error = await importError(file);
    expect(error.code).toBe('duplicate-id');
    expect(error.where).toMatchObject({ line: 4, probe: 'Q1' });
    expect(error.message).toContain('first on line 2');
  });

  it('names the line of invalid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from(`${HEADER}0\t1\tA [MASK]\tx\ty\r\n1\t2\tB `), Buffer.from([0xc3, 0x28]), Buffer.from(' [MASK]\tx\ty\r\n')]);
    const file = write('de.csv', bytes);
    const error = await importError(file);
    expect(error.code).toBe('invalid-utf8');
    expect(error.where).toMatchObject({ file, line: 3 });
  });

  it('refuses an archive without probe files, and ignores macOS junk', async () => {
    const junkOnly = zipSync({
      'probes/.DS_Store': strToU8('junk'),
      '__MACOSX/probes/wvs/._de.csv': strToU8('junk'),
      'probes/README.txt': strToU8('nothing here'),
    });
    const error = await importError(write('empty.zip', junkOnly));
    expect(error.code).toBe('no-probe-files');

    const withJunk = zipSync({
      '__MACOSX/probes/wvs/._de.csv': new Uint8Array([0, 5, 22, 7, 0, 2, 0, 0]),
      'probes/wvs/.DS_Store': new Uint8Array([0, 0, 0, 1]),
      'probes/wvs/de.csv': strToU8(`${HEADER}0\t1\tA [MASK]\tx\ty\r\n`),
      'probes/hofstede/de.csv': strToU8(`${HEADER}0\tpdi1\tZ [MASK]\tx\ty\r\n`),
    });
    const { probes } = await readProbeSource(write('probes.zip', withJunk));
    expect(probes.map((p) => `${p.language}:${p.id}`)).toEqual(['de:Q1']);
  });

  it('refuses a file that is not a ZIP archive though named .zip', async () => {
    const error = await importError(write('probes.zip', 'not a zip'));
    expect(error.code).toBe('bad-archive');
  });

  it('reads a custom CSV with categories by number or name, and flags probes without a blank', async () => {
    const file = write(
      'mine.csv',
      'id,language,template,option_a,option_b,category\n' +
        'Q1,en,Family is _ in my life.,important,unimportant,\n' +
        'X1,en,"Tea, not coffee, is _.",better,worse,social-values\n' +
        'X2,pt-br,Família é importante,sim,não,2\n',
    );
    const { probes, summary } = await readProbeSource(file);
    expect(summary.format).toBe('custom');
    expect(probes.map((p) => [p.id, p.language, p.category, p.flag])).toEqual([
      ['Q1', 'en', 1, null],
      ['X1', 'en', 1, null],
      ['X2', 'pt-br', 2, 'no-blank'],
    ]);
  });

  it('names what a custom CSV lacks', async () => {
    const missing = await importError(write('mine.csv', 'id,language,template,option_a\nQ1,en,x _,a\n'));
    expect(missing.code).toBe('missing-columns');
    expect(missing.message).toContain('option_b');
    const noCategory = await importError(write('mine.csv', 'id,language,template,option_a,option_b\nQ1,en,x _,a,b\nX9,en,y _,a,b\n'));
    expect(noCategory.code).toBe('no-category');
    expect(noCategory.where).toMatchObject({ line: 3, probe: 'X9' });
    const badCategory = await importError(write('mine.csv', 'id,language,template,option_a,option_b,category\nQ1,en,x _,a,b,14\n'));
    expect(badCategory.code).toBe('bad-category');
  });
});
