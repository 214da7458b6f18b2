// Table-driven tests of the answer parser: hand-written English and edge cases, then responses generated from
// every usable probe of the 13 Arora et al. languages, so that each real option pair is parsed the way we claim.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeSentence, isUsable, readProbeSource, type Probe } from '../data/index.js';
import { describeWithSharedData, sharedDataDir } from '../../testing/shared-data.js';
import { AnswerMatcher, normaliseForMatching, parseAnswer, type ParsedAnswer } from './answer-parser.js';

type Expected = 1 | 2 | 'empty' | 'both' | 'neither' | 'other-statement';

function outcome(parsed: ParsedAnswer): Expected {
  return parsed.answer === 'invalid' ? parsed.reason : parsed.answer;
}

describe('normaliseForMatching', () => {
  it.each([
    ['Ｉｍｐｏｒｔａｎｔ！', 'important', 'full-width forms'],
    ['  “Important.”  ', 'important', 'quotes, punctuation and spaces'],
    ['HAYIR', 'hayir', 'Turkish capital I'],
    ['hayır', 'hayir', 'Turkish dotless ı'],
    ['ÖNEMLİ', 'önemli', 'Turkish dotted İ, no stray combining dot'],
    ['i\u0307yi', 'iyi', 'i followed by a combining dot (a root-locale lower-casing of İ)'],
    ['không'.normalize('NFD'), 'không', 'NFD Vietnamese'],
    ['গুরুত্বপূর্ণ'.normalize('NFD'), 'গুরুত্বপূর্ণ'.normalize('NFC'), 'Bengali vowel signs are kept'],
    ['동의합니다'.normalize('NFD'), '동의합니다', 'decomposed Hangul'],
    ['كامل يك', 'کامل یک', 'Arabic kaf and yeh to Persian'],
    ['همیشه', 'ہمیشہ', 'Persian heh and Urdu heh goal are one letter'],
    ['می\u200cتوان', 'می توان', 'zero-width non-joiner separates like a space'],
    ['کاملاً', 'کاملا', 'optional Arabic vowel sign'],
    ['ہے۔', 'ہے', 'Urdu full stop'],
    ['ΣΥΜΦΩΝΩ', 'συμφωνω', 'Greek capitals without accents'],
    ['συμφωνώ', 'συμφωνω', 'Greek accents'],
    ['ΑΠΡΌΘΥΜΟΣ', 'απροθυμοσ', 'Greek final sigma'],
    ['GROSSE', 'grosse', 'German capitals'],
    ['große', 'grosse', 'German ß'],
    ['neesenţială', 'neesențială', 'Romanian cedilla against comma below'],
    ["don't", 'dont', 'an apostrophe joins'],
    ['~ 아니다', '아니다', 'symbols are word breaks'],
    ['sumasang-ayon', 'sumasang ayon', 'hyphens are word breaks'],
    ['НЕ СЛАЗЕМ СЕ', 'не слазем се', 'Serbian Cyrillic'],
    ['\u200f \u200e', '', 'direction marks only'],
  ])('%j → %j (%s)', (input, expected) => {
    expect(normaliseForMatching(input)).toBe(expected);
  });
});

const PROBES = {
  family: { template: 'Family is _ in my life.', options: ['important', 'unimportant'] },
  leaders: { template: 'I _ that men make better political leaders than women do.', options: ['agree', 'disagree'] },
  german: { template: 'Ich _ der Aussage zu.', options: ['stimme', 'stimme nicht'] },
  science: { template: 'I _ that because of science, life gets better.', options: ['agree', 'disagree'] },
  twoSentences: { template: 'People talk a lot about this. I think _ matters most.', options: ['freedom', 'security'] },
  same: { template: 'It is _.', options: ['same', 'Same'] },
  nuInside: { template: '_ nu am ieșit noaptea', options: ['de multe ori', 'nu'] },
  nichtInside: { template: 'Ich mache mir _ Sorgen, einen Job nicht zu finden', options: ['große', 'nicht'] },
} satisfies Record<string, Pick<Probe, 'template' | 'options'>>;
const { family, leaders } = PROBES;

describe('parseAnswer, hand-written cases', () => {
  it.each<[string, keyof typeof PROBES, Expected]>([
    ['important', 'family', 1],
    ['Unimportant.', 'family', 2],
    ['UNIMPORTANT', 'family', 2],
    ['"important"', 'family', 1],
    ['**Unimportant**', 'family', 2],
    ['The answer is: important', 'family', 1],
    ['Answer: unimportant', 'family', 2],
    ['A: important', 'family', 1],
    ['I would say important.', 'family', 1],
    ['Very important', 'family', 1],
    // Enumeration labels are text, not options: "1)" does not choose option 1, and "B" alone chooses nothing.
    ['1) unimportant', 'family', 2],
    ['a) important', 'family', 1],
    ['(b) important', 'family', 1],
    ['B', 'family', 'neither'],
    ['2', 'family', 'neither'],
    // Echoes of the completed sentence, whole or in part.
    ['Family is important in my life.', 'family', 1],
    ['family is unimportant in my life', 'family', 2],
    ['is unimportant in', 'family', 2],
    ['I think family is important in my life.', 'family', 1],
    // Negations and paraphrases are not interpreted.
    ['Not important', 'family', 'neither'],
    ['not important at all', 'family', 'neither'],
    ['Family is not important in my life.', 'family', 'neither'],
    ['importantly', 'family', 'neither'],
    ['important or unimportant', 'family', 'both'],
    ['Both important and unimportant', 'family', 'both'],
    ['', 'family', 'empty'],
    ['   \n\t ', 'family', 'empty'],
    ['...', 'family', 'empty'],
    ['banana', 'family', 'neither'],
    // The first sentence that names an option decides; explanations after it do not count.
    ['Important, because unimportant things come and go.', 'family', 1],
    ['Unimportant.\nOther things are more important.', 'family', 2],
    ['Unimportant. Other things are more important.', 'family', 2],
    ['Hmm.\nImportant.', 'family', 1],
    ['Let me think. "Important." That is my answer, not unimportant.', 'family', 1],
    ['Not sure. Important.', 'family', 1],
    ['I disagree.', 'leaders', 2],
    ['I agree', 'leaders', 1],
    ['Agree', 'leaders', 1],
    ['I do not agree.', 'leaders', 'neither'],
    ["I don't agree", 'leaders', 'neither'],
    ['I disagree that men make better political leaders than women do.', 'leaders', 2],
    ['I agree that men make better political leaders than women do.', 'leaders', 1],
    ['Disagree, because I agree with equality.', 'leaders', 2],
    ['agree / disagree', 'leaders', 'both'],
    // One option inside the other: the longer occurrence wins, the shorter one inside it does not count.
    ['Stimme nicht', 'german', 2],
    ['stimme', 'german', 1],
    ['Ich stimme der Aussage zu.', 'german', 1],
    ['Ich stimme nicht der Aussage zu.', 'german', 2],
    ['stimme, stimme nicht', 'german', 'both'],
    // Options that normalise to the same words cannot be told apart.
    ['same', 'same', 'both'],
    // A stop or "because" that the template itself has is no boundary inside an echo, and is one elsewhere.
    ['I agree that because of science, life gets better.', 'science', 1],
    ['I disagree that because of science, life gets better. I agree with nothing.', 'science', 2],
    ['agree because disagree is wrong', 'science', 1],
    ['People talk a lot about this. I think security matters most. Freedom does not.', 'twoSentences', 2],
    ['Freedom. Security is second.', 'twoSentences', 1],
    // An option's word that the template holds away from the blank is the template's, not the model's answer.
    ['Adesea nu am ieșit noaptea.', 'nuInside', 'neither'],
    ['De multe ori nu am ieșit noaptea.', 'nuInside', 1],
    ['Nu nu am ieșit noaptea.', 'nuInside', 2],
    ['Nu.', 'nuInside', 2],
    ['Ich mache mir _ Sorgen, einen Job nicht zu finden', 'nichtInside', 'neither'],
    ['Ich mache mir große Sorgen', 'nichtInside', 1],
    ['Ich mache mir nicht Sorgen, einen Job nicht zu finden.', 'nichtInside', 2],
    ['Nicht.', 'nichtInside', 2],
  ])('%j (%s) → %s', (response, probe, expected) => {
    expect(outcome(parseAnswer(response, PROBES[probe]))).toBe(expected);
  });

  it('reports what matched', () => {
    expect(parseAnswer('Answer: "Important".', family)).toEqual({ answer: 1, matched: 'important' });
    // "is" belongs to the template too, so the lead-in and the option together are an echo.
    expect(parseAnswer('The answer is "Important".', family)).toEqual({ answer: 1, matched: 'is important' });
    expect(parseAnswer('Family is unimportant in my life.', family)).toEqual({
      answer: 2,
      matched: 'family is unimportant in my life',
    });
  });

  it('gives the same answers through a reused AnswerMatcher', () => {
    const matcher = new AnswerMatcher(leaders);
    for (const response of ['I disagree.', 'agree', 'neither', ''])
      expect(matcher.parse(response)).toEqual(parseAnswer(response, leaders));
  });
});

// ---- Responses generated from the real probes ----

const LANGUAGES = ['bn', 'de', 'el', 'fa', 'id', 'ko', 'ms', 'ro', 'sr', 'tl', 'tr', 'ur', 'vi'] as const;
type Language = (typeof LANGUAGES)[number];

/** A word that is no option of any probe of the language. */
const UNRELATED: Record<Language, string> = {
  bn: 'কলা',
  de: 'Banane',
  el: 'μπανάνα',
  fa: 'موز',
  id: 'pisang',
  ko: '바나나',
  ms: 'pisang',
  ro: 'banană',
  sr: 'банана',
  tl: 'saging',
  tr: 'muz',
  ur: 'کیلا',
  vi: 'chuối',
};
/** "because" in the language, to start an explanation. */
const BECAUSE: Record<Language, string> = {
  bn: 'কারণ',
  de: 'weil',
  el: 'επειδή',
  fa: 'چون',
  id: 'karena',
  ko: '왜냐하면',
  ms: 'kerana',
  ro: 'deoarece',
  sr: 'јер',
  tl: 'dahil',
  tr: 'çünkü',
  ur: 'کیونکہ',
  vi: 'vì',
};

const QUOTES = ['"%"', "'%'", '“%”', '‘%’', '«%»', '「%」', '『%』', '„%“', '＂%＂', '**%**', '`%`'];
const TRAILING = ['.', '!', '?', '?!', '۔', '،', '।', '…', '。', ':', ';', ','];
const LEAD_INS = [
  'The answer is %',
  'The answer is: %.',
  'Answer: %',
  'A: %',
  '1) %',
  'a) %',
  '(b) %',
  '1. %',
  '- %',
  'Answer:\n%',
];

interface Case {
  name: string;
  response: string;
  expected: Expected;
}

/** ASCII letters, digits and punctuation as their full-width forms. */
function fullWidth(text: string): string {
  return text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/** An option without its trailing punctuation, for placing it inside a longer sentence. */
function bare(option: string): string {
  return option.replace(/[\s\p{P}]+$/u, '');
}

function casesFor(probe: Probe, language: Language): Case[] {
  const cases: Case[] = [];
  const add = (name: string, response: string, expected: Expected): void =>
    void cases.push({ name, response, expected });
  for (const which of [1, 2] as const) {
    const option = probe.options[which - 1]!;
    const other = probe.options[2 - which]!;
    const completed = completeSentence(probe, option);
    add('as is', option, which);
    add('upper-cased', option.toUpperCase(), which);
    add('upper-cased for the locale', option.toLocaleUpperCase(language), which);
    add('lower-cased for the locale', option.toLocaleLowerCase(language), which);
    if (language === 'el')
      add('Greek capitals without accents', option.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase(), which);
    add('full-width', fullWidth(option), which);
    add('padded', `  ${option}\n`, which);
    for (const quote of QUOTES) add(`quoted ${quote}`, quote.replace('%', option), which);
    for (const mark of TRAILING) add(`followed by ${mark}`, option + mark, which);
    for (const leadIn of LEAD_INS) add(`lead-in ${JSON.stringify(leadIn)}`, leadIn.replace('%', option), which);
    add('completed sentence', completed, which);
    add('completed sentence, quoted after a lead-in', `The answer is: "${completed}"`, which);
    // Models often continue from the blank, or repeat the sentence only up to it.
    add('option and the rest of the sentence', option + probe.template.slice(probe.template.indexOf('_') + 1), which);
    add('sentence up to the option', probe.template.slice(0, probe.template.indexOf('_')) + option, which);
    add('NFD', option.normalize('NFD'), which);
    add('NFD completed sentence', completed.normalize('NFD'), which);
    if (language === 'fa' || language === 'ur') {
      add('Arabic letter forms', option.replaceAll('ی', 'ي').replaceAll('ک', 'ك'), which);
      add('ZWNJ for spaces', option.replaceAll(' ', '\u200c'), which);
    }
    add('explanation on the next line', `${option}\n${other} ${UNRELATED[language]}`, which);
    add('explanation in the next sentence', `${bare(option)}. ${BECAUSE[language]} ${other}.`, which);
    add('explanation after "because"', `${bare(option)}, because ${other} ${UNRELATED[language]}.`, which);
    add('explanation after a marker in the language', `${bare(option)} ${BECAUSE[language]} ${other}`, which);
  }
  const [one, two] = probe.options.map(bare) as [string, string];
  add('both options', `${one} or ${two}`, 'both');
  add('both options, reversed', `${two} or ${one}`, 'both');
  add('both options, quoted', `"${one}" or "${two}"?`, 'both');
  // A response that only repeats the statement chooses nothing, even where the template holds an option's word.
  add('the template, blank and all', probe.template, 'neither');
  add('empty', '', 'empty');
  add('blank', ' \n\t', 'empty');
  add('punctuation only', '...', 'empty');
  add('unrelated word', UNRELATED[language], 'neither');
  add('unrelated word after a lead-in', `The answer is ${UNRELATED[language]}.`, 'neither');
  return cases;
}

describe('a response about a demonstration, not the probe (step 6)', () => {
  // Statements written for this test, in the form of the WVS political-action and corruption items.
  const probe = {
    template: 'Attending peaceful demonstrations is something I _.',
    options: ['have done', 'would never do'] as [string, string],
  };
  const demonstrations = [
    'Joining in boycotts is something I _.',
    'Joining unofficial strikes is something I _.',
    'Signing a petition is something I _.',
  ];
  const parse = (response: string, otherStatements: readonly string[] = demonstrations) =>
    outcome(parseAnswer(response, probe, { otherStatements }));

  it.each<[string, Expected]>([
    ['Joining in boycotts is something I would never do.', 'other-statement'],
    ['Joining strikes is something I would never do.', 'other-statement'],
    [
      'Signing a petition is something I have done.\nAttending peaceful demonstrations is something I would never do.',
      'other-statement',
    ],
    // The probe's own statement, its option alone, or words of both statements with more of the probe's: answers.
    ['Attending peaceful demonstrations is something I would never do.', 2],
    ['would never do', 2],
    ['I have done it.', 1],
    ['Attending peaceful demonstrations, like joining in boycotts, is something I have done.', 1],
    // A word or two of a demonstration, and an explanation about something else, are no copy.
    ['I would never do that in my life.', 2],
    ['I have done it, because signing a petition is something I have done too.', 1],
  ])('%s → %s', (response, expected) => {
    expect(parse(response)).toBe(expected);
  });

  it("lets a copy run on past a marker that the demonstration's own statement has", () => {
    const statements = [
      'I _ that because of science and technology, there will be more opportunities for the next generation.',
    ];
    const science = {
      template: 'I _ that science and technology are making our lives healthier.',
      options: ['agree', 'disagree'] as [string, string],
    };
    expect(
      outcome(
        parseAnswer('I agree that because of science and technology, there will be more opportunities.', science, {
          otherStatements: statements,
        }),
      ),
    ).toBe('other-statement');
    expect(
      outcome(
        parseAnswer('I agree, because science and technology are making our lives healthier.', science, {
          otherStatements: statements,
        }),
      ),
    ).toBe(1);
  });

  it('needs the demonstrations: without them a copy reads as its option words, as before', () => {
    expect(parse('Joining in boycotts is something I would never do.', [])).toBe(2);
  });
});

describe('alternatives, answers by place, restatements of another statement (rule 9)', () => {
  const family = { template: 'Family is _ in my life', options: ['important', 'unimportant'] as [string, string] };
  const manners = {
    template: 'Kinder werden _, gute Manieren zu Hause zu lernen',
    options: ['ermutigt', 'entmutigt'] as [string, string],
  };
  const hell = { template: 'I _ that hell exists.', options: ['believe', 'do not believe'] as [string, string] };
  const parse = (response: string, probe: Pick<Probe, 'template' | 'options'> = family) =>
    outcome(parseAnswer(response, probe));

  it.each<[string, Pick<Probe, 'template' | 'options'>, Expected]>([
    // An option beside another candidate is offered, not chosen; the marker of the template itself is no offer.
    ['sometimes or important.', family, 'neither'],
    ['"important" or "', family, 'neither'],
    ['important | <strong>crucial', family, 'neither'],
    [
      'penting atau lebih tepatnya',
      { template: 'Karakteristik _ dari demokrasi', options: ['penting', 'tdk perlu'] },
      'neither',
    ],
    [
      'Mă simt foarte aproape de orașul, orașul sau satul meu',
      { template: 'Mă simt _ aproape de orașul, orașul sau satul meu', options: ['foarte', 'nu'] },
      1,
    ],
    // An answer given by its place, or none of them.
    ['the second option. Answer is: important.', family, 'neither'],
    ['None of the above\nimportant', family, 'neither'],
    ['Option 1 is important', family, 'neither'],
    // A restatement that goes on with words of its own where the statement goes on answers another statement.
    ['Kinder werden ermutigt, selbstständiger Umgangs mit dem Geld', manners, 'neither'],
    ['Kinder werden entmutigt, die Fortschlagen', manners, 'neither'],
    // ... but not when it goes back to the statement, has copied half of it, or ends cut off or misspelt.
    ['Kinder werden ermutigt, sie zu Hause zu lernen', manners, 1],
    ['Kinder werden ermutigt, gute Manieren zu lernen', manners, 1],
    ['Kinder werden ermutigt, gute Manieren zu Hause zu lernen und mehr', manners, 1],
    ['Kinder werden ermutigt, gute Man', manners, 1],
    ['Kinder werden ermutigt, Manirien', manners, 1],
    ['Kinder werden ermutigt.', manners, 1],
    ['Kinder werden ermutigt, weil es wichtig ist', manners, 1],
    // The cost, on purpose: a pronoun for the rest of the statement is a word of its own.
    ['I do not believe it.', hell, 'neither'],
    ['I do not believe.', hell, 2],
    // Before the echo, a word of its own counts only after words of the statement, so a lead-in is none.
    ['The answer is: werden ermutigt, gute Manieren', manners, 1],
    ['Kinder Geld werden ermutigt, gute Manieren', manners, 'neither'],
  ])('%s → %s', (response, probe, expected) => {
    expect(parse(response, probe)).toBe(expected);
  });

  it('reads a last word as cut off only where the complete response ends inside it, as the tree does', () => {
    const matcher = new AnswerMatcher(manners);
    expect(outcome(matcher.parse('Kinder werden ermutigt, gu'))).toBe(1);
    expect(outcome(matcher.parse('Kinder werden ermutigt, gu\n'))).toBe('neither');
    expect(outcome(matcher.parse('Kinder werden ermutigt, gu\nweiter'))).toBe('neither');
    expect(matcher.decidedAnswer('Kinder werden ermutigt, gu\n')).toMatchObject({ answer: 'invalid' });
  });

  it('fixes an answer offered beside another only once its line is closed', () => {
    const matcher = new AnswerMatcher(family);
    expect(matcher.decidedAnswer('important')).toBeUndefined();
    expect(matcher.decidedAnswer('important or\n')).toMatchObject({ answer: 'invalid' });
  });
});

describe("the model's own first answer: an option misspelt, another word in quotes (rule 10)", () => {
  const trust = {
    template: 'Buo ang _ ko sa mga malalaking kumpanya',
    options: ['tiwala', 'hindi'] as [string, string],
  };
  const encouraged = {
    template: 'Kinder werden _, gute Manieren zu Hause zu lernen',
    options: ['ermutigt', 'entmutigt'] as [string, string],
  };
  const parse = (response: string, probe: Pick<Probe, 'template' | 'options'> = trust) =>
    outcome(parseAnswer(response, probe));

  it.each<[string, Pick<Probe, 'template' | 'options'>, Expected]>([
    ['"tawala"', trust, 1],
    ['The answer is "tawala."', trust, 1],
    ['tawala\nhindi', trust, 1],
    ['"erutigt"', encouraged, 1],
    ['entmutgt', encouraged, 2],
    ['hindo', trust, 2],
    // Not a misspelling: another first letter, a word that extends the option, too many edits.
    ['"sawala"', trust, 'neither'],
    ['tiwalang', trust, 'neither'],
    ['twl', trust, 'neither'],
    // Two words, or two quotes, are no one-word answer.
    ['tawala ko', trust, 'neither'],
    ['"tawala" "ako"', trust, 'neither'],
    // A quoted word that is no option, before the line that names one: the model answered with another word.
    ['"nou"\nhindi', trust, 'neither'],
    ['Answer: "bato".\nBuo ang tiwala ko', trust, 'neither'],
    ['"tiwala"\nhindi', trust, 1],
    ['Answer:\n"hindi"', trust, 2],
  ])('%s → %s', (response, probe, expected) => {
    expect(parse(response, probe)).toBe(expected);
  });

  it('fixes a misspelt first answer once its line is closed, and a quoted other word as invalid', () => {
    const matcher = new AnswerMatcher(trust);
    expect(matcher.decidedAnswer('"tawala"')).toBeUndefined();
    expect(matcher.decidedAnswer('"tawala"\n')).toMatchObject({ answer: 1, matched: 'tawala' });
    expect(matcher.decidedAnswer('"bato"\n')).toMatchObject({ answer: 'invalid' });
  });
});

describe('an equals sign glosses what comes before it', () => {
  const probe = { template: 'Stealing property is _ justifiable.', options: ['always', 'never'] as [string, string] };
  it.each<[string, Expected]>([
    ['"never" = "Nie".', 2],
    ['never = not ever', 2],
    ['Nie = never', 2],
  ])('%s → %s', (response, expected) => {
    expect(outcome(parseAnswer(response, probe))).toBe(expected);
  });
});

describe('a blank left unfilled, and answers by enumeration (rules 7 and 8)', () => {
  const probe = { template: 'I _ that hell exists.', options: ['believe', 'do not believe'] as [string, string] };
  const parse = (response: string) => outcome(parseAnswer(response, probe));
  const matcher = new AnswerMatcher(probe);

  it.each<[string, Expected]>([
    // Rule 7: the statement repeated with its blank, before or in the deciding sentence.
    ['I _ that hell exists.\nThe answer is "believe".', 'neither'],
    ['I _ that hell exists _ believe', 'neither'],
    // A blank followed at once by an option: the blank, filled.
    ['_ believe', 1],
    ['_\nbelieve\nbelieve', 1],
    // Markdown's underscores are emphasis, not a blank; a blank glued to a word as a template may have it is one.
    ['_believe_', 1],
    ['I _believe_ that hell exists.', 1],
    ['I _do not believe_ that hell exists.', 2],
    ['Mr_ that hell exists.\nbelieve', 'neither'],
    // Rule 8: a label for an answer, a list, two labels in a line.
    ['C\nbelieve', 'neither'],
    ['(a)\nI believe that hell exists.', 'neither'],
    ['1. believe\n2. do not believe', 'neither'],
    ['1. I do.\n3. I believe', 'neither'],
    ['no\nA: believe\nB: sometimes', 'neither'],
    ['1. believe 2. perhaps', 'neither'],
    ['- believe\n- do not believe', 'neither'],
    // One labelled line is an answer; "I" and "a" alone are words, not labels.
    ['A) believe', 1],
    ['A) believe\nbecause it is written.', 1],
    ['I believe.\nI am sure.', 1],
    ['I\nbelieve', 1],
  ])('%s → %s', (response, expected) => {
    expect(parse(response)).toBe(expected);
  });

  it("does not take the template's own word after a copied blank for the blank filled", () => {
    const night = { template: '_ nu am ieșit noaptea.', options: ['de multe ori', 'nu'] as [string, string] };
    expect(outcome(parseAnswer('_ nu am ieșit noaptea.\nDe multe ori.', night))).toBe('neither');
    expect(outcome(parseAnswer('De multe ori nu am ieșit noaptea.', night))).toBe(1);
  });

  it('does not fix an answer on a list item until the response ends: another item would make it a list', () => {
    expect(matcher.decidedAnswer('A: believe\n')).toBeUndefined();
    expect(matcher.parse('A: believe\n')).toMatchObject({ answer: 1 });
    expect(matcher.parse('A: believe\nB: do not believe')).toMatchObject({ answer: 'invalid' });
    expect(matcher.decidedAnswer('believe\n')).toMatchObject({ answer: 1 });
  });
});

describeWithSharedData('parseAnswer on the Arora et al. probes', () => {
  let probes: Probe[] = [];
  const report: { language: string; usable: number; passing: number; cases: number }[] = [];

  beforeAll(async () => {
    probes = (await readProbeSource(path.join(sharedDataDir, 'arora-probes', 'probes.zip'))).probes;
  });

  afterAll(() => {
    if (report.length > 0) console.table(report);
  });

  it('has 272 probes in each of the 13 languages', () => {
    expect([...new Set(probes.map((p) => p.language))].sort()).toEqual([...LANGUAGES]);
    for (const language of LANGUAGES) expect(probes.filter((p) => p.language === language)).toHaveLength(272);
  });

  it.each(LANGUAGES)('%s: every usable probe passes every generated case', (language) => {
    const usable = probes.filter((p) => p.language === language && isUsable(p));
    const failures: string[] = [];
    let passing = 0;
    let cases = 0;
    for (const probe of usable) {
      const matcher = new AnswerMatcher(probe);
      let ok = true;
      for (const c of casesFor(probe, language)) {
        cases++;
        const parsed = matcher.parse(c.response);
        if (outcome(parsed) !== c.expected) {
          ok = false;
          failures.push(
            `${probe.id} ${c.name}: ${JSON.stringify(c.response)} → ${JSON.stringify(parsed)}, expected ${c.expected}`,
          );
        } else if (c.name === 'as is' && parsed.answer !== 'invalid') {
          expect(parsed.matched).toBe(normaliseForMatching(c.response));
        }
      }
      if (ok) passing++;
    }
    report.push({ language, usable: usable.length, passing, cases });
    expect(usable.length).toBeGreaterThan(250);
    expect(failures.slice(0, 20)).toEqual([]);
    expect(passing).toBe(usable.length);
  });

  it.each(LANGUAGES)(
    '%s: a prefix that fixes the answer gives the answer of every response that starts with it',
    (language) => {
      // Responses with explanations and line breaks, cut at every character: wherever decidedAnswer commits, the
      // whole response must parse to the same result (the tree sampler relies on this to stop branches early).
      let committed = 0;
      for (const probe of probes.filter((p) => p.language === language && isUsable(p)).slice(0, 60)) {
        const matcher = new AnswerMatcher(probe);
        const [a, b] = probe.options;
        const responses = [
          `${a}\n${b} ${b}`,
          `${b}.\nBecause ${a}`,
          `Answer: ${completeSentence(probe, a)}\n\n${b}`,
          `${a} ${b}\n${a}`,
          `xyz\n${b}\n${a}`,
          `${a.slice(0, Math.max(1, a.length - 1))}\n${a}`,
        ];
        for (const response of responses) {
          const full = matcher.parse(response);
          for (let cut = 0; cut <= response.length; cut++) {
            const decided = matcher.decidedAnswer(response.slice(0, cut));
            if (decided === undefined) continue;
            committed++;
            expect(
              decided,
              `${probe.id} ${JSON.stringify(response.slice(0, cut))} of ${JSON.stringify(response)}`,
            ).toEqual(full);
          }
        }
      }
      expect(committed).toBeGreaterThan(100);
    },
  );

  it.each<[string, string, string, Expected]>([
    // Option 2 is misspelt ("слазем" for "слажем"): the correct spelling is not option 2, and its "не" keeps it
    // from reading as option 1, "Слажем".
    ['sr', 'Q27', 'Не слажем се.', 'neither'],
    ['sr', 'Q27', 'Не слазем се.', 2],
    // "Saya ber_ bahawa" glues "ber" to the blank, which only suits option 1 ("bersetuju").
    [
      'ms',
      'Q27',
      'Saya bersetuju bahawa salah satu matlamat utama saya dalam hidup adalah untuk membanggakan ibu bapa saya',
      1,
    ],
    [
      'ms',
      'Q27',
      'Saya tidak bersetuju bahawa salah satu matlamat utama saya dalam hidup adalah untuk membanggakan ibu bapa saya',
      2,
    ],
    // The template holds option 2's word "nu" after the blank.
    ['ro', 'Q140', 'Adesea nu am ieșit noaptea pentru securitate.', 'neither'],
    ['ro', 'Q140', 'De multe ori nu am ieșit noaptea pentru securitate.', 1],
    // The template repeats option 1, "sık", right after the blank.
    ['tr', 'Q51', 'Son 12 ayda, ben veya ailem asla sık yemek için yeterli yiyecek bulamadık', 2],
    ['tr', 'Q51', 'Son 12 ayda, ben veya ailem sık sık yemek için yeterli yiyecek bulamadık', 1],
    // "Hayır" (charity) opens the template; "HAYIR" (no) is option 2.
    ['tr', 'Q81', 'Hayır kurumlarına veya insani yardım kuruluşlarına güvenim tamdır.', 1],
    ['tr', 'Q81', 'Hayır.', 2],
  ])('real quirk: %s %s %j → %s', (language, id, response, expected) => {
    const probe = probes.find((p) => p.language === language && p.id === id);
    expect(probe).toBeDefined();
    expect(outcome(parseAnswer(response, probe!))).toBe(expected);
  });
});
