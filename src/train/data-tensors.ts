import { Tensor } from '../torch/tensor.js';
import { tensor } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { interpolateBilinear } from '../nn/functional.js';
import { openDataset } from '../data/open-dataset.js';
import { parseSliceRange } from '../data/nifti-reader.js';
import { prepareDataset, type PreparedDataset } from '../data/prepare.js';
import type { SplitName } from '../data/dataset.js';
import { parseChain, type Chain } from '../preprocess/chain-spec.js';
import { applyChain } from '../preprocess/chain.js';
import { loadOpenCv, type OpenCv } from '../preprocess/opencv.js';
import type { Raster } from '../preprocess/raster.js';
import { AlzbenchError } from '../util/errors.js';

/** One split as tensors on the device, with what each row is. */
export interface SplitData {
  /** uint8 [N, 1, H, W]: preprocessed, resized slices (8-bit keeps big sets small on the device). */
  readonly images: Tensor;
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
}

/** Loads opencv.js only when the chain has steps. */
async function openCvFor(chain: Chain): Promise<OpenCv | undefined> {
  return chain.steps.length > 0 ? loadOpenCv() : undefined;
}

/** Resizes an 8-bit gray raster to [height, width] bilinearly (as F.interpolate), rounding back to 8 bits. */
export function resizeGray(raster: Raster, height: number, width: number): Uint8Array {
  if (raster.width === width && raster.height === height) return raster.data;
  return tidy(() => {
    const x = tensor(raster.data, { shape: [1, 1, raster.height, raster.width] }).to('float32');
    const y = interpolateBilinear(x, [height, width]).round().clamp(0, 255).to('uint8');
    return new Uint8Array(y.toArray() as Uint8Array);
  });
}

/** Most common [height, width] among rasters. */
export function majoritySize(rasters: readonly Raster[]): [number, number] {
  const counts = new Map<string, number>();
  for (const r of rasters) counts.set(`${r.height}x${r.width}`, (counts.get(`${r.height}x${r.width}`) ?? 0) + 1);
  const [best] = [...counts].sort((a, b) => b[1] - a[1]);
  if (!best) throw new AlzbenchError('The data set has no slices to train on', { exitCode: 2 });
  const [h, w] = best[0].split('x').map(Number) as [number, number];
  return [h, w];
}

/**
 * Applies the chain to each slice (1-channel output required) and stacks them at `size` (or the
 * most common size) into a uint8 array [N, H, W].
 */
export async function preprocessSlices(rasters: readonly Raster[], chain: Chain, size: [number, number] | 'auto'): Promise<{ pixels: Uint8Array; size: [number, number] }> {
  const cv = await openCvFor(chain);
  const processed = rasters.map((r) => {
    const out = cv ? applyChain(chain, r, cv) : r;
    if (out.channels !== 1) throw new AlzbenchError(`Expected 1-channel output of pipeline ${chain.spec} but received ${out.channels} channels`, { hint: 'start the pipeline with grayscale', exitCode: 2 });
    return out;
  });
  const [h, w] = size === 'auto' ? majoritySize(processed) : size;
  const pixels = new Uint8Array(processed.length * h * w);
  processed.forEach((r, i) => pixels.set(resizeGray(r, h, w), i * h * w));
  return { pixels, size: [h, w] };
}

/** Options of {@link loadTrainingData}. */
export interface LoadDataOptions {
  readonly data: string;
  readonly task: string;
  readonly pipeline: string;
  readonly imageSize: [number, number] | 'auto';
  readonly grouping: 'auto' | 'subject' | 'pseudo' | 'none';
  readonly splitSeed: number;
  readonly onBad: 'skip' | 'stop';
  readonly device: string;
  readonly log?: (message: string) => void;
  /** Volume layouts: axial slice range `FROM:TO`, voxel size to resample to, BIDS diagnosis column. */
  readonly slices?: string | null;
  readonly spacing?: number | null;
  readonly diagnosisColumn?: string | null;
}

/**
 * Reads a data set, maps it to the task, splits it (grouped by subject or pseudo-subject), runs
 * the preprocessing chain and puts each split on the device as 8-bit tensors.
 */
export async function loadTrainingData(options: LoadDataOptions): Promise<TrainingData> {
  const chain = parseChain(options.pipeline);
  const dataset = await openDataset(options.data, {
    ...(options.slices ? { sliceRange: parseSliceRange(options.slices) } : {}),
    ...(options.spacing ? { spacing: options.spacing } : {}),
    ...(options.diagnosisColumn ? { diagnosisColumn: options.diagnosisColumn } : {}),
  });
  options.log?.(`data: ${dataset.layout}, ${dataset.items.length} slices listed`);
  const prepared = await prepareDataset(dataset, {
    ...(options.task === 'auto' ? {} : { task: options.task }),
    seed: options.splitSeed,
    grouping: options.grouping,
    onBad: options.onBad,
    onProgress: (m) => options.log?.(`data: ${m}`),
  });
  const { pixels, size } = await preprocessSlices(prepared.items.map((it) => it.image), chain, options.imageSize);
  const [h, w] = size;
  const splits = {} as Record<SplitName, SplitData>;
  for (const split of ['train', 'val', 'test'] as const) {
    const indices = prepared.items.map((it, i) => (it.split === split ? i : -1)).filter((i) => i >= 0);
    const buffer = new Uint8Array(indices.length * h * w);
    indices.forEach((i, j) => buffer.set(pixels.subarray(i * h * w, (i + 1) * h * w), j * h * w));
    const items = indices.map((i) => prepared.items[i]!);
    const labelList = items.map((it) => it.label);
    splits[split] = {
      images: tensor(buffer, { shape: [indices.length, 1, h, w], device: options.device }),
      labels: tensor(labelList, { dtype: 'int64', device: options.device }),
      labelList,
      ids: items.map((it) => it.item.id),
      subjects: items.map((it) => it.item.subject),
      groups: items.map((it) => it.group),
    };
  }
  return { prepared, splits, imageSize: size, chain };
}

/** Frees the split tensors. */
export function disposeTrainingData(data: TrainingData): void {
  for (const s of Object.values(data.splits)) {
    s.images.dispose();
    s.labels.dispose();
  }
}
