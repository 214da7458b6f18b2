// The reviewer's controls of issue 24 as ids, read one way: a strategy (or the persona prompt alone), with the
// persona sentence added, and the demonstrations changed in one respect or several. An id says exactly what its
// prompts differ in from the paper's condition:
//   persona                      the zero-shot prompt with the persona sentence (Tao et al. 2024)
//   chrf-all+persona             the strategy's demonstrations and the persona sentence
//   chrf-all/random-labels       the same demonstrations, each completed with an option drawn at random per draw
//   chrf-all/flipped-labels      … completed with the country's minority answer
//   chrf-all/share-labels        … with an option drawn per draw from the country's own answer shares
//   chrf-all/country=DEU         … with another country's majority answers
//   chrf-all/k=3                 k demonstrations instead of the run's k (1 to 10)
//   chrf-all/system              the demonstrations in the system message, the question in the user message
// Suffixes combine (one label source at most) and apply to any of the four strategies ("random-category/k=3").
// This module only reads and writes ids; what a control's prompts are is the prompt layer's.

import { UserError } from '../errors.js';
import { SELECTION_STRATEGIES, type SelectionStrategy } from './demonstrations.js';

/** Where a demonstration's completion comes from. */
export type LabelSource =
  | { kind: 'country' }
  | { kind: 'random' }
  | { kind: 'flipped' }
  | { kind: 'shares' }
  | { kind: 'other-country'; country: string };

export interface ControlSpec {
  /** The id in its one written form: suffixes in the order below, a country code in capitals. */
  id: string;
  /** The strategy whose demonstrations the prompts carry; null for `persona`, which carries none. */
  strategy: SelectionStrategy | null;
  persona: boolean;
  /** The paper's: the country's majority answer. */
  labels: LabelSource;
  /** Demonstrations per prompt; null: the run's k. */
  k: number | null;
  /** Where the demonstrations sit: in the user message with the question (the paper's), or in the system message. */
  placement: 'user' | 'system';
}

export const MAX_CONTROL_K = 10;

/** The ids the screens offer first, with what each tests. */
export const SUGGESTED_CONTROLS: readonly { id: string; tests: string }[] = [
  { id: 'persona', tests: 'Would naming the country do as well? The zero-shot prompt with a persona sentence.' },
  { id: 'chrf-all+persona', tests: "Does the persona add to the paper's best strategy?" },
  { id: 'chrf-all/random-labels', tests: 'Is it the answers or the format? Demonstrations completed at random.' },
  {
    id: 'chrf-all/flipped-labels',
    tests: 'Does the model follow the answers? Demonstrations with the minority answer.',
  },
  { id: 'chrf-all/share-labels', tests: "Soft labels: each demonstration's answer drawn from the country's shares." },
  { id: 'chrf-all/country=ISO3', tests: "Another country's answers: is it this country's values, or any?" },
  { id: 'chrf-all/k=N', tests: 'Does it depend on how many demonstrations (1 to 10)?' },
  { id: 'chrf-all/system', tests: "The demonstrations in the system message (the paper's §8)." },
];

const ALLOWED =
  'persona; or a strategy (' +
  SELECTION_STRATEGIES.join(', ') +
  '), optionally with +persona, followed by any of /random-labels, /flipped-labels, /share-labels or /country=ISO3 ' +
  `(one label source), /k=N (1 to ${MAX_CONTROL_K}) and /system`;

function refuse(id: string, why: string): never {
  throw new UserError('bad-control', `the control "${id}" ${why}; a control is ${ALLOWED}`);
}

/** A control id read, or refused with the id and what is allowed. */
export function parseControlId(id: string): ControlSpec {
  const [head = '', ...suffixes] = id.trim().split('/');
  if (head === 'persona') {
    if (suffixes.length > 0) refuse(id, 'changes demonstrations, and persona alone has none');
    return { id: 'persona', strategy: null, persona: true, labels: { kind: 'country' }, k: null, placement: 'user' };
  }
  const persona = head.endsWith('+persona');
  const strategy = persona ? head.slice(0, -'+persona'.length) : head;
  if (!(SELECTION_STRATEGIES as readonly string[]).includes(strategy))
    refuse(id, `starts with "${head}", which is no strategy (or persona)`);
  let labels: LabelSource | null = null;
  let k: number | null = null;
  let placement: 'user' | 'system' = 'user';
  const setLabels = (source: LabelSource) => {
    if (labels) refuse(id, 'names two label sources');
    labels = source;
  };
  for (const suffix of suffixes) {
    if (suffix === 'random-labels') setLabels({ kind: 'random' });
    else if (suffix === 'flipped-labels') setLabels({ kind: 'flipped' });
    else if (suffix === 'share-labels') setLabels({ kind: 'shares' });
    else if (/^country=[A-Za-z]{3}$/.test(suffix))
      setLabels({ kind: 'other-country', country: suffix.slice('country='.length).toUpperCase() });
    else if (/^k=\d+$/.test(suffix)) {
      if (k !== null) refuse(id, 'gives k twice');
      k = Number(suffix.slice(2));
      if (k < 1 || k > MAX_CONTROL_K) refuse(id, `asks for ${k} demonstrations`);
    } else if (suffix === 'system') {
      if (placement === 'system') refuse(id, 'says /system twice');
      placement = 'system';
    } else refuse(id, `has "/${suffix}", which changes nothing the workbench knows`);
  }
  const spec = {
    strategy: strategy as SelectionStrategy,
    persona,
    labels: labels ?? { kind: 'country' as const },
    k,
    placement,
  };
  return { id: controlId(spec), ...spec };
}

/** The one written form of a control: strategy[+persona][/labels][/k=N][/system]. */
export function controlId(spec: Omit<ControlSpec, 'id'>): string {
  if (spec.strategy === null) return 'persona';
  const parts = [`${spec.strategy}${spec.persona ? '+persona' : ''}`];
  const labels: LabelSource = spec.labels;
  if (labels.kind === 'random') parts.push('random-labels');
  else if (labels.kind === 'flipped') parts.push('flipped-labels');
  else if (labels.kind === 'shares') parts.push('share-labels');
  else if (labels.kind === 'other-country') parts.push(`country=${labels.country}`);
  if (spec.k !== null) parts.push(`k=${spec.k}`);
  if (spec.placement === 'system') parts.push('system');
  return parts.join('/');
}
