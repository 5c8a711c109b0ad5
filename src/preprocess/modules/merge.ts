import { requireGray } from '../raster.js';
import type { StepDefinition, StepParams, ParamFailure } from '../step.js';
import { blurImage, checkKernel, kernelSizeParam, SMOOTH_METHODS, type SmoothMethod } from './smooth.js';

/** Rounds half to even, like OpenCV's `cvRound` (`lrint` in the default rounding mode). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Overlap merge, Ben Graham's retina preprocessing: `w1 * image + w2 * smoothed + offset`,
 * saturated to 0..255, exactly `cv2.addWeighted(img, w1, smoothed, w2, offset)`. The offset
 * defaults to 128 so that "no local change" lands on mid-gray; the study's pairs are 4/-4, 3/-3,
 * 2/-2 and 1/-1.
 */
export function overlapMerge(image: Uint8Array, smoothed: Uint8Array, w1: number, w2: number, offset: number): Uint8Array {
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) {
    const v = roundHalfEven(w1 * image[i]! + w2 * smoothed[i]! + offset);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}

/**
 * Multiply merge: the element-wise product of the image and its smoothed copy, scaled by 1/255 so
 * that it stays in 0..255 instead of wrapping around as uint8 `np.multiply` would:
 * `round(image * smoothed / 255)`, the same as `cv2.multiply(img, smoothed, scale=1/255)`. A pixel
 * keeps its value where the neighbourhood is white and goes dark where the neighbourhood is dark.
 */
export function multiplyMerge(image: Uint8Array, smoothed: Uint8Array): Uint8Array {
  const out = new Uint8Array(image.length);
  // round(p / 255) for integer p never ties (2p is even, 255 odd), so integer floor is exact.
  for (let i = 0; i < image.length; i++) out[i] = ((2 * image[i]! * smoothed[i]! + 255) / 510) | 0;
  return out;
}

/**
 * `merge(multiply,smooth=gaussian,k=11)` or `merge(overlap,w1=4,w2=-4,offset=128,smooth=gaussian,k=11)`:
 * smooths the image, then combines image and smoothed copy (see {@link multiplyMerge} and
 * {@link overlapMerge} for the exact arithmetic).
 */
export const merge: StepDefinition = {
  name: 'merge',
  summary: 'combine image with its smoothed copy (multiply, or overlap w1*img + w2*smooth + offset)',
  params: [
    { name: 'mode', kind: 'choice', default: 'multiply', choices: ['multiply', 'overlap'] },
    { name: 'smooth', kind: 'choice', default: 'gaussian', choices: SMOOTH_METHODS, aliases: ['method'] },
    kernelSizeParam,
    { name: 'w1', kind: 'number', default: 4, min: -255, max: 255 },
    { name: 'w2', kind: 'number', default: -4, min: -255, max: 255 },
    { name: 'offset', kind: 'number', default: 128, min: -1024, max: 1024, aliases: ['gamma'] },
  ],
  validate(params: StepParams, fail: ParamFailure) {
    checkKernel(params.smooth as SmoothMethod, params.k as number, fail);
  },
  apply(image, params, ops) {
    requireGray(image, 'merge');
    const smoothed = blurImage(ops, image, params.smooth as SmoothMethod, params.k as number);
    return params.mode === 'multiply'
      ? ops.multiplyMerge(image, smoothed)
      : ops.overlapMerge(image, smoothed, params.w1 as number, params.w2 as number, params.offset as number);
  },
};
