// Every random choice of the workbench comes from here: a seeded xoroshiro128+ generator (pure-rand), never
// Math.random. Seeds are derived from named parts (run seed, probe, strategy, draw), so the same run repeats
// exactly on any machine and one choice does not shift when another is added.

import { unsafeSkipN, unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/**
 * A 32-bit seed from named parts: FNV-1a over their text, then MurmurHash3's finaliser. FNV alone gives nearby
 * seeds for nearby parts ("draw 1", "draw 2"), and generators started from nearby seeds begin with nearly the
 * same numbers; the finaliser spreads every input bit over the whole seed. Stable across machines.
 */
export function deriveSeed(...parts: readonly (string | number)[]): number {
  let hash = 0x811c9dc5;
  const text = parts.map(String).join('\u001f');
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return mix32(hash);
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export class SeededRandom {
  private readonly generator: RandomGenerator;

  constructor(seed: number) {
    // The seed is mixed, and the generator's first outputs are dropped, because xoroshiro128+ started from seeds
    // that differ in a few bits begins with correlated numbers.
    this.generator = xoroshiro128plus(mix32(seed));
    unsafeSkipN(this.generator, 8);
  }

  static from(...parts: readonly (string | number)[]): SeededRandom {
    return new SeededRandom(deriveSeed(...parts));
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`int(n) needs a positive integer, got ${n}`);
    return unsafeUniformIntDistribution(0, n - 1, this.generator);
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  float(): number {
    const high = unsafeUniformIntDistribution(0, (1 << 26) - 1, this.generator);
    const low = unsafeUniformIntDistribution(0, (1 << 27) - 1, this.generator);
    return (high * 2 ** 27 + low) / 2 ** 53;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** k distinct items drawn without replacement, in the order drawn. */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, Math.min(k, items.length));
  }
}
