/**
 * A seeded generator of uniform numbers in [0, 1) (mulberry32), keyed by a string so streams are independent.
 *
 * @param seed the seed (its low 32 bits are used)
 * @param key names the stream; default ''
 * @returns a function giving the next number in [0, 1) (32 bits of resolution) on each call
 */
export function seededRandom(seed: number, key = ''): () => number {
  let state = (seed >>> 0) ^ 0x9e3779b9;
  for (let i = 0; i < key.length; i++) state = Math.imul(state ^ key.charCodeAt(i), 0x5bd1e995) >>> 0;
  return mulberry32(state);
}

/**
 * The mulberry32 generator (Tommy Ettinger, 2017) of uniform numbers in [0, 1), started from a
 * 32-bit state: the same numbers for a state on every machine.
 *
 * @param state the start state (its low 32 bits are used)
 * @returns a function giving the next number in [0, 1) (32 bits of resolution) on each call
 */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Shuffles a copy of `items` (Fisher-Yates) with a seeded stream: one seed, one order.
 *
 * @param items the items (not changed)
 * @param seed the seed of {@link seededRandom}
 * @param key names the stream; default ''
 * @returns a new array with the items in shuffled order
 */
export function seededShuffle<T>(items: readonly T[], seed: number, key = ''): T[] {
  const out = [...items];
  const random = seededRandom(seed, key);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
