// Colours and names the charts share with the rest of the window, so an outcome or a condition looks and reads the
// same on every screen. The colours are Okabe & Ito's colour-blind-safe set (plus its usual grey); the sequential
// ramp is cividis, made to read the same under the common colour-vision deficiencies.

import { interpolateCividis, rgb } from 'd3';
import { controlSpecOf, controlWords, ZERO_SHOT, ZERO_SHOT_RETEST, type CONDITIONS, type OUTCOMES } from '../method.js';

type Condition = (typeof CONDITIONS)[number];

/** Okabe–Ito: distinguishable under protanopia, deuteranopia and tritanopia. */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  grey: '#999999',
} as const;

/** One colour per outcome: improved green, unchanged grey, worsened vermillion. */
export const OUTCOME_COLOURS: Record<(typeof OUTCOMES)[number], string> = {
  improved: OKABE_ITO.bluishGreen,
  unchanged: OKABE_ITO.grey,
  worsened: OKABE_ITO.vermillion,
};

/**
 * Answers that gave neither option: a light neutral that no outcome, condition or ramp colour uses, so that "no
 * readable answer" never passes for "unchanged" (grey) or for a low share (the ramp's dark blue).
 */
export const UNREADABLE_COLOUR = '#E3E3E3';

/** The re-test control: the zero-shot prompt measured again with another seed. */
export const RETEST_CONTROL = ZERO_SHOT_RETEST;

/**
 * One colour per condition. The re-test control is grey like "no change", and is also drawn outlined and dashed
 * wherever it stands beside the strategies, so it never passes for a strategy.
 */
export const CONDITION_COLOURS: Record<Condition, string> = {
  [ZERO_SHOT]: OKABE_ITO.skyBlue,
  [ZERO_SHOT_RETEST]: OKABE_ITO.grey,
  random: OKABE_ITO.orange,
  'random-category': OKABE_ITO.reddishPurple,
  'chrf-category': OKABE_ITO.bluishGreen,
  'chrf-all': OKABE_ITO.blue,
};

// Colours left for condition names this version does not know (a newer store): picked by the name, so the same
// name keeps its colour from chart to chart and run to run.
const SPARE_COLOURS = [
  OKABE_ITO.vermillion,
  OKABE_ITO.yellow,
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.bluishGreen,
];

function nameHash(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  return hash;
}

/**
 * A condition's colour. A reviewer's control takes its strategy's colour (the persona alone yellow, the one
 * Okabe–Ito colour no condition or outcome has): eight colours cannot tell a dozen conditions apart, so a control
 * is told from its strategy by its label, and the control and its reference read as one family.
 */
export function conditionColour(condition: string): string {
  const control = controlSpecOf(condition);
  if (control) return control.strategy === null ? OKABE_ITO.yellow : conditionColour(control.strategy);
  return (
    (CONDITION_COLOURS as Record<string, string>)[condition] ??
    SPARE_COLOURS[nameHash(condition) % SPARE_COLOURS.length]!
  );
}

const CONDITION_LABELS: Record<Condition, string> = {
  [ZERO_SHOT]: 'zero-shot',
  [ZERO_SHOT_RETEST]: 're-test control',
  random: 'random',
  'random-category': 'random (category)',
  'chrf-category': 'chrF++ (category)',
  'chrf-all': 'chrF++ (all)',
};

/**
 * The name a reader sees: 'chrf-all' → 'chrF++ (all)', 'zero-shot-retest' → 're-test control',
 * 'chrf-all/flipped-labels' → 'chrF++ (all), flipped labels'; unknown names as given.
 */
export function conditionLabel(condition: string): string {
  const control = controlSpecOf(condition);
  if (control) return controlWords(control, conditionLabel);
  return (CONDITION_LABELS as Record<string, string>)[condition] ?? condition;
}

export function isRetestControl(condition: string): boolean {
  return condition === RETEST_CONTROL;
}

/** Colours for series that are neither outcomes nor conditions (the models of Fig. 7), in order. */
export const SERIES_COLOURS: readonly string[] = [
  OKABE_ITO.blue,
  OKABE_ITO.orange,
  OKABE_ITO.bluishGreen,
  OKABE_ITO.reddishPurple,
  OKABE_ITO.skyBlue,
  OKABE_ITO.vermillion,
  OKABE_ITO.yellow,
  OKABE_ITO.grey,
];

/** A share in [0, 1] on the sequential ramp (cividis: dark blue at 0, yellow at 1). */
export function shareColour(share: number): string {
  return rgb(interpolateCividis(Math.min(1, Math.max(0, share)))).formatHex();
}

/** Black or white, whichever reads better on `fill` (WCAG relative luminance). */
export function contrastText(fill: string): string {
  const { r, g, b } = rgb(fill);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  // Contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05): equal at L ≈ 0.179.
  return luminance > 0.179 ? '#000000' : '#ffffff';
}
