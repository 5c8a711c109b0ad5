import { invalid } from '../util/errors.js';
import { resolveTask, type Task } from './classes.js';
import type { Dataset, Problem, SplitName } from './dataset.js';
import { datasetFingerprint } from './fingerprint.js';
import { auditLeakage, trainTwinPairs, type LeakageAudit } from './leakage-audit.js';
import { loadItems, type BadInputPolicy, type LoadedItem } from './load-items.js';
import type { SplitManifest } from './manifest.js';
import { candidatePairs } from './nearest-slices.js';
import { describeGroups, reconstructSubjects, type ReconstructedSubjects } from './pseudo-subjects.js';
import { TWIN_DISTANCE } from './same-subject-thresholds.js';
import { sliceSignature } from './slice-signature.js';
import { assignSplits, type SplitOptions } from './split.js';

/** How the split keeps related slices together. */
export type Grouping = 'auto' | 'subject' | 'pseudo' | 'none';

/** Default near-duplicate (twin) threshold: 1 - normalized cross-correlation at full resolution, calibrated on known subjects. */
export const DEFAULT_NEAR_THRESHOLD = TWIN_DISTANCE;

/** Options of {@link prepareDataset}. */
export interface PrepareOptions extends SplitOptions {
  /** Task name (`4class`, `binary`, `map:...`); default the one the layout suggests. */
  readonly task?: string;
  /** `auto` (default): by subject when IDs exist, else by pseudo-subject. */
  readonly grouping?: Grouping;
  /** Twin distance of the audit (1 - normalized cross-correlation, default {@link DEFAULT_NEAR_THRESHOLD}). */
  readonly nearThreshold?: number;
  /** Slices per scan, the pseudo-subject size cap (default estimated from the data). */
  readonly slicesPerScan?: number;
  readonly onBad?: BadInputPolicy;
  readonly onProgress?: (message: string) => void;
}

/** A labelled, split item. */
export interface PreparedItem extends LoadedItem {
  /** Target class index into `task.classes`. */
  readonly label: number;
  readonly split: SplitName;
  /** Subject ID, `pseudo:<n>`, or undefined when ungrouped. */
  readonly group?: string;
}

/** A data set read, labelled, split and audited. */
export interface PreparedDataset {
  readonly dataset: Dataset;
  readonly task: Task;
  readonly items: PreparedItem[];
  readonly problems: Problem[];
  /** Items whose class the task leaves out, by source class. */
  readonly excluded: Record<string, number>;
  readonly grouping: Exclude<Grouping, 'auto'>;
  readonly groups: ReturnType<typeof describeGroups>;
  /** How pseudo-subjects were built (cap, link distance), when grouping is `pseudo`. */
  readonly pseudoSubjects?: Pick<ReconstructedSubjects, 'slicesPerScan' | 'estimated' | 'maxDistance'>;
  readonly audit: LeakageAudit;
  readonly fingerprint: string;
  readonly manifest: SplitManifest;
}

/**
 * Everything between a data folder and batches: reads and decodes the items (bad input reported
 * or stopping, as chosen), maps classes to the task, finds exact and near duplicates, groups by
 * subject or pseudo-subject, splits (own test folder, else stratified 80/10/10 with the seed),
 * audits leakage and computes the fingerprint and manifest.
 *
 * @example
 * const prepared = await prepareDataset(await openDataset(dir), { task: 'binary', seed: 1 });
 */
export async function prepareDataset(dataset: Dataset, options: PrepareOptions = {}): Promise<PreparedDataset> {
  const nearThreshold = options.nearThreshold ?? DEFAULT_NEAR_THRESHOLD;
  if (!(nearThreshold >= 0 && nearThreshold <= 2)) throw invalid('number in 0..2 (1 - correlation)', 'near-duplicate threshold', nearThreshold);
  if (options.slicesPerScan !== undefined && !(Number.isInteger(options.slicesPerScan) && options.slicesPerScan >= 1)) {
    throw invalid('positive integer', 'slices per scan', options.slicesPerScan);
  }
  const { loaded, problems } = await loadItems(dataset, {
    ...(options.onBad ? { onBad: options.onBad } : {}),
    onProgress: (done, total) => options.onProgress?.(`decoded ${done}/${total}`),
  });
  const task = resolveTask(options.task, [...new Set(dataset.items.map((i) => i.sourceClass))], dataset.defaultTask);
  const excluded: Record<string, number> = {};
  const kept: Array<LoadedItem & { label: number }> = [];
  for (const l of loaded) {
    const target = task.target(l.item.sourceClass);
    if (target === undefined) excluded[l.item.sourceClass] = (excluded[l.item.sourceClass] ?? 0) + 1;
    else kept.push({ ...l, label: task.classes.indexOf(target) });
  }
  options.onProgress?.(`comparing ${kept.length} slices at full resolution`);
  const signatures = kept.map((k) => sliceSignature(k.image));
  const pairs = candidatePairs(signatures, 6);
  const hasSubjects = kept.length > 0 && kept.every((k) => k.item.subject !== undefined);
  const requested = options.grouping ?? 'auto';
  if (requested === 'subject' && !hasSubjects) throw invalid('a data set with subject IDs', 'grouping subject', dataset.layout, 'use --grouping pseudo');
  const grouping = requested === 'auto' ? (hasSubjects ? 'subject' : 'pseudo') : requested;
  let groupOf: (i: number) => string | undefined;
  let sizes: number[];
  let pseudoSubjects: PreparedDataset['pseudoSubjects'];
  if (grouping === 'subject') {
    groupOf = (i) => kept[i]!.item.subject!;
    const counts = new Map<string, number>();
    for (const k of kept) counts.set(k.item.subject!, (counts.get(k.item.subject!) ?? 0) + 1);
    sizes = [...counts.values()];
  } else if (grouping === 'pseudo') {
    const pseudo = reconstructSubjects(signatures, { pairs, labels: kept.map((k) => k.item.sourceClass), ...(options.slicesPerScan ? { slicesPerScan: options.slicesPerScan } : {}) });
    groupOf = (i) => `pseudo:${pseudo.group[i]}`;
    sizes = pseudo.sizes;
    pseudoSubjects = { slicesPerScan: pseudo.slicesPerScan, estimated: pseudo.estimated, maxDistance: pseudo.maxDistance };
  } else {
    groupOf = () => undefined;
    sizes = kept.map(() => 1);
  }
  const splits = assignSplits(
    kept.map((k, i) => ({
      label: task.classes[k.label]!,
      group: groupOf(i) ?? `item:${i}`,
      ...(k.item.sourceSplit ? { sourceSplit: k.item.sourceSplit } : {}),
    })),
    options,
  );
  const items: PreparedItem[] = kept.map((k, i) => {
    const group = groupOf(i);
    return { ...k, split: splits[i]!, ...(group !== undefined ? { group } : {}) };
  });
  options.onProgress?.('auditing held-out slices against train');
  const auditEntries = items.map((it) => ({ id: it.item.id, hash: it.hash, split: it.split, ...(it.group !== undefined ? { group: it.group } : {}) }));
  const audit = auditLeakage(auditEntries, [...pairs, ...trainTwinPairs(auditEntries, signatures)], { twinDistance: nearThreshold });
  const fingerprint = datasetFingerprint(items.map((it) => ({ id: it.item.id, hash: it.hash, label: task.classes[it.label]! })));
  const manifest: SplitManifest = {
    format: 'alzbench-split-manifest',
    version: 1,
    layout: dataset.layout,
    task: task.name,
    classes: task.classes,
    seed: options.seed ?? 42,
    grouping,
    fingerprint,
    entries: items.map((it) => ({ file: it.item.id, hash: it.hash, class: task.classes[it.label]!, subject: it.group ?? null, split: it.split })),
  };
  return { dataset, task, items, problems, excluded, grouping, groups: describeGroups(sizes), ...(pseudoSubjects ? { pseudoSubjects } : {}), audit, fingerprint, manifest };
}
