import type { SplitName } from './dataset.js';
import { coarseNeighbours, type SlicePair } from './nearest-slices.js';
import { sliceDistance, type SliceSignature } from './slice-signature.js';
import { TWIN_CONSISTENT_DISTANCE, TWIN_CONSISTENT_SHARE, TWIN_DISTANCE, TWIN_DISTINCT_RATIO, TWIN_MIN_SLICES } from './same-subject-thresholds.js';

/** One item as the audit sees it. */
export interface AuditEntry {
  readonly id: string;
  readonly hash: string;
  readonly split: SplitName;
}

/** Example of a leak: the items involved, with their splits. */
export interface LeakExample {
  readonly items: ReadonlyArray<{ readonly id: string; readonly split: SplitName }>;
  /** Full-resolution distance (1 - normalized cross-correlation) for near-duplicates (0 for exact). */
  readonly distance: number;
}

/** Counts and examples for one kind of duplicate. */
export interface DuplicateReport {
  /** Duplicate pairs with both items in one split, by split. */
  readonly withinSplit: Partial<Record<SplitName, number>>;
  /** Pairs across splits, by `train~test`, `train~val`, `val~test`. */
  readonly acrossSplits: Record<string, number>;
  readonly pairs: number;
  /** Up to `examples` cross-split pairs (closest first), then within-split ones. */
  readonly examples: LeakExample[];
}

/** Share of a split's items that have an exact or near duplicate in train. */
export interface CloseToTrain {
  readonly split: SplitName;
  readonly items: number;
  readonly withCloseTrainItem: number;
  readonly share: number;
}

/** The leakage audit that `data inspect` prints and runs record. */
export interface LeakageAudit {
  /** Largest full-resolution distance ({@link sliceDistance}) at which two slices count as one person. */
  readonly nearThreshold: number;
  readonly exact: DuplicateReport;
  readonly near: DuplicateReport;
  readonly closeToTrain: CloseToTrain[];
  /** Per validation/test subject (or pseudo-subject): does it have a twin in train. */
  readonly twins: TwinCheck;
}

/** One validation or test subject as the twin check saw it. */
export interface SubjectTwin {
  readonly split: SplitName;
  /** Subject ID, `pseudo:<n>`, or the item ID when items are not grouped. */
  readonly subject: string;
  readonly slices: number;
  /** Its slices with a train slice within the twin distance (or an exact copy in train). */
  readonly twinSlices: number;
  /**
   * Most of its slices whose closest train slice is within the consistent distance, in one train
   * subject, and clearly closer than any other train subject (the ratio test).
   */
  readonly consistentSlices: number;
  /** That train subject (or pseudo-subject, or train item when train is not grouped). */
  readonly matchedTrainSubject: string;
  /** Smallest distance from one of its slices to a train slice (null when train is empty). */
  readonly closestDistance: number | null;
  /** The train item at that distance. */
  readonly closestTrainItem: string;
  /**
   * The same person is in train: an exact copy of one of its slices is there, or (one slice)
   * it is within the twin distance, or (several) `consistentSlices` reaches both
   * `minTwinSlices` and `consistentShare` of its slices.
   */
  readonly twin: boolean;
}

/** The per-subject twin check of the audit. */
export interface TwinCheck {
  /** What a unit is: subjects from IDs, reconstructed pseudo-subjects, or single slices. */
  readonly unit: 'subject' | 'pseudo-subject' | 'slice';
  /** Largest slice distance of a twin pair (calibrated; see same-subject-thresholds.ts). */
  readonly twinDistance: number;
  /** Fewest consistent slices of a twin (calibrated with the distances). */
  readonly minTwinSlices: number;
  /** Largest distance of a slice counted as consistent (pointing at one train subject). */
  readonly consistentDistance: number;
  /** Share of a unit's slices that must be consistent. */
  readonly consistentShare: number;
  /**
   * Largest ratio of a consistent slice's distance to its closest train subject over its distance
   * to the next closest train subject (the ratio test): the same person is clearly closer than
   * anyone else, a look-alike about as close as several others.
   */
  readonly distinctRatio: number;
  /** Per split: units, units with a twin in train, their share, and the same for slices. */
  readonly bySplit: ReadonlyArray<{ split: SplitName; subjects: number; withTwinInTrain: number; share: number; slices: number; slicesWithTwin: number }>;
  /** Every validation and test unit, twins first, closest first. */
  readonly subjects: SubjectTwin[];
}

type TwinRule = Pick<TwinCheck, 'twinDistance' | 'minTwinSlices' | 'consistentDistance' | 'consistentShare' | 'distinctRatio'>;

/** Options of {@link auditLeakage} beyond the verified pairs. */
export interface AuditOptions {
  /** Examples listed per duplicate kind (default 5). */
  readonly examples?: number;
  /** Twin distance (default {@link TWIN_DISTANCE}). */
  readonly twinDistance?: number;
  /** Fewest consistent slices of a twin (default {@link TWIN_MIN_SLICES}). */
  readonly minTwinSlices?: number;
  /** Default {@link TWIN_CONSISTENT_DISTANCE}. */
  readonly consistentDistance?: number;
  /** Default {@link TWIN_CONSISTENT_SHARE}. */
  readonly consistentShare?: number;
  /** Default {@link TWIN_DISTINCT_RATIO}. */
  readonly distinctRatio?: number;
  /** Unit of the twin check (default `subject` when every entry has a group, else `slice`). */
  readonly unit?: TwinCheck['unit'];
}

/**
 * Pairs between each validation/test slice and its closest train slices: the `neighbours` most
 * similar train slices by the coarse descriptor, verified at full resolution with
 * {@link sliceDistance}. O(held-out x train) for the coarse product (libtorch) plus
 * O(held-out x neighbours) full-resolution comparisons. 8 neighbours (default) usually include
 * slices of a second train subject, which the twin check's ratio test compares against.
 *
 * @param entries each item's split
 * @param signatures each item's slice signature, in `entries` order
 * @param neighbours closest train slices verified per held-out slice; default 4
 * @returns pairs with `a` the train slice and `b` the held-out one (indices into `entries`)
 */
export function trainTwinPairs(entries: readonly Pick<AuditEntry, 'split'>[], signatures: readonly SliceSignature[], neighbours = 8): SlicePair[] {
  const train: number[] = [];
  const held: number[] = [];
  entries.forEach((e, i) => (e.split === 'train' ? train : held).push(i));
  const found = coarseNeighbours(
    held.map((i) => signatures[i]!),
    train.map((i) => signatures[i]!),
    neighbours,
  );
  const pairs: SlicePair[] = [];
  found.forEach((row, q) => {
    const b = held[q]!;
    for (const t of row) pairs.push({ a: train[t]!, b, distance: sliceDistance(signatures[b]!, signatures[train[t]!]!) });
  });
  return pairs;
}

const PAIR_ORDER: SplitName[] = ['train', 'val', 'test'];
const pairKey = (a: SplitName, b: SplitName) => (PAIR_ORDER.indexOf(a) <= PAIR_ORDER.indexOf(b) ? `${a}~${b}` : `${b}~${a}`);

function report(entries: readonly AuditEntry[], pairs: ReadonlyArray<{ a: number; b: number; distance: number }>, examples: number): DuplicateReport {
  const withinSplit: Partial<Record<SplitName, number>> = {};
  const acrossSplits: Record<string, number> = {};
  const across: (typeof pairs)[number][] = [];
  const within: (typeof pairs)[number][] = [];
  for (const p of pairs) {
    const sa = entries[p.a]!.split;
    const sb = entries[p.b]!.split;
    if (sa === sb) {
      withinSplit[sa] = (withinSplit[sa] ?? 0) + 1;
      within.push(p);
    } else {
      const key = pairKey(sa, sb);
      acrossSplits[key] = (acrossSplits[key] ?? 0) + 1;
      across.push(p);
    }
  }
  const byDistance = (x: { distance: number }, y: { distance: number }) => x.distance - y.distance;
  const chosen = [...across.sort(byDistance), ...within.sort(byDistance)].slice(0, examples);
  return {
    withinSplit,
    acrossSplits,
    pairs: pairs.length,
    examples: chosen.map((p) => ({
      items: [p.a, p.b].map((i) => ({ id: entries[i]!.id, split: entries[i]!.split })),
      distance: Math.round(p.distance * 100) / 100,
    })),
  };
}

/**
 * Audits a split for leakage: exact duplicates (same content hash) and near-duplicates (verified
 * pairs at full resolution within the twin distance, different hash), each counted within and
 * across splits with examples; the share of validation and test items that have an exact or near
 * duplicate in train; and per validation/test subject (or pseudo-subject, or slice) whether it has
 * a twin in train: at least half of its slices (and at least `minTwinSlices`) have their closest
 * train slice within the consistent distance, all in one train subject, and each at most
 * `distinctRatio` times as far as the next train subject (Lowe's ratio test) (a single slice: within
 * the twin distance; an exact copy always counts). Distances, share and count are calibrated on
 * data with known subjects (see same-subject-thresholds.ts): a similar brain of another person
 * matches a few slices scattered over many train people, the same person most slices of one.
 *
 * @param verifiedPairs pairs with full-resolution distances (from {@link trainTwinPairs} and
 *   `candidatePairs`), indices into `entries`; a pair may appear twice
 * @param entries each item's ID, content hash, split and group (subject or pseudo-subject)
 * @param options examples per kind (default 5), twin distance (default {@link TWIN_DISTANCE}), fewest twin slices
 *   (default {@link TWIN_MIN_SLICES}), consistent distance and share, and the unit of the twin check (default
 *   `subject` when every entry has a group, else `slice`)
 * @returns exact and near duplicates within and across splits, each held-out item's closeness to train, and the
 *   per-subject twin check
 */
export function auditLeakage(
  entries: readonly (AuditEntry & { readonly group?: string })[],
  verifiedPairs: readonly SlicePair[],
  options: AuditOptions = {},
): LeakageAudit {
  const examples = options.examples ?? 5;
  const nearThreshold = options.twinDistance ?? TWIN_DISTANCE;
  const minTwinSlices = options.minTwinSlices ?? TWIN_MIN_SLICES;
  const seen = new Set<string>();
  const nearPairsFound = verifiedPairs.filter((p) => {
    if (p.distance > nearThreshold) return false;
    const key = p.a < p.b ? `${p.a},${p.b}` : `${p.b},${p.a}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const byHash = new Map<string, number[]>();
  entries.forEach((e, i) => {
    const list = byHash.get(e.hash);
    if (list) list.push(i);
    else byHash.set(e.hash, [i]);
  });
  const exactPairs: Array<{ a: number; b: number; distance: number }> = [];
  for (const list of byHash.values()) {
    for (let x = 0; x < list.length; x++) for (let y = x + 1; y < list.length; y++) exactPairs.push({ a: list[x]!, b: list[y]!, distance: 0 });
  }
  const near = nearPairsFound.filter((p) => entries[p.a]!.hash !== entries[p.b]!.hash);
  const closeToTrain: CloseToTrain[] = [];
  for (const split of ['val', 'test'] as const) {
    const members = entries.filter((e) => e.split === split).length;
    if (members === 0) continue;
    const close = new Set<number>();
    for (const p of [...exactPairs, ...near]) {
      const sa = entries[p.a]!.split;
      const sb = entries[p.b]!.split;
      if (sa === split && sb === 'train') close.add(p.a);
      if (sb === split && sa === 'train') close.add(p.b);
    }
    closeToTrain.push({ split, items: members, withCloseTrainItem: close.size, share: Math.round((close.size / members) * 1000) / 1000 });
  }
  const unit =
    options.unit ??
    (entries.length > 0 && entries.every((e) => e.group !== undefined)
      ? entries.every((e) => e.group!.startsWith('pseudo:'))
        ? 'pseudo-subject'
        : 'subject'
      : 'slice');
  const rule: TwinRule = {
    twinDistance: nearThreshold,
    minTwinSlices,
    consistentDistance: options.consistentDistance ?? TWIN_CONSISTENT_DISTANCE,
    consistentShare: options.consistentShare ?? TWIN_CONSISTENT_SHARE,
    distinctRatio: options.distinctRatio ?? TWIN_DISTINCT_RATIO,
  };
  const twins = checkTwins(entries, [...exactPairs, ...verifiedPairs], rule, unit);
  return { nearThreshold, exact: report(entries, exactPairs, examples), near: report(entries, near, examples), closeToTrain, twins };
}

function checkTwins(
  entries: readonly (AuditEntry & { readonly group?: string })[],
  pairs: readonly SlicePair[],
  rule: TwinRule,
  unit: TwinCheck['unit'],
): TwinCheck {
  // Closest train slice of every held-out slice, and its closest train slice of another train
  // subject (for the ratio test).
  const trainGroup = (t: number) => entries[t]!.group ?? entries[t]!.id;
  const candidates = new Map<number, SlicePair[]>();
  for (const p of pairs) {
    const sa = entries[p.a]!.split;
    const sb = entries[p.b]!.split;
    if ((sa === 'train') === (sb === 'train')) continue;
    const [held, train] = sa === 'train' ? [p.b, p.a] : [p.a, p.b];
    const list = candidates.get(held);
    const pair = { a: train, b: held, distance: p.distance };
    if (list) list.push(pair);
    else candidates.set(held, [pair]);
  }
  const closest = new Map<number, { distance: number; train: number; ratio: number }>();
  for (const [held, list] of candidates) {
    let best = list[0]!;
    for (const p of list) if (p.distance < best.distance) best = p;
    const group = trainGroup(best.a);
    let other = Infinity;
    for (const p of list) if (p.distance < other && trainGroup(p.a) !== group) other = p.distance;
    closest.set(held, { distance: best.distance, train: best.a, ratio: other === Infinity ? 0 : other > 0 ? best.distance / other : 1 });
  }
  const units = new Map<string, { split: SplitName; members: number[] }>();
  entries.forEach((e, i) => {
    if (e.split === 'train') return;
    const key = unit === 'slice' ? e.id : (e.group ?? e.id);
    const u = units.get(`${e.split}\u0000${key}`);
    if (u) u.members.push(i);
    else units.set(`${e.split}\u0000${key}`, { split: e.split, members: [i] });
  });
  const subjects: SubjectTwin[] = [];
  for (const [key, { split, members }] of units) {
    let twinSlices = 0;
    let exact = false;
    let best: { distance: number; train: number } | undefined;
    // Slices whose closest train slice is near, counted per train subject: one person's slices
    // all point at the same train person; a look-alike of another person at a few scattered ones.
    const perTrainGroup = new Map<string, number>();
    for (const i of members) {
      const c = closest.get(i);
      if (!c) continue;
      if (c.distance <= rule.twinDistance) twinSlices++;
      if (c.distance === 0 && entries[i]!.hash === entries[c.train]!.hash) exact = true;
      if (c.distance <= rule.consistentDistance && c.ratio <= rule.distinctRatio) {
        const g = entries[c.train]!.group ?? entries[c.train]!.id;
        perTrainGroup.set(g, (perTrainGroup.get(g) ?? 0) + 1);
      }
      if (!best || c.distance < best.distance) best = c;
    }
    let consistentSlices = 0;
    let matchedTrainSubject = '';
    for (const [g, n] of perTrainGroup) {
      if (n > consistentSlices) [consistentSlices, matchedTrainSubject] = [n, g];
    }
    const needed = Math.max(rule.minTwinSlices, Math.ceil(rule.consistentShare * members.length));
    const twin = exact || (members.length === 1 ? twinSlices === 1 : consistentSlices >= needed);
    subjects.push({
      split,
      subject: key.slice(key.indexOf('\u0000') + 1),
      slices: members.length,
      twinSlices,
      consistentSlices,
      matchedTrainSubject,
      closestDistance: best ? Math.round(best.distance * 10000) / 10000 : null,
      closestTrainItem: best ? entries[best.train]!.id : '',
      twin,
    });
  }
  subjects.sort((x, y) => Number(y.twin) - Number(x.twin) || (x.closestDistance ?? Infinity) - (y.closestDistance ?? Infinity));
  const bySplit: TwinCheck['bySplit'][number][] = [];
  for (const split of ['val', 'test'] as const) {
    const list = subjects.filter((s) => s.split === split);
    if (list.length === 0) continue;
    const withTwinInTrain = list.filter((s) => s.twin).length;
    bySplit.push({
      split,
      subjects: list.length,
      withTwinInTrain,
      share: Math.round((withTwinInTrain / list.length) * 1000) / 1000,
      slices: list.reduce((n, s) => n + s.slices, 0),
      slicesWithTwin: list.reduce((n, s) => n + s.twinSlices, 0),
    });
  }
  return { unit, ...rule, bySplit, subjects };
}
