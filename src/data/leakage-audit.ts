import type { SplitName } from './dataset.js';
import type { NearPair } from './thumbnail.js';

/** One item as the audit sees it. */
export interface AuditEntry {
  readonly id: string;
  readonly hash: string;
  readonly split: SplitName;
}

/** Example of a leak: the items involved, with their splits. */
export interface LeakExample {
  readonly items: ReadonlyArray<{ readonly id: string; readonly split: SplitName }>;
  /** Thumbnail distance for near-duplicates (0 for exact). */
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
  readonly nearThreshold: number;
  readonly exact: DuplicateReport;
  readonly near: DuplicateReport;
  readonly closeToTrain: CloseToTrain[];
}

const PAIR_ORDER: SplitName[] = ['train', 'val', 'test'];
const pairKey = (a: SplitName, b: SplitName) => (PAIR_ORDER.indexOf(a) <= PAIR_ORDER.indexOf(b) ? `${a}~${b}` : `${b}~${a}`);

function report(entries: readonly AuditEntry[], pairs: ReadonlyArray<{ a: number; b: number; distance: number }>, examples: number): DuplicateReport {
  const withinSplit: Partial<Record<SplitName, number>> = {};
  const acrossSplits: Record<string, number> = {};
  const across: typeof pairs[number][] = [];
  const within: typeof pairs[number][] = [];
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
 * Audits a split for leakage: exact duplicates (same content hash) and near-duplicates (thumbnail
 * distance at most `nearThreshold`, different hash), each counted within and across splits with
 * examples, and the share of validation and test items that have a close train item (on the real
 * Kaggle 4-class set about 15 % of test slices do).
 *
 * @param nearPairsFound pairs from `nearPairs(thumbnails, nearThreshold)`, indices into `entries`
 */
export function auditLeakage(
  entries: readonly AuditEntry[],
  nearPairsFound: readonly NearPair[],
  nearThreshold: number,
  examples = 5,
): LeakageAudit {
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
  return { nearThreshold, exact: report(entries, exactPairs, examples), near: report(entries, near, examples), closeToTrain };
}
