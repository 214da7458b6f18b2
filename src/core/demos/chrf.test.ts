// chrF++ and chrF against sacrebleu 2.6.0's own scores (shared reference file), plus hand-checked cases for
// the details that a reimplementation most easily gets wrong: code points, Python whitespace, punctuation.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data';
import { ChrfIndex, chrf, chrfFromStats, chrfpp } from './chrf';

const referenceRow = z.object({
  lang: z.string(),
  hyp: z.string(),
  ref: z.string(),
  chrfpp: z.number(),
  chrf: z.number(),
});
type ReferenceRow = z.infer<typeof referenceRow>;

function loadReference(): ReferenceRow[] {
  const text = readFileSync(path.join(sharedDataDir, 'chrf', 'chrf_reference.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => referenceRow.parse(JSON.parse(line)));
}

const TOLERANCE = 1e-9;

/** Every row whose score is off, so one failure shows all of them at once. */
function mismatches(rows: ReferenceRow[], key: 'chrfpp' | 'chrf', ours: (row: ReferenceRow) => number) {
  return rows
    .map((row) => ({ hyp: row.hyp, ref: row.ref, expected: row[key], actual: ours(row) }))
    .filter(({ expected, actual }) => !(Math.abs(expected - actual) <= TOLERANCE));
}

describeWithSharedData('chrF against sacrebleu 2.6.0 reference scores', () => {
  it('the reference file has rows', () => {
    expect(loadReference().length).toBeGreaterThan(400);
  });

  it('chrfpp() matches every row', () => {
    expect(mismatches(loadReference(), 'chrfpp', (row) => chrfpp(row.hyp, row.ref))).toEqual([]);
  });

  it('chrf() matches every row', () => {
    expect(mismatches(loadReference(), 'chrf', (row) => chrf(row.hyp, row.ref))).toEqual([]);
  });

  for (const [key, wordOrder, direct] of [
    ['chrfpp', 2, chrfpp],
    ['chrf', 0, chrf],
  ] as const) {
    it(`ChrfIndex (wordOrder ${wordOrder}) matches every row and the direct function to the bit`, () => {
      const rows = loadReference();
      const sentences = [...new Set(rows.flatMap((row) => [row.hyp, row.ref]))];
      const position = new Map(sentences.map((sentence, i) => [sentence, i]));
      const index = new ChrfIndex(sentences, { wordOrder });
      const at = (sentence: string) => position.get(sentence)!;
      expect(mismatches(rows, key, (row) => index.score(at(row.hyp), at(row.ref)))).toEqual([]);
      for (const row of rows) expect(index.score(at(row.hyp), at(row.ref))).toBe(direct(row.hyp, row.ref));
    });
  }

  it('scoreAgainstAll equals score for every reference, within one language', () => {
    const rows = loadReference().filter((row) => row.lang === 'de');
    const sentences = [...new Set(rows.flatMap((row) => [row.hyp, row.ref]))];
    const index = new ChrfIndex(sentences);
    for (let h = 0; h < sentences.length; h++) {
      const all = index.scoreAgainstAll(h);
      expect(all.length).toBe(sentences.length);
      for (let r = 0; r < sentences.length; r++) {
        expect(all[r]).toBe(index.score(h, r));
        expect(all[r]).toBe(chrfpp(sentences[h]!, sentences[r]!));
      }
    }
  });
});

describe('chrF hand-checked cases', () => {
  const family = 'Family is _ in my life.';

  it('gives 100 for identical sentences', () => {
    expect(chrfpp(family, family)).toBe(100);
    expect(chrf(family, family)).toBe(100);
  });

  it('gives 0 when either side is empty or only whitespace', () => {
    for (const [hyp, ref] of [
      ['', ''],
      ['abc', ''],
      ['', 'abc'],
      ['   ', '   '],
      ['a', ' \t\n'],
    ]) {
      expect(chrfpp(hyp!, ref!)).toBe(0);
      expect(chrf(hyp!, ref!)).toBe(0);
    }
  });

  it('is not symmetric', () => {
    // chrF('aaaa' | 'aa'): 1-grams P=2/4 R=1, 2-grams P=1/3 R=1, higher orders absent from the reference.
    expect(chrf('aaaa', 'aa')).toBeCloseTo(78.125, 10);
    // chrF('aa' | 'aaaa'): 1-grams P=1 R=2/4, 2-grams P=1 R=1/3; 3-grams exist only in the reference.
    expect(chrf('aa', 'aaaa')).toBeCloseTo((100 * (5 * (5 / 12))) / (4 + 5 / 12), 10);
    expect(chrfpp('aaaa', 'aa')).not.toBe(chrfpp('aa', 'aaaa'));
  });

  it('counts a surrogate pair as one character', () => {
    // One code point per emoji: 1-grams P=1/2 R=1, and the reference has no 2-grams. In UTF-16 units the
    // reference would have a 2-gram and the score would differ.
    expect(chrf('😀😀', '😀')).toBeCloseTo(250 / 3, 10);
    // chrF++ adds the word unigram order ('😀😀' vs '😀', no match): P=(1/2+0)/2, R=(1+0)/2.
    expect(chrfpp('😀😀', '😀')).toBeCloseTo(125 / 3, 10);
    expect(chrf('😀', '😀😀')).toBeCloseTo(500 / 9, 10);
  });

  it("splits on Python's whitespace set, not JavaScript's", () => {
    expect(chrfpp('Family\u0085is', 'Family is')).toBe(100);
    expect(chrfpp('Family\u001cis', 'Family is')).toBe(100);
    expect(chrfpp('Family\u3000is', 'Family is')).toBe(100);
    expect(chrfpp('Family\ufeffis', 'Family is')).toBeLessThan(100);
    expect(chrfpp('Family\u200bis', 'Family is')).toBeLessThan(100);
  });

  it('splits one ASCII punctuation character off a word, end first', () => {
    expect(chrfpp('life.', 'life .')).toBe(100);
    expect(chrfpp('_life', '_ life')).toBe(100);
    // '(hi)' → '(hi' ')': the start is left alone once the end has been split, so it differs from
    // '( hi )' → '(' 'hi' ')' although the characters are the same.
    expect(chrf('(hi)', '( hi )')).toBe(100);
    expect(chrfpp('(hi)', '( hi )')).toBeLessThan(100);
    // Only one character comes off: 'life?!' → 'life?' '!', not 'life' '?' '!'.
    expect(chrf('life?!', 'life ? !')).toBe(100);
    expect(chrfpp('life?!', 'life ? !')).toBeLessThan(100);
    // A lone punctuation token stays as it is, and non-ASCII punctuation is never split.
    expect(chrfpp('. life', '. life')).toBe(100);
    expect(chrfpp('একমত।', 'একমত ।')).toBeLessThan(100);
  });

  it('chrfFromStats follows sacrebleu: no effective order or no match gives 0', () => {
    expect(chrfFromStats([])).toBe(0);
    expect(chrfFromStats([0, 3, 0, 0, 0, 0])).toBe(0);
    expect(chrfFromStats([2, 2, 0])).toBe(0);
    expect(chrfFromStats([2, 2, 2])).toBe(100);
  });
});

describe('ChrfIndex', () => {
  const sentences = ['Family is _ in my life.', 'Friends are _ in my life.', 'Work is _ in my life.', ''];

  it('scores an outside sentence against indexed ones, both ways, as the direct function does', () => {
    const index = new ChrfIndex(sentences);
    const outside = index.profile('Leisure time is _ in my life!');
    for (let i = 0; i < sentences.length; i++) {
      const indexed = index.profileAt(i);
      expect(index.scoreProfiles(outside, indexed)).toBe(chrfpp(outside.sentence, sentences[i]!));
      expect(index.scoreProfiles(indexed, outside)).toBe(chrfpp(sentences[i]!, outside.sentence));
    }
  });

  it('gives plain chrF with wordOrder 0', () => {
    const index = new ChrfIndex(sentences, { wordOrder: 0 });
    expect(index.score(0, 1)).toBe(chrf(sentences[0]!, sentences[1]!));
    expect(index.score(0, 1)).not.toBe(chrfpp(sentences[0]!, sentences[1]!));
  });

  it('keeps profiles sorted with counts that sum to the totals', () => {
    const index = new ChrfIndex(['the the the cat', 'aaaa']);
    for (let i = 0; i < index.size; i++) {
      const { ids, counts, totals } = index.profileAt(i);
      expect(ids.length).toBe(8);
      ids.forEach((orderIds, k) => {
        for (let j = 1; j < orderIds.length; j++) expect(orderIds[j]!).toBeGreaterThan(orderIds[j - 1]!);
        expect(counts[k]!.reduce((a, b) => a + b, 0)).toBe(totals[k]);
      });
    }
    // 'the the the cat' has word unigrams the×3 and cat×1.
    expect([...index.profileAt(0).counts[6]!].sort()).toEqual([1, 3]);
  });

  it('rejects profiles from another index and indexes out of range', () => {
    const a = new ChrfIndex(sentences);
    const b = new ChrfIndex(sentences);
    expect(() => a.scoreProfiles(a.profileAt(0), b.profileAt(0))).toThrow(/this index/);
    expect(() => a.score(0, sentences.length)).toThrow(RangeError);
  });
});
