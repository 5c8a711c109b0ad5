/**
 * A BIDS folder of whole volumes as a training data set: one sample per scan session, classes
 * mapped by the run's task (as slice data sets are), split by person (participants.tsv's `split`
 * column, else drawn stratified by class; validation people drawn from the training people, never
 * from test), a fingerprint over (file, SHA-256, class) and the split manifest of the run folder.
 * Also the volume preprocessing chain a run records, and reading sessions through it into tensors.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Tensor } from '../torch/tensor.js';
import { stack, tensor } from '../torch/creation.js';
import { AlzbenchError, invalid } from '../util/errors.js';
import { readBidsVolumes, type VolumeSession } from './bids-volumes.js';
import { canonicalClass, DEMENTIA_CLASSES, resolveTask } from './classes.js';
import { hashBytes } from './content-hash.js';
import { datasetFingerprint } from './fingerprint.js';
import type { SplitManifest } from './manifest.js';
import { createRng } from './synth/rng.js';
import { crossValidationSplits, type FoldChoice } from './stratified-group-kfold.js';
import { readVolume } from './volume/read-volume.js';
import { Compose, CropForeground, NormalizeIntensity, ResizeWithPadOrCrop, Spacing, volumeToSample, type VolumeTransform } from './volume-transforms/index.js';

/** One session of a volume data set, with its target class and split. */
export interface VolumeSample extends Omit<VolumeSession, 'label'> {
  /** Path relative to the data set root (the sample's id in predictions and the manifest). */
  readonly id: string;
  /** Class index into {@link VolumeDataset.classes}. */
  readonly label: number;
  readonly hash: string;
}

/** A volume data set ready to split into tensors. */
export interface VolumeDataset {
  readonly root: string;
  /** Task name as resolved (`4class`, `binary`, `folders`, `map:...`). */
  readonly task: string;
  readonly classes: readonly string[];
  readonly samples: VolumeSample[];
  /** Where the test split came from: participants.tsv's `split` column, drawn by person here, or a cross-validation fold (`fold 0 of 5`). */
  readonly splitSource: 'participants.tsv' | 'drawn' | `fold ${number} of ${number}`;
  readonly fingerprint: string;
  /** Sessions whose class the task leaves out, by source class. */
  readonly excluded: Record<string, number>;
  readonly notes: string[];
}

/** Options of {@link openVolumeDataset}. */
export interface OpenVolumeOptions {
  /** `auto` (4class when every label is a dementia stage, else the labels as found), `binary`, `4class`, `folders`, `map:...`. */
  readonly task?: string;
  /** participants.tsv column with the class (default `group`, else `diagnosis`). */
  readonly diagnosisColumn?: string | null;
  /** Seeds the drawn test split (when participants.tsv has none) and the validation people. */
  readonly splitSeed?: number;
  /** Share of the training people held out for validation when there is no `val` split (default 0.2). */
  readonly valFraction?: number;
  /** Evaluation: keep the task's classes even when some have no session (default false: an error for a requested task). */
  readonly allowMissingClasses?: boolean;
  /**
   * Cross-validation: all sessions pooled, test = fold `fold` of a person-grouped stratified
   * K-fold, validation = an inner fold of the rest (data/stratified-group-kfold.ts, as slice runs).
   */
  readonly crossValidation?: FoldChoice;
}

/**
 * Reads a BIDS volume folder (see {@link readBidsVolumes}) as a subject-level data set. Every
 * kept file is read once to hash it (SHA-256), so the fingerprint changes when any voxel does.
 *
 * @param root the BIDS folder (participants.tsv, `sub-<label>/[ses-<label>/]anat/<name>_T1w.nii[.gz]`)
 * @param options `task` (default `auto`), `diagnosisColumn` (default `group`, else `diagnosis`), `splitSeed`
 *   (default 42), `valFraction` (default 0.2), `allowMissingClasses` (default false), `crossValidation` (default
 *   none: the split of participants.tsv or drawn by person)
 * @returns the samples (one per session: path, id relative to `root`, subject, session, class index, split,
 *   SHA-256), the task and its classes, where the split came from, the fingerprint over (id, hash, class), the
 *   sessions left out by class and notes for the log
 * @throws AlzbenchError (exit 2) `Task <task> keeps <n> class(es) in <root>; ...` or `Task <task> keeps no session
 *   of <classes> in <root>; ...` (a requested task without `allowMissingClasses`), with a hint naming `--task`
 * @throws AlzbenchError (exit 2) `BIDS volume data set <root>: ...` from {@link readBidsVolumes} (no
 *   participants.tsv, a row without a label, a scan of an unlisted person, a person without a T1w scan), and
 *   `Expected ...` for a task or cross-validation fold that does not parse
 * @example
 * const data = openVolumeDataset('demo-volumes', { task: 'binary', splitSeed: 42 });
 * data.samples.filter((s) => s.split === 'test').length;
 */
export function openVolumeDataset(root: string, options: OpenVolumeOptions = {}): VolumeDataset {
  const seed = options.splitSeed ?? 42;
  const bids = readBidsVolumes(root, { seed, ...(options.diagnosisColumn ? { labelColumn: options.diagnosisColumn } : {}) });
  const source = bids.classes.map(canonicalClass);
  const requested = options.task !== undefined && options.task !== 'auto';
  const defaultTask = source.every((c) => (DEMENTIA_CLASSES as readonly string[]).includes(c)) ? '4class' : 'folders';
  const task = resolveTask(requested ? options.task : defaultTask, source);
  const excluded: Record<string, number> = {};
  const notes: string[] = [];
  const kept: { session: VolumeSession; label: number }[] = [];
  for (const session of bids.sessions) {
    const from = source[session.label]!;
    const target = task.target(from);
    if (target === undefined) excluded[from] = (excluded[from] ?? 0) + 1;
    else kept.push({ session, label: task.classes.indexOf(target) });
  }
  for (const [cls, n] of Object.entries(excluded))
    notes.push(`${n} session(s) of ${cls} left out by task ${task.name}; to keep them give --task map:${cls}=<class>,...`);
  const present = new Set(kept.map((k) => k.label));
  const missing = task.classes.filter((_, i) => !present.has(i));
  if (present.size < 2 || (missing.length > 0 && requested && !options.allowMissingClasses)) {
    throw new AlzbenchError(
      `Task ${task.name} keeps ${present.size < 2 ? `${present.size} class(es)` : `no session of ${missing.join(', ')}`} in ${root}; classes found: ${source.join(', ')}`,
      { exitCode: 2, hint: 'choose a task that fits the classes: --task folders (the classes as found) or --task map:Source=Target,...' },
    );
  }
  if (missing.length > 0) notes.push(`task ${task.name} has no session of ${missing.join(', ')}`);

  // Validation people: drawn from the training people, stratified by class, never from test.
  let split = new Map(kept.map((k) => [k.session.path, k.session.split]));
  if (options.crossValidation) {
    const assigned = crossValidationSplits(options.crossValidation)(kept.map((k) => ({ label: task.classes[k.label]!, group: k.session.subject })));
    split = new Map(kept.map((k, i) => [k.session.path, assigned[i]!]));
  } else if (!kept.some((k) => k.session.split === 'val')) {
    const rng = createRng(seed, 'volume-val');
    const valPeople = new Set<string>();
    for (let c = 0; c < task.classes.length; c++) {
      const people = rng.shuffle([...new Set(kept.filter((k) => k.label === c && k.session.split === 'train').map((k) => k.session.subject))].sort());
      for (const p of people.slice(0, Math.round(people.length * (options.valFraction ?? 0.2)))) valPeople.add(p);
    }
    split = new Map(kept.map((k) => [k.session.path, k.session.split === 'train' && valPeople.has(k.session.subject) ? 'val' : k.session.split]));
  }
  const samples: VolumeSample[] = kept.map(({ session, label }) => ({
    ...session,
    id: relative(root, session.path),
    label,
    split: split.get(session.path)!,
    hash: hashBytes(readFileSync(session.path)),
  }));
  const fingerprint = datasetFingerprint(samples.map((s) => ({ id: s.id, hash: s.hash, label: task.classes[s.label]! })));
  const splitSource = options.crossValidation ? (`fold ${options.crossValidation.fold} of ${options.crossValidation.folds}` as const) : bids.splitSource;
  return { root, task: task.name, classes: task.classes, samples, splitSource, fingerprint, excluded, notes };
}

/**
 * The split manifest (split.json) of a volume data set: one entry per session, subject = person.
 * `resume` compares it with the data as it is then (train/check-split.ts).
 *
 * @param data the data set as {@link openVolumeDataset} returned it
 * @param seed the split seed the run used (recorded, so a resumed run can redraw the same split)
 * @returns the manifest (`format: 'alzbench-split-manifest'`, version 1, layout `bids-volumes`, grouping `subject`)
 *   with one entry (file id, SHA-256, class name, subject, split) per sample in `data.samples` order
 */
export function volumeManifest(data: VolumeDataset, seed: number): SplitManifest {
  return {
    format: 'alzbench-split-manifest',
    version: 1,
    layout: 'bids-volumes',
    task: data.task,
    classes: data.classes,
    seed,
    grouping: 'subject',
    fingerprint: data.fingerprint,
    entries: data.samples.map((s) => ({ file: s.id, hash: s.hash, class: data.classes[s.label]!, subject: s.subject, split: s.split })),
  };
}

/** How a run prepares each volume: what run.json records under `preprocessing.volume` and eval/predict repeat. */
export interface VolumePreprocessing {
  /** Resample to this isotropic voxel size (mm) first, or null (keep the volume's own). */
  readonly spacing: number | null;
  /** Voxels [X, Y, Z] (RAS+) the volume is cropped or padded to after cropping to the brain. */
  readonly shape: readonly [number, number, number];
  /** The chain as text, e.g. `Spacing(1.5)|CropForeground|NormalizeIntensity(nonzero)|ResizeWithPadOrCrop(96x112x96)`. */
  readonly chain: string;
}

/**
 * The preprocessing record of a volume run with these settings; {@link volumePipeline} turns it
 * back into transforms, so eval and predict repeat exactly what training did.
 *
 * @param shape voxels [X, Y, Z] (RAS+) to crop or pad to, e.g. [96, 112, 96]
 * @param spacing isotropic voxel size in mm to resample to first, or null to keep each volume's own
 * @returns the record: `spacing`, a copy of `shape` and the chain text, e.g.
 *   `Spacing(1.5)|CropForeground|NormalizeIntensity(nonzero)|ResizeWithPadOrCrop(96x112x96)`
 */
export function volumePreprocessing(shape: readonly [number, number, number], spacing: number | null): VolumePreprocessing {
  const steps = [
    ...(spacing === null ? [] : [`Spacing(${spacing})`]),
    'CropForeground',
    'NormalizeIntensity(nonzero)',
    `ResizeWithPadOrCrop(${shape.join('x')})`,
  ];
  return { spacing, shape: [...shape] as [number, number, number], chain: steps.join('|') };
}

/**
 * The volume transforms of a preprocessing record, in order: resample (when asked), crop to the
 * brain's bounding box, z-score over non-zero voxels, crop or pad to the shape. Source: MONAI
 * `Spacing`, `CropForeground`, `NormalizeIntensity(nonzero=True)`, `ResizeWithPadOrCrop` in a `Compose`.
 *
 * @param preprocessing a record from {@link volumePreprocessing} (or read back from run.json)
 * @returns one transform running the steps in order on a channel-first sample [1, X, Y, Z]
 */
export function volumePipeline(preprocessing: VolumePreprocessing): VolumeTransform {
  const steps: VolumeTransform[] = [];
  if (preprocessing.spacing !== null) steps.push(new Spacing(preprocessing.spacing));
  steps.push(new CropForeground(), new NormalizeIntensity(), new ResizeWithPadOrCrop(preprocessing.shape));
  return new Compose(steps);
}

/**
 * Parses a volume shape `XxYxZ` (e.g. `96x112x96`; case-insensitive `x`, spaces allowed around numbers).
 *
 * @param text the text given, e.g. a `--volume-shape` value
 * @param name what to call it in the error (e.g. `--volume-shape`)
 * @returns voxels [X, Y, Z] as non-negative integers
 * @throws AlzbenchError (exit 2) `Expected XxYxZ voxels, e.g. 96x112x96 for <name> but received "<text>" of type string`
 */
export function parseVolumeShape(text: string, name: string): [number, number, number] {
  const m = /^\s*(\d+)\s*x\s*(\d+)\s*x\s*(\d+)\s*$/i.exec(text);
  if (!m) throw invalid('XxYxZ voxels, e.g. 96x112x96', name, text);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/**
 * Reads volume files through a pipeline into one float32 tensor [N, 1, X, Y, Z] (CPU). Errors
 * are the volume reader's (named by file) and the transforms' (named by transform and shape).
 * Files are read one after another, each volume freed once transformed.
 *
 * @param paths volume files (any format {@link readVolume} reads), one sample each, in output order
 * @param pipeline the transforms (e.g. {@link volumePipeline}); must give every volume the same shape [1, X, Y, Z]
 * @returns a new float32 [paths.length, 1, X, Y, Z] tensor on the CPU, disposed by the caller
 * @throws VolumeError `<code>: <path>: ...` when a file cannot be read as a volume
 * @throws VolumeTransformError `applying transform <name> to an image of shape [...]: ...` when a transform fails
 * @throws Error `aten::stack(<arguments>) failed: ...` when `paths` is empty or the transformed shapes differ
 */
export async function loadVolumeTensor(paths: readonly string[], pipeline: VolumeTransform): Promise<Tensor> {
  const images: Tensor[] = [];
  try {
    for (const path of paths) {
      const input = volumeToSample(await readVolume(path));
      try {
        images.push(pipeline.apply(input).image);
      } finally {
        input.image.dispose();
      }
    }
    return stack(images, 0);
  } finally {
    for (const image of images) image.dispose();
  }
}

/**
 * Samples of one split as tensors: volumes [N, 1, X, Y, Z] and labels int64 [N].
 *
 * @param samples the split's samples (e.g. `data.samples.filter((s) => s.split === 'test')`), in output order
 * @param pipeline the run's volume transforms ({@link volumePipeline})
 * @returns `x`: float32 [N, 1, X, Y, Z] volumes (CPU), `y`: int64 [N] class indices; both disposed by the caller
 * @throws VolumeError, VolumeTransformError or Error as {@link loadVolumeTensor}
 */
export async function loadVolumeSplit(samples: readonly VolumeSample[], pipeline: VolumeTransform): Promise<{ x: Tensor; y: Tensor }> {
  const x = await loadVolumeTensor(
    samples.map((s) => s.path),
    pipeline,
  );
  return {
    x,
    y: tensor(
      samples.map((s) => s.label),
      { dtype: 'int64' },
    ),
  };
}
