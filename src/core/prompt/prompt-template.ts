// The editable layout of a prompt. Users translate or reword it; the placeholders are fixed and validated, so a
// template that would silently drop the options or the statement is refused with a clear message.

import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { PromptTemplateSchema } from '../../shared/method.js';
import { DEFAULT_PERSONA_SENTENCE } from './persona.js';

export { PromptTemplateSchema };

export type PromptTemplate = z.infer<typeof PromptTemplateSchema>;

const REQUIRED_PLACEHOLDERS: Record<keyof PromptTemplate, readonly string[]> = {
  instruction: ['{first_option}', '{second_option}'],
  explanationInstruction: [],
  demonstration: ['{sentence}'],
  question: ['{statement}'],
  answerCue: [],
  separator: [],
  persona: ['{country}'],
};

export const DEFAULT_PROMPT_TEMPLATE: PromptTemplate = {
  instruction:
    'Fill in the blank (_) in the last statement with one of the two options: "{first_option}" or "{second_option}". Answer with the option only.',
  explanationInstruction: 'Then, on a new line, explain why in one or two sentences.',
  demonstration: '{sentence}',
  question: '{statement}',
  answerCue: 'Answer:',
  separator: '\n',
  persona: DEFAULT_PERSONA_SENTENCE,
};

export function validatePromptTemplate(value: unknown, file?: string): PromptTemplate {
  const parsed = PromptTemplateSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(
      'bad-template',
      `the prompt template's field "${issue.path.join('.')}" ${issue.message.toLowerCase()}; fields: ${Object.keys(REQUIRED_PLACEHOLDERS).join(', ')}`,
      file ? { file } : {},
    );
  }
  for (const [field, placeholders] of Object.entries(REQUIRED_PLACEHOLDERS)) {
    for (const placeholder of placeholders) {
      const text = parsed.data[field as keyof PromptTemplate];
      // An optional field left out (the persona sentence) keeps the workbench's wording.
      if (text !== undefined && !text.includes(placeholder)) {
        throw new UserError(
          'bad-template',
          `the prompt template's field "${field}" must contain ${placeholder}`,
          file ? { file } : {},
        );
      }
    }
  }
  return parsed.data;
}

/** A template from a JSON file; fields it leaves out keep their defaults. */
export async function readPromptTemplate(file: string): Promise<PromptTemplate> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UserError('bad-template', `the prompt template cannot be read as JSON: ${(error as Error).message}`, {
      file,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError('bad-template', 'the prompt template must be a JSON object', { file });
  }
  return validatePromptTemplate({ ...DEFAULT_PROMPT_TEMPLATE, ...value }, file);
}
