import { invalid } from '../util/errors.js';
import { resolveTask, type Task } from './classes.js';
import type { Dataset, Problem, SplitName } from './dataset.js';
import { datasetFingerprint } from './fingerprint.js';
import { auditLeakage, type LeakageAudit } from './leakage-audit.js';
import { loadItems, type BadInputPolicy, type LoadedItem } from './load-items.js';
import type { SplitManifest } from './manifest.js';
import { describeGroups, groupPseudoSubjects } from './pseudo-subjects.js';
import { assignSplits, type SplitEntry, type SplitOptions } from './split.js';
import { nearPairs, thumbnail, type NearPair } from './thumbnail.js';

/** How the split keeps related slices together. */
export type Grouping = 'auto' | 'subject' | 'pseudo' | 'none';

/** Default near-duplicate threshold: mean absolute difference of 16x16 thumbnails, in gray levels. */
export const DEFAULT_NEAR_THRESHOLD = 5;

/** Options of {@link prepareDataset}. */
export interface PrepareOptions extends SplitOptions {
  /** Task name (`4class`, `binary`, `map:...`); default the one the layout suggests. */
  readonly task?: string;
  /** `auto` (default): by subject when IDs exist, else by pseudo-subject. */
  readonly grouping?: Grouping;
  /** Near-duplicate threshold for the audit and the pseudo-subject graph (default 5). */
  readonly nearThreshold?: number;
  readonly onBad?: BadInputPolicy;
  readonly onProgress?: (message: string) => void;
  /**
   * Replaces the train/val/test assignment (default {@link assignSplits}), e.g. one fold of a
   * cross-validation (data/stratified-group-kfold.ts); the audit and manifest follow it.
   */
  readonly assignSplits?: (entries: readonly SplitEntry[], options: SplitOptions) => SplitName[];
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
  if (!(nearThreshold >= 0 && nearThreshold <= 255)) throw invalid('number in 0..255', 'near-duplicate threshold', nearThreshold);
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
  options.onProgress?.(`searching near-duplicates among ${kept.length} slices`);
  const thumbs = kept.map((k) => thumbnail(k.image));
  const pairs: NearPair[] = nearPairs(thumbs, nearThreshold);
  const hasSubjects = kept.length > 0 && kept.every((k) => k.item.subject !== undefined);
  const requested = options.grouping ?? 'auto';
  if (requested === 'subject' && !hasSubjects) throw invalid('a data set with subject IDs', 'grouping subject', dataset.layout, 'use --grouping pseudo');
  const grouping = requested === 'auto' ? (hasSubjects ? 'subject' : 'pseudo') : requested;
  let groupOf: (i: number) => string | undefined;
  let sizes: number[];
  if (grouping === 'subject') {
    groupOf = (i) => kept[i]!.item.subject!;
    const counts = new Map<string, number>();
    for (const k of kept) counts.set(k.item.subject!, (counts.get(k.item.subject!) ?? 0) + 1);
    sizes = [...counts.values()];
  } else if (grouping === 'pseudo') {
    // Exact duplicates are edges too (distance 0 is within any threshold, but say so explicitly).
    const pseudo = groupPseudoSubjects(kept.length, pairs);
    groupOf = (i) => `pseudo:${pseudo.group[i]}`;
    sizes = pseudo.sizes;
  } else {
    groupOf = () => undefined;
    sizes = kept.map(() => 1);
  }
  const splits = (options.assignSplits ?? assignSplits)(
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
  const audit = auditLeakage(items.map((it) => ({ id: it.item.id, hash: it.hash, split: it.split })), pairs, nearThreshold);
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
  return { dataset, task, items, problems, excluded, grouping, groups: describeGroups(sizes), audit, fingerprint, manifest };
}
