import type { Raster } from '../preprocess/raster.js';

/** Gray level above which a pixel counts as head/brain (skull-stripped slices have a black background). */
export const MASK_LEVEL = 16;
/** Width and height of the coarse descriptor grid used to propose candidate pairs (8-pixel blocks on a 176x208 slice). */
export const COARSE_GRID = [22, 26] as const;
/** Largest centroid shift (pixels) the full-resolution comparison corrects for. */
export const MAX_ALIGN_SHIFT = 12;
/**
 * Weight of the tissue-brightness term of {@link sliceDistance}, per gray level: white matter's
 * brightness is a property of the scan (scanner, sequence, normalization), nearly constant from one
 * slice to the next and different between people. 0.002 raised the grouping's ARI on synthetic data
 * from 0.78 to 0.87 (bench/grouping/run.mjs).
 */
export const BRIGHTNESS_WEIGHT = 0.002;
/**
 * Weight of the coarse-shape term of {@link sliceDistance}: 1 minus the correlation of the 8x
 * coarser descriptors, i.e. head outline and the layout of large structures, which change slowly
 * along a scan and differ between people. 1 raised the grouping's ARI on synthetic data (seed 1,
 * 60 subjects) from 0.87 to 0.90 (bench/grouping/run.mjs); checked on a second set (seed 7, 200
 * subjects) in BENCHMARKS.md.
 */
export const COARSE_WEIGHT = 1;

/**
 * What the subject grouping and the leakage audit keep of one slice: its full-resolution gray
 * pixels (a view, not a copy), their mean and standard deviation, the centroid of the head mask,
 * and a coarse descriptor for the candidate search.
 */
export interface SliceSignature {
  readonly width: number;
  readonly height: number;
  /** Gray pixels at full resolution, row-major (`width * height`). */
  readonly pixels: Uint8Array;
  /** Centroid of the pixels above {@link MASK_LEVEL}, in pixels (image centre when the mask is empty). */
  readonly centroid: readonly [number, number];
  /** 90th and 97th percentiles of the gray levels above {@link MASK_LEVEL} (white matter on T1). */
  readonly brightLevels: readonly [number, number];
  /**
   * Block means on a {@link COARSE_GRID} grid, minus their mean, scaled to unit length: the dot
   * product of two descriptors is the Pearson correlation of the two slices at 8x lower resolution.
   */
  readonly coarse: Float32Array;
  /** True when the coarse descriptor is all zero (a slice of one gray level at 8x lower resolution). */
  readonly flat: boolean;
}

/**
 * The signature of a slice (channel 0 of a gray or RGB raster).
 *
 * @param image an 8-bit raster
 * @returns its size, full-resolution pixels, head-mask centroid (pixels), white-matter levels and the unit-length
 *   coarse descriptor ({@link COARSE_GRID} block means)
 *
 * @example
 * const s = sliceSignature(await decodeImage('a.jpg')); // s.coarse.length === 572
 */
export function sliceSignature(image: Raster): SliceSignature {
  const { width, height, channels, data } = image;
  const pixels = channels === 1 ? data : Uint8Array.from({ length: width * height }, (_, i) => data[i * channels]!);
  const [gw, gh] = COARSE_GRID;
  const sums = new Float64Array(gw * gh);
  const counts = new Uint32Array(gw * gh);
  let mx = 0;
  let my = 0;
  let inMask = 0;
  const histogram = new Uint32Array(256);
  const column = Uint16Array.from({ length: width }, (_, x) => Math.min(gw - 1, Math.floor((x * gw) / width)));
  for (let y = 0; y < height; y++) {
    const rowCell = Math.min(gh - 1, Math.floor((y * gh) / height)) * gw;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const v = pixels[row + x]!;
      const cell = rowCell + column[x]!;
      sums[cell]! += v;
      counts[cell]!++;
      if (v > MASK_LEVEL) {
        histogram[v]!++;
        mx += x;
        my += y;
        inMask++;
      }
    }
  }
  const coarse = new Float32Array(gw * gh);
  let total = 0;
  for (let i = 0; i < sums.length; i++) total += sums[i]!;
  // Slices smaller than the grid leave cells empty: give them the slice's mean, not black.
  const pixelMean = total / Math.max(1, width * height);
  let mean = 0;
  for (let i = 0; i < coarse.length; i++) {
    coarse[i] = counts[i]! > 0 ? sums[i]! / counts[i]! : pixelMean;
    mean += coarse[i]!;
  }
  mean /= coarse.length;
  let norm = 0;
  for (let i = 0; i < coarse.length; i++) {
    coarse[i]! -= mean;
    norm += coarse[i]! ** 2;
  }
  const flat = norm === 0;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < coarse.length; i++) coarse[i]! /= norm;
  const centroid: [number, number] = inMask > 0 ? [mx / inMask, my / inMask] : [(width - 1) / 2, (height - 1) / 2];
  const level = (p: number) => {
    const target = p * inMask;
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v]!;
      if (seen > target) return v;
    }
    return 255;
  };
  return { width, height, pixels, centroid, brightLevels: inMask > 0 ? [level(0.9), level(0.97)] : [0, 0], coarse, flat };
}

/**
 * Distance of two slices at full resolution: 1 minus the Pearson correlation (normalized
 * cross-correlation) of their pixels after aligning the centroids of their head masks (an integer
 * shift of at most {@link MAX_ALIGN_SHIFT} pixels), computed over the overlap, plus
 * {@link BRIGHTNESS_WEIGHT} times the summed difference of their white-matter levels
 * (`brightLevels`), plus {@link COARSE_WEIGHT} times 1 minus the correlation of their coarse
 * descriptors. 0 for identical slices; calibration on data with known subjects (neighbouring
 * slices of one scan vs the closest slice of another person) in BENCHMARKS.md. Slices of different sizes are compared after
 * resampling `b` to `a`'s size (bilinear).
 *
 * Cost: one pass over `width * height` pixels.
 *
 * @param a the first slice's signature (its size is the comparison's)
 * @param b the second slice's signature
 * @returns the distance, 0 for identical slices (about 0..2 for the correlation part, plus the weighted terms)
 */
export function sliceDistance(a: SliceSignature, b: SliceSignature): number {
  return distance(a, b, true);
}

/**
 * {@link sliceDistance} without the centroid alignment: the two slices are compared in their own
 * pixel frame. Slices of one scan share that frame (one volume, one in-plane grid), so this is the
 * distance for chaining slices into scans: the centroid of the head mask moves from slice to slice
 * where anatomy changes fast (skull base, cerebellum), and aligning it there misaligns the rest.
 * On synthetic scans, at the lowest 5 slices the true neighbour beat the closest other person's
 * slice in 77 % of cases in the slices' own frame and in 24 % after aligning centroids (the image
 * term alone; bench/grouping/run.mjs, BENCHMARKS.md). The leakage audit keeps the alignment: it
 * compares different scans, possibly of the same person in another session.
 *
 * @param a the first slice's signature (its size is the comparison's)
 * @param b the second slice's signature (resampled bilinearly to `a`'s size when it differs)
 * @returns 0 for identical slices; about 0.1 for neighbouring slices of one scan 2.6 mm apart
 */
export function sameFrameDistance(a: SliceSignature, b: SliceSignature): number {
  return distance(a, b, false);
}

function distance(a: SliceSignature, b: SliceSignature, align: boolean): number {
  const bp = a.width === b.width && a.height === b.height ? b.pixels : resampleBilinear(b, a.width, a.height);
  const scaleX = a.width / b.width;
  const scaleY = a.height / b.height;
  const clampShift = (s: number) => Math.max(-MAX_ALIGN_SHIFT, Math.min(MAX_ALIGN_SHIFT, Math.round(s)));
  // Shift of b onto a: a(x, y) is compared with b(x - dx, y - dy).
  const dx = align ? clampShift(a.centroid[0] - b.centroid[0] * scaleX) : 0;
  const dy = align ? clampShift(a.centroid[1] - b.centroid[1] * scaleY) : 0;
  const w = a.width;
  const x0 = Math.max(0, dx);
  const x1 = Math.min(w, w + dx);
  const y0 = Math.max(0, dy);
  const y1 = Math.min(a.height, a.height + dy);
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  const ap = a.pixels;
  for (let y = y0; y < y1; y++) {
    const ra = y * w;
    const rb = (y - dy) * w - dx;
    for (let x = x0; x < x1; x++) {
      const va = ap[ra + x]!;
      const vb = bp[rb + x]!;
      sa += va;
      sb += vb;
      saa += va * va;
      sbb += vb * vb;
      sab += va * vb;
    }
  }
  const n = (x1 - x0) * (y1 - y0);
  let coarse = 0;
  for (let i = 0; i < a.coarse.length; i++) coarse += a.coarse[i]! * b.coarse[i]!;
  // A flat descriptor correlates with nothing but another flat one.
  const shape = a.flat || b.flat ? (a.flat && b.flat ? 0 : 1) : Math.max(0, 1 - coarse);
  const brightness =
    BRIGHTNESS_WEIGHT * (Math.abs(a.brightLevels[0] - b.brightLevels[0]) + Math.abs(a.brightLevels[1] - b.brightLevels[1])) + COARSE_WEIGHT * shape;
  if (n <= 0) return 2 + brightness;
  const cov = sab - (sa * sb) / n;
  const va = saa - (sa * sa) / n;
  const vb = sbb - (sb * sb) / n;
  // A flat slice correlates with nothing; call it maximally far (1) rather than NaN.
  // Sums of squares cancel to rounding noise on a flat slice: call variance below 1e-6 per pixel zero.
  const flatA = va <= 1e-6 * n;
  const flatB = vb <= 1e-6 * n;
  if (flatA || flatB) return (flatA && flatB && sa / n === sb / n ? 0 : 1) + brightness;
  return 1 - cov / Math.sqrt(va * vb) + brightness;
}

function resampleBilinear(s: SliceSignature, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.max(0, Math.min(s.height - 1, ((y + 0.5) * s.height) / height - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(s.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.max(0, Math.min(s.width - 1, ((x + 0.5) * s.width) / width - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(s.width - 1, x0 + 1);
      const fx = sx - x0;
      const p = s.pixels;
      const top = p[y0 * s.width + x0]! * (1 - fx) + p[y0 * s.width + x1]! * fx;
      const bottom = p[y1 * s.width + x0]! * (1 - fx) + p[y1 * s.width + x1]! * fx;
      out[y * width + x] = Math.round(top * (1 - fy) + bottom * fy);
    }
  }
  return out;
}
