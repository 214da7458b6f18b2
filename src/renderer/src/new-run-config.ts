// The New run form's starting point: with one model and one survey registered, a configuration ready to start.
// Pure, tested without a browser.
import type { z } from 'zod';
import type { ResolvedRunConfigSchema, RunConfigSchema } from '../../shared/method.js';

/** A run configuration as it is being typed: any field may still be missing; the engine fills and checks it. */
export type RunConfigDraft = Partial<z.input<typeof RunConfigSchema>>;
/** The same configuration as the engine filled it in (runs.validate): every default in place. */
export type RunConfigFilled = z.output<typeof ResolvedRunConfigSchema>;
/** A field of the draft that holds a number. */
export type NumberKey = {
  [K in keyof RunConfigDraft]-?: NonNullable<RunConfigDraft[K]> extends number ? K : never;
}[keyof RunConfigDraft];

/** The configuration a fresh form starts from: with one model and one survey, ready to start as it is. */
export function initialConfig(
  models: readonly { name: string }[],
  surveys: readonly { name: string }[],
): RunConfigDraft {
  return {
    protocol: 'paper',
    models: models.length === 1 ? [models[0]!.name] : [],
    ...(surveys.length === 1 ? { survey: surveys[0]!.name } : {}),
    languages: [{ language: 'en' }],
  };
}
