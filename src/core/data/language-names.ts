// A language's name in English for messages and screens ("tr" → "Turkish"), from the runtime's own CLDR data, so
// no list of the world's languages is kept here. A code the data does not know is shown as it is.

const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

export function languageName(code: string): string {
  try {
    return names.of(code) ?? code;
  } catch {
    return code; // not a well-formed language tag
  }
}
