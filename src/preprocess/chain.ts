import { AlzbenchError } from '../util/errors.js';
import type { Chain } from './chain-spec.js';
import type { ImageOps } from './image-ops.js';
import { resolveImageOps } from './load-image-ops.js';
import type { Raster } from './raster.js';
import { formatStep, type Step } from './step.js';

/** One step's output, for previews: the canonical step text and the image after it. */
export interface StepOutput {
  readonly label: string;
  readonly image: Raster;
}

/**
 * The error a chain step's failure becomes: an AlzbenchError as it is (a step's own check),
 * anything else wrapped in one naming the step (1-based index, canonical text) and the size of
 * the image it got. Shared with the thread-pool path (chain-program.ts) so both say the same.
 *
 * @param index - 0-based position of the step in the chain
 * @param image - the step's input image (only its size is read)
 */
export function stepError(step: Step, index: number, image: Pick<Raster, 'width' | 'height' | 'channels'>, error: unknown): AlzbenchError {
  if (error instanceof AlzbenchError) return error;
  // opencv.js throws bare numbers (C++ exception pointers) for its own errors.
  const detail = error instanceof Error ? error.message : `OpenCV exception ${String(error)}`;
  return new AlzbenchError(`applying step ${index + 1} (${formatStep(step)}) to a ${image.width}x${image.height}x${image.channels} image: ${detail}`, {
    cause: error,
  });
}

function applyStep(step: Step, index: number, image: Raster, ops: ImageOps): Raster {
  try {
    return step.definition.apply(image, step.params, ops);
  } catch (error) {
    throw stepError(step, index, image, error);
  }
}

/**
 * Runs a chain on one image and returns the result (the input itself for the empty chain).
 *
 * @example
 * const out = applyChain(parseChain('grayscale|clahe(clip=2,tile=7)'), slice); // native OpenCV
 */
export function applyChain(chain: Chain, image: Raster, backend?: ImageOps | unknown): Raster {
  const ops = resolveImageOps(backend);
  let current = image;
  chain.steps.forEach((step, i) => {
    current = applyStep(step, i, current, ops);
  });
  return current;
}

/** Runs a chain and keeps every intermediate image, starting with the input (label `input`). */
export function applyChainSteps(chain: Chain, image: Raster, backend?: ImageOps | unknown): StepOutput[] {
  const ops = resolveImageOps(backend);
  const outputs: StepOutput[] = [{ label: 'input', image }];
  let current = image;
  chain.steps.forEach((step, i) => {
    current = applyStep(step, i, current, ops);
    outputs.push({ label: formatStep(step), image: current });
  });
  return outputs;
}
