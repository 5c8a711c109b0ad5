import type { Raster } from '../preprocess/raster.js';

/** Side of the thumbnails used for near-duplicate search. */
export const THUMBNAIL_SIDE = 16;

/**
 * A 16x16 box-averaged thumbnail of a gray raster. Small enough that resampling, re-encoding and
 * pixel noise vanish, large enough that different slices (even of one brain) stay apart.
 */
export function thumbnail(image: Raster): Float32Array {
  const side = THUMBNAIL_SIDE;
  const sums = new Float64Array(side * side);
  const counts = new Uint32Array(side * side);
  const { width, height, channels, data } = image;
  for (let y = 0; y < height; y++) {
    const ty = Math.min(side - 1, Math.floor((y * side) / height));
    for (let x = 0; x < width; x++) {
      const cell = ty * side + Math.min(side - 1, Math.floor((x * side) / width));
      sums[cell]! += data[(y * width + x) * channels]!;
      counts[cell]!++;
    }
  }
  const out = new Float32Array(side * side);
  for (let i = 0; i < out.length; i++) out[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : 0;
  return out;
}

/** Mean absolute difference of two thumbnails, in gray levels (0..255). */
export function thumbnailDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** A near-duplicate pair: indices into the thumbnail list and their distance. */
export interface NearPair {
  readonly a: number;
  readonly b: number;
  readonly distance: number;
}

/**
 * Every pair of thumbnails closer than `threshold` (mean absolute difference). Pairs are pruned by
 * mean brightness (|mean a - mean b| is a lower bound of the distance) and each distance stops
 * early once it passes the threshold, so thousands of slices take about a second.
 */
export function nearPairs(thumbs: readonly Float32Array[], threshold: number): NearPair[] {
  const n = thumbs.length;
  const means = thumbs.map((t) => t.reduce((s, v) => s + v, 0) / t.length);
  const order = [...means.keys()].sort((i, j) => means[i]! - means[j]!);
  const pairs: NearPair[] = [];
  const len = thumbs[0]?.length ?? 0;
  const limit = threshold * len;
  for (let oi = 0; oi < n; oi++) {
    const i = order[oi]!;
    const ti = thumbs[i]!;
    for (let oj = oi + 1; oj < n; oj++) {
      const j = order[oj]!;
      if (means[j]! - means[i]! > threshold) break;
      const tj = thumbs[j]!;
      let sum = 0;
      for (let k = 0; k < len && sum <= limit; k++) sum += Math.abs(ti[k]! - tj[k]!);
      if (sum <= limit) pairs.push(i < j ? { a: i, b: j, distance: sum / len } : { a: j, b: i, distance: sum / len });
    }
  }
  return pairs;
}
