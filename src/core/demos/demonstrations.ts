// Choosing the in-context demonstrations of self-alignment (Choenni & Shutova, 2024): k other probes of the same
// language, each completed with the target country's majority answer, picked by one of the paper's four strategies.

import { UserError } from '../errors.js';
import {
  DEFAULT_EXCLUDED_CATEGORIES,
  compareQuestionIds,
  completeSentence,
  isUsable,
  type Probe,
} from '../data/index.js';
import { SeededRandom } from '../random/index.js';
import type { TargetAnswers } from '../survey/index.js';
import { ChrfIndex } from './chrf.js';

import { CHRF_DIRECTIONS, SELECTION_STRATEGIES } from '../../shared/method.js';

export { CHRF_DIRECTIONS, SELECTION_STRATEGIES };
export type SelectionStrategy = (typeof SELECTION_STRATEGIES)[number];

/**
 * chrF++ is not symmetric. By default the test probe is the hypothesis and each candidate the reference, as the
 * paper scores it; the other direction or the mean of both can be chosen.
 */
export type ChrfDirection = (typeof CHRF_DIRECTIONS)[number];

export interface SelectionOptions {
  strategy: SelectionStrategy;
  /** How many demonstrations; the paper uses 5. */
  k?: number;
  /** The run's seed; the random strategies derive their draw from it, the probe and the draw number. */
  seed?: number;
  /** Which repetition of the draw (0, 1, ...), for the random strategies. */
  draw?: number;
  direction?: ChrfDirection;
  /** Categories whose probes never serve as demonstrations; by default those left out of runs (4 and 8). */
  excludedCategories?: readonly number[];
}

export interface Demonstration {
  probe: Probe;
  /** The country's majority option, 1 or 2, and its text. */
  answer: 1 | 2;
  answerText: string;
  /** The probe's statement with the blank filled by the answer, as the prompt shows it. */
  sentence: string;
  /** chrF++ against the test probe (for the chrF strategies; also given for the random ones). */
  chrfpp: number;
}

export interface Selection {
  demonstrations: Demonstration[];
  /** How many candidates the strategy could choose from; fewer than k means fewer demonstrations. */
  candidates: number;
}

export const DEFAULT_K = 5;

/**
 * The probes of one language indexed for chrF++ once, so that ranking them against one probe costs one pass.
 * Probes are held in question-id order, so a stable sort by score lets ties fall to question-id order.
 */
export class SimilarityIndex {
  readonly probes: readonly Probe[];
  private readonly index: ChrfIndex;
  private readonly positionOf = new Map<string, number>();
  /** Scores already computed, by direction and probe: every draw of a measurement selects again from the same. */
  private readonly scored = new Map<string, Float64Array>();

  constructor(probes: readonly Probe[]) {
    const languages = new Set(probes.map((p) => p.language));
    if (languages.size > 1) throw new Error(`a similarity index holds one language, got ${[...languages].join(', ')}`);
    this.probes = [...probes].sort((a, b) => compareQuestionIds(a.id, b.id));
    this.probes.forEach((p, i) => this.positionOf.set(p.id, i));
    this.index = new ChrfIndex(this.probes.map((p) => p.template));
  }

  get language(): string | undefined {
    return this.probes[0]?.language;
  }

  position(id: string): number {
    const position = this.positionOf.get(id);
    if (position === undefined)
      throw new UserError('unknown-probe', `there is no probe ${id} in language ${this.language}`, { probe: id });
    return position;
  }

  probe(id: string): Probe {
    return this.probes[this.position(id)]!;
  }

  /**
   * chrF++ of one probe against every probe of the language (itself included), by position, in the chosen
   * direction. Computed once per probe and direction and shared: read it, never write to it.
   */
  scoresAgainst(id: string, direction: ChrfDirection = 'probe-as-hypothesis'): Float64Array {
    const key = `${direction}\u0000${id}`;
    let scores = this.scored.get(key);
    if (!scores) {
      scores = this.computeScores(id, direction);
      this.scored.set(key, scores);
    }
    return scores;
  }

  private computeScores(id: string, direction: ChrfDirection): Float64Array {
    const testPosition = this.position(id);
    const asHypothesis = this.index.scoreAgainstAll(testPosition);
    if (direction === 'probe-as-hypothesis') return asHypothesis;
    const asReference = new Float64Array(this.probes.length);
    for (let i = 0; i < this.probes.length; i++) asReference[i] = this.index.score(i, testPosition);
    if (direction === 'probe-as-reference') return asReference;
    return asReference.map((score, i) => (score + asHypothesis[i]!) / 2);
  }

  /** The other probes of the language, most similar first; ties in question-id order. */
  rank(
    id: string,
    options: { direction?: ChrfDirection; withinCategory?: boolean } = {},
  ): { probe: Probe; chrfpp: number }[] {
    const test = this.probe(id);
    const scores = this.scoresAgainst(id, options.direction);
    return this.probes
      .map((probe, position) => ({ probe, chrfpp: scores[position]! }))
      .filter(({ probe }) => probe.id !== test.id && (!options.withinCategory || probe.category === test.category))
      .sort((a, b) => b.chrfpp - a.chrfpp);
  }
}

/** The probes of one language with one country's answers: where demonstrations are chosen from. */
export class DemonstrationPool {
  readonly similarity: SimilarityIndex;

  constructor(
    probes: readonly Probe[],
    private readonly targets: TargetAnswers,
  ) {
    this.similarity = new SimilarityIndex(probes);
  }

  select(testProbeId: string, options: SelectionOptions): Selection {
    const { strategy, k = DEFAULT_K, seed = 0, draw = 0, direction = 'probe-as-hypothesis' } = options;
    const excluded = new Set(options.excludedCategories ?? DEFAULT_EXCLUDED_CATEGORIES);
    if (!Number.isInteger(k) || k < 0)
      throw new UserError('bad-k', `k must be a whole number of demonstrations, got ${k}`);
    const test = this.similarity.probe(testProbeId);
    const scores = this.similarity.scoresAgainst(test.id, direction);

    let candidates = this.similarity.probes
      .map((probe, position) => ({ probe, position }))
      .filter(({ probe }) => probe.id !== test.id && probe.template !== test.template)
      .filter(({ probe }) => isUsable(probe) && !excluded.has(probe.category))
      .filter(({ probe }) => this.targets.get(probe.id).kind === 'majority');
    if (strategy === 'random-category' || strategy === 'chrf-category') {
      candidates = candidates.filter(({ probe }) => probe.category === test.category);
    }

    let chosen: typeof candidates;
    if (strategy === 'random' || strategy === 'random-category') {
      chosen = SeededRandom.from(seed, 'demonstrations', strategy, test.language, test.id, draw).sample(candidates, k);
    } else {
      // Candidates are in question-id order and the sort is stable, so equal scores fall to question-id order.
      chosen = [...candidates].sort((a, b) => scores[b.position]! - scores[a.position]!).slice(0, k);
    }
    return {
      demonstrations: chosen.map(({ probe, position }) => this.demonstration(probe, scores[position]!)),
      candidates: candidates.length,
    };
  }

  private demonstration(probe: Probe, chrfpp: number): Demonstration {
    const target = this.targets.get(probe.id);
    if (target.kind !== 'majority') throw new Error(`demonstration ${probe.id} has no majority answer`);
    const answerText = probe.options[target.option - 1]!;
    return { probe, answer: target.option, answerText, sentence: completeSentence(probe, answerText), chrfpp };
  }
}
