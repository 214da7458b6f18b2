import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Probe } from '../data/index.js';
import { DemonstrationPool } from '../demos/index.js';
import { targetAnswersFromWeights } from '../survey/index.js';
import { useTempDir } from '../../testing/temp-dir.js';
import { DEFAULT_PROMPT_TEMPLATE, buildPrompt, readPromptTemplate, validatePromptTemplate } from './index.js';

const tempDir = useTempDir();

function probe(id: string, template: string, options: [string, string]): Probe {
  return { id, language: 'en', template, options, category: 1, flag: null, source: { file: 'test', line: 0 } };
}

const PROBES = [
  probe('Q1', 'Family is _ in my life.', ['important', 'unimportant']),
  probe('Q2', 'Friends are _ in my life.', ['important', 'unimportant']),
  probe('Q3', 'Leisure time is _ in my life.', ['important', 'unimportant']),
  probe('Q28', 'I _ that when a mother works for pay, the children suffer.', ['agree', 'disagree']),
];
const pool = new DemonstrationPool(
  PROBES,
  targetAnswersFromWeights(
    'USA',
    new Map<string, [number, number]>([
      ['Q1', [90, 10]],
      ['Q2', [85, 15]],
      ['Q3', [20, 80]],
      ['Q28', [30, 70]],
    ]),
  ),
);

describe('prompts', () => {
  it('lays out instruction, completed demonstrations, the probe and the answer cue', () => {
    const { demonstrations } = pool.select('Q28', { strategy: 'chrf-all', k: 3 });
    const prompt = buildPrompt({ probe: PROBES[3]!, demonstrations, seed: 1 });
    const [first, second] = prompt.optionOrder.map((o) => PROBES[3]!.options[o - 1]);
    expect(prompt.text).toBe(
      [
        `Fill in the blank (_) in the last statement with one of the two options: "${first}" or "${second}". Answer with the option only.`,
        ...demonstrations.map((d) => d.sentence),
        'I _ that when a mother works for pay, the children suffer.',
        'Answer:',
      ].join('\n'),
    );
    expect(prompt.text).toContain('Leisure time is unimportant in my life.');
    expect(prompt.messages).toEqual([{ role: 'user', content: prompt.text }]);
    expect(prompt.demonstrationIds).toEqual(demonstrations.map((d) => d.probe.id));
  });

  it("puts a control's persona sentence and system-placed demonstrations in a system message, or opens the user message with them", () => {
    const { demonstrations } = pool.select('Q28', { strategy: 'chrf-all', k: 2 });
    const persona = 'You are an average human being born in Germany and living in Germany.';
    const paper = buildPrompt({ probe: PROBES[3]!, demonstrations, seed: 1 });
    expect(paper.systemContentIn).toBeNull();
    const withPersona = buildPrompt({ probe: PROBES[3]!, demonstrations, seed: 1, persona, systemMessages: true });
    expect(withPersona.systemContentIn).toBe('system message');
    expect(withPersona.messages).toEqual([
      { role: 'system', content: persona },
      { role: 'user', content: paper.text },
    ]);
    expect(withPersona.text).toBe(`${persona}\n${paper.text}`);
    const noSystem = buildPrompt({ probe: PROBES[3]!, demonstrations, seed: 1, persona, systemMessages: false });
    expect(noSystem.systemContentIn).toBe('user message');
    expect(noSystem.messages).toEqual([{ role: 'user', content: `${persona}\n${paper.text}` }]);
    // Demonstrations in the system message: the instruction, the question and the cue stay with the user.
    const system = buildPrompt({ probe: PROBES[3]!, demonstrations, seed: 1, demonstrationsIn: 'system' });
    const [instruction, ...rest] = paper.text.split('\n');
    expect(system.messages).toEqual([
      { role: 'system', content: demonstrations.map((d) => d.sentence).join('\n') },
      { role: 'user', content: [instruction, ...rest.slice(2)].join('\n') },
    ]);
    expect(system.demonstrationIds).toEqual(paper.demonstrationIds);
  });

  it('zero-shot has no demonstrations', () => {
    const prompt = buildPrompt({ probe: PROBES[0]!, demonstrations: [], seed: 1 });
    expect(prompt.text.split('\n')).toHaveLength(3);
  });

  it('draws the option order per probe and draw from the seed: repeatable, and both orders occur', () => {
    const orders = Array.from({ length: 40 }, (_, draw) =>
      buildPrompt({ probe: PROBES[0]!, demonstrations: [], seed: 9, draw }).optionOrder.join(''),
    );
    expect(new Set(orders)).toEqual(new Set(['12', '21']));
    expect(
      Array.from({ length: 40 }, (_, draw) =>
        buildPrompt({ probe: PROBES[0]!, demonstrations: [], seed: 9, draw }).optionOrder.join(''),
      ),
    ).toEqual(orders);
  });

  it('shuffles the demonstrations per draw only when asked', () => {
    const { demonstrations } = pool.select('Q28', { strategy: 'chrf-all', k: 3 });
    const kept = buildPrompt({ probe: PROBES[3]!, demonstrations, seed: 5, draw: 3 });
    expect(kept.demonstrationIds).toEqual(demonstrations.map((d) => d.probe.id));
    const orders = new Set(
      Array.from({ length: 30 }, (_, draw) =>
        buildPrompt({
          probe: PROBES[3]!,
          demonstrations,
          seed: 5,
          draw,
          shuffleDemonstrations: true,
        }).demonstrationIds.join(','),
      ),
    );
    expect(orders.size).toBeGreaterThan(1);
    for (const order of orders) expect(order.split(',').sort()).toEqual(demonstrations.map((d) => d.probe.id).sort());
  });

  it('asks for an explanation in the explanation variant', () => {
    const prompt = buildPrompt({ probe: PROBES[0]!, demonstrations: [], seed: 1, explain: true });
    expect(prompt.text.split('\n')[0]).toContain(DEFAULT_PROMPT_TEMPLATE.explanationInstruction);
  });

  it('takes an edited template, and refuses one that drops a placeholder', async () => {
    const file = path.join(tempDir(), 'de.json');
    writeFileSync(
      file,
      JSON.stringify({
        instruction: 'Ergänze die Lücke mit „{first_option}“ oder „{second_option}“.',
        answerCue: 'Antwort:',
      }),
    );
    const template = await readPromptTemplate(file);
    const prompt = buildPrompt({ probe: PROBES[0]!, demonstrations: [], seed: 1, template });
    expect(prompt.text.endsWith('\nAntwort:')).toBe(true);
    expect(prompt.text.startsWith('Ergänze die Lücke mit „')).toBe(true);
    expect(() => validatePromptTemplate({ ...DEFAULT_PROMPT_TEMPLATE, question: 'no statement here' })).toThrow(
      /must contain \{statement\}/,
    );
    writeFileSync(file, '{ not json');
    await expect(readPromptTemplate(file)).rejects.toThrow(/cannot be read as JSON/);
  });
});
