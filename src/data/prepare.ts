import { AlzbenchError, invalid } from '../util/errors.js';
import { MCI_CLASSES, resolveTask, type Task } from './classes.js';
import { countProblems } from './load-items.js';
import { LFS_HINT } from './lfs-pointer.js';
import type { Dataset, Problem, SplitName } from './dataset.js';
import { datasetFingerprint } from './fingerprint.js';
import { auditLeakage, trainTwinPairs, type LeakageAudit } from './leakage-audit.js';
import { loadItems, type BadInputPolicy, type LoadedItem } from './load-items.js';
import type { SplitManifest } from './manifest.js';
import { candidatePairs } from './nearest-slices.js';
import { describeGroups, reconstructSubjects, type ReconstructedSubjects } from './pseudo-subjects.js';
import { TWIN_DISTANCE } from './same-subject-thresholds.js';
import { sliceSignature } from './slice-signature.js';
import { assignSplits, type SplitEntry, type SplitOptions } from './split.js';

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
  /** Items read and decoded at once (loadItems' `concurrency`; default 8, 1 = one after another). */
  readonly loadConcurrency?: number;
  /**
   * Accept a task whose classes are not all present (default false: an error). Evaluation sets
   * may hold one class only (e.g. the sensitivity on AD scans); a set with no slice is still an error.
   */
  readonly allowMissingClasses?: boolean;
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
  /** What the user should know that is not a problem: wrappers and junk skipped, classes left out, 16-bit scaling. */
  readonly notes: string[];
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
 * @param dataset the listed data set (from `openDataset`)
 * @param options task (default the layout's), grouping (default `auto`), split seed (default 42) and fractions
 *   (default 0.8/0.1/0.1), near-duplicate threshold (default {@link DEFAULT_NEAR_THRESHOLD}), slices per scan,
 *   bad-input policy (default `skip`), progress callback, `allowMissingClasses` (default false), split assigner
 * @returns the data set, task, labelled and split items, problems, notes, leakage audit, fingerprint and manifest
 * @throws AlzbenchError (exit 2) `Expected number in 0..2 (1 - correlation) for near-duplicate threshold ...`,
 *   `Expected positive integer for slices per scan ...`, grouping `subject` without subject IDs, an unknown task,
 *   or bad input with `onBad: 'stop'`
 * @throws EmptyDataError (exit 2) for no readable slice, fewer than two classes kept, or a requested task missing a
 *   class (unless `allowMissingClasses`)
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
  const {
    loaded,
    problems,
    notes: decodeNotes,
  } = await loadItems(dataset, {
    ...(options.onBad ? { onBad: options.onBad } : {}),
    ...(options.loadConcurrency ? { concurrency: options.loadConcurrency } : {}),
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
  const notes = [...(dataset.notes ?? []), ...excludedNotes(task, excluded, dataset), ...summarizeNotes(decodeNotes)];
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
    const pseudo = reconstructSubjects(signatures, {
      pairs,
      labels: kept.map((k) => k.item.sourceClass),
      ...(options.slicesPerScan ? { slicesPerScan: options.slicesPerScan } : {}),
    });
    groupOf = (i) => `pseudo:${pseudo.group[i]}`;
    sizes = pseudo.sizes;
    pseudoSubjects = { slicesPerScan: pseudo.slicesPerScan, estimated: pseudo.estimated, maxDistance: pseudo.maxDistance };
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
  const prepared: PreparedDataset = {
    dataset,
    task,
    items,
    problems,
    notes,
    excluded,
    grouping,
    groups: describeGroups(sizes),
    ...(pseudoSubjects ? { pseudoSubjects } : {}),
    audit,
    fingerprint,
    manifest,
  };
  const empty = emptinessError(prepared, loaded, options.task !== undefined, options.allowMissingClasses === true);
  if (empty) throw empty;
  return prepared;
}

/** Same-kind decode notes (one per 16-bit file) folded into one line with a count and examples. */
function summarizeNotes(notes: readonly string[]): string[] {
  if (notes.length <= 3) return [...notes];
  return [`${notes.length} images were changed while decoding, e.g. ${notes.slice(0, 2).join('; ')}`];
}

/** Says which source classes the task left out, and why for MCI. */
function excludedNotes(task: Task, excluded: Record<string, number>, dataset: Dataset): string[] {
  return Object.entries(excluded).map(([cls, n]) => {
    const folders = Object.entries(dataset.classNames ?? {})
      .filter(([, c]) => c === cls)
      .map(([f]) => f);
    const named = folders.length && !(folders.length === 1 && folders[0] === cls) ? ` (${folders.join(', ')})` : '';
    const why =
      (MCI_CLASSES as readonly string[]).includes(cls) && task.name === 'binary' ? ': mild cognitive impairment is neither Alzheimer nor NonAlzheimer' : '';
    return `${n} slice(s) of ${cls}${named} left out by task ${task.name}${why}; to keep them give --task map:${cls}=<class>,...`;
  });
}

/** The error a prepared data set raises when it is empty; carries what was found so `data inspect --json` can still print it. */
export class EmptyDataError extends AlzbenchError {
  /**
   * @param message what is empty, with the classes found and the mapping tried
   * @param hint what to do about it
   * @param prepared the data set as far as it was prepared (printed by `data inspect --json`)
   */
  constructor(
    message: string,
    hint: string,
    readonly prepared: PreparedDataset,
  ) {
    super(message, { hint, exitCode: 2 });
    this.name = 'EmptyDataError';
  }
}

/**
 * No silent emptiness: a data set with no readable slice, a task that keeps fewer than two
 * classes, or a task the user asked for (`--task`) that keeps no slice of one of its classes, is
 * an {@link EmptyDataError} (exit 2) naming the classes found (with their folder names), the
 * mapping tried and the problems met. The layout's default task on a part of a data set (two of
 * the four Kaggle classes) gets a note instead.
 */
function emptinessError(prepared: PreparedDataset, loaded: readonly LoadedItem[], requested: boolean, allowMissing: boolean): EmptyDataError | undefined {
  const { dataset, task, items, problems } = prepared;
  const problemCounts =
    Object.entries(countProblems(problems))
      .map(([k, n]) => `${n} ${k}`)
      .join(', ') || 'none';
  const lfs = problems.some((p) => p.kind === 'lfs-pointer');
  const found = new Map<string, number>();
  for (const l of loaded) found.set(l.item.sourceClass, (found.get(l.item.sourceClass) ?? 0) + 1);
  const listed = [...new Set(dataset.items.map((i) => i.sourceClass))];
  const spelled = (cls: string) => {
    const folders = Object.entries(dataset.classNames ?? {})
      .filter(([f, c]) => c === cls && f !== cls)
      .map(([f]) => f);
    return folders.length ? `${cls} (from ${folders.map((f) => JSON.stringify(f)).join(', ')})` : cls;
  };
  const classesFound = listed.map((c) => `${spelled(c)}: ${found.get(c) ?? 0} readable`).join('; ') || 'none';
  const mapping = listed.map((c) => `${c} -> ${task.target(c) ?? 'left out'}`).join(', ') || 'nothing to map';
  if (loaded.length === 0) {
    const first = problems
      .slice(0, 3)
      .map((p) => `  ${p.kind}: ${p.path} (${p.detail})`)
      .join('\n');
    return new EmptyDataError(
      `No readable slice in ${dataset.root} (layout ${dataset.layout}): ${dataset.items.length} listed, problems: ${problemCounts}. Classes found: ${classesFound}${first ? `\n${first}` : ''}`,
      lfs ? LFS_HINT : 'data inspect --json lists every problem',
      prepared,
    );
  }
  const kept = new Set(items.map((it) => it.label));
  const missing = task.classes.filter((_, i) => !kept.has(i));
  if (missing.length === 0) return undefined;
  if (allowMissing && kept.size > 0) {
    prepared.notes.push(`task ${task.name}: no slice of ${missing.join(', ')} in this data set`);
    return undefined;
  }
  // The layout's own task on a part of a data set (two of the four Kaggle classes) is said, not refused;
  // a task the user asked for, or one left with fewer than two classes, must have every class.
  if (!requested && kept.size >= 2) {
    prepared.notes.push(
      `task ${task.name} (the layout's default) has no slice of ${missing.join(', ')}: the data hold only ${listed.join(', ')}; give --task folders to train on the classes present`,
    );
    return undefined;
  }
  return new EmptyDataError(
    `Task ${task.name} keeps no slice of ${missing.join(', ')}. Classes found: ${classesFound}. Mapping tried: ${mapping}`,
    `choose a task that fits the classes: --task folders (the classes as found) or --task map:Source=Target,... (e.g. map:${listed
      .slice(0, 2)
      .map((c, i) => `${c}=${i === 0 ? 'A' : 'B'}`)
      .join(',')})`,
    prepared,
  );
}
