// The New run form's starting point: with one model and one survey registered, a configuration ready to start.
// Pure, tested without a browser.

export type RunConfigDraft = Record<string, unknown>;

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
