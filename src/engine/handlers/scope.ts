// The choices several commands share: which probe set and language (the built-in English set and its only
// language by default), and which country a language is judged against (the paper's pairing by default).

import { UserError } from '../../core/errors.js';
import { BUILTIN_PROBE_SET, getProbeSet, type Db } from '../../core/store/index.js';
import { DEFAULT_COUNTRY_OF_LANGUAGE, normaliseCountry } from '../../core/survey/index.js';

/** The language asked for, or the set's only language. */
export function languageOf(db: Db, set: string = BUILTIN_PROBE_SET, language?: string): string {
  const languages = getProbeSet(db, set).languages;
  if (language !== undefined) {
    if (!languages.includes(language))
      throw new UserError(
        'unknown-language',
        `probe set "${set}" has no language "${language}" (it has ${languages.join(', ')})`,
      );
    return language;
  }
  if (languages.length === 1) return languages[0]!;
  throw new UserError('bad-option', `probe set "${set}" has several languages (${languages.join(', ')}): choose one`);
}

/** The country asked for, or the paper's country for the language. */
export function countryOf(language: string, country?: string): string {
  const text = country ?? DEFAULT_COUNTRY_OF_LANGUAGE[language];
  if (!text) throw new UserError('bad-option', `there is no default country for language "${language}": name one`);
  return normaliseCountry(text);
}
