import type { NearPair } from './thumbnail.js';

/** Pseudo-subject groups: one group index per item, and the group sizes. */
export interface PseudoSubjects {
  /** `group[i]` is item i's group (0-based, numbered by first item). */
  readonly group: number[];
  readonly sizes: number[];
}

/**
 * Groups slices into pseudo-subjects when a data set has no subject IDs: the connected components
 * of the graph whose edges are near-duplicate pairs (and exact duplicates). Slices of one scan are
 * close to their neighbours, so a scan's slices chain into one component; a split by these groups
 * keeps near-identical slices on one side.
 *
 * @example
 * groupPseudoSubjects(4, [{ a: 0, b: 1, distance: 2 }, { a: 1, b: 2, distance: 3 }]).sizes; // [3, 1]
 */
export function groupPseudoSubjects(count: number, pairs: readonly Pick<NearPair, 'a' | 'b'>[]): PseudoSubjects {
  const parent = Array.from({ length: count }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (const { a, b } of pairs) {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
  const index = new Map<number, number>();
  const group: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) {
    const root = find(i);
    let g = index.get(root);
    if (g === undefined) {
      g = sizes.length;
      index.set(root, g);
      sizes.push(0);
    }
    group.push(g);
    sizes[g]!++;
  }
  return { group, sizes };
}

/** Summary for reports: number of groups, largest, and how many are singletons. */
export function describeGroups(sizes: readonly number[]): { groups: number; largest: number; singletons: number; histogram: Record<string, number> } {
  const histogram: Record<string, number> = {};
  for (const s of sizes) {
    const bucket = s === 1 ? '1' : s <= 4 ? '2-4' : s <= 16 ? '5-16' : s <= 64 ? '17-64' : '65+';
    histogram[bucket] = (histogram[bucket] ?? 0) + 1;
  }
  return { groups: sizes.length, largest: Math.max(0, ...sizes), singletons: sizes.filter((s) => s === 1).length, histogram };
}
