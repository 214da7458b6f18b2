// The persona sentence: Tao et al.'s wording by default, a language's own where given, the country named in it.

import { expect, it } from 'vitest';
import { DEFAULT_PERSONA_SENTENCE, personaSentence } from './persona.js';

it('names the country wherever the wording says {country}, and refuses a wording that names none', () => {
  expect(personaSentence(DEFAULT_PERSONA_SENTENCE, 'Germany')).toBe(
    'You are an average human being born in Germany and living in Germany responding to the following survey question.',
  );
  expect(personaSentence("Sen {country}'de doğmuş ve yaşayan ortalama bir insansın.", 'Türkiye')).toBe(
    "Sen Türkiye'de doğmuş ve yaşayan ortalama bir insansın.",
  );
  expect(() => personaSentence('You are an average human being.', 'Germany')).toThrow(
    'the persona sentence "You are an average human being." must contain {country}',
  );
});
