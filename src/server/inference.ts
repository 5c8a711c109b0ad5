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

/** Trained models kept in memory between requests (loading one reads its checkpoint). */
export class ModelCache {
  private readonly entries = new Map<string, TrainedModel>();

  /** @param capacity models kept (the least recently used is freed beyond it) */
  constructor(private readonly capacity = 2) {}

  /** The model of a run folder (its best checkpoint), loaded once. */
  get(key: string, runDir: string): TrainedModel {
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
      this.entries.delete(oldest);
      model.model.dispose();
    }
    return trained;
  }

  /** Forgets a run's model (its checkpoint changed). */
  evict(key: string): void {
    this.entries.get(key)?.model.dispose();
    this.entries.delete(key);
  }

  /** Frees every model's tensors. */
  clear(): void {
    for (const trained of this.entries.values()) trained.model.dispose();
    this.entries.clear();
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
 * run's own preprocessing chain at its input size (what `alzbench predict` does).
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
  const cam = tidy(() => gradCam(trained.model, layer, toModelInput(tensor(pixels, { shape: [1, 1, h, w] }))));
  return {
    run: runId,
    model: trained.config.model,
    checkpointEpoch: trained.epoch,
    predicted: trained.classes[cam.targetClass]!,
    probabilities: Object.fromEntries(trained.classes.map((c, k) => [c, cam.probabilities[k]!])),
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
