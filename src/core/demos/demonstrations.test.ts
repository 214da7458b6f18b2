import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { categoryOfQuestionId, readProbeSource, type Probe } from '../data/index.js';
import { targetAnswersFromWeights, type TargetAnswers } from '../survey/index.js';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data.js';
import { chrfpp } from './chrf.js';
import { DemonstrationPool, SELECTION_STRATEGIES, SimilarityIndex } from './index.js';

function probe(
  id: string,
  template: string,
  options: [string, string] = ['important', 'unimportant'],
  flag: Probe['flag'] = null,
): Probe {
  return {
    id,
    language: 'en',
    template,
    options,
    category: categoryOfQuestionId(id) ?? 1,
    flag,
    source: { file: 'test', line: 0 },
  };
}

/** Answers constructed for the test: option 1 wins for every id listed, except those given as option 2. */
function answers(ids: string[], option2: string[] = [], unknown: string[] = []): TargetAnswers {
  const weights = new Map<string, [number, number]>();
  for (const id of ids) if (!unknown.includes(id)) weights.set(id, option2.includes(id) ? [30, 70] : [80, 20]);
  return targetAnswersFromWeights('USA', weights);
}

const PROBES = [
  probe('Q1', 'Family is _ in my life.'),
  probe('Q2', 'Friends are _ in my life.'),
  probe('Q3', 'Leisure time is _ in my life.'),
  probe('Q4', 'Politics is _ in my life.'),
  probe('Q5', 'Work is _ in my life.'),
  probe('Q6', 'Religion is _ in my life.'),
  probe('Q7', 'Family is _ in my life.'), // same sentence as Q1
  probe('Q46', 'I am _ these days.', ['happy', 'unhappy']),
  probe('Q106a', 'Incomes should be made _.', ['more equal', 'less equal']), // category 4: left out by default
  probe('Q152a', 'A high level of economic growth is _.', ['important', '']), // flagged
];
const IDS = PROBES.map((p) => p.id);

describe('demonstration selection', () => {
  it('takes candidates with a known answer, never the probe itself, an identical sentence, a flagged probe or an excluded category', () => {
    const pool = new DemonstrationPool(PROBES, answers(IDS, ['Q4'], ['Q6']));
    const { demonstrations, candidates } = pool.select('Q1', { strategy: 'chrf-all', k: 10 });
    expect(demonstrations.map((d) => d.probe.id).sort()).toEqual(['Q2', 'Q3', 'Q4', 'Q46', 'Q5']);
    expect(candidates).toBe(5);
    const q4 = demonstrations.find((d) => d.probe.id === 'Q4')!;
    expect(q4).toMatchObject({ answer: 2, answerText: 'unimportant', sentence: 'Politics is unimportant in my life.' });
  });

  it('ranks by chrF++ with the test probe as hypothesis, best first, ties in question-id order', () => {
    const pool = new DemonstrationPool(PROBES, answers(IDS));
    const { demonstrations } = pool.select('Q1', { strategy: 'chrf-all', k: 3 });
    const expected = ['Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q46']
      .map((id, order) => ({
        id,
        order,
        score: chrfpp('Family is _ in my life.', PROBES.find((p) => p.id === id)!.template),
      }))
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .slice(0, 3);
    expect(demonstrations.map((d) => d.probe.id)).toEqual(expected.map((e) => e.id));
    expect(demonstrations.map((d) => d.chrfpp)).toEqual(expected.map((e) => e.score));

    // Two candidates with the same sentence score the same: the lower question id comes first.
    const twins = [probe('Q10', 'A is _.'), probe('Q30', 'B is _.'), probe('Q20', 'B is _.')];
    const twinPool = new DemonstrationPool(twins, answers(['Q10', 'Q20', 'Q30']));
    expect(twinPool.select('Q10', { strategy: 'chrf-all', k: 2 }).demonstrations.map((d) => d.probe.id)).toEqual([
      'Q20',
      'Q30',
    ]);
  });

  it('scores in the other direction or the mean of both when asked', () => {
    const index = new SimilarityIndex(PROBES);
    const q46 = PROBES.findIndex((p) => p.id === 'Q46');
    const hyp = index.scoresAgainst('Q1', 'probe-as-hypothesis')[q46]!;
    const ref = index.scoresAgainst('Q1', 'probe-as-reference')[q46]!;
    expect(hyp).toBe(chrfpp('Family is _ in my life.', 'I am _ these days.'));
    expect(ref).toBe(chrfpp('I am _ these days.', 'Family is _ in my life.'));
    expect(index.scoresAgainst('Q1', 'mean')[q46]).toBe((hyp + ref) / 2);
  });

  it("keeps the category strategies within the test probe's category", () => {
    const pool = new DemonstrationPool(PROBES, answers(IDS));
    for (const strategy of ['random-category', 'chrf-category'] as const) {
      const { demonstrations } = pool.select('Q2', { strategy, k: 5 });
      expect(demonstrations.every((d) => d.probe.category === 1)).toBe(true);
      expect(demonstrations.map((d) => d.probe.id)).not.toContain('Q46');
    }
    // Q46 is alone in category 2: there is nothing to choose from.
    expect(pool.select('Q46', { strategy: 'chrf-category' })).toEqual({ demonstrations: [], candidates: 0 });
  });

  it('repeats random draws exactly for the same seed and draw, and varies them across draws', () => {
    const pool = new DemonstrationPool(PROBES, answers(IDS));
    const pick = (seed: number, draw: number) =>
      pool.select('Q1', { strategy: 'random', k: 3, seed, draw }).demonstrations.map((d) => d.probe.id);
    expect(pick(42, 0)).toEqual(pick(42, 0));
    const draws = new Set(Array.from({ length: 20 }, (_, draw) => pick(42, draw).join(',')));
    expect(draws.size).toBeGreaterThan(5);
  });

  it('refuses an unknown probe', () => {
    const pool = new DemonstrationPool(PROBES, answers(IDS));
    expect(() => pool.select('Q999', { strategy: 'random' })).toThrow(/no probe Q999/);
  });
});

describeWithSharedData('demonstrations from the real German probes', () => {
  it('chooses k = 5 demonstrations for every usable probe with every strategy, completed with the constructed answers', async () => {
    const { probes } = await readProbeSource(path.join(sharedDataDir, 'arora-probes/probes.zip'));
    const german = probes.filter((p) => p.language === 'de');
    // Constructed answers: option 1 for even question numbers, option 2 for odd ones.
    const weights = new Map(
      german.map((p) => [p.id, (Number(p.id.replace(/\D/g, '')) % 2 === 0 ? [60, 40] : [40, 60]) as [number, number]]),
    );
    const pool = new DemonstrationPool(german, targetAnswersFromWeights('DEU', weights));
    for (const test of german.filter((p) => p.flag === null && p.category !== 4 && p.category !== 8)) {
      for (const strategy of SELECTION_STRATEGIES) {
        const { demonstrations } = pool.select(test.id, { strategy, seed: 7 });
        if (strategy === 'random' || strategy === 'chrf-all') expect(demonstrations).toHaveLength(5);
        for (const d of demonstrations) {
          expect(d.probe.id).not.toBe(test.id);
          expect(d.probe.template).not.toBe(test.template);
          expect(d.probe.flag).toBeNull();
          expect(d.answerText).toBe(d.probe.options[(Number(d.probe.id.replace(/\D/g, '')) % 2 === 0 ? 1 : 2) - 1]);
          expect(d.sentence).not.toContain('_');
        }
      }
    }
    const q1 = pool.select('Q1', { strategy: 'chrf-all' }).demonstrations.map((d) => d.probe.id);
    expect(q1.slice(0, 3)).toEqual(['Q5', 'Q4', 'Q6']); // "Arbeit/Politik/Religion ist _ in meinem Leben"
  });
});
