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

/** Runs one addon image operation: name, input, numeric arguments, output size, the merges' second image. */
export type NativeOpRunner = (op: string, image: Raster, args: number[], width: number, height: number, channels: 1 | 3, second?: Raster) => Raster;

/**
 * The preprocessing operations as calls of the addon's `imageOp` (names and argument codes),
 * through `runner`: the addon itself ({@link nativeImageOps}), or a recorder that turns a chain
 * into one program for the thread pool (preprocess/chain-program.ts).
 */
export function nativeOpsOver(runner: NativeOpRunner): ImageOps {
  return {
    backend: 'native',
    rgbToGray: (image) => runner('rgb2gray', image, [], image.width, image.height, 1),
    morphOpen: (image, shape, k, iterations) => runner('open', image, [SHAPES[shape], k, iterations], image.width, image.height, image.channels),
    clahe: (image, clip, tiles) => runner('clahe', image, [clip, tiles], image.width, image.height, image.channels),
    blur: (image, method, k) => runner('blur', image, [BLURS[method], k], image.width, image.height, image.channels),
    resize: (image, width, height) => runner('resize', image, [width, height], width, height, image.channels),
    normalize: (image, min, max) => runner('normalize', image, [min, max], image.width, image.height, image.channels),
    invert: (image) => runner('invert', image, [], image.width, image.height, image.channels),
    multiplyMerge: (image, smoothed) => runner('multiply', image, [1 / 255], image.width, image.height, image.channels, smoothed),
    overlapMerge: (image, smoothed, w1, w2, offset) => runner('addWeighted', image, [w1, w2, offset], image.width, image.height, image.channels, smoothed),
  };
}

/** Preprocessing operations through Debian's OpenCV in the native addon (null when absent). */
export const nativeImageOps: ImageOps | null = binding.imageOp ? nativeOpsOver(run) : null;
