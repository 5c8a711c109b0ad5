import type { CvMat, OpenCv } from './opencv.js';
import { makeRaster, type Raster } from './raster.js';

/** Copies a raster into a new Mat in the wasm heap; the caller deletes it. */
export function toMat(cv: OpenCv, image: Raster): CvMat {
  const mat = new cv.Mat(image.height, image.width, image.channels === 1 ? cv.CV_8UC1 : cv.CV_8UC3);
  mat.data.set(image.data);
  return mat;
}

/** Copies a Mat's pixels out of the wasm heap (the heap may grow and move, so views go stale). */
export function fromMat(mat: CvMat): Raster {
  const channels = mat.channels();
  return makeRaster(mat.cols, mat.rows, channels === 3 ? 3 : 1, mat.data.slice());
}

/**
 * Runs `op(src, dst)` on a raster through opencv.js and returns the result, deleting both Mats
 * whatever happens.
 */
export function viaMat(cv: OpenCv, image: Raster, op: (src: CvMat, dst: CvMat) => void): Raster {
  const src = toMat(cv, image);
  const dst = new cv.Mat();
  try {
    op(src, dst);
    return fromMat(dst);
  } finally {
    src.delete();
    dst.delete();
  }
}
