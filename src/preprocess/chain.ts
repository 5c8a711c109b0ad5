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

function applyStep(step: Step, index: number, image: Raster, ops: ImageOps): Raster {
  try {
    return step.definition.apply(image, step.params, ops);
  } catch (error) {
    if (error instanceof AlzbenchError) throw error;
    // opencv.js throws bare numbers (C++ exception pointers) for its own errors.
    const detail = error instanceof Error ? error.message : `OpenCV exception ${String(error)}`;
    throw new AlzbenchError(`applying step ${index + 1} (${formatStep(step)}) to a ${image.width}x${image.height}x${image.channels} image: ${detail}`, {
      cause: error,
    });
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
