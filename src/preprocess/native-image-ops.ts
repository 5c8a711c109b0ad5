import { native } from '../torch/native.js';
import { makeRaster, type Raster } from './raster.js';
import type { BlurMethod, ImageOps, KernelShape } from './image-ops.js';

interface ImageOpBinding {
  imageOp(op: string, data: Uint8Array, width: number, height: number, channels: number, args: number[], second?: Uint8Array): Uint8Array;
  opencvVersion(): string;
}

const binding = native as unknown as Partial<ImageOpBinding>;
const SHAPES: Record<KernelShape, number> = { rect: 0, ellipse: 1, cross: 2 };
const BLURS: Record<BlurMethod, number> = { average: 0, median: 1, gaussian: 2 };

/** The version of the native OpenCV in the addon, or null when it was built without OpenCV. */
export function nativeOpenCvVersion(): string | null {
  return binding.opencvVersion ? binding.opencvVersion() : null;
}

function run(op: string, image: Raster, args: number[], width = image.width, height = image.height, channels: 1 | 3 = image.channels, second?: Raster): Raster {
  return makeRaster(width, height, channels, binding.imageOp!(op, image.data, image.width, image.height, image.channels, args, second?.data));
}

/** Preprocessing operations through Debian's OpenCV in the native addon (null when absent). */
export const nativeImageOps: ImageOps | null = binding.imageOp
  ? {
      backend: 'native',
      rgbToGray: (image) => run('rgb2gray', image, [], image.width, image.height, 1),
      morphOpen: (image, shape, k, iterations) => run('open', image, [SHAPES[shape], k, iterations]),
      clahe: (image, clip, tiles) => run('clahe', image, [clip, tiles]),
      blur: (image, method, k) => run('blur', image, [BLURS[method], k]),
      resize: (image, width, height) => run('resize', image, [width, height], width, height),
      normalize: (image, min, max) => run('normalize', image, [min, max]),
      invert: (image) => run('invert', image, []),
      multiplyMerge: (image, smoothed) => run('multiply', image, [1 / 255], image.width, image.height, image.channels, smoothed),
      overlapMerge: (image, smoothed, w1, w2, offset) => run('addWeighted', image, [w1, w2, offset], image.width, image.height, image.channels, smoothed),
    }
  : null;
