// Maps a model's free-text response to a probe to option 1, option 2 or invalid.
// The rule is deliberately literal: an option counts only where its words appear whole in the first sentence
// that names an option; the parser never interprets paraphrases, negations or enumeration labels ("B)").

import { BLANK, type Probe } from '../data/index.js';

/**
 * `matched` is the normalised text of the occurrence that decided: the option's words, or the stretch of the
 * completed sentence the response echoed ("family is important in my life").
 */
export type ParsedAnswer =
  { answer: 1 | 2; matched: string } | { answer: 'invalid'; reason: 'empty' | 'both' | 'neither' | 'other-statement' };

/*
 * The matching rule, in the order it is applied:
 *
 * 1. Normalise (normaliseForMatching): NFKC, case folding that treats Turkish İ/I/ı/i as one letter, script
 *    variants folded (Greek accents, Romanian ş/ș, Arabic-script ي/ی, ك/ک, ه/ہ, optional harakat), every
 *    character that is not a letter, mark or digit turned into a word break. Marks are never stripped wholesale:
 *    Bengali vowel signs and Vietnamese tones are part of the word. Responses and options go through the same
 *    function, so whatever it merges it merges on both sides.
 * 2. Split the response into sentences: at line breaks, and at sentence punctuation (. ! ? । ۔ ؟ 。) followed by
 *    a space or the end. Within a sentence, an explanation marker ("because", "weil", "چون", "vì", "왜냐하면", ...)
 *    starts an explanation that runs to the end of the sentence and never counts. A stop or marker is no
 *    boundary where a copy of the template (step 3) runs on past it, as the template has it there: "Tôi hoàn toàn
 *    đồng ý rằng vì khoa học ..." is one answer, "đồng ý vì không đồng ý ..." is "đồng ý" and an explanation.
 * 3. An occurrence of an option is a run of whole words: the option's own words, or an echo, i.e. a stretch of
 *    the completed sentence (template with the blank filled) that covers the whole filled blank. So "Family is
 *    important in my life", "is important in" and "important" all name option 1. An occurrence inside a longer
 *    one does not count: "tidak setuju" names option 2 only, and an echo hides the template words around the
 *    blank that happen to equal the other option ("_ nu am ieșit" with options "de multe ori"/"nu"). A copy of
 *    two or more template words away from the blank names nothing but hides option words inside it in the same
 *    way, so "Adesea nu am ieșit" (a paraphrase plus the template) is `neither`, not "nu"; and a `_` copied from
 *    the prompt stays a word, so repeating the statement with its blank is `neither` too.
 * 4. The first sentence that holds an occurrence decides; later sentences are explanation and are ignored,
 *    whatever they mention. No occurrence anywhere → `neither`; occurrences of both options in the deciding
 *    sentence → `both`.
 * 5. A negation word (not, nicht, δεν, tidak, không, نہیں, ...) in the deciding sentence, outside every
 *    occurrence, makes the response `neither`: "not important" is neither "important" nor "unimportant", and
 *    reading it as "important" would bias every negated answer towards the positive option. Negations that belong
 *    to an option ("tidak setuju") or to copied template words ("Tidak pantas bagi saya") are not the model's.
 *
 * 6. A deciding part that copies another statement of the prompt is no answer to this one (`other-statement`): it
 *    begins a copy of a demonstration's statement (two or more of its words in a row, one of them not the probe's),
 *    and the copy has more of that statement's own words than the part has of the probe's own words. The copy may
 *    run on past an explanation marker, as the demonstration may have one ("... that because of science ...").
 *    Real models copy demonstrations: "Joining in boycotts is something I would never do." answers the
 *    demonstration (Q210), not "Attending peaceful demonstrations is something I _" (Q211), although its words
 *    include option 2; "Arbeit ist wichtig in mein Leben" answers no statement about the family. Read as answers,
 *    such copies hand the demonstrations' majority answers to the test probe.
 *
 * 7. A blank copied from the prompt (`_`, also glued to a word as the template has it, but not markdown's `_word_`)
 *    in or before the deciding sentence means the model repeated the statement unfilled, whatever it says after it:
 *    `neither` ("Πολύ _\nThe answer is "καλό""). A blank followed at once by an option that is not the template's
 *    own word is the blank filled ("_ Често", "_\nTidak").
 * 8. Answers by enumeration are no answers: a line that is only a label ("C", "(a)", "2", "b." — a capital A–E, a
 *    number, or a label with its bracket or mark; not "I" or "a") in or before the deciding line, a deciding line
 *    that is an item of a list (labelled or bulleted: "1. I would.\n3. I would never do", "A: never\nB:
 *    sometimes", "- important\n- unimportant") or one that holds two labels ("1. Не 2. Поверење") is `neither`. One
 *    labelled line alone ("A) important") is an answer. A pretrained model answers in the style of the exam papers
 *    it read.
 *
 * 9. An option that is offered, not chosen, is no answer (`neither`): beside another candidate ("sometimes or never",
 *    "never | often", "penting atau ..."; a disjunction of the template's own is no offer); given by its place ("the
 *    second option", "None of the above", before the option); or in a restatement that goes on with a word of its
 *    own where the statement goes on: "Kinder werden ermutigt, selbstständiger Umgangs mit dem Geld" for "Kinder
 *    werden _, gute Manieren zu Hause zu lernen" fills the blank of another statement. A word of the statement
 *    misspelt or cut off by the token limit is none of its own; a restatement that goes back to the statement (two
 *    more of its words) or has copied half of it has said what it is about; before the echo a word of its own counts
 *    only after words of the statement, so a lead-in is none. The cost, accepted: a pronoun for the rest of the
 *    statement ("I do not believe it.") is a word of its own.
 * 10. The model's own first answer, on a line before the one that names an option (or when none does): a line
 *    whose one word, alone or in quotes ("The answer is "tamen.""), is one option misspelt (same first letter, at
 *    most 0.3 edits per letter of an option of five letters or more, not the option extended: "importantly") is that
 *    option; a line that is only a quoted phrase naming no option ("nou") makes the response `neither`.
 *
 * An equals sign with a space after it ends a sentence: what follows glosses what came before ("never" = "Nie").
 * Everything else (lead-ins such as "The answer is", "Answer:", "A:", "1)", quotes, markdown) is text that is
 * not an option and is ignored. Enumeration labels are never read as options: "B" is `neither`.
 *
 * For stopping early on a prefix tree, the question "can a continuation of this prefix still change the answer?"
 * has this answer: no, once the sentence that holds the first occurrence is closed, i.e. a line break has been
 * generated after it, or a stop or marker followed by a complete word that does not continue a copy of the
 * template across it; before that, yes (a continuation may complete a longer option, add the other option or a
 * negation, or extend a copy of the template). While no closed sentence holds an occurrence, every continuation may
 * still decide. Whether a stop or marker is a boundary depends on the one word right after it, nothing later.
 * One exception: an answer on an item of a list is fixed only at the end, since a later item makes it a list.
 */

/** Sentence-final punctuation (after NFKC, which turns ！ ？ into ! ? and … into ...), when a space or the end
 * follows it; closing quotes and brackets may sit in between: `"Important." Then`. */
const STOP = /(?:[.!?।॥۔؟。]+|=)(?=[\p{Pe}\p{Pf}"'»]*(?:\s|$))/gu;
const LINE_BREAK = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/gu;

/**
 * Words that start an explanation, in English and the 13 Arora et al. languages. Kept short on purpose: each
 * must be a word that does not also occur inside a plain answer.
 */
const EXPLANATION_MARKERS: readonly string[] = [
  'because', // en
  'weil',
  'denn', // de
  'επειδή',
  'διότι',
  'γιατί', // el
  'چون',
  'زیرا', // fa
  'karena',
  'sebab', // id
  '왜냐하면', // ko
  'kerana', // ms
  'deoarece',
  'fiindcă',
  'pentru că', // ro
  'јер',
  'зато што', // sr
  'dahil',
  'kasi',
  'sapagkat', // tl
  'çünkü', // tr
  'کیونکہ',
  'چونکہ', // ur
  'vì', // vi
  'কারণ',
  'কেননা', // bn
];

/**
 * Negation words. The probe type carries no language that the parser could rely on, so this is one list for all
 * languages; a word is listed only when it is a negation wherever it occurs (Indonesian "di", "at", is left out
 * although it is Tagalog for "not"). Negations written into a word (Turkish "katılmıyorum", Korean "중요하지")
 * need no entry: such a word is not an option's word anyway.
 */
const NEGATIONS: readonly string[] = [
  'not',
  'no',
  'never',
  'neither',
  'nor',
  "don't",
  "doesn't",
  "didn't",
  "isn't",
  "aren't",
  "wasn't",
  "weren't",
  'cannot',
  "can't",
  "won't",
  "wouldn't",
  "shouldn't", // en
  'nicht',
  'kein',
  'keine',
  'keinen',
  'keinem',
  'keiner',
  'keines',
  'nie',
  'niemals',
  'nein', // de
  'δεν',
  'δε',
  'μη',
  'μην',
  'όχι',
  'ούτε', // el
  'نه',
  'نمی',
  'نیست',
  'نیستم',
  'نیستند', // fa
  'tidak',
  'tak',
  'bukan',
  'tdk',
  'belum',
  'jangan',
  'nggak',
  'enggak', // id, ms
  '안',
  '못',
  '않다',
  '않는다',
  '않습니다',
  '않아요',
  '않음',
  '아니다',
  '아니요',
  '아니오',
  '아닙니다',
  '아니에요', // ko
  'nu',
  'nici',
  'niciodată', // ro
  'не',
  'ни',
  'нисам',
  'није',
  'нису',
  'нисмо', // sr
  'hindi',
  'huwag', // tl
  'değil',
  'değilim',
  'değildir',
  'değiller',
  'hayır', // tr
  'نہیں',
  'نہ',
  'مت', // ur
  'không',
  'chẳng',
  'chả',
  'chưa',
  'đừng', // vi
  'না',
  'নয়',
  'নেই',
  'নাই', // bn
];

/**
 * Words that offer alternatives ("sometimes or never"). Greek "ή" is left out: with its accent folded it is the
 * article "η". Tagalog "o" is left out: it is a Romanian word too.
 */
const DISJUNCTIONS: readonly string[] = [
  'or', // en
  'oder', // de
  'یا', // fa, ur
  'atau', // id, ms
  '또는',
  '아니면', // ko
  'sau', // ro
  'или',
  'ili', // sr
  'veya',
  'yoksa', // tr
  'hoặc', // vi
  'বা',
  'অথবা', // bn
];

/** A bar between candidates ("never | often") stays a word of its own: it offers alternatives too. */
const ALTERNATIVE_MARK = '|';

/** A model that names its answer by its place or refuses both ("None of the above") has given its answer. */
const ANSWERS_BY_PLACE: readonly string[] = [
  'none of the above',
  'the first option',
  'the second option',
  'option 1',
  'option 2',
  'option a',
  'option b',
];

/** A line that is only a quoted phrase, perhaps after "Answer:": the model's answer, in its own words. */
const QUOTED_LINE = /^\s*(?:answer\s*:\s*)?["“„«]([^"“”„«»]*[\p{L}\p{N}][^"“”„«»]*)["”»]\s*[.:!]?\s*$/iu;
/** One quoted stretch of a line: "The answer is "tamen."". */
const QUOTED = /["“„«]([^"“”„«»]+)["”»]/gu;

/** A one-word answer this close to an option's word (edits per letter of the option) is that option misspelt. */
const MISSPELLING_DISTANCE = 0.3;
/** Shorter options are left alone: one edit turns a short word into another word. */
const MISSPELLING_MIN_LETTERS = 5;

// Enumeration labels as lists and exam papers write them, matched on the response's own lines (case kept): a letter
// a–e, a number up to 99 or a roman numeral, with a bracket or a closing mark.
const LABEL = String.raw`(?:[a-eA-E]|\d{1,2}|[ivxIVX]{1,4})`;
const MARKED_LABEL = String.raw`(?:[\(\[]${LABEL}[\)\]]|${LABEL}[\)\]\.:])`;
/** A line that is only a label: "C", "(a)", "2", "b.", "B)"; a bare letter only as a capital A–E, so "I" and "a" are words. */
const LABEL_ONLY = new RegExp(String.raw`^\s*(?:[A-E]|\d{1,2}|${MARKED_LABEL})\s*$`, 'u');
/** A line that starts with a label or a bullet and goes on: "1. I would.", "A: never", "(ii) …", "- important". */
const LIST_ITEM = new RegExp(String.raw`^\s*(?:[-*•]|${MARKED_LABEL})\s+\S`, 'u');
/** Labels inside a line: "1. Не 2. Поверење". */
const INLINE_LABEL = new RegExp(String.raw`(?:^|\s)[\(\[]?${LABEL}[\)\]\.](?=\s)`, 'gu');
/** Markdown's emphasis, "_word_" or "_a few words_": underscores that are no blank. */
const MARKDOWN_EMPHASIS = /(^|[^\p{L}\p{M}\p{N}_])_([^\s_](?:[^_\n]*[^\s_])?)_(?=$|[^\p{L}\p{M}\p{N}_])/gu;

// ---- Normalisation ----

const GREEK = /[\u0370-\u03ff\u1f00-\u1fff]/u;
// Greek accents and breathings follow their letter after NFD; all of them lie in U+0300..U+036F.
const GREEK_ACCENTS = /([\u0370-\u03ff\u1f00-\u1fff])[\u0300-\u036f]+/gu;

/** One spelling for letters that writers (and models) use interchangeably. */
const VARIANT_LETTERS: Readonly<Record<string, string>> = {
  // Greek final sigma: the same letter, and toLowerCase picks one or the other by context.
  ς: 'σ',
  // German ß upper-cases to SS, so only the folded form survives a round trip through capitals.
  ß: 'ss',
  // Turkish dotless ı: folded with i, so that "HAYIR" (lower-cased as "hayir") matches "hayır".
  ı: 'i',
  // Romanian: s and t with cedilla are the legacy spellings of s and t with comma below; the files mix them.
  ş: 'ș',
  ţ: 'ț',
  // Arabic script: Arabic yeh, alef maksura and kaf against Persian/Urdu yeh and keheh, and the heh forms that
  // Persian (ه), Urdu (ہ) and Arabic-script keyboards mix.
  ي: 'ی',
  ى: 'ی',
  ك: 'ک',
  ه: 'ہ',
  ە: 'ہ',
  ۀ: 'ہ',
  ۂ: 'ہ',
};
const VARIANT_PATTERN = new RegExp(`[${Object.keys(VARIANT_LETTERS).join('')}]`, 'gu');

// Optional Arabic vowel signs (fathatan..sukun), a loose hamza above or below, superscript alef, and tatweel:
// Persian and Urdu write them or leave them out freely ("کاملا" and "کاملاً" both occur in the probe files).
const ARABIC_OPTIONAL = /[\u064b-\u0652\u0654\u0655\u0670\u0640]/gu;
// ZWNJ separates the parts of a Persian word ("می‌توان"), which writers also separate with a space.
const ZWNJ_OR_ZWSP = /[\u200b\u200c]/gu;
const FORMAT_CHARACTERS = /\p{Cf}/gu;
// "don't" and "dont" are one word; an apostrophe only joins, it never separates.
const APOSTROPHE_IN_WORD = /(?<=[\p{L}\p{M}])['\u2019\u02bc](?=\p{L})/gu;
const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/gu;

/** The normalisation short of turning punctuation into word breaks, so that sentences can still be found. */
function fold(text: string): string {
  let s = text.normalize('NFKC');
  // toLowerCase turns İ into i + U+0307 (combining dot); going through I avoids the stray mark.
  s = s.replaceAll('İ', 'I').toLowerCase().replaceAll('i\u0307', 'i');
  s = s.replace(VARIANT_PATTERN, (c) => VARIANT_LETTERS[c] ?? c);
  if (GREEK.test(s)) s = s.normalize('NFD').replace(GREEK_ACCENTS, '$1').normalize('NFC');
  s = s.replace(ARABIC_OPTIONAL, '').replace(ZWNJ_OR_ZWSP, ' ').replace(FORMAT_CHARACTERS, '');
  return s.replace(APOSTROPHE_IN_WORD, '');
}

function tokensOfFolded(folded: string): string[] {
  const words = folded.replace(NOT_WORD, ' ').trim();
  return words === '' ? [] : words.split(' ');
}

/** The words of a text after normalisation. */
export function tokensForMatching(text: string): string[] {
  return tokensOfFolded(fold(text));
}

/**
 * The text as the matcher sees it: compatibility-normalised, case-folded (Turkish-safe), script variants
 * merged, every run of non-letters (punctuation, symbols, spaces) collapsed into one space. Marks are kept.
 */
export function normaliseForMatching(text: string): string {
  return tokensForMatching(text).join(' ');
}

// ---- Matching ----

const NEGATION_WORDS: ReadonlySet<string> = new Set(NEGATIONS.flatMap(tokensForMatching));
const DISJUNCTION_WORDS: ReadonlySet<string> = new Set([...DISJUNCTIONS.flatMap(tokensForMatching), ALTERNATIVE_MARK]);
const PLACE_ANSWERS: readonly string[][] = ANSWERS_BY_PLACE.map(tokensForMatching);
const MARKER_WORDS: readonly string[][] = EXPLANATION_MARKERS.map(tokensForMatching).filter((m) => m.length > 0);

/** Words, and for each word whether a line break or a sentence stop comes right before it, and its line. */
interface Tokenised {
  words: string[];
  lineBefore: boolean[];
  stopBefore: boolean[];
  /** The index of the word's line in the text (empty lines count). */
  line: number[];
}

/**
 * A blank the response copied from the prompt ("Ich _ zu"). It stays a word of its own, so that a response that
 * repeats the statement with its blank does not read as the statement with an option in it.
 */
const BLANK_WORD = BLANK;

function tokenise(folded: string): Tokenised {
  const t: Tokenised = { words: [], lineBefore: [], stopBefore: [], line: [] };
  folded.split(LINE_BREAK).forEach((line, l) => {
    line
      .replace(MARKDOWN_EMPHASIS, '$1 $2 ')
      .split(STOP)
      .forEach((sentence, s) => {
        const words = sentence
          .split(/(_+|\|)/)
          .flatMap((piece, i) =>
            i % 2 === 0 ? tokensOfFolded(piece) : [piece === '|' ? ALTERNATIVE_MARK : BLANK_WORD],
          );
        words.forEach((word, w) => {
          t.words.push(word);
          t.lineBefore.push(w === 0 && s === 0 && l > 0);
          t.stopBefore.push(w === 0 && s > 0);
          t.line.push(l);
        });
      });
  });
  // A break before the first word separates nothing.
  if (t.words.length > 0) t.lineBefore[0] = t.stopBefore[0] = false;
  return t;
}

/** Start indexes of `needle` as a run of whole words in `haystack`. */
function findRuns(haystack: readonly string[], needle: readonly string[]): number[] {
  const starts: number[] = [];
  if (needle.length === 0) return starts;
  for (let i = 0; i + needle.length <= haystack.length; i++) {
    let j = 0;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) starts.push(i);
  }
  return starts;
}

/**
 * A run of the response that means something: the bare words of an option, an echo (a stretch of the completed
 * sentence around the filled blank), or a copy of template words away from the blank, which names no option.
 */
interface Span {
  option: 1 | 2 | null;
  start: number;
  end: number; // exclusive
  words: readonly string[];
  kind: 'option' | 'echo' | 'template';
  /** For an echo: whether the completed sentence has words before / after the stretch the echo copies. */
  sentenceGoesOn?: { before: boolean; after: boolean };
}

/** An option inside its completed sentence: the sentence's words and the words the filled blank spans. */
interface Echo extends Tokenised {
  option: 1 | 2;
  blankStart: number;
  blankEnd: number; // exclusive
}

const WORD_CHAR_AT_START = /^[\p{L}\p{M}\p{N}]/u;
const WORD_CHAR_AT_END = /[\p{L}\p{M}\p{N}]$/u;

/**
 * The echoes of one option. A blank glued to a word ("_ی", "ber_", "_ng") makes the option and that word one
 * word of the completed sentence; a model that copies the sentence but leaves the glued part off ("Saya
 * setuju bahawa ...") still echoes it, so such a probe has a second echo with the glued parts apart.
 */
function echoesOf(template: string, option: 1 | 2, text: string): Echo[] {
  const at = template.indexOf(BLANK);
  if (at < 0) return [];
  const [prefix, filler, suffix] = [fold(template.slice(0, at)), fold(text), fold(template.slice(at + BLANK.length))];
  const gluedLeft = WORD_CHAR_AT_END.test(prefix) && WORD_CHAR_AT_START.test(filler);
  const gluedRight = WORD_CHAR_AT_START.test(suffix) && WORD_CHAR_AT_END.test(filler);
  const echo = (left: boolean, right: boolean): Echo | undefined => {
    const sentence = tokenise(`${prefix}${left ? '' : ' '}${filler}${right ? '' : ' '}${suffix}`);
    const blankStart = tokensOfFolded(prefix).length - (left ? 1 : 0);
    const blankEnd = sentence.words.length - tokensOfFolded(suffix).length + (right ? 1 : 0);
    if (blankStart < 0 || blankEnd <= blankStart || blankEnd > sentence.words.length) return undefined;
    return { ...sentence, option, blankStart, blankEnd };
  };
  const echoes = [echo(gluedLeft, gluedRight)];
  if (gluedLeft || gluedRight) echoes.push(echo(false, false));
  return echoes.filter((e) => e !== undefined);
}

export interface MatcherOptions {
  /** The statements (templates) of the demonstrations the prompt showed: a response may answer one of them. */
  otherStatements?: readonly string[];
}

/** A probe's two options, prepared once for parsing many responses. */
export class AnswerMatcher {
  private readonly options: { option: 1 | 2; words: readonly string[] }[];
  private readonly echoes: Echo[];
  private readonly template: TemplateWords | undefined;
  private readonly statementWords: ReadonlySet<string>;
  private readonly otherStatements: readonly { words: ReadonlySet<string>; template: TemplateWords }[];

  constructor(probe: Pick<Probe, 'template' | 'options'>, options: MatcherOptions = {}) {
    this.options = ([1, 2] as const)
      .map((option) => ({ option, words: tokensForMatching(probe.options[option - 1]!) }))
      .filter((o) => o.words.length > 0);
    this.echoes = this.options.flatMap((o) => echoesOf(probe.template, o.option, probe.options[o.option - 1]!));
    this.template = templateWordsOf(probe.template);
    this.statementWords = statementWordsOf(probe.template);
    this.otherStatements = (options.otherStatements ?? []).flatMap((statement) => {
      const template = templateWordsOf(statement);
      return template ? [{ words: statementWordsOf(statement), template }] : [];
    });
  }

  parse(response: string): ParsedAnswer {
    return this.read(response).parsed;
  }

  /**
   * The answer; whether it was decided on an item of a list (a later item would make it a list); whether an invalid
   * answer is final, so that no continuation of a response that starts like this one can change it. `whole`: the
   * response is complete, not a prefix that ends at a line break; only then can its last word be cut off.
   */
  private read(response: string, whole = true): { parsed: ParsedAnswer; onItemLine: boolean; final: boolean } {
    // The token limit may have cut the last word: the complete response ends inside a word.
    const lastWordCutOff = whole && /[\p{L}\p{M}\p{N}]$/u.test(response);
    const folded = fold(response);
    const text = tokenise(folded);
    if (text.words.length === 0)
      return { parsed: { answer: 'invalid', reason: 'empty' }, onItemLine: false, final: false };
    const spans = this.occurrences(text);
    // The response's own lines, case kept, for its labels, lists and quotes (fold keeps every line break).
    const lines = response.normalize('NFKC').split(LINE_BREAK);
    // Rule 10: a line before the deciding one that answers in the model's own words: an option misspelt, or another
    // word in quotes.
    const ownAnswer = (
      beforeLine: number,
    ): { parsed: ParsedAnswer; onItemLine: boolean; final: boolean } | undefined => {
      for (const line of lines.slice(0, beforeLine)) {
        const misspelt = this.misspeltOption(line);
        if (misspelt) return { parsed: misspelt, onItemLine: false, final: false };
        if (QUOTED_LINE.test(line))
          return { parsed: { answer: 'invalid', reason: 'neither' }, onItemLine: false, final: true };
      }
      return undefined;
    };
    for (const [start, end] of answerParts(text, spans)) {
      const inside = outermost(spans.filter((s) => start <= s.start && s.end <= end));
      // The first sentence that names an option decides, whatever follows.
      if (!inside.some((s) => s.option !== null)) continue;
      const decidingLine = text.line[start]!;
      const answeredBefore = ownAnswer(decidingLine);
      if (answeredBefore) return answeredBefore;
      const decided = decide(text.words.slice(start, end), start, inside);
      if (decided.answer === 'invalid') return { parsed: decided, onItemLine: false, final: false };
      const onItemLine = LIST_ITEM.test(lines[decidingLine] ?? '');
      const invalid = (reason: 'neither' | 'other-statement') => ({
        parsed: { answer: 'invalid' as const, reason },
        onItemLine,
        final: true,
      });
      const deciding = firstNaming(inside);
      // Rule 9: an option offered beside another candidate, an answer given by its place, a restatement of another.
      if (this.offersAlternatives(text, start, end, inside, deciding)) return invalid('neither');
      if (PLACE_ANSWERS.some((phrase) => findRuns(text.words.slice(0, deciding.start), phrase).length > 0))
        return invalid('neither');
      if (this.substitutesStatementWords(text, start, end, inside, deciding, lastWordCutOff)) return invalid('neither');
      // Rule 7: the statement repeated with its blank, in or before the deciding sentence; a blank followed at once
      // by an option (not a template word that happens to be one) is the blank filled.
      const named = outermost(spans).filter((s) => s.option !== null);
      const last = sentenceEnd(text, start);
      if (text.words.slice(0, last).some((word, i) => word === BLANK_WORD && !named.some((s) => s.start === i + 1)))
        return invalid('neither');
      // Rule 8: a label for an answer, or a list.
      if (lines.slice(0, decidingLine + 1).some((line) => LABEL_ONLY.test(line))) return invalid('neither');
      if ((lines[decidingLine]!.match(INLINE_LABEL)?.length ?? 0) > 1) return invalid('neither');
      if (onItemLine && lines.filter((line) => LIST_ITEM.test(line)).length > 1) return invalid('neither');
      // Rule 6: a copy of a demonstration.
      if (this.copiesAnotherStatement(text, start, end)) return invalid('other-statement');
      return { parsed: decided, onItemLine, final: false };
    }
    return (
      ownAnswer(lines.length) ?? { parsed: { answer: 'invalid', reason: 'neither' }, onItemLine: false, final: false }
    );
  }

  /**
   * Rule 10: the line's one word, alone or the one word in quotes ("The answer is "tamen.""), is one option misspelt:
   * a few edits from it (at most MISSPELLING_DISTANCE per letter) and not as close to the other option.
   */
  private misspeltOption(line: string): ParsedAnswer | undefined {
    const words = tokensForMatching(line);
    const quoted = [...line.matchAll(QUOTED)].map((m) => tokensForMatching(m[1]!));
    const word =
      words.length === 1 ? words[0] : quoted.length === 1 && quoted[0]!.length === 1 ? quoted[0]![0] : undefined;
    if (word === undefined) return undefined;
    const near = this.options.filter((o) => o.words.length === 1 && isMisspelling(word, o.words[0]!));
    return near.length === 1 ? { answer: near[0]!.option, matched: word } : undefined;
  }

  /** Rule 9: a word that offers alternatives ("or", "atau", "|") right before or after the deciding occurrence. */
  private offersAlternatives(
    text: Tokenised,
    start: number,
    end: number,
    inside: readonly Span[],
    deciding: Span,
  ): boolean {
    const covered = (i: number) => inside.some((s) => s.start <= i && i < s.end);
    return [deciding.start - 1, deciding.end].some(
      (i) => i >= start && i < end && !covered(i) && DISJUNCTION_WORDS.has(text.words[i]!),
    );
  }

  /**
   * Rule 9: the deciding occurrence restates the statement (an echo) and, where the statement goes on, the response
   * goes on with a word of its own: "Kinder werden ermutigt, selbstständiger ..." for "Kinder werden _, gute
   * Manieren ...". Such a sentence fills the blank of another statement. Before the echo this counts only after
   * words of the statement, so that a lead-in ("The answer is ...") is none.
   */
  private substitutesStatementWords(
    text: Tokenised,
    start: number,
    end: number,
    inside: readonly Span[],
    deciding: Span,
    lastWordCutOff: boolean,
  ): boolean {
    if (deciding.kind !== 'echo' || !deciding.sentenceGoesOn) return false;
    // A restatement that has copied half the statement or more has said what it is about: what follows is garbled.
    const copied = deciding.words.filter((w) => this.statementWords.has(w)).length;
    if (copied * 2 >= this.statementWords.size) return false;
    const covered = (i: number) => inside.some((s) => s.start <= i && i < s.end);
    // A word of the statement, misspelt or cut off by the token limit, is no word of the response's own; nor is a
    // word after which the part goes back to the statement (two more of its words): that is the statement garbled.
    const statementWords = [...this.statementWords];
    const ownWord = (i: number) => {
      if (i < start || i >= end || covered(i) || !this.isForeign(text.words[i]!)) return false;
      const word = text.words[i]!;
      const cutOff = lastWordCutOff && i === text.words.length - 1 && statementWords.some((w) => w.startsWith(word));
      return !cutOff && !statementWords.some((w) => isMisspelling(word, w));
    };
    const goesBack = (from: number) =>
      new Set(text.words.slice(from, end).filter((w) => this.statementWords.has(w))).size >= 2;
    const { before, after } = deciding.sentenceGoesOn;
    if (after && ownWord(deciding.end) && !goesBack(deciding.end + 1)) return true;
    const previous = deciding.start - 1;
    return before && ownWord(previous) && text.words.slice(start, previous).some((w) => this.statementWords.has(w));
  }

  /** A word that is neither the statement's, nor an option's, nor one the rules read (blank, negation, marker). */
  private isForeign(word: string): boolean {
    return (
      !this.statementWords.has(word) &&
      !this.options.some((o) => o.words.includes(word)) &&
      word !== BLANK_WORD &&
      !NEGATION_WORDS.has(word) &&
      !DISJUNCTION_WORDS.has(word) &&
      !MARKER_WORDS.some((m) => m.includes(word))
    );
  }

  /**
   * Rule 6: the part [start, end) begins a copy of a demonstration's statement (two or more words in a row, one of
   * them not the probe's), and the copy holds more of the demonstration's own words than the part holds of the
   * probe's own words. The copy may run on past the part's end (an explanation marker of the demonstration's own).
   */
  private copiesAnotherStatement(text: Tokenised, start: number, end: number): boolean {
    const part = new Set(text.words.slice(start, end));
    return this.otherStatements.some(({ words, template }) => {
      const probeOwn = [...this.statementWords].filter((w) => part.has(w) && !words.has(w)).length;
      for (let r = start; r < end; r++) {
        for (let k = 0; k < template.words.length; k++) {
          const n = copyLength(text, r, template, k, k < template.blankAt ? template.blankAt : template.words.length);
          if (n < 2) continue;
          const own = new Set(template.words.slice(k, k + n).filter((w) => !this.statementWords.has(w))).size;
          if (own > probeOwn) return true;
        }
      }
      return false;
    });
  }

  /**
   * The answer of every response that starts with `prefix`, when the prefix already fixes it; else undefined.
   * Nothing crosses a line break (option runs, echoes, template copies and marker words all stop there), so the
   * text before the prefix's last line break parses the same whatever follows; once it holds the deciding
   * sentence (an answer, or both options), no continuation can change the result. Sampling on a prefix tree
   * stops a branch here. A sentence stop is not used: a copy of the template may still run on past it.
   */
  decidedAnswer(prefix: string): ParsedAnswer | undefined {
    const lastBreak = lastLineBreak(prefix);
    if (lastBreak < 0) return undefined;
    const { parsed, onItemLine, final } = this.read(prefix.slice(0, lastBreak), false);
    // An answer on a list item is fixed only at the end: another item after it makes the response a list.
    if (parsed.answer !== 'invalid' && onItemLine) return undefined;
    return parsed.answer === 'invalid' && parsed.reason !== 'both' && !final ? undefined : parsed;
  }

  /** Every occurrence of either option in the response, bare or echoed with its template words. */
  private occurrences(text: Tokenised): Span[] {
    const spans: Span[] = [];
    for (const o of this.options) {
      for (const start of findRuns(text.words, o.words)) {
        const end = start + o.words.length;
        if (!hasBreakWithin(text, start, end))
          spans.push({ option: o.option, start, end, words: o.words, kind: 'option' });
      }
    }
    for (const echo of this.echoes) spans.push(...echoSpans(text, echo));
    if (this.template) spans.push(...templateSpans(text, this.template));
    return spans;
  }
}

/** Where the sentence that starts at word `start` ends: the next line break or sentence stop, or the end. */
function sentenceEnd(text: Tokenised, start: number): number {
  let i = start + 1;
  while (i < text.words.length && !text.lineBefore[i] && !text.stopBefore[i]) i++;
  return i;
}

function lastLineBreak(text: string): number {
  let last = -1;
  for (const match of text.matchAll(LINE_BREAK)) last = match.index;
  return last;
}

function hasBreakWithin(text: Tokenised, start: number, end: number): boolean {
  for (let i = start + 1; i < end; i++) if (text.lineBefore[i] || text.stopBefore[i]) return true;
  return false;
}

/**
 * How many words of the response, from word `r` on, copy `sentence` from word `k` on (up to word `limit`). A copy
 * runs across a sentence stop only where the sentence has one too, and never across a line break.
 */
function copyLength(text: Tokenised, r: number, sentence: Tokenised, k: number, limit: number): number {
  let n = 0;
  while (
    r + n < text.words.length &&
    k + n < limit &&
    text.words[r + n] === sentence.words[k + n] &&
    (n === 0 || (!text.lineBefore[r + n] && (!text.stopBefore[r + n] || sentence.stopBefore[k + n] === true)))
  ) {
    n++;
  }
  return n;
}

/** Runs of the response that copy a stretch of the completed sentence covering the whole filled blank. */
function echoSpans(text: Tokenised, echo: Echo): Span[] {
  const spans: Span[] = [];
  for (let r = 0; r < text.words.length; r++) {
    for (let k = 0; k <= echo.blankStart; k++) {
      const n = copyLength(text, r, echo, k, echo.words.length);
      if (k + n >= echo.blankEnd) {
        spans.push({
          option: echo.option,
          start: r,
          end: r + n,
          words: echo.words.slice(k, k + n),
          kind: 'echo',
          sentenceGoesOn: { before: k > 0, after: k + n < echo.words.length },
        });
      }
    }
  }
  return spans;
}

/** The template's words on either side of the blank, with the blank's place among them. */
interface TemplateWords extends Tokenised {
  blankAt: number;
}

/** The words of a statement around its blank. */
function statementWordsOf(template: string): Set<string> {
  return new Set(tokensForMatching(template.replaceAll(BLANK, ' ')));
}

function templateWordsOf(template: string): TemplateWords | undefined {
  const at = template.indexOf(BLANK);
  if (at < 0) return undefined;
  const prefix = fold(template.slice(0, at));
  return {
    ...tokenise(`${prefix} ${fold(template.slice(at + BLANK.length))}`),
    blankAt: tokensOfFolded(prefix).length,
  };
}

/**
 * Runs of two or more words that copy the template on one side of the blank. They name no option, but an
 * option's words inside them are the template's, not the model's choice: "Adesea nu am ieșit noaptea" answers
 * "_ nu am ieșit noaptea" (options "de multe ori"/"nu") with neither option.
 */
function templateSpans(text: Tokenised, template: TemplateWords): Span[] {
  const spans: Span[] = [];
  for (let r = 0; r < text.words.length; r++) {
    for (let k = 0; k < template.words.length; k++) {
      const limit = k < template.blankAt ? template.blankAt : template.words.length;
      const n = copyLength(text, r, template, k, limit);
      // Only the longest copy from each start; the shorter ones inside it add nothing.
      const continues = r > 0 && k > 0 && k !== template.blankAt && copyLength(text, r - 1, template, k - 1, limit) > 1;
      if (n >= 2 && !continues)
        spans.push({ option: null, start: r, end: r + n, words: template.words.slice(k, k + n), kind: 'template' });
    }
  }
  return spans;
}

/**
 * The stretches of the response that may hold the answer, in order: the text between boundaries, where the
 * words from an explanation marker to the next sentence boundary are left out. A sentence stop or a marker word
 * is no boundary where a copy of the template (an echo or a template run) goes on past it: the template has it.
 */
function answerParts(text: Tokenised, spans: readonly Span[]): [number, number][] {
  const copies = spans.filter((s) => s.kind !== 'option');
  const runsOn = (from: number, past: number): boolean => copies.some((s) => s.start <= from && s.end > past);
  const markerAt = new Set<number>();
  for (const marker of MARKER_WORDS) {
    // A marker never spans a line break, so text after a line break cannot change the parts before it.
    for (const at of findRuns(text.words, marker))
      if (!runsOn(at, at + marker.length) && !hasBreakWithin(text, at, at + marker.length)) markerAt.add(at);
  }
  const parts: [number, number][] = [];
  let start = 0;
  let explaining = false;
  for (let i = 0; i <= text.words.length; i++) {
    const sentenceBreak =
      i === text.words.length || text.lineBefore[i] === true || (text.stopBefore[i] === true && !runsOn(i - 1, i));
    if (sentenceBreak) {
      if (!explaining && i > start) parts.push([start, i]);
      start = i;
      explaining = false;
    }
    if (markerAt.has(i) && !explaining) {
      if (i > start) parts.push([start, i]);
      explaining = true;
    }
  }
  return parts;
}

/** Occurrences that no longer occurrence contains. */
function outermost(spans: readonly Span[]): Span[] {
  return spans.filter(
    (a) => !spans.some((b) => b.end - b.start > a.end - a.start && b.start <= a.start && a.end <= b.end),
  );
}

function decide(words: readonly string[], offset: number, spans: readonly Span[]): ParsedAnswer {
  const naming = spans.filter((s): s is Span & { option: 1 | 2 } => s.option !== null);
  if (new Set(naming.map((s) => s.option)).size > 1) return { answer: 'invalid', reason: 'both' };
  const covered = (i: number): boolean => spans.some((s) => s.start <= i + offset && i + offset < s.end);
  if (words.some((w, i) => NEGATION_WORDS.has(w) && !covered(i))) return { answer: 'invalid', reason: 'neither' };
  const first = firstNaming(naming);
  return { answer: first.option as 1 | 2, matched: first.words.join(' ') };
}

/** The occurrence that names the answer: the first, and the longest of those that start there. */
function firstNaming(spans: readonly Span[]): Span {
  return spans
    .filter((s) => s.option !== null)
    .reduce((a, b) => (b.start < a.start || (b.start === a.start && b.end > a.end) ? b : a));
}

/** A word a few edits from another (at most MISSPELLING_DISTANCE per letter of it), but not the word itself. */
function isMisspelling(word: string, of: string): boolean {
  const letters = [...of].length;
  if (letters < MISSPELLING_MIN_LETTERS) return false;
  // A misspelling keeps the first letter ("saging" is a banana, not "laging"); a word that extends another is a word
  // of its own ("importantly").
  if ([...word][0] !== [...of][0] || word.startsWith(of)) return false;
  const distance = editDistance(word, of);
  return distance > 0 && distance <= MISSPELLING_DISTANCE * letters;
}

/** Levenshtein distance over code points. */
function editDistance(a: string, b: string): number {
  const [x, y] = [[...a], [...b]];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++)
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[y.length]!;
}

/** Parses one response; build an AnswerMatcher instead when parsing many responses to the same probe. */
export function parseAnswer(
  response: string,
  probe: Pick<Probe, 'template' | 'options'>,
  options: MatcherOptions = {},
): ParsedAnswer {
  return new AnswerMatcher(probe, options).parse(response);
}
