import { invalid } from '../util/errors.js';
import type { SplitName } from './dataset.js';
import { seededShuffle } from './seeded-shuffle.js';

/** What the splitter needs to know of one item. */
export interface SplitEntry {
  /** Target class (stratification key). */
  readonly label: string;
  /** Group that must stay on one side: subject ID, pseudo-subject, or the item itself. */
  readonly group: string;
  /** Split fixed by the data set's own folders. */
  readonly sourceSplit?: SplitName;
}

/** Options of {@link assignSplits}. */
export interface SplitOptions {
  /** Seed of the shuffles (default 42). */
  readonly seed?: number;
  /** Shares of train/val/test when the data set has no test split of its own (default the study's 0.8/0.1/0.1). */
  readonly fractions?: { readonly train: number; readonly val: number; readonly test: number };
}

const ORDER: SplitName[] = ['train', 'val', 'test'];

/**
 * Assigns every entry to train, val or test:
 * - the data set's own `test/` (and `val/`) folders are kept as they are;
 * - otherwise test is carved from the pool with the given fractions, stratified by label;
 * - validation is carved from train, stratified, at val / (train + val) of it (1/9 with 80/10/10),
 *   unless the data set has its own `val/`;
 * - whole groups go to one side (no subject, or pseudo-subject, on two sides). A group counts for
 *   its majority label. Groups are shuffled with the seed and dealt to the split furthest below its
 *   target share, so sizes come close to the fractions when groups are small.
 *
 * @param entries each item's label, group and own split (from the data set's folders)
 * @param options `seed` (default 42) and `fractions` of train/val/test (default 0.8/0.1/0.1, summing to 1)
 * @returns the split of each entry, in entry order
 * @throws AlzbenchError (exit 2) `Expected fraction in 0..1 ...`, `Expected fractions summing to 1 ...`, or
 *   `Expected integer for seed ...`
 *
 * @example
 * assignSplits(entries, { seed: 7 }); // ['train', 'test', 'train', 'val', ...]
 */
export function assignSplits(entries: readonly SplitEntry[], options: SplitOptions = {}): SplitName[] {
  const seed = options.seed ?? 42;
  const fractions = options.fractions ?? { train: 0.8, val: 0.1, test: 0.1 };
  for (const [name, value] of Object.entries(fractions)) {
    if (!(value >= 0 && value <= 1)) throw invalid('fraction in 0..1', `${name} fraction`, value);
  }
  const total = fractions.train + fractions.val + fractions.test;
  if (Math.abs(total - 1) > 1e-6) throw invalid('fractions summing to 1', 'train/val/test fractions', [fractions.train, fractions.val, fractions.test]);
  if (!Number.isSafeInteger(seed)) throw invalid('integer', 'seed', seed);

  const result: Array<SplitName | undefined> = entries.map((e) => (e.sourceSplit === 'test' || e.sourceSplit === 'val' ? e.sourceSplit : undefined));
  const ownTest = result.includes('test');
  const ownVal = result.includes('val');
  const pool = entries.map((_, i) => i).filter((i) => result[i] === undefined);
  const shares: Record<SplitName, number> = ownTest
    ? { train: ownVal ? 1 : fractions.train, val: ownVal ? 0 : fractions.val, test: 0 }
    : { train: fractions.train, val: ownVal ? 0 : fractions.val, test: fractions.test };
  const shareSum = shares.train + shares.val + shares.test;
  dealGroups(
    entries,
    pool,
    {
      train: shares.train / shareSum,
      val: shares.val / shareSum,
      test: shares.test / shareSum,
    },
    seed,
    result,
  );
  return result as SplitName[];
}

function dealGroups(
  entries: readonly SplitEntry[],
  pool: readonly number[],
  shares: Record<SplitName, number>,
  seed: number,
  result: Array<SplitName | undefined>,
): void {
  // Members of each group, and each group's majority label.
  const members = new Map<string, number[]>();
  for (const i of pool) {
    const list = members.get(entries[i]!.group);
    if (list) list.push(i);
    else members.set(entries[i]!.group, [i]);
  }
  const byLabel = new Map<string, string[]>();
  for (const [group, list] of members) {
    const counts = new Map<string, number>();
    for (const i of list) counts.set(entries[i]!.label, (counts.get(entries[i]!.label) ?? 0) + 1);
    const label = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    const groups = byLabel.get(label);
    if (groups) groups.push(group);
    else byLabel.set(label, [group]);
  }
  for (const label of [...byLabel.keys()].sort()) {
    const groups = seededShuffle(byLabel.get(label)!.sort(), seed, label);
    const size = groups.reduce((s, g) => s + members.get(g)!.length, 0);
    const target: Record<SplitName, number> = { train: shares.train * size, val: shares.val * size, test: shares.test * size };
    const filled: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
    for (const group of groups) {
      const list = members.get(group)!;
      // The split furthest below its target takes the group; ties go train, val, test.
      let best: SplitName = 'train';
      let bestGap = -Infinity;
      for (const split of ORDER) {
        if (target[split] === 0) continue;
        const gap = target[split] - filled[split];
        if (gap > bestGap + 1e-9) {
          best = split;
          bestGap = gap;
        }
      }
      filled[best] += list.length;
      for (const i of list) result[i] = best;
    }
  }
}
