// Countries by ISO 3166 alpha-3 code, as the WVS names them in B_COUNTRY_ALPHA, and the paper's default pairing of
// each probe language with the country whose answers it is judged against.

import { createRequire } from 'node:module';
import countries from 'i18n-iso-countries';
import { UserError } from '../errors.js';

// Loaded with require, not `import … with { type: 'json' }`: a bundler that keeps the package external drops the
// import attribute, and Node then refuses the import (the built engine failed on its first line that way).
const english = createRequire(import.meta.url)('i18n-iso-countries/langs/en.json') as countries.LocaleData;
countries.registerLocale(english);

/** Codes the WVS/EVS use that ISO 3166 does not have. */
const SURVEY_ONLY_COUNTRIES: Record<string, string> = {
  NIR: 'Northern Ireland',
  XKX: 'Kosovo',
  KOS: 'Kosovo',
};

export function countryName(iso3: string): string | undefined {
  return SURVEY_ONLY_COUNTRIES[iso3] ?? (countries.isValid(iso3) ? countries.getName(iso3, 'en') : undefined);
}

/**
 * The country's name in a language (ISO 639), from the runtime's CLDR data, where it has that language; else its
 * English name. For a prompt written in the probe's language ("Türkiye" in Turkish, "ایران" in Persian).
 */
export function countryNameIn(iso3: string, language: string): string | undefined {
  const english = countryName(iso3);
  const iso2 = countries.alpha3ToAlpha2(iso3);
  if (!iso2 || Intl.DisplayNames.supportedLocalesOf([language]).length === 0) return english;
  return new Intl.DisplayNames([language], { type: 'region', fallback: 'none' }).of(iso2) ?? english;
}

/** Upper-cases and checks a country code; a user's typo gets a clear message. */
export function normaliseCountry(text: string): string {
  const iso3 = text.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(iso3) || countryName(iso3) === undefined) {
    throw new UserError('bad-country', `"${text}" is not an ISO 3166 alpha-3 country code such as TUR, DEU or USA`);
  }
  return iso3;
}

/** Choenni & Shutova (2024): each probe language is judged against one country by default. */
export const DEFAULT_COUNTRY_OF_LANGUAGE: Readonly<Record<string, string>> = {
  en: 'USA',
  ro: 'ROU',
  el: 'GRC',
  ur: 'PAK',
  fa: 'IRN',
  tl: 'PHL',
  id: 'IDN',
  de: 'DEU',
  ms: 'MYS',
  bn: 'BGD',
  sr: 'SRB',
  tr: 'TUR',
  vi: 'VNM',
  ko: 'KOR',
};
