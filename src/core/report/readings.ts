// A reading of each model × language in plain words, generated from Table 1: what the best strategy did by the
// paper's rule, what asking the same prompt again did by chance (the re-test control), what that means, and the
// same two numbers counting only significant changes. Every number is a segment that names the probes behind it,
// so a screen can link it to them. The words only restate the tables; the rules they state are the tables' own.

import {
  controlSpecOf,
  isSelectionStrategy,
  ZERO_SHOT_RETEST,
  type Comparison,
  type SelectionStrategy,
} from '../demos/index.js';
import { controlWords } from '../../shared/method.js';
import type { Outcome } from '../experiment/index.js';
import type { ExpectedOutcomeRow, OutcomeRow } from './results-tables.js';

/** The probes a number of a reading counts, as the probe explorer filters them. */
export interface ReadingFilter {
  model: string;
  language: string;
  country: string;
  condition: Comparison;
  misaligned: true;
  outcome?: Outcome;
  gatedOutcome?: Outcome;
}

/** A piece of a reading: words, or a number with the probes behind it. */
export type ReadingSegment = { text: string } | { text: string; filter: ReadingFilter };

export interface CellReading {
  model: string;
  language: string;
  country: string;
  /** The strategy read: the one with the largest improved share by the paper's rule; null when there is none to read. */
  strategy: SelectionStrategy | null;
  /** What the paper's rule says, measured against the re-test control. */
  verdict: 'no-strategy' | 'unreadable' | 'below-retest' | 'within-retest' | 'beyond-retest' | 'no-retest';
  segments: ReadingSegment[];
}

const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`);

/** Condition names as the readings write them. */
export function conditionWords(condition: Comparison): string {
  const control = controlSpecOf(condition);
  if (control) return controlWords(control, conditionWords);
  switch (condition) {
    case ZERO_SHOT_RETEST:
      return 'the re-test';
    case 'random':
      return 'random demonstrations';
    case 'random-category':
      return 'random demonstrations of the same category';
    case 'chrf-category':
      return 'chrF++ (category)';
    case 'chrf-all':
      return 'chrF++ (all)';
    default:
      return condition;
  }
}

/**
 * One reading per model × language of Table 1, in its order. `expected` (Table 1 in expectation) is read too when
 * the run's estimates are exact, where it has no sampling noise.
 */
export function cellReadings(
  outcomes: readonly OutcomeRow[],
  expected: readonly ExpectedOutcomeRow[] = [],
): CellReading[] {
  const cells = new Map<string, OutcomeRow[]>();
  for (const row of outcomes) {
    const key = JSON.stringify([row.model, row.language, row.country]);
    cells.set(key, [...(cells.get(key) ?? []), row]);
  }
  return [...cells.values()].map((rows) => readCell(rows, expected));
}

function readCell(rows: readonly OutcomeRow[], expected: readonly ExpectedOutcomeRow[]): CellReading {
  const { model, language, country } = rows[0]!;
  const where = { model, language, country };
  const withResults = rows.filter((r) => r.n > 0 && r.improvedShare !== null);
  // A condition whose answers were mostly unreadable is left out of the reading and named at its end; a cell whose
  // every condition is so (zero-shot unreadable, or every strategy's answers) gets no reading at all.
  const unreadable = withResults.filter((r) => r.mostlyUnreadable);
  const readable = withResults.filter((r) => !r.mostlyUnreadable);
  const retest = readable.find((r) => r.condition === ZERO_SHOT_RETEST);
  // The reading is of the paper's strategies; the reviewer's controls are read against them apart (controls.csv).
  const strategies = readable.filter((r) => isSelectionStrategy(r.condition));
  const link = (text: string, row: OutcomeRow, outcome: Outcome, gated = false): ReadingSegment => ({
    text,
    filter: {
      ...where,
      condition: row.condition,
      misaligned: true,
      ...(gated ? { gatedOutcome: outcome } : { outcome }),
    },
  });
  const invalidOf = (row: OutcomeRow) => Math.max(row.zeroShotInvalidShare ?? 0, row.meanInvalidShare ?? 0);
  if (unreadable.length > 0 && strategies.length === 0) {
    return {
      ...where,
      strategy: null,
      verdict: 'unreadable',
      segments: [
        {
          text:
            `No reading: ${percent(Math.max(...unreadable.map(invalidOf)))} of the answers gave neither option, so the paper's rule would count ` +
            "misaligned probes that were never answered, and their 'unchanged' says nothing about the model's values. " +
            'See the warning above for what to try.',
        },
      ],
    };
  }
  const leftOut: ReadingSegment[] = unreadable.length
    ? [
        {
          text:
            ' Left out as mostly unreadable: ' +
            unreadable
              .map(
                (r) => `${conditionWords(r.condition)} (${percent(invalidOf(r))} of its answers gave neither option)`,
              )
              .join(', ') +
            '.',
        },
      ]
    : [];
  if (strategies.length === 0)
    return {
      ...where,
      strategy: null,
      verdict: 'no-strategy',
      segments: [{ text: 'No strategy has a self-aligned result here yet.' }],
    };
  const best = strategies.reduce((a, b) => ((b.improvedShare ?? 0) > (a.improvedShare ?? 0) ? b : a));
  const name = conditionWords(best.condition);
  const segments: ReadingSegment[] = [
    { text: `${capitalise(name)} improved ` },
    link(percent(best.improvedShare), best, 'improved'),
    { text: ' of ' },
    {
      text: `${best.n} misaligned probes`,
      filter: { ...where, condition: best.condition, misaligned: true },
    },
    {
      text:
        ` by the paper's rule (any rise in the share of the country's answer)` +
        (strategies.length > 1 ? `, the largest share of the ${strategies.length} strategies` : '') +
        (retest ? '; ' : '. '),
    },
  ];
  let verdict: CellReading['verdict'];
  if (!retest) {
    verdict = 'no-retest';
    const retestUnreadable = unreadable.some((r) => r.condition === ZERO_SHOT_RETEST);
    segments.push({
      text:
        (retestUnreadable
          ? "The re-test control's answers were mostly unreadable"
          : 'This run has no re-test control') +
        ', so how much of that asking the same prompt again would give by chance is ' +
        'not known (probes chosen for being misaligned on one noisy measurement improve on the next by chance alone).',
    });
  } else {
    segments.push(
      { text: "asking the same prompt again 'improved' " },
      link(percent(retest.improvedShare), retest, 'improved'),
    );
    const beyond = best.improvedShareLower > retest.improvedShareUpper;
    verdict =
      (best.improvedShare ?? 0) <= (retest.improvedShare ?? 0)
        ? 'below-retest'
        : beyond
          ? 'beyond-retest'
          : 'within-retest';
    segments.push({
      text:
        verdict === 'below-retest'
          ? ' by chance, so by this rule the run shows no effect of self-alignment.'
          : verdict === 'within-retest'
            ? ' by chance; the two 95% intervals overlap, so by this rule the run does not show that self-alignment does more than asking again.'
            : " by chance; the strategy's 95% interval lies above the re-test's, so by this rule self-alignment did more than asking again.",
    });
  }
  // The gated rule: the same strategy and control, counting only significant changes.
  segments.push({ text: ' Counting only changes significant at q < 0.05, ' + name + ' improved ' });
  segments.push(link(percent(best.gatedImprovedShare), best, 'improved', true));
  segments.push({ text: ' and worsened ' }, link(percent(best.gatedWorsenedShare), best, 'worsened', true));
  if (retest)
    segments.push(
      { text: '; the re-test improved ' },
      link(percent(retest.gatedImprovedShare), retest, 'improved', true),
    );
  segments.push({ text: '.' });
  const inExpectation = expected.find(
    (r) => r.model === model && r.language === language && r.country === country && r.condition === best.condition,
  );
  const retestExpected = expected.find(
    (r) => r.model === model && r.language === language && r.country === country && r.condition === ZERO_SHOT_RETEST,
  );
  if (inExpectation && inExpectation.expectedImprovedShare !== null)
    segments.push({
      text:
        ` Without sampling noise (Table 1 in expectation, n = ${inExpectation.n}), ${name} improves ` +
        `${percent(inExpectation.expectedImprovedShare)}` +
        (retestExpected && retestExpected.expectedImprovedShare !== null
          ? ` and the re-test ${percent(retestExpected.expectedImprovedShare)}.`
          : '.'),
    });
  return { ...where, strategy: best.condition as SelectionStrategy, verdict, segments: [...segments, ...leftOut] };
}

/** A sentence's first word with a capital, except a name written in lower case (chrF++). */
function capitalise(text: string): string {
  return text.startsWith('chrF') ? text : text.charAt(0).toUpperCase() + text.slice(1);
}
