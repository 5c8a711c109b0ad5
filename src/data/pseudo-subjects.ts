import { candidatePairs, type SlicePair } from './nearest-slices.js';
import { sameFrameDistance, type SliceSignature } from './slice-signature.js';
import { SAME_SCAN_LINK_DISTANCE } from './same-subject-thresholds.js';

/**
 * Share of the link distance used for the uncapped chains whose median length estimates slices per
 * scan. On synthetic scans of 32 slices (seed 7) 0.7 is the smallest share that recovers 32 (0.6
 * gives 30, and the grouping's ARI drops by 0.05); under-estimating costs far more than
 * over-estimating (0.9: 37-40, ARI -0.005), so the share sits above it.
 */
const ESTIMATE_SHARE = 0.8;
/** Cap = this times that median: the surest chains still miss a slice or two of a scan. */
const RUN_SLACK = 1.25;

/**
 * Weight of the left-right head position in the cost of linking two slices into one scan, per
 * image width: 0.02 per pixel at 176 pixels. Within one scan the head does not move sideways from
 * slice to slice (the midline stays put), while two scans, even of look-alike brains, rarely place
 * the head at the same column: at the lowest slices (cerebellum, skull base), where different
 * people's slices are as close as a neighbouring slice, the column alone told the true neighbour
 * from the closest other person in 83 % of cases on synthetic data. With it the grouping's ARI
 * on two 200-subject synthetic sets rose from 0.911 and 0.904 to 0.916 and 0.911. Only the
 * grouping uses it: the leakage audit looks for the same person, who may sit elsewhere in another
 * session. On sets registered to one template every head sits at the same column and the term is
 * about 0.
 */
export const LATERAL_SHIFT_WEIGHT = 3.5;

/**
 * Cost of linking two slices into one scan: their {@link sameFrameDistance} (no alignment: one
 * scan, one pixel frame) plus {@link LATERAL_SHIFT_WEIGHT} times the difference of their head
 * centroids' columns, as a share of the image width.
 *
 * @param a the first slice's signature (see `sliceSignature`)
 * @param b the second slice's signature; another size is resampled to `a`'s, as {@link sameFrameDistance}
 * @returns the cost (unitless, >= 0): 0 for identical slices; at most {@link LATERAL_SHIFT_WEIGHT} more than
 *   {@link sameFrameDistance}
 * @example
 * scanLinkCost(sliceSignature(a), sliceSignature(a)); // 0
 */
export function scanLinkCost(a: SliceSignature, b: SliceSignature): number {
  return sameFrameDistance(a, b) + LATERAL_SHIFT_WEIGHT * Math.abs(a.centroid[0] / a.width - b.centroid[0] / b.width);
}

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
  /**
   * Candidate pairs (from {@link candidatePairs}); found here when absent. Their distances are
   * recomputed as {@link scanLinkCost} (one more full-resolution comparison per pair).
   */
  readonly pairs?: readonly SlicePair[];
  /**
   * Class of each slice, when known: slices of different classes are never linked, since one scan
   * has one diagnosis (in the Kaggle sets, a class folder per person).
   */
  readonly labels?: readonly (string | number)[];
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
 * @param count the number of slices (indices 0..count-1)
 * @param pairs candidate pairs with their full-resolution distance (1 - correlation)
 * @param maxDistance the largest distance of a kept link
 * @param cap the most slices in one chain (Infinity for none)
 * @returns the group of each slice (numbered by first slice) and each group's size
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
  // Two link slots per slice: its predecessor and successor in the chain (-1 when free).
  const links = new Int32Array(2 * count).fill(-1);
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    parent[child] = root;
    size[root]! += size[child]!;
  };
  const addLink = (a: number, b: number) => {
    links[2 * a + degree[a]!] = b;
    links[2 * b + degree[b]!] = a;
    degree[a]!++;
    degree[b]!++;
  };
  const removeLink = (a: number, b: number) => {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      if (links[2 * x] === y) links[2 * x] = links[2 * x + 1]!;
      links[2 * x + 1] = -1;
      degree[x]!--;
    }
  };
  const sorted = pairs.filter((p) => p.distance <= maxDistance).sort((x, y) => x.distance - y.distance || x.a - y.a || x.b - y.b);
  for (const { a, b } of sorted) {
    if (degree[a]! >= 2 || degree[b]! >= 2) continue;
    const ra = find(a);
    const rb = find(b);
    if (ra === rb || size[ra]! + size[rb]! > cap) continue;
    addLink(a, b);
    union(a, b);
  }
  spliceFragments(count, sorted, { find, size, degree, links, addLink, removeLink, union }, maxDistance, cap);
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

interface ChainState {
  find(i: number): number;
  readonly size: number[];
  readonly degree: Uint8Array;
  readonly links: Int32Array;
  addLink(a: number, b: number): void;
  removeLink(a: number, b: number): void;
  union(a: number, b: number): void;
}

/**
 * Second pass of {@link linkScans}: a short chain (or single slice) that the greedy pass left
 * beside a longer chain is spliced into it where it fits best ("cheapest insertion"): between
 * linked slices u and v when d(u, end1) + d(end2, v) - d(u, v) is smallest and at most
 * `maxDistance`. Needed because two slices on either side of a noisy slice can be closer to each
 * other than to it; the greedy pass then links across it and leaves it alone.
 */
function spliceFragments(count: number, sorted: readonly SlicePair[], state: ChainState, maxDistance: number, cap: number): void {
  const { find, size, degree, links } = state;
  const distance = new Map<number, number>();
  const near: Array<Array<{ other: number; distance: number }>> = Array.from({ length: count }, () => []);
  for (const p of sorted) {
    distance.set(p.a * count + p.b, p.distance);
    near[p.a]!.push({ other: p.b, distance: p.distance });
    near[p.b]!.push({ other: p.a, distance: p.distance });
  }
  const between = (a: number, b: number) => distance.get(Math.min(a, b) * count + Math.max(a, b));
  const members = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const r = find(i);
    const list = members.get(r);
    if (list) list.push(i);
    else members.set(r, [i]);
  }
  const fragments = [...members.values()].filter((m) => m.length < cap / 2).sort((x, y) => x.length - y.length || x[0]! - y[0]!);
  for (const fragment of fragments) {
    const root = find(fragment[0]!);
    if (size[root] !== fragment.length) continue; // already spliced into another chain
    const ends = fragment.filter((i) => degree[i]! < 2);
    if (ends.length === 0) continue;
    const [e1, e2] = ends.length === 1 ? [ends[0]!, ends[0]!] : [ends[0]!, ends[1]!];
    let best: { u: number; v: number; ea: number; eb: number; cost: number } | undefined;
    for (const [ea, eb] of [
      [e1, e2],
      [e2, e1],
    ] as const) {
      for (const { other: u, distance: du } of near[ea]!) {
        const ru = find(u);
        if (ru === root || size[ru]! + fragment.length > cap) continue;
        for (const v of [links[2 * u]!, links[2 * u + 1]!]) {
          if (v < 0) continue;
          const dv = between(eb, v);
          if (dv === undefined) continue;
          const cost = du + dv - between(u, v)!;
          if (cost <= maxDistance && (!best || cost < best.cost)) best = { u, v, ea, eb, cost };
        }
      }
    }
    if (!best) continue;
    state.removeLink(best.u, best.v);
    state.addLink(best.u, best.ea);
    state.addLink(best.eb, best.v);
    state.union(best.u, best.ea);
  }
}

/**
 * Typical chain length: the median, over slices in chains of two or more, of the length of the
 * slice's chain (so many short fragments do not drag it down). 1 when nothing chained.
 *
 * @param sizes the size of each chain
 * @returns the lower median chain length, weighted by slices
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
 * 2. verification: {@link scanLinkCost} (normalized cross-correlation at full resolution in the
 *    slices' own frame, brightness and coarse-shape terms, the head's left-right shift);
 * 3. slices per scan, unless given: 1.25 times the {@link medianRunLength} of chains linked
 *    without a cap at 0.8 times the link distance (only the surest links; calibrated on
 *    synthetic data, where it gives 33-34 for scans of 32 slices);
 * 4. {@link linkScans} with that cap and the calibrated `maxDistance`, never across classes when
 *    `labels` are given.
 * A group is therefore at most one scan; with one scan per person (OASIS-1, the Kaggle sets
 * derived from it) groups are people. A person's scan may still come out as two or more groups
 * (a missing slice breaks the chain); a split by groups then can still leak, which the leakage
 * audit reports.
 *
 * @param slices one signature per slice (from `sliceSignature`)
 * @param options `maxDistance` (default {@link SAME_SCAN_LINK_DISTANCE}), `slicesPerScan` (default estimated),
 *   `neighbours` (default 6), precomputed `pairs`, and `labels` (one per slice) to keep classes apart
 * @returns each slice's group and the group sizes, the slices-per-scan cap used, whether it was estimated, and
 *   `maxDistance`
 * @throws Error `reconstructSubjects: <n> slices but <m> labels` when the label count differs
 * @example
 * const subjects = reconstructSubjects(images.map(sliceSignature)); // subjects.group[i], subjects.slicesPerScan
 */
export function reconstructSubjects(slices: readonly SliceSignature[], options: ReconstructOptions = {}): ReconstructedSubjects {
  const maxDistance = options.maxDistance ?? SAME_SCAN_LINK_DISTANCE;
  const labels = options.labels;
  if (labels && labels.length !== slices.length) throw new Error(`reconstructSubjects: ${slices.length} slices but ${labels.length} labels`);
  const found = options.pairs ?? candidatePairs(slices, options.neighbours ?? 6);
  const pairs = (labels ? found.filter((p) => labels[p.a] === labels[p.b]) : found).map((p) => ({
    ...p,
    distance: scanLinkCost(slices[p.a]!, slices[p.b]!),
  }));
  const estimated = options.slicesPerScan === undefined;
  const slicesPerScan =
    options.slicesPerScan ?? Math.ceil(RUN_SLACK * medianRunLength(linkScans(slices.length, pairs, ESTIMATE_SHARE * maxDistance, Infinity).sizes));
  return { ...linkScans(slices.length, pairs, maxDistance, slicesPerScan), slicesPerScan, estimated, maxDistance };
}

/**
 * Summary for reports: number of groups, largest, and how many are singletons.
 *
 * @param sizes the size of each group
 * @returns the group count, largest size (0 for none), singleton count, and a histogram of group sizes in buckets
 *   `1`, `2-4`, `5-16`, `17-64`, `65+`
 */
export function describeGroups(sizes: readonly number[]): { groups: number; largest: number; singletons: number; histogram: Record<string, number> } {
  const histogram: Record<string, number> = {};
  for (const s of sizes) {
    const bucket = s === 1 ? '1' : s <= 4 ? '2-4' : s <= 16 ? '5-16' : s <= 64 ? '17-64' : '65+';
    histogram[bucket] = (histogram[bucket] ?? 0) + 1;
  }
  return { groups: sizes.length, largest: Math.max(0, ...sizes), singletons: sizes.filter((s) => s === 1).length, histogram };
}
