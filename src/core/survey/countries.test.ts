// A country's name in the language of a prompt.

import { expect, it } from 'vitest';
import { countryName, countryNameIn } from './countries.js';

it('names a country in a language the runtime knows, else in English', () => {
  expect(countryNameIn('DEU', 'de')).toBe('Deutschland');
  expect(countryNameIn('IRN', 'fa')).toBe('ایران');
  expect(countryNameIn('BGD', 'bn')).toBe('বাংলাদেশ');
  expect(countryNameIn('TUR', 'tr')).toBe('Türkiye');
  // A language the runtime has no names in, and a code only the surveys use: the English name.
  expect(countryNameIn('DEU', 'xx')).toBe(countryName('DEU'));
  expect(countryNameIn('XKX', 'de')).toBe('Kosovo');
  expect(countryNameIn('ZZZ', 'de')).toBeUndefined();
});
