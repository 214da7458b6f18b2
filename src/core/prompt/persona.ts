// The persona sentence of cultural prompting (Tao et al. 2024, PNAS Nexus), for the reviewer's `persona` controls:
// a sentence that names the country, put before the zero-shot prompt (or before the demonstrations). A language
// may have its own wording, as it has its own instruction; {country} is filled with the country's name in the
// wording's language.

import { UserError } from '../errors.js';

/** Tao et al.'s wording, in English. */
export const DEFAULT_PERSONA_SENTENCE =
  'You are an average human being born in {country} and living in {country} responding to the following survey question.';

/** The sentence for a country; a wording without {country} names no country and is refused. */
export function personaSentence(wording: string, countryName: string): string {
  if (!wording.includes('{country}'))
    throw new UserError(
      'bad-persona',
      `the persona sentence "${wording}" must contain {country}, where the country's name goes`,
    );
  return wording.replaceAll('{country}', countryName);
}
