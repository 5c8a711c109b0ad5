/**
 * The compute behind the predict and preprocessing pages: uploaded bytes are decoded in memory
 * (never written to disk), checked for size, then run through a run's model with Grad-CAM or
 * through a preprocessing chain step by step.
 */
import sharp from 'sharp';
import { BadImageError, decodeImage } from '../data/decode-image.js';
import { describeImageLimits, UPLOAD_IMAGE_LIMITS } from '../data/image-limits.js';
import { overlayHeatmap } from '../eval/cam-overlay.js';
import { gradCam } from '../eval/grad-cam.js';
import { toModelInput } from '../eval/model-input.js';
import { predictSlices, type TestTimeAugmentation } from '../eval/tta.js';
import { getModelSpec } from '../models/registry.js';
import { applyChainSteps } from '../preprocess/chain.js';
import { parseChain } from '../preprocess/chain-spec.js';
import { loadImageOps } from '../preprocess/load-image-ops.js';
import type { Raster } from '../preprocess/raster.js';
import { tensor } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { preprocessSlices } from '../data/data-tensors.js';
import { loadTrainedModel, type TrainedModel } from '../models/load-trained.js';
import { AlzbenchError, invalid } from '../util/errors.js';
import type { PredictResponse, PreprocessResponse } from './api-types.js';
import { UPLOAD_VOLUME_LIMITS, volumeSizeProblem } from '../data/image-limits.js';
import { readVolumeBytes } from '../data/volume/read-volume.js';
import { VolumeError } from '../data/volume/volume-error.js';
import type { Volume } from '../data/volume/read-volume.js';
import { volumePipeline } from '../data/volume-dataset.js';
import { volumeToSample } from '../data/volume-transforms/index.js';
import { inferVolumes } from '../eval/infer-volumes.js';
import { gradCam3d } from '../eval/grad-cam-3d.js';
import { cam3dPicture } from '../eval/cam-overlay-3d.js';
import { HttpError } from './http-error.js';

/** Image formats an upload may be (by its header, whatever its Content-Type says). */
export const UPLOAD_FORMATS = ['jpeg', 'png', 'bmp', 'tiff', 'webp'] as const;
/** Largest output a chain step may make on the preprocessing page (resize is the only one that grows). */
export const MAX_STEP_SIZE = 2048;

/**
 * Decodes an uploaded image, refusing one whose header declares more than
 * {@link UPLOAD_IMAGE_LIMITS} (4096 x 4096) or no size at all before any pixel is allocated (a
 * small compressed file can expand enormously).
 *
 * @throws HttpError 413 for an image declared too large; AlzbenchError (exit code 2, answered 400) for non-images
 */
export async function decodeUpload(bytes: Uint8Array, keepColor: boolean): Promise<Raster> {
  try {
    // Only the upload types' formats: sharp also renders SVG, PDF and others the dashboard never needs.
    return await decodeImage(bytes, { name: 'the upload', keepColor, limits: UPLOAD_IMAGE_LIMITS, formats: UPLOAD_FORMATS });
  } catch (error) {
    if (error instanceof BadImageError && error.kind === 'too-large')
      throw new HttpError(413, error.message, `upload a single slice of at most ${describeImageLimits(UPLOAD_IMAGE_LIMITS)}`);
    throw new AlzbenchError((error as Error).message, { hint: 'upload a PNG, JPEG, BMP, TIFF or WebP slice', exitCode: 2 });
  }
}

/**
 * Trained models kept in memory between requests (loading one reads its checkpoint). A model in
 * use by a request is counted: evicting it (a newer model pushed it out, its checkpoint changed,
 * the server closes) only drops it from the cache, and its tensors are freed when its last user
 * is done, so a prediction that awaits (decoding, preprocessing) never runs on freed tensors.
 */
export class ModelCache {
  private readonly entries = new Map<string, TrainedModel>();
  private readonly users = new Map<TrainedModel, number>();

  /** @param capacity models kept (the least recently used is dropped beyond it, freed once unused) */
  constructor(private readonly capacity = 2) {}

  /**
   * Runs `work` with the model of a run folder (its best checkpoint, loaded once); the model stays
   * alive until `work` settles even if it is evicted meanwhile.
   *
   * @param key names the model (run id and checkpoint epoch)
   * @param runDir the run folder whose checkpoint is loaded on a miss
   * @param work what to do with the model
   * @returns what `work` returns
   */
  async use<T>(key: string, runDir: string, work: (trained: TrainedModel) => Promise<T>): Promise<T> {
    const trained = this.get(key, runDir);
    this.users.set(trained, (this.users.get(trained) ?? 0) + 1);
    try {
      return await work(trained);
    } finally {
      const left = this.users.get(trained)! - 1;
      if (left > 0) this.users.set(trained, left);
      else {
        this.users.delete(trained);
        if (![...this.entries.values()].includes(trained)) trained.model.dispose();
      }
    }
  }

  /** Models alive now: cached, or evicted but still in use. */
  get size(): number {
    return new Set([...this.entries.values(), ...this.users.keys()]).size;
  }

  private get(key: string, runDir: string): TrainedModel {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const trained = loadTrainedModel(runDir);
    this.entries.set(key, trained);
    while (this.entries.size > this.capacity) {
      const [oldest, model] = this.entries.entries().next().value as [string, TrainedModel];
      this.drop(oldest, model);
    }
    return trained;
  }

  /** Drops a model from the cache; frees it now unless a request still uses it. */
  private drop(key: string, trained: TrainedModel): void {
    this.entries.delete(key);
    if (!this.users.has(trained)) trained.model.dispose();
  }

  /** Forgets a run's model (its checkpoint changed). */
  evict(key: string): void {
    const trained = this.entries.get(key);
    if (trained) this.drop(key, trained);
  }

  /** Frees every model's tensors (those still in use when their request is done). */
  clear(): void {
    for (const [key, trained] of [...this.entries]) this.drop(key, trained);
  }
}

/** A raster as a PNG data URL; gray stays a 1-channel PNG (sharp would otherwise write sRGB). */
async function pngDataUrl(data: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<string> {
  let image = sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels } });
  if (channels === 1) image = image.toColourspace('b-w');
  return `data:image/png;base64,${(await image.png().toBuffer()).toString('base64')}`;
}

/**
 * Class probabilities of one slice and the Grad-CAM heat map of the predicted class, after the
 * run's own preprocessing chain at its input size, with the run's test-time augmentation (what
 * `alzbench predict` and `eval` do; the heat map is of the slice itself).
 */
export async function predictSlice(trained: TrainedModel, runId: string, slice: Raster): Promise<PredictResponse> {
  if (trained.input === 'volume') {
    throw new AlzbenchError(`Run ${runId} was trained on whole volumes (--input volume); it cannot classify a single slice`, {
      exitCode: 2,
      hint: 'use alzbench predict <run> <file.nii.gz> for volume runs',
    });
  }
  const { pixels, size } = await preprocessSlices([slice], trained.chain, trained.imageSize);
  const [h, w] = size;
  const layer = getModelSpec(trained.config.model).gradCamLayer;
  const tta: TestTimeAugmentation = (trained.config as { tta?: TestTimeAugmentation }).tta ?? 'none';
  const [{ probabilities, predicted }] = predictSlices(trained.model, pixels, 1, [h, w], tta) as [{ probabilities: Float32Array; predicted: number }];
  const cam = tidy(() => gradCam(trained.model, layer, toModelInput(tensor(pixels, { shape: [1, 1, h, w] })), predicted));
  return {
    run: runId,
    model: trained.config.model,
    checkpointEpoch: trained.epoch,
    predicted: trained.classes[predicted]!,
    probabilities: Object.fromEntries(trained.classes.map((c, k) => [c, probabilities[k]!])),
    input: await pngDataUrl(pixels, w, h, 1),
    overlay: await pngDataUrl(overlayHeatmap(pixels, cam.heatmap), w, h, 3),
    width: w,
    height: h,
  };
}

/**
 * The image after every step of a chain (the first entry is the input), as PNG data URLs.
 *
 * @throws AlzbenchError naming the step and parameter for a bad spec, or a resize beyond {@link MAX_STEP_SIZE}
 */
export async function preprocessSteps(spec: string, image: Raster): Promise<PreprocessResponse> {
  if (spec.length > 2000) throw invalid('a pipeline spec of at most 2000 characters', 'chain', `${spec.length} characters`);
  const chain = parseChain(spec);
  chain.steps.forEach((step, i) => {
    for (const key of ['width', 'height'] as const) {
      const value = step.params[key];
      if (typeof value === 'number' && value > MAX_STEP_SIZE)
        throw invalid(`at most ${MAX_STEP_SIZE}`, `parameter ${key} of step ${i + 1} (${step.definition.name})`, value);
    }
  });
  const steps = applyChainSteps(chain, image, await loadImageOps());
  return {
    chain: chain.spec,
    steps: await Promise.all(
      steps.map(async (s) => ({
        label: s.label,
        width: s.image.width,
        height: s.image.height,
        channels: s.image.channels,
        png: await pngDataUrl(s.image.data, s.image.width, s.image.height, s.image.channels),
      })),
    ),
  };
}

/**
 * Reads an uploaded NIfTI volume (`.nii` or `.nii.gz`) in memory, refusing one whose header
 * declares more than {@link UPLOAD_VOLUME_LIMITS} before any voxel buffer is allocated (a gzip
 * bomb stops at the declared size), and one that resampling to the run's spacing would grow
 * beyond those limits.
 *
 * @param spacing the run's voxel size in mm (null: kept as stored)
 * @throws HttpError 413 for a volume too large; AlzbenchError (answered 400) naming what the bytes are otherwise
 */
export async function decodeVolumeUpload(bytes: Uint8Array, spacing: number | null): Promise<Volume> {
  let volume: Volume;
  try {
    volume = await readVolumeBytes(bytes, 'the upload', { limits: UPLOAD_VOLUME_LIMITS });
  } catch (error) {
    if (error instanceof VolumeError && error.code === 'too-large')
      throw new HttpError(
        413,
        error.message,
        `upload one 3-D volume of at most ${UPLOAD_VOLUME_LIMITS.maxSide} voxels per axis and ${UPLOAD_VOLUME_LIMITS.maxVoxels} voxels`,
      );
    if (error instanceof AlzbenchError)
      throw new AlzbenchError(error.message, { hint: error.hint ?? 'upload one NIfTI volume (.nii or .nii.gz)', exitCode: 2 });
    throw error;
  }
  if (spacing !== null) {
    // Resampling makes shape * voxel size / spacing voxels: a header declaring huge voxels could ask for gigabytes.
    const resampled = volume.shape.map((n, i) => Math.ceil((n * volume.spacing[i]!) / spacing));
    const problem = volumeSizeProblem(resampled, UPLOAD_VOLUME_LIMITS);
    if (problem)
      throw new HttpError(
        413,
        `the upload resampled to the run's ${spacing} mm voxels would be ${resampled.join('x')}: ${problem.replace(/^the header declares [^;]*; /, '')}`,
        'upload a volume of ordinary brain size (its header voxel sizes in mm)',
      );
  }
  return volume;
}

/**
 * Class probabilities of one volume and its 3-D Grad-CAM (predicted class) as the axial, coronal
 * and sagittal planes through the peak, after the run's own volume preparation (what
 * `alzbench predict` does for a volume run).
 */
export async function predictVolume(trained: TrainedModel, runId: string, volume: Volume): Promise<PredictResponse> {
  if (trained.input !== 'volume' || !trained.volume)
    throw new AlzbenchError(`Run ${runId} was trained on 2-D slices; it cannot classify a whole volume`, {
      exitCode: 2,
      hint: 'upload one slice image, or pick a volume run',
    });
  const sample = volumeToSample(volume);
  const prepared = (() => {
    try {
      return volumePipeline(trained.volume).apply(sample).image;
    } finally {
      sample.image.dispose();
    }
  })();
  try {
    const input = prepared.unsqueeze(0);
    try {
      const probabilities = Array.from(inferVolumes(trained.model, input, null, 1).probabilities);
      const predicted = probabilities.indexOf(Math.max(...probabilities));
      const cam = tidy(() => gradCam3d(trained.model, getModelSpec(trained.config.model).gradCamLayer, input, predicted));
      const picture = cam3dPicture(input.toArray() as Float32Array, cam);
      const { gray, heat, width, height } = picture;
      return {
        run: runId,
        model: trained.config.model,
        checkpointEpoch: trained.epoch,
        predicted: trained.classes[predicted]!,
        probabilities: Object.fromEntries(trained.classes.map((c, k) => [c, probabilities[k]!])),
        input: await pngDataUrl(gray, width, height, 1),
        overlay: await pngDataUrl(overlayHeatmap(gray, heat), width, height, 3),
        width,
        height,
        volume: { shape: cam.shape, peak: cam.peak },
      };
    } finally {
      input.dispose();
    }
  } finally {
    prepared.dispose();
  }
}
