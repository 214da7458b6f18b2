// Turns a probe and its demonstrations into what a model is sent: plain text for completion models, chat
// messages for chat models. The option order and the demonstration order are drawn per probe and draw from
// the run's seed, so every prompt can be rebuilt exactly.

import type { Probe } from '../data/index.js';
import type { Demonstration } from '../demos/index.js';
import { SeededRandom } from '../random/index.js';
import { DEFAULT_PROMPT_TEMPLATE, type PromptTemplate } from './prompt-template.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface PromptRequest {
  probe: Probe;
  /** Empty for zero-shot. */
  demonstrations: readonly Demonstration[];
  seed: number;
  /** Which repetition of the prompt (0, 1, ...): each draw has its own option order. */
  draw?: number;
  /** The draw whose shuffle orders the demonstrations, when it is not `draw` (an order fixed per probe: 0). */
  shuffleDraw?: number;
  /** The option order itself, instead of the draw's (the exact estimator takes both orders, half each). */
  optionOrder?: readonly [1 | 2, 1 | 2];
  template?: PromptTemplate;
  /** Shuffle the demonstrations per draw (the paper's robustness check); otherwise they keep the selection's order. */
  shuffleDemonstrations?: boolean;
  /** Ask the model to answer and then explain why. */
  explain?: boolean;
  /** The persona sentence (its country filled in), for the persona controls: first in the prompt. */
  persona?: string;
  /** Where the demonstrations sit: with the question in the user message (the paper's), or in the system message. */
  demonstrationsIn?: 'user' | 'system';
  /**
   * Whether the model's chat template takes a system message. Where it does not, what belongs in the system
   * message (the persona sentence, demonstrations placed there) opens the user message instead.
   */
  systemMessages?: boolean;
}

/** Where a prompt's system content (persona sentence, demonstrations placed there) went: none for the paper's prompts. */
export type SystemContentPlace = 'system message' | 'user message' | null;

export interface Prompt {
  /** For completion models: the whole prompt, ending with the answer cue. */
  text: string;
  /**
   * For chat models: one user message, the cue at its end; a control with system content puts it in a system
   * message before it where the model's template takes one (some reject a system role).
   */
  messages: ChatMessage[];
  /** Where the system content went; the plain prompt (`text`) always opens with it. */
  systemContentIn: SystemContentPlace;
  /** The options in the order the instruction names them: [1, 2] or [2, 1]. */
  optionOrder: readonly [1 | 2, 1 | 2];
  /** The demonstrations' probe ids in the order shown. */
  demonstrationIds: string[];
  /** Their statements (templates with the blank): the parser tells an answer to one of them from an answer to the probe. */
  demonstrationStatements: string[];
  /**
   * Beginnings of the text that other prompts share, shortest first: nothing (a chat model's header), the
   * instruction up to its first option (every probe's), the whole instruction (the probe's, in this option
   * order). A local model keeps their tokens in the KV cache from one prompt to the next.
   */
  sharedBeginnings: string[];
}

export function buildPrompt(request: PromptRequest): Prompt {
  const { probe, seed, draw = 0, template = DEFAULT_PROMPT_TEMPLATE } = request;
  const optionOrder: readonly [1 | 2, 1 | 2] =
    request.optionOrder ??
    (SeededRandom.from(seed, 'option-order', probe.language, probe.id, draw).int(2) === 0 ? [1, 2] : [2, 1]);
  const demonstrations = request.shuffleDemonstrations
    ? SeededRandom.from(seed, 'demonstration-order', probe.language, probe.id, request.shuffleDraw ?? draw).shuffle(
        request.demonstrations,
      )
    : [...request.demonstrations];

  let instruction = fill(template.instruction, {
    first_option: probe.options[optionOrder[0] - 1]!,
    second_option: probe.options[optionOrder[1] - 1]!,
  });
  if (request.explain) instruction = `${instruction} ${template.explanationInstruction}`.trim();
  const demonstrationLines = demonstrations.map((d) => fill(template.demonstration, { sentence: d.sentence }));
  const inSystem = request.demonstrationsIn === 'system';
  const systemLines = [...(request.persona ? [request.persona] : []), ...(inSystem ? demonstrationLines : [])];
  const userLines = [
    instruction,
    ...(inSystem ? [] : demonstrationLines),
    fill(template.question, { statement: probe.template }),
    template.answerCue,
  ];
  const join = (lines: readonly string[]) => lines.filter((line) => line !== '').join(template.separator);
  const text = join([...systemLines, ...userLines]);
  const systemContentIn: SystemContentPlace =
    systemLines.length === 0 ? null : request.systemMessages === false ? 'user message' : 'system message';
  return {
    text,
    messages:
      systemContentIn === 'system message'
        ? [
            { role: 'system', content: join(systemLines) },
            { role: 'user', content: join(userLines) },
          ]
        : [{ role: 'user', content: text }],
    systemContentIn,
    optionOrder,
    demonstrationIds: demonstrations.map((d) => d.probe.id),
    demonstrationStatements: demonstrations.map((d) => d.probe.template),
    // The paper's prompts open with the instruction, which other prompts share; a control's open with its system
    // content, and share only the chat header.
    sharedBeginnings: systemLines.length === 0 ? sharedBeginnings(template, instruction) : [''],
  };
}

/**
 * The beginnings a prompt shares with others, shortest first: nothing (a chat model's header), the template's
 * instruction up to its first option (every probe's), and the prompt's whole instruction (its probe's, in its
 * option order).
 */
export function sharedBeginnings(template: Pick<PromptTemplate, 'instruction'>, instruction: string): string[] {
  return [...new Set(['', template.instruction.split(/\{(?:first|second)_option\}/)[0]!, instruction])];
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
