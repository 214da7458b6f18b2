// What study:collect-answers writes, and what reading it back needs: the probes of each language (the built-in
// English set, Arora et al.'s from ../shared/data), each country's targets from the answer shares, and the
// demonstrations a collected self-aligned prompt showed (chrF++ selection is deterministic, so they are rebuilt).

import path from 'node:path';
import { isUsable, readProbeSource, type Probe } from '../src/core/data/index.js';
import { DemonstrationPool, ZERO_SHOT, type Condition } from '../src/core/demos/index.js';
import { drawPrompts, parseRunConfig } from '../src/core/experiment/index.js';
import { builtinDataPath } from '../src/core/resources.js';
import { builtinAnswerKey, countryTargets, readSurveyFile, type TargetAnswers } from '../src/core/survey/index.js';
import { sharedDataDir } from '../src/testing/shared-data-dir.js';
import type { TestModelName } from '../src/testing/test-models.js';

export interface CollectedAnswer {
  model: TestModelName;
  language: string;
  country: string;
  probeId: string;
  condition: string;
  text: string;
  weight: number;
  /** The parser's reading when collected (the gold file is labelled without it). */
  parsed: 1 | 2 | 'invalid';
}

/** The responses labelled by reading, and their columns. `sample`: `design` for the responses read while the parser's
 * rules were written, `held-out` for those drawn afterwards to measure the rules on responses nobody had read. */
export const GOLD_FILE = 'src/core/prompt/real-answers.gold.csv';
export const GOLD_COLUMNS = [
  'model',
  'language',
  'probe_id',
  'condition',
  'demonstrations',
  'response',
  'sample',
  'label',
  'second_label',
  'rule',
] as const;

/** The seed and draws the collection builds its prompts with. */
export const COLLECTION = { seed: 1, n: 10 };

export interface StudyData {
  /** The usable probes of a language. */
  probesOf(language: string): Probe[];
  targetsOf(country: string): TargetAnswers;
  /** The ids of the demonstrations a collected prompt showed, in the order shown; none for zero-shot. */
  demonstrationsOf(answer: Pick<CollectedAnswer, 'language' | 'country' | 'probeId' | 'condition'>): string[];
}

export async function loadStudyData(): Promise<StudyData> {
  const english = (await readProbeSource(builtinDataPath('probes', 'en.csv'))).probes;
  const arora = (await readProbeSource(path.join(sharedDataDir, 'arora-probes', 'probes.zip'))).probes;
  const answerKey = await builtinAnswerKey();
  const shares = await readSurveyFile(path.join(sharedDataDir, 'wvs', 'country_distributions.csv'), {
    format: 'aggregate',
  });
  const probesOf = (language: string): Probe[] =>
    (language === 'en' ? english : arora.filter((p) => p.language === language)).filter(isUsable);
  const targetsOf = (country: string): TargetAnswers =>
    countryTargets(
      country,
      answerKey,
      shares.cells.filter((c) => c.country === country),
    );
  return {
    probesOf,
    targetsOf,
    demonstrationsOf(answer) {
      if (answer.condition === ZERO_SHOT) return [];
      const probes = probesOf(answer.language);
      const config = parseRunConfig({
        models: ['m'],
        survey: 's',
        languages: [answer.language],
        n: COLLECTION.n,
        estimator: 'sampled',
        seed: COLLECTION.seed,
      });
      const probe = probes.find((p) => p.id === answer.probeId)!;
      return drawPrompts(
        probe,
        answer.condition as Condition,
        new DemonstrationPool(probes, targetsOf(answer.country)),
        config,
        { country: answer.country, own: targetsOf(answer.country), systemMessages: true },
      )!.demonstrationIds; // the paper's conditions leave no probe out
    },
  };
}
