import type { ImageOps } from '../image-ops.js';
import { requireGray, type Raster } from '../raster.js';
import type { ParamFailure, ParamSpec, StepDefinition, StepParams } from '../step.js';

/** The blur kinds of the study. */
export const SMOOTH_METHODS = ['average', 'median', 'gaussian'] as const;
/** One of {@link SMOOTH_METHODS}. */
export type SmoothMethod = (typeof SMOOTH_METHODS)[number];

/** Kernel size parameter shared by `smooth` and `merge`. */
export const kernelSizeParam: ParamSpec = { name: 'k', kind: 'int', default: 11, min: 1, max: 255, aliases: ['kernel', 'size'] };

/** Median and Gaussian kernels must be odd in OpenCV; average (box) kernels may be even. */
export function checkKernel(method: SmoothMethod, k: number, fail: ParamFailure, name = 'k'): void {
  if (method !== 'average' && k % 2 === 0) fail(name, `odd integer (${method} kernels are odd)`, k);
}

/**
 * Blurs a gray image like cv2: `cv2.blur(img, (k, k))`, `cv2.medianBlur(img, k)` or
 * `cv2.GaussianBlur(img, (k, k), 0)` (sigma derived from k), all with OpenCV's default border
 * (reflect 101).
 */
export function blurImage(ops: ImageOps, image: Raster, method: SmoothMethod, k: number): Raster {
  return ops.blur(image, method, k);
}

/** `smooth(gaussian,k=11)`: average, median or Gaussian blur. */
export const smooth: StepDefinition = {
  name: 'smooth',
  summary: 'average, median or Gaussian blur',
  params: [{ name: 'method', kind: 'choice', default: 'gaussian', choices: SMOOTH_METHODS, aliases: ['type'] }, kernelSizeParam],
  validate(params: StepParams, fail: ParamFailure) {
    checkKernel(params.method as SmoothMethod, params.k as number, fail);
  },
  apply(image, params, ops) {
    requireGray(image, 'smooth');
    return blurImage(ops, image, params.method as SmoothMethod, params.k as number);
  },
};
