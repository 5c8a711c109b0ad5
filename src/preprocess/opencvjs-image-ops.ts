import { viaMat } from './mat.js';
import type { OpenCv } from './opencv.js';
import type { ImageOps } from './image-ops.js';
import { makeRaster } from './raster.js';
import { multiplyMerge, overlapMerge } from './modules/merge.js';

/** Preprocessing operations through opencv.js (wasm): the fallback backend, bit-exact with cv2 too. */
export function openCvJsImageOps(cv: OpenCv): ImageOps {
  return {
    backend: 'opencv.js',
    rgbToGray: (image) => viaMat(cv, image, (src, dst) => cv.cvtColor(src, dst, cv.COLOR_RGB2GRAY)),
    morphOpen(image, shape, k, iterations) {
      const code = { rect: cv.MORPH_RECT, ellipse: cv.MORPH_ELLIPSE, cross: cv.MORPH_CROSS }[shape];
      const kernel = cv.getStructuringElement(code, new cv.Size(k, k));
      try {
        return viaMat(cv, image, (src, dst) => cv.morphologyEx(src, dst, cv.MORPH_OPEN, kernel, new cv.Point(-1, -1), iterations));
      } finally {
        kernel.delete();
      }
    },
    clahe(image, clip, tiles) {
      const equalizer = new cv.CLAHE(clip, new cv.Size(tiles, tiles));
      try {
        return viaMat(cv, image, (src, dst) => equalizer.apply(src, dst));
      } finally {
        equalizer.delete();
      }
    },
    blur: (image, method, k) =>
      viaMat(cv, image, (src, dst) => {
        if (method === 'median') cv.medianBlur(src, dst, k);
        else if (method === 'gaussian') cv.GaussianBlur(src, dst, new cv.Size(k, k), 0, 0, cv.BORDER_DEFAULT);
        else cv.blur(src, dst, new cv.Size(k, k), new cv.Point(-1, -1), cv.BORDER_DEFAULT);
      }),
    resize: (image, width, height) => viaMat(cv, image, (src, dst) => cv.resize(src, dst, new cv.Size(width, height), 0, 0, cv.INTER_LINEAR)),
    normalize: (image, min, max) => viaMat(cv, image, (src, dst) => cv.normalize(src, dst, min, max, cv.NORM_MINMAX)),
    // Plain loops with cv2's exact arithmetic: cheaper than copying into the wasm heap.
    invert: (image) =>
      makeRaster(
        image.width,
        image.height,
        image.channels,
        image.data.map((v) => 255 - v),
      ),
    multiplyMerge: (image, smoothed) => makeRaster(image.width, image.height, 1, multiplyMerge(image.data, smoothed.data)),
    overlapMerge: (image, smoothed, w1, w2, offset) => makeRaster(image.width, image.height, 1, overlapMerge(image.data, smoothed.data, w1, w2, offset)),
  };
}
