// A probe is one cloze statement of a WVS question in one language, with its two answer options.
// This module holds the probe type and the small rules every probe source shares: question ids, blanks, flags.

import { categoryOfQuestion } from './categories.js';

/** Why a probe cannot be asked as a two-option cloze question. Flagged probes are kept but left out of runs. */
export type ProbeFlag = 'missing-option' | 'no-blank' | 'several-blanks';

export const PROBE_FLAG_REASONS: Record<ProbeFlag, string> = {
  'missing-option': 'one of the two answer options is empty in the source file',
  'no-blank': 'the template has no blank ([MASK] or _) to fill',
  'several-blanks': 'the template has more than one blank',
};

export interface Probe {
  /** The WVS question id, "Q1" or "Q106a". */
  id: string;
  /** Language code, as named by the source (the file name for the Arora et al. files). */
  language: string;
  /** The cloze sentence; `_` marks the blank. */
  template: string;
  /** Option 1 and option 2, in the order of the source file. */
  options: readonly [string, string];
  /** WVS category number, 1..13. */
  category: number;
  flag: ProbeFlag | null;
  /** Why the probe does not ask what its WVS question asks, when that is known (data/item-validity.csv): runs leave it out unless told otherwise. */
  validity?: string | null | undefined;
  /** Where the probe came from, for error messages and provenance. */
  source: { file: string; line: number };
}

export const BLANK = '_';

/** "1" → "Q1", "106a" → "Q106a", "q106A" → "Q106a"; undefined when the text is not a question id. */
export function normaliseQuestionId(text: string): string | undefined {
  const match = /^[Qq]?(\d{1,3})([a-zA-Z]?)$/.exec(text.trim());
  if (!match) return undefined;
  return `Q${Number(match[1])}${match[2]!.toLowerCase()}`;
}

/** The question number of a question id: "Q106a" → 106. */
export function questionNumber(id: string): number | undefined {
  const match = /^Q(\d+)[a-z]?$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

/** Orders question ids as the questionnaire does: Q2 before Q10, Q106a before Q106b. */
/** "Q1", "q1" and "1" all name probe Q1. */
export function normaliseProbeId(text: string): string {
  return /^\d/.test(text) ? `Q${text}` : text.replace(/^q/, 'Q');
}

export function compareQuestionIds(a: string, b: string): number {
  const na = questionNumber(a);
  const nb = questionNumber(b);
  if (na !== undefined && nb !== undefined && na !== nb) return na - nb;
  if (na !== undefined && nb === undefined) return -1;
  if (na === undefined && nb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The category a question id belongs to by its number, or undefined for ids outside Q1..Q259. */
export function categoryOfQuestionId(id: string): number | undefined {
  const n = questionNumber(id);
  return n === undefined ? undefined : categoryOfQuestion(n)?.number;
}

const MASK = /\[MASK\]/g;

/** Replaces `[MASK]` by `_` and decides whether the result is a usable two-option cloze probe. */
export function clozeFromTemplate(rawTemplate: string, options: readonly [string, string]): { template: string; flag: ProbeFlag | null } {
  const template = rawTemplate.replace(MASK, BLANK).trim();
  const blanks = countBlanks(template);
  let flag: ProbeFlag | null = null;
  if (blanks === 0) flag = 'no-blank';
  else if (blanks > 1) flag = 'several-blanks';
  else if (options[0].trim() === '' || options[1].trim() === '') flag = 'missing-option';
  return { template, flag };
}

/** Every `_` is a blank: published templates attach suffixes to the blank ("[MASK]م", "[MASK]hal"). */
export function countBlanks(template: string): number {
  return template.split(BLANK).length - 1;
}

/** The probe's sentence with the blank filled by one of its options. */
export function completeSentence(probe: Pick<Probe, 'template'>, answer: string): string {
  return probe.template.replace(BLANK, () => answer);
}

/** A probe can be asked in a run only when it is a clean two-option cloze statement. */
export function isUsable(probe: Pick<Probe, 'flag'>): boolean {
  return probe.flag === null;
}
