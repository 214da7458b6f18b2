// The 13 thematic sections of the WVS Wave 7 questionnaire, by question-number range.
// Every probe belongs to exactly one; runs leave out 4 (economic values) and 8 (postmaterialist index) by default,
// as Choenni & Shutova (2024) did.

export interface WvsCategory {
  number: number;
  slug: string;
  name: string;
  firstQuestion: number;
  lastQuestion: number;
}

export const WVS_CATEGORIES: readonly WvsCategory[] = [
  { number: 1, slug: 'social-values', name: 'Social values, attitudes and stereotypes', firstQuestion: 1, lastQuestion: 45 },
  { number: 2, slug: 'happiness', name: 'Happiness and well-being', firstQuestion: 46, lastQuestion: 56 },
  { number: 3, slug: 'social-capital', name: 'Social capital, trust and organisational membership', firstQuestion: 57, lastQuestion: 105 },
  { number: 4, slug: 'economic-values', name: 'Economic values', firstQuestion: 106, lastQuestion: 111 },
  { number: 5, slug: 'corruption', name: 'Corruption', firstQuestion: 112, lastQuestion: 120 },
  { number: 6, slug: 'migration', name: 'Migration', firstQuestion: 121, lastQuestion: 130 },
  { number: 7, slug: 'security', name: 'Security', firstQuestion: 131, lastQuestion: 151 },
  { number: 8, slug: 'postmaterialist-index', name: 'Postmaterialist index', firstQuestion: 152, lastQuestion: 157 },
  { number: 9, slug: 'science-technology', name: 'Science and technology', firstQuestion: 158, lastQuestion: 163 },
  { number: 10, slug: 'religious-values', name: 'Religious values', firstQuestion: 164, lastQuestion: 175 },
  { number: 11, slug: 'ethical-values', name: 'Ethical values and norms', firstQuestion: 176, lastQuestion: 198 },
  { number: 12, slug: 'political-participation', name: 'Political interest and political participation', firstQuestion: 199, lastQuestion: 234 },
  { number: 13, slug: 'political-culture', name: 'Political culture and political regimes', firstQuestion: 235, lastQuestion: 259 },
];

/** Categories left out of runs unless the user asks for them (the paper's choice). */
export const DEFAULT_EXCLUDED_CATEGORIES: readonly number[] = [4, 8];

/** The category of a WVS question number (1..259), or undefined outside the questionnaire's value sections. */
export function categoryOfQuestion(questionNumber: number): WvsCategory | undefined {
  return WVS_CATEGORIES.find((c) => questionNumber >= c.firstQuestion && questionNumber <= c.lastQuestion);
}

/** Accepts a category number ("4") or slug ("economic-values"). */
export function findCategory(text: string): WvsCategory | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+$/.test(trimmed)) return WVS_CATEGORIES.find((c) => c.number === Number(trimmed));
  return WVS_CATEGORIES.find((c) => c.slug === trimmed);
}
