import { candidatePairs, type SlicePair } from './nearest-slices.js';
import type { SliceSignature } from './slice-signature.js';
import { SAME_SCAN_LINK_DISTANCE } from './same-subject-thresholds.js';

/** Share of the link distance used for the uncapped chains whose median length estimates slices per scan. */
const ESTIMATE_SHARE = 0.6;
/** Cap = this times that median: the surest chains still miss a slice or two of a scan. */
const RUN_SLACK = 1.15;

/** Pseudo-subject groups: one group index per item, and the group sizes. */
export interface PseudoSubjects {
  /** `group[i]` is item i's group (0-based, numbered by first item). */
  readonly group: number[];
  readonly sizes: number[];
}

/** How {@link reconstructSubjects} grouped, for reports. */
export interface ReconstructedSubjects extends PseudoSubjects {
  /** Largest group allowed: the stated or estimated slices per scan. */
  readonly slicesPerScan: number;
  /** Whether `slicesPerScan` was estimated from the data (median run length) rather than given. */
  readonly estimated: boolean;
  /** Largest full-resolution distance of a link between two slices. */
  readonly maxDistance: number;
}

/** Options of {@link reconstructSubjects}. */
export interface ReconstructOptions {
  /** Largest distance of a link (default {@link SAME_SCAN_LINK_DISTANCE}, calibrated on data with known subjects). */
  readonly maxDistance?: number;
  /** Slices per scan (the group size cap); default estimated from the data. */
  readonly slicesPerScan?: number;
  /** Coarse candidates verified per slice (default 6). */
  readonly neighbours?: number;
  /** Candidate pairs already verified (from {@link candidatePairs}); found here when absent. */
  readonly pairs?: readonly SlicePair[];
}

/**
 * Links slices into scans along a slice order: candidate links are taken shortest first, and a
 * link is kept only when both slices still have a free side (each slice links to at most one
 * predecessor and one successor), it closes no loop, it is at most `maxDistance`, and the joined
 * chain holds at most `cap` slices. The groups are therefore chains, never the giant connected
 * components that a near-duplicate graph forms when brains of different people look alike (on a
 * real 30,520-slice set the components put 83 % of the slices in one group).
 *
 * Greedy path cover (the "greedy edge" heuristic of travelling-salesman tours); O(P log P) in the
 * number of pairs P.
 *
 * @example
 * linkScans(4, [{ a: 0, b: 1, distance: 0.02 }, { a: 1, b: 2, distance: 0.03 }, { a: 0, b: 2, distance: 0.01 }], 0.05, 32).sizes; // [3, 1]
 */
export function linkScans(count: number, pairs: readonly SlicePair[], maxDistance: number, cap: number): PseudoSubjects {
  const parent = Array.from({ length: count }, (_, i) => i);
  const size = new Array<number>(count).fill(1);
  const degree = new Uint8Array(count);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const sorted = pairs.filter((p) => p.distance <= maxDistance).sort((x, y) => x.distance - y.distance || x.a - y.a || x.b - y.b);
  for (const { a, b } of sorted) {
    if (degree[a]! >= 2 || degree[b]! >= 2) continue;
    const ra = find(a);
    const rb = find(b);
    if (ra === rb || size[ra]! + size[rb]! > cap) continue;
    degree[a]!++;
    degree[b]!++;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    parent[child] = root;
    size[root]! += size[child]!;
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

/**
 * Typical chain length: the median, over slices in chains of two or more, of the length of the
 * slice's chain (so many short fragments do not drag it down). 1 when nothing chained.
 */
export function medianRunLength(sizes: readonly number[]): number {
  const weighted: number[] = [];
  for (const s of sizes) if (s >= 2) for (let i = 0; i < s; i++) weighted.push(s);
  if (weighted.length === 0) return 1;
  weighted.sort((x, y) => x - y);
  return weighted[Math.floor((weighted.length - 1) / 2)]!;
}

/**
 * Reconstructs subjects from slices when a data set has no subject IDs. Neighbouring axial slices
 * of one scan are nearly identical at full resolution while different people, even when their
 * brains look alike at thumbnail size, differ in head outline, ventricles and sulci, so:
 * 1. candidate pairs: each slice's `neighbours` most similar slices by a coarse descriptor;
 * 2. verification: {@link sliceDistance} (normalized cross-correlation after centroid alignment)
 *    at full resolution;
 * 3. slices per scan, unless given: 1.15 times the {@link medianRunLength} of chains linked
 *    without a cap at 0.6 times the link distance (only the surest links; calibrated on
 *    synthetic data, where it gives 32 for scans of 32 slices);
 * 4. {@link linkScans} with that cap and the calibrated `maxDistance`.
 * A group is therefore at most one scan; with one scan per person (OASIS-1, the Kaggle sets
 * derived from it) groups are people. A person's scan may still come out as two or more groups
 * (a missing slice breaks the chain); a split by groups then can still leak, which the leakage
 * audit reports.
 *
 * @example
 * const subjects = reconstructSubjects(images.map(sliceSignature)); // subjects.group[i], subjects.slicesPerScan
 */
export function reconstructSubjects(slices: readonly SliceSignature[], options: ReconstructOptions = {}): ReconstructedSubjects {
  const maxDistance = options.maxDistance ?? SAME_SCAN_LINK_DISTANCE;
  const pairs = options.pairs ?? candidatePairs(slices, options.neighbours ?? 6);
  const estimated = options.slicesPerScan === undefined;
  const slicesPerScan = options.slicesPerScan ?? Math.ceil(RUN_SLACK * medianRunLength(linkScans(slices.length, pairs, ESTIMATE_SHARE * maxDistance, Infinity).sizes));
  return { ...linkScans(slices.length, pairs, maxDistance, slicesPerScan), slicesPerScan, estimated, maxDistance };
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
