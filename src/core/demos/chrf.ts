// Sentence-level chrF++ and chrF, bit-identical to sacrebleu 2.6.0 (`CHRF(word_order=2)` and `CHRF()` with
// char_order=6, beta=2, no lowercasing, whitespace ignored, no eps smoothing), used to rank demonstrations.
// `ChrfIndex` precomputes interned n-gram profiles so one probe can be ranked against a whole language cheaply.

const CHAR_ORDER = 6;

/**
 * Python's `str.split()` separators: bidi classes WS/B/S and category Zs. Unlike JS `\s` this includes U+0085
 * and U+001C..U+001F and excludes U+FEFF; neither counts U+200B. sacrebleu splits with exactly this set.
 */
// eslint-disable-next-line no-control-regex -- Python's whitespace includes the separators U+001C..U+001F.
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Python's `string.punctuation`; sacrebleu splits only these (ASCII) characters off word tokens. */
const PY_PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

function splitWhitespace(sentence: string): string[] {
  return sentence.split(PY_WHITESPACE).filter((token) => token !== '');
}

/**
 * sacrebleu's `_remove_punctuation`: one ASCII punctuation character comes off the end if there is one there,
 * otherwise off the start; '(hi)' becomes '(hi' and ')'. The order of the pieces matters for word bigrams.
 * Checking UTF-16 units is safe here: punctuation is ASCII, and a token of one code point but two units
 * (a surrogate pair) neither starts nor ends with ASCII, so it stays whole just as its Python length of 1 demands.
 */
function wordTokens(sentence: string): string[] {
  const tokens: string[] = [];
  for (const token of splitWhitespace(sentence)) {
    if (token.length > 1 && PY_PUNCTUATION.has(token[token.length - 1]!)) {
      tokens.push(token.slice(0, -1), token[token.length - 1]!);
    } else if (token.length > 1 && PY_PUNCTUATION.has(token[0]!)) {
      tokens.push(token[0]!, token.slice(1));
    } else {
      tokens.push(token);
    }
  }
  return tokens;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Per order (characters 1..6, then words 1..wordOrder), each n-gram with its count. */
function extractNgrams(sentence: string, wordOrder: number): Map<string, number>[] {
  const orders: Map<string, number>[] = [];
  const chars = splitWhitespace(sentence).join('');
  // UTF-16 offsets of each code point, so n-grams are cut in code points as Python does, without re-joining.
  const starts: number[] = [];
  for (let i = 0; i < chars.length;) {
    starts.push(i);
    const unit = chars.charCodeAt(i);
    const next = chars.charCodeAt(i + 1);
    i += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  starts.push(chars.length);
  const length = starts.length - 1;
  for (let n = 1; n <= CHAR_ORDER; n++) {
    const counts = new Map<string, number>();
    for (let i = 0; i + n <= length; i++) increment(counts, chars.slice(starts[i], starts[i + n]));
    orders.push(counts);
  }
  if (wordOrder > 0) {
    const words = wordTokens(sentence);
    for (let n = 1; n <= wordOrder; n++) {
      const counts = new Map<string, number>();
      for (let i = 0; i + n <= words.length; i++) increment(counts, words.slice(i, i + n).join(' '));
      orders.push(counts);
    }
  }
  return orders;
}

/**
 * The score from per-order statistics laid out as sacrebleu keeps them: [hypCount, refCount, matchCount] for
 * each order, with hypCount already 0 where the reference has no n-grams of that order. Both the direct
 * functions and ChrfIndex end here, so they agree to the bit.
 */
export function chrfFromStats(stats: ArrayLike<number>): number {
  let precision = 0;
  let recall = 0;
  let effectiveOrder = 0;
  for (let k = 0; k + 2 < stats.length; k += 3) {
    const hyp = stats[k]!;
    const ref = stats[k + 1]!;
    const match = stats[k + 2]!;
    if (hyp > 0 && ref > 0) {
      precision += match / hyp;
      recall += match / ref;
      effectiveOrder++;
    }
  }
  if (effectiveOrder === 0) return 0;
  precision /= effectiveOrder;
  recall /= effectiveOrder;
  if (precision + recall === 0) return 0;
  // Same operations in the same order as sacrebleu (beta^2 = 4), which is what makes the result bit-exact.
  let score = 5 * precision * recall;
  score /= 4 * precision + recall;
  return 100 * score;
}

function sumCounts(counts: Map<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

function directScore(hyp: string, ref: string, wordOrder: number): number {
  const hypOrders = extractNgrams(hyp, wordOrder);
  const refOrders = extractNgrams(ref, wordOrder);
  const stats: number[] = [];
  for (let k = 0; k < hypOrders.length; k++) {
    const hypCounts = hypOrders[k]!;
    const refCounts = refOrders[k]!;
    const refTotal = sumCounts(refCounts);
    let match = 0;
    for (const [ngram, count] of hypCounts) {
      const refCount = refCounts.get(ngram);
      if (refCount !== undefined) match += Math.min(count, refCount);
    }
    stats.push(refTotal === 0 ? 0 : sumCounts(hypCounts), refTotal, match);
  }
  return chrfFromStats(stats);
}

/** chrF++ (character 1..6-grams and word 1..2-grams) of `hyp` against the single reference `ref`, 0..100. */
export function chrfpp(hyp: string, ref: string): number {
  return directScore(hyp, ref, 2);
}

/** chrF (character 1..6-grams only) of `hyp` against the single reference `ref`, 0..100. */
export function chrf(hyp: string, ref: string): number {
  return directScore(hyp, ref, 0);
}

/**
 * One sentence's n-grams per order as sorted interned ids with parallel counts. Valid only with the index that
 * made it, since ids mean nothing elsewhere.
 */
export interface ChrfProfile {
  readonly sentence: string;
  /** Per order: n-gram ids, strictly ascending. */
  readonly ids: readonly Uint32Array[];
  /** Per order: the count of the n-gram at the same position in `ids`. */
  readonly counts: readonly Uint32Array[];
  /** Per order: the number of n-grams, i.e. the sum of `counts`. */
  readonly totals: readonly number[];
}

export interface ChrfIndexOptions {
  /** 2 for chrF++ (the default), 0 for plain chrF. */
  wordOrder?: 0 | 2;
}

/** Sum of min(hypCount, refCount) over shared ids, by walking both ascending id lists once. */
function clippedMatches(hypIds: Uint32Array, hypCounts: Uint32Array, refIds: Uint32Array, refCounts: Uint32Array) {
  let i = 0;
  let j = 0;
  let match = 0;
  const hypLength = hypIds.length;
  const refLength = refIds.length;
  while (i < hypLength && j < refLength) {
    const a = hypIds[i]!;
    const b = refIds[j]!;
    if (a === b) {
      const h = hypCounts[i]!;
      const r = refCounts[j]!;
      match += h < r ? h : r;
      i++;
      j++;
    } else if (a < b) {
      i++;
    } else {
      j++;
    }
  }
  return match;
}

/**
 * Sentences profiled once, so demonstration selection can score one probe against every other probe of its
 * language by integer merge walks instead of rebuilding string maps per pair.
 */
export class ChrfIndex {
  readonly wordOrder: 0 | 2;
  // One vocabulary for all orders: ids are only ever compared within one order, so a word unigram sharing
  // an id with an equal character n-gram is harmless.
  private readonly ngramIds = new Map<string, number>();
  private readonly profiles: ChrfProfile[];
  private readonly own = new WeakSet<ChrfProfile>();
  // Reused per pair: scoreAgainstAll runs in a tight loop and should not allocate per reference.
  private readonly stats: Float64Array;

  constructor(sentences: readonly string[], options: ChrfIndexOptions = {}) {
    this.wordOrder = options.wordOrder ?? 2;
    this.stats = new Float64Array(3 * (CHAR_ORDER + this.wordOrder));
    this.profiles = sentences.map((sentence) => this.profile(sentence));
  }

  /** Number of indexed sentences. */
  get size(): number {
    return this.profiles.length;
  }

  /** The profile of the indexed sentence at `index`. */
  profileAt(index: number): ChrfProfile {
    const profile = this.profiles[index];
    if (profile === undefined) throw new RangeError(`No sentence ${index} in a ChrfIndex of ${this.size}`);
    return profile;
  }

  /**
   * Profiles a sentence that need not be indexed, e.g. to score an outside sentence against indexed ones with
   * `scoreProfiles`. Its unseen n-grams are added to the index's vocabulary, which therefore grows with use.
   */
  profile(sentence: string): ChrfProfile {
    const ids: Uint32Array[] = [];
    const counts: Uint32Array[] = [];
    const totals: number[] = [];
    for (const order of extractNgrams(sentence, this.wordOrder)) {
      const byId = new Map<number, number>();
      let total = 0;
      for (const [ngram, count] of order) {
        let id = this.ngramIds.get(ngram);
        if (id === undefined) {
          id = this.ngramIds.size;
          this.ngramIds.set(ngram, id);
        }
        byId.set(id, count);
        total += count;
      }
      const sortedIds = Uint32Array.from(byId.keys()).sort();
      ids.push(sortedIds);
      counts.push(Uint32Array.from(sortedIds, (id) => byId.get(id)!));
      totals.push(total);
    }
    const profile: ChrfProfile = { sentence, ids, counts, totals };
    this.own.add(profile);
    return profile;
  }

  /** chrF(++) of indexed sentence `hypIndex` as hypothesis against indexed sentence `refIndex` as reference. */
  score(hypIndex: number, refIndex: number): number {
    return this.scorePair(this.profileAt(hypIndex), this.profileAt(refIndex));
  }

  /** Scores of sentence `hypIndex` as hypothesis against every indexed sentence (itself included) as reference. */
  scoreAgainstAll(hypIndex: number): Float64Array {
    const hyp = this.profileAt(hypIndex);
    const scores = new Float64Array(this.profiles.length);
    for (let r = 0; r < this.profiles.length; r++) scores[r] = this.scorePair(hyp, this.profiles[r]!);
    return scores;
  }

  /** chrF(++) of any two profiles made by this index, e.g. an outside sentence against an indexed one. */
  scoreProfiles(hyp: ChrfProfile, ref: ChrfProfile): number {
    if (!this.own.has(hyp) || !this.own.has(ref)) {
      throw new Error('ChrfIndex.scoreProfiles: profiles must come from this index (n-gram ids are per index)');
    }
    return this.scorePair(hyp, ref);
  }

  // Unchecked: the callers above vouch that both profiles are this index's own.
  private scorePair(hyp: ChrfProfile, ref: ChrfProfile): number {
    const stats = this.stats;
    for (let k = 0; k < hyp.ids.length; k++) {
      const refTotal = ref.totals[k]!;
      // sacrebleu ignores the hypothesis side of an order the reference lacks.
      const hypTotal = refTotal === 0 ? 0 : hyp.totals[k]!;
      stats[3 * k] = hypTotal;
      stats[3 * k + 1] = refTotal;
      // Matches only affect orders where both sides have n-grams; elsewhere the walk would find none anyway.
      stats[3 * k + 2] = hypTotal === 0 ? 0 : clippedMatches(hyp.ids[k]!, hyp.counts[k]!, ref.ids[k]!, ref.counts[k]!);
    }
    return chrfFromStats(stats);
  }
}
