import type { Raster } from './raster.js';
import type { OpenCv } from './opencv.js';

/** Structuring element shapes of morphological opening. */
export type KernelShape = 'rect' | 'ellipse' | 'cross';
/** Blur kinds: box average, median, Gaussian (sigma from the kernel size). */
export type BlurMethod = 'average' | 'median' | 'gaussian';

/**
 * The OpenCV operations the preprocessing modules need, on 8-bit rasters, with cv2's exact
 * semantics. Two backends: Debian's native OpenCV in the addon (default: cv2's own library and
 * speed) and opencv.js (fallback where the addon was built without OpenCV, and for browsers).
 */
export interface ImageOps {
  /** Which backend this is, for records and benchmarks. */
  readonly backend: 'native' | 'opencv.js';
  /** cv2.cvtColor(img, COLOR_RGB2GRAY) */
  rgbToGray(image: Raster): Raster;
  /** cv2.morphologyEx(img, MORPH_OPEN, getStructuringElement(shape, (k, k)), iterations=iter) */
  morphOpen(image: Raster, shape: KernelShape, k: number, iterations: number): Raster;
  /** cv2.createCLAHE(clipLimit=clip, tileGridSize=(tiles, tiles)).apply(img) */
  clahe(image: Raster, clip: number, tiles: number): Raster;
  /** cv2.blur / medianBlur / GaussianBlur(img, (k, k), 0) with the default border. */
  blur(image: Raster, method: BlurMethod, k: number): Raster;
  /** cv2.resize(img, (width, height), interpolation=INTER_LINEAR) */
  resize(image: Raster, width: number, height: number): Raster;
  /** cv2.normalize(img, None, min, max, NORM_MINMAX) */
  normalize(image: Raster, min: number, max: number): Raster;
  /** cv2.bitwise_not(img): 255 - x */
  invert(image: Raster): Raster;
  /** cv2.multiply(a, b, scale=1/255): round(a * b / 255), never wrapping */
  multiplyMerge(image: Raster, smoothed: Raster): Raster;
  /** cv2.addWeighted(a, w1, b, w2, offset), saturated */
  overlapMerge(image: Raster, smoothed: Raster, w1: number, w2: number, offset: number): Raster;
}

/** True for an opencv.js module object (older callers pass it where ImageOps is expected). */
export function isOpenCvModule(value: unknown): value is OpenCv {
  return typeof value === 'object' && value !== null && 'Mat' in value && 'CLAHE' in value;
}
