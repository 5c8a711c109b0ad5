import { randomUUID } from 'node:crypto';
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '../torch/tensor.js';
import { tensor } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { interpolateBilinear } from '../nn/functional.js';
import { openDataset } from './open-dataset.js';
import { parseSliceRange } from './nifti-reader.js';
import { prepareDataset, type PreparedDataset } from './prepare.js';
import type { SplitName } from './dataset.js';
import { parseChain, type Chain } from '../preprocess/chain-spec.js';
import type { Raster } from '../preprocess/raster.js';
import { loadSlices, type PreprocessingRecord, type SliceInput } from './slice-loader.js';
import { AlzbenchError } from '../util/errors.js';
import { crossValidationSplits, type FoldChoice } from './stratified-group-kfold.js';
import { DeviceBatches, type BatchSource } from './batch-prefetch.js';
import { CacheFileBatches } from './cache-file-batches.js';
import { sliceCacheIndex } from './slice-cache.js';

/** One split as tensors on the device, with what each row is. */
export interface SplitData {
  /**
   * uint8 [N, 1, H, W]: preprocessed, resized slices (8-bit keeps big sets small on the device).
   * For a training split streamed from the cache file (see `batches`) a tensor of 0 rows.
   */
  readonly images: Tensor;
  /** Where this split's batches come from (model input, float32 pixel / 255): the tensor above, or the slice-cache file. */
  readonly batches: BatchSource;
  /** int64 [N] class indices. */
  readonly labels: Tensor;
  readonly labelList: number[];
  /** Item ids (paths relative to the data set root). */
  readonly ids: string[];
  /** Real subject IDs when the data set has them (bootstrap resamples these). */
  readonly subjects: (string | undefined)[];
  /** Split groups: subject, `pseudo:<n>`, or undefined. */
  readonly groups: (string | undefined)[];
}

/** A data set ready for training: the prepared (split, audited) set and its three splits as tensors. */
export interface TrainingData {
  readonly prepared: PreparedDataset;
  readonly splits: Record<SplitName, SplitData>;
  /** [height, width] of every slice. */
  readonly imageSize: [number, number];
  readonly chain: Chain;
  /** Backend and cache of the preprocessing (run.json `preprocessing`). */
  readonly preprocessing: PreprocessingRecord;
}

/**
 * Resizes an 8-bit gray raster to [height, width] bilinearly (as torch `F.interpolate(mode='bilinear',
 * align_corners=False)`), rounding back to 8 bits.
 *
 * @param raster a 1-channel 8-bit raster
 * @param height the output height in pixels
 * @param width the output width in pixels
 * @returns `height * width` pixels, row-major (the raster's own data when the size already matches)
 */
export function resizeGray(raster: Raster, height: number, width: number): Uint8Array {
  if (raster.width === width && raster.height === height) return raster.data;
  return tidy(() => {
    const x = tensor(raster.data, { shape: [1, 1, raster.height, raster.width] }).to('float32');
    const y = interpolateBilinear(x, [height, width]).round().clamp(0, 255).to('uint8');
    return new Uint8Array(y.toArray() as Uint8Array);
  });
}

/**
 * Most common [height, width] among rasters (ties: the size seen first).
 *
 * @param rasters the decoded slices
 * @returns [height, width] in pixels
 * @throws AlzbenchError (exit 2) `The data set has no slices to train on` for an empty list
 */
export function majoritySize(rasters: readonly Raster[]): [number, number] {
  const counts = new Map<string, number>();
  for (const r of rasters) counts.set(`${r.height}x${r.width}`, (counts.get(`${r.height}x${r.width}`) ?? 0) + 1);
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  if (!best) throw new AlzbenchError('The data set has no slices to train on', { exitCode: 2 });
  const [h, w] = best[0].split('x').map(Number) as [number, number];
  return [h, w];
}

/**
 * Applies the chain to each slice through the one loader ({@link loadSlices}: native OpenCV, else
 * opencv.js; the slice cache when `cacheDir` is given and the inputs carry ids and hashes) and
 * stacks them at `size` (or the most common size) into a uint8 array [N, H, W].
 *
 * @param inputs decoded rasters, or slice inputs with id/hash/class for the cache
 * @param chain the parsed preprocessing chain
 * @param size [height, width] in pixels to resize every slice to, or `auto` for the most common size
 * @param options `cacheDir`, the slice cache folder (default none)
 * @returns the pixels (uint8, N x H x W row-major), their size and how they were made (run.json's `preprocessing`)
 * @throws AlzbenchError when the chain leaves more than one channel, or (for `auto`) there are no slices
 */
export async function preprocessSlices(
  inputs: readonly (Raster | SliceInput)[],
  chain: Chain,
  size: [number, number] | 'auto',
  options: { cacheDir?: string | null; concurrency?: number } = {},
): Promise<{ pixels: Uint8Array; size: [number, number]; preprocessing: PreprocessingRecord }> {
  const slices = inputs.map((input) => ('image' in input ? input : { image: input }));
  const { images: processed, record } = await loadSlices(slices, chain, options);
  const [h, w] = size === 'auto' ? majoritySize(processed) : size;
  const pixels = new Uint8Array(processed.length * h * w);
  processed.forEach((r, i) => pixels.set(resizeGray(r, h, w), i * h * w));
  return { pixels, size: [h, w], preprocessing: record };
}

/** Options of {@link loadTrainingData}. */
export interface LoadDataOptions {
  readonly data: string;
  readonly task: string;
  readonly pipeline: string;
  readonly imageSize: [number, number] | 'auto';
  readonly grouping: 'auto' | 'subject' | 'pseudo' | 'none';
  /** Subject IDs from slice file names (see `subjectsFromNames`); null or absent: the data set's own. */
  readonly subjectPattern?: string | null;
  readonly splitSeed: number;
  readonly onBad: 'skip' | 'stop';
  readonly device: string;
  /** Slice cache folder (null: no cache). */
  readonly cacheDir?: string | null;
  readonly log?: (message: string) => void;
  /** Volume layouts: axial slice range `FROM:TO`, voxel size to resample to, BIDS diagnosis column. */
  readonly slices?: string | null;
  readonly spacing?: number | null;
  readonly diagnosisColumn?: string | null;
  /** Cross-validation: train/val/test from this fold of a subject-grouped stratified K-fold. */
  readonly crossValidation?: FoldChoice;
  /**
   * Bytes of preprocessed slices to hold on the device (default {@link defaultMemoryBudget}); when
   * all splits together need more, the training split streams from the slice-cache file (or, with
   * no cache file, from a file of its pixels written for the run in `cacheDir` or the temp folder).
   */
  readonly memoryBudgetBytes?: number | null;
  /** Slices read, decoded and preprocessed at once (default 8; 1 = one after another, for comparison). */
  readonly loadConcurrency?: number;
}

/**
 * The default memory budget for slices held on the device: a quarter of the machine's RAM
 * (`os.totalmem()`); training's `--memory-budget` (MiB) overrides it.
 *
 * @returns bytes, rounded down (e.g. 4294967296 = 4 GiB on a 16 GiB machine)
 */
export function defaultMemoryBudget(): number {
  return Math.floor(totalmem() / 4);
}

/**
 * Reads a data set, maps it to the task, splits it (grouped by subject or pseudo-subject), runs
 * the preprocessing chain and puts each split on the device as 8-bit tensors.
 *
 * @param options the data folder, task, pipeline, image size ([H, W] pixels or `auto`), grouping, split seed,
 *   bad-input policy, device, and optionally cache folder, slice range and spacing (mm) for volume layouts,
 *   diagnosis column, subject-ID pattern, cross-validation fold and a log function
 * @returns the prepared data set and, per split, uint8 images `[N, 1, H, W]` and int64 labels `[N]` on the device,
 *   with ids, subjects and groups; the image size, chain and preprocessing record
 * @throws AlzbenchError (exit 2) for a pipeline that does not parse, an unknown layout or missing folder, an invalid
 *   option (e.g. grouping `subject` without subject IDs), bad input with `onBad: 'stop'`
 * @throws EmptyDataError when the task leaves no slices or a split empty
 */
export async function loadTrainingData(options: LoadDataOptions): Promise<TrainingData> {
  const chain = parseChain(options.pipeline);
  const dataset = await openDataset(options.data, {
    ...(options.slices ? { sliceRange: parseSliceRange(options.slices) } : {}),
    ...(options.spacing ? { spacing: options.spacing } : {}),
    ...(options.diagnosisColumn ? { diagnosisColumn: options.diagnosisColumn } : {}),
    ...(options.subjectPattern ? { subjectPattern: options.subjectPattern } : {}),
  });
  const subjects = dataset.subjectSource;
  options.log?.(
    `data: ${dataset.layout}, ${dataset.items.length} slices listed; subjects: ${subjects && subjects.kind !== 'none' ? `${subjects.subjects} from ${subjects.kind}` : 'none'}`,
  );
  const prepared = await prepareDataset(dataset, {
    ...(options.task === 'auto' ? {} : { task: options.task }),
    seed: options.splitSeed,
    grouping: options.grouping,
    onBad: options.onBad,
    ...(options.loadConcurrency ? { loadConcurrency: options.loadConcurrency } : {}),
    ...(options.crossValidation ? { assignSplits: crossValidationSplits(options.crossValidation) } : {}),
    onProgress: (m) => options.log?.(`data: ${m}`),
  });
  const inputs = prepared.items.map((it) => ({ image: it.image, id: it.item.id, hash: it.hash, sourceClass: it.item.sourceClass }));
  const { pixels, size, preprocessing } = await preprocessSlices(inputs, chain, options.imageSize, {
    cacheDir: options.cacheDir ?? null,
    ...(options.loadConcurrency ? { concurrency: options.loadConcurrency } : {}),
  });
  options.log?.(
    `data: preprocessed ${preprocessing.slices} slices with ${preprocessing.backend === 'native' ? `native OpenCV ${preprocessing.opencv}` : preprocessing.backend}` +
      `${preprocessing.cache ? ` (cache ${preprocessing.cache.hit ? 'hit' : 'miss'}, ${preprocessing.cache.file})` : ''} in ${preprocessing.seconds.toFixed(2)} s`,
  );
  const [h, w] = size;
  const budget = options.memoryBudgetBytes ?? defaultMemoryBudget();
  const stream = pixels.length > budget;
  // Streamed from the slice-cache file when there is one; else from a file of the training
  // split's pixels written for this run (unlinked once open: nothing is left behind).
  const cacheRows = stream && preprocessing.cache ? sliceCacheIndex(preprocessing.cache.file) : null;
  const splits = {} as Record<SplitName, SplitData>;
  for (const split of ['train', 'val', 'test'] as const) {
    const indices = prepared.items.map((it, i) => (it.split === split ? i : -1)).filter((i) => i >= 0);
    const items = indices.map((i) => prepared.items[i]!);
    const labelList = items.map((it) => it.label);
    const ids = items.map((it) => it.item.id);
    // Only the training split streams: validation and test are read whole every epoch anyway.
    const streamed = stream && split === 'train';
    // The split's pixels gathered into one buffer: for the device tensor, or the spill file. A
    // split streamed from the slice-cache file never needs them: no second copy of its pixels.
    const buffer = streamed && cacheRows ? null : new Uint8Array(indices.length * h * w);
    indices.forEach((i, j) => buffer?.set(pixels.subarray(i * h * w, (i + 1) * h * w), j * h * w));
    const images = tensor(streamed ? new Uint8Array(0) : buffer!, { shape: [streamed ? 0 : indices.length, 1, h, w], device: options.device });
    splits[split] = {
      images,
      batches: !streamed
        ? new DeviceBatches(images)
        : cacheRows
          ? new CacheFileBatches(
              preprocessing.cache!.file,
              ids.map((id) => cacheRows.get(id)!),
              size,
              options.device,
              resizeGray,
            )
          : spilledBatches(buffer!, size, options.device, options.cacheDir ?? tmpdir()),
      labels: tensor(labelList, { dtype: 'int64', device: options.device }),
      labelList,
      ids,
      subjects: items.map((it) => it.item.subject),
      groups: items.map((it) => it.group),
    };
  }
  const trainBytes = splits.train.labelList.length * h * w;
  const source = !stream ? 'device' : cacheRows ? 'cache-file' : 'spill-file';
  if (stream)
    options.log?.(
      `data: the training split (${trainBytes} bytes) streams from ${source === 'cache-file' ? preprocessing.cache!.file : 'a file of its pixels'}: all slices need ${pixels.length} bytes, over the memory budget of ${budget}`,
    );
  const record: PreprocessingRecord = {
    ...preprocessing,
    trainBatches: { source, bytes: trainBytes, memoryBudgetBytes: budget },
  };
  return { prepared, splits, imageSize: size, chain, preprocessing: record };
}

/**
 * Batches of a split streamed from a file of its pixels ([N, H, W] uint8, row after row) written
 * in `dir` for this run: for sets over the memory budget with no slice-cache file to read (the
 * empty chain, or `--cache-dir none`). The file is unlinked as soon as it is open.
 */
function spilledBatches(pixels: Uint8Array, size: [number, number], device: string, dir: string): CacheFileBatches {
  const [h, w] = size;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `alzbench-spill-${process.pid}-${randomUUID()}.pixels`);
  writeFileSync(file, pixels);
  try {
    const rows = Array.from({ length: pixels.length / (h * w) }, (_, j) => ({ offset: j * h * w, width: w, height: h }));
    return new CacheFileBatches(file, rows, size, device, resizeGray);
  } finally {
    unlinkSync(file);
  }
}

/**
 * The slice cache folder of a run: `cacheDir`, else `<runsDir>/.slice-cache`; null for `none`.
 *
 * @param config the run's `cacheDir` (a folder, `none`, or null/absent for the default) and `runsDir`
 * @returns the folder path, or null for no cache
 */
export function sliceCacheDir(config: { cacheDir?: string | null; runsDir: string }): string | null {
  if (config.cacheDir === 'none') return null;
  return config.cacheDir ?? join(config.runsDir, '.slice-cache');
}

/**
 * Frees the split tensors (images and labels of train, val and test).
 *
 * @param data what {@link loadTrainingData} returned; its tensors must not be used afterwards
 */
export function disposeTrainingData(data: TrainingData): void {
  for (const s of Object.values(data.splits)) {
    s.batches.dispose();
    s.images.dispose();
    s.labels.dispose();
  }
}
