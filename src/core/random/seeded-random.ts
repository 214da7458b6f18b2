// Every random choice of the workbench comes from here: a seeded xoroshiro128+ generator (pure-rand), never
// Math.random. Seeds are derived from named parts (run seed, probe, strategy, draw), so the same run repeats
// exactly on any machine and one choice does not shift when another is added.

import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/** A 32-bit seed from named parts, by FNV-1a over their text: stable across machines and Node versions. */
export function deriveSeed(...parts: readonly (string | number)[]): number {
  let hash = 0x811c9dc5;
  const text = parts.map(String).join('\u001f');
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash | 0;
}

export class SeededRandom {
  private readonly generator: RandomGenerator;

  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed);
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
