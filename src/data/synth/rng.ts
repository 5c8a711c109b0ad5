/**
 * Seeded pseudo-random numbers for the synthetic data generator.
 *
 * Every random draw of the generator comes from an {@link Rng} made here, never from
 * `Math.random`, so one seed gives byte-identical files. Streams are keyed by purpose and subject
 * (`createRng(seed, 'subject', 7)`), so a subject's draws do not depend on how many subjects come
 * before it or in which order they are generated.
 */

/** A seeded stream of random numbers (sfc32 core: small, fast, passes PractRand to 2^40+). */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Normal with the given mean and standard deviation (Box-Muller, one value per call). */
  normal(mean?: number, sd?: number): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}

/** Mixes a 32-bit state into a well-distributed 32-bit value (the murmur3 finaliser). */
function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hashes the seed and stream keys into one 32-bit value; strings are hashed char by char. */
function hashKeys(seed: number, keys: ReadonlyArray<string | number>): number {
  // The seed may be any safe integer: fold its high bits in rather than dropping them.
  let h = mix32((seed >>> 0) ^ mix32(Math.floor(seed / 0x100000000) >>> 0) ^ 0x9e3779b9);
  for (const key of keys) {
    if (typeof key === 'number') h = mix32(h ^ mix32((key >>> 0) + 0x7f4a7c15));
    else for (let i = 0; i < key.length; i++) h = mix32(h ^ (key.charCodeAt(i) + 0x632be5ab));
    h = mix32(h + 0x165667b1);
  }
  return h;
}

/**
 * Makes a seeded random stream for one purpose.
 *
 * @param seed any safe integer; the CLI's `--seed`
 * @param keys names the stream, e.g. `('subject', 3, 'noise')`; different keys give independent streams
 * @returns a stream (sfc32 core) whose draws depend only on the seed and keys
 * @example
 * const rng = createRng(42, 'subject', 0);
 * rng.normal(0, 2.5); // the same value on every machine for seed 42
 */
export function createRng(seed: number, ...keys: Array<string | number>): Rng {
  const h = hashKeys(seed, keys);
  let a = h;
  let b = mix32(h ^ 0x2545f491);
  let c = mix32(h ^ 0x9e3779b9);
  let d = 1;
  const next32 = (): number => {
    // sfc32 (Chris Doty-Humphrey's small fast counting generator).
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next32(); // warm up: the first outputs of sfc32 still show the seed
  const next = (): number => next32() / 0x100000000;
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal: (mean = 0, sd = 1) => {
      // 1 - next() lies in (0, 1], so the log is finite.
      const r = Math.sqrt(-2 * Math.log(1 - next()));
      return mean + sd * r * Math.cos(2 * Math.PI * next());
    },
    int: (n) => Math.floor(next() * n),
    shuffle: <T>(items: T[]): T[] => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = items[i] as T;
        items[i] = items[j] as T;
        items[j] = tmp;
      }
      return items;
    },
  };
}
