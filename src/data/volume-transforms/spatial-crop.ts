/**
 * Cropping and padding of channel-first volumes, all through one region extraction that fills
 * with a constant outside the image, and keeps the affine in step (the new voxel 0 is the old
 * voxel `start`): MONAI's SpatialCrop, CenterSpatialCrop + SpatialPad (ResizeWithPadOrCrop),
 * CropForeground, and a region-of-interest crop given in voxels or in world millimetres.
 */
import type { Tensor } from '../../torch/tensor.js';
import { tidy } from '../../torch/scope.js';
import { pad } from '../../nn/functional.js';
import { applyAffine, invertAffine, multiply4 } from '../volume/affine-math.js';
import { expectVolumeImage, type VolumeSample, type VolumeTransform } from './transform.js';

type Triple = readonly [number, number, number];

/**
 * The region [start, start + size) of `sample` along X, Y, Z; voxels outside the image are
 * `value`. The affine moves its origin to voxel `start`. Source: MONAI `SpatialCrop` / `SpatialPad`
 * (as torch `constant_pad_nd`, where negative padding crops).
 *
 * @param sample channel-first image [C, X, Y, Z] and affine; not changed
 * @param start the region's first voxel [x, y, z]; may be negative or beyond the image (padded)
 * @param size the region's size [X', Y', Z'] in voxels, positive integers
 * @param value the fill outside the image; default 0
 * @returns a new sample [C, X', Y', Z'] whose affine maps its voxel 0 to the old voxel `start`
 * @throws RangeError `region size must be positive integers, got [...]`, or when the image is not [C, X, Y, Z]
 */
export function extractRegion(sample: VolumeSample, start: Triple, size: Triple, value = 0): VolumeSample {
  const [, ...dims] = expectVolumeImage(sample.image);
  if (size.some((s) => !(Number.isInteger(s) && s > 0))) throw new RangeError(`region size must be positive integers, got [${size.join(', ')}]`);
  // constant_pad_nd: negative padding crops; pairs run from the last axis (Z) to the first (X).
  const padding: number[] = [];
  for (let a = 2; a >= 0; a--) padding.push(-start[a]!, start[a]! + size[a]! - dims[a]!);
  const image = padding.every((p) => p === 0) ? sample.image.clone() : tidy(() => pad(sample.image, padding, value).contiguous());
  const shift = [1, 0, 0, start[0], 0, 1, 0, start[1], 0, 0, 1, start[2], 0, 0, 0, 1];
  return { image, affine: multiply4(sample.affine, shift) };
}

/**
 * MONAI's ResizeWithPadOrCrop: each axis longer than `spatialSize` is center-cropped (start =
 * size // 2 - target // 2, as CenterSpatialCrop), each shorter one zero-padded symmetrically
 * (before = missing // 2, as SpatialPad's "symmetric" method).
 */
export class ResizeWithPadOrCrop implements VolumeTransform {
  readonly name = 'ResizeWithPadOrCrop';
  /**
   * @param spatialSize the output size [X, Y, Z] in voxels, positive integers
   * @param value the fill of padded voxels; default 0
   * @throws RangeError `ResizeWithPadOrCrop: spatial size must be three positive integers, got ...`
   */
  constructor(
    readonly spatialSize: Triple,
    readonly value = 0,
  ) {
    if (spatialSize.length !== 3 || spatialSize.some((s) => !(Number.isInteger(s) && s > 0))) {
      throw new RangeError(`ResizeWithPadOrCrop: spatial size must be three positive integers, got ${JSON.stringify(spatialSize)}`);
    }
  }
  /**
   * @param sample channel-first image [C, X, Y, Z] and its voxel-to-world affine (mm); not changed
   * @returns a new sample [C, ...spatialSize] with the affine shifted to the new voxel 0
   * @throws RangeError when the image is not [C, X, Y, Z]
   */
  apply(sample: VolumeSample): VolumeSample {
    const [, ...dims] = expectVolumeImage(sample.image);
    const start = dims.map((n, a) => {
      const target = this.spatialSize[a]!;
      return n >= target ? Math.floor(n / 2) - Math.floor(target / 2) : -Math.floor((target - n) / 2);
    }) as unknown as Triple;
    return extractRegion(sample, start, this.spatialSize, this.value);
  }
}

/**
 * The smallest box [start, end) holding every voxel where any channel is > `threshold`; null when none is
 * (MONAI `generate_spatial_bounding_box` with `select_fn = x > threshold`).
 *
 * @param image channel-first [C, X, Y, Z]
 * @param threshold the intensity a foreground voxel exceeds; default 0
 * @returns voxel indices [x, y, z] of the box's first voxel and one past its last, or null for no foreground
 */
export function foregroundBox(image: Tensor, threshold = 0): { start: [number, number, number]; end: [number, number, number] } | null {
  return tidy(() => {
    const mask = image.gt(threshold).float(); // [C, X, Y, Z]
    const start: number[] = [];
    const end: number[] = [];
    for (let a = 0; a < 3; a++) {
      // Foreground count per index along axis a (over channels and the two other axes).
      const along = mask.sum([0, ...[1, 2, 3].filter((b) => b !== a + 1)]).toNumbers();
      const first = along.findIndex((v) => v !== 0);
      if (first < 0) return null;
      start.push(first);
      end.push(along.length - [...along].reverse().findIndex((v) => v !== 0));
    }
    return { start: start as [number, number, number], end: end as [number, number, number] };
  });
}

/**
 * MONAI's CropForeground (default `select_fn` x > 0): crops to the bounding box of the brain (every
 * voxel above `threshold` in any channel) widened by `margin` voxels per side (kept inside the
 * image). An image with no foreground is an error (nothing to crop to).
 */
export class CropForeground implements VolumeTransform {
  readonly name = 'CropForeground';
  /**
   * @param options `threshold` of foreground intensity (default 0), `margin` in voxels added per side (default 0)
   */
  constructor(readonly options: { threshold?: number; margin?: number } = {}) {}
  /**
   * @param sample channel-first image [C, X, Y, Z] and its voxel-to-world affine (mm); not changed
   * @returns a new sample cropped to the foreground box (plus margin, within the image), affine shifted
   * @throws RangeError `no voxel above <threshold>: the image is empty (background only)`, or when the image is not
   *   [C, X, Y, Z]
   */
  apply(sample: VolumeSample): VolumeSample {
    const [, ...dims] = expectVolumeImage(sample.image);
    const box = foregroundBox(sample.image, this.options.threshold ?? 0);
    if (!box) throw new RangeError(`no voxel above ${this.options.threshold ?? 0}: the image is empty (background only)`);
    const margin = this.options.margin ?? 0;
    const start = box.start.map((s) => Math.max(0, s - margin));
    const end = box.end.map((e, a) => Math.min(dims[a]!, e + margin));
    return extractRegion(sample, start as unknown as Triple, end.map((e, a) => e - start[a]!) as unknown as Triple);
  }
}

/** A region of interest: voxel indices [start, end), or a world-space box (mm, RAS+) by its centre and size. */
export type RegionOfInterest = { space: 'voxel'; start: Triple; end: Triple } | { space: 'world'; center: Triple; size: Triple };

/**
 * Crops a region of interest (e.g. around both hippocampi), as MONAI's SpatialCrop with
 * `roi_start`/`roi_end`, or, in world coordinates, the voxel box covering the millimetre box
 * (its eight corners through the inverse affine, rounded outward). Parts outside the image are
 * zero-filled, so every sample of a data set gets the same shape.
 */
export class RoiCrop implements VolumeTransform {
  readonly name = 'RoiCrop';
  /**
   * @param roi voxel indices `[start, end)`, or a world box (mm, RAS+) by `center` and `size`
   * @throws RangeError `RoiCrop: expected three finite numbers per corner or size, got ...`, `RoiCrop: voxel region
   *   needs integer start < end on every axis, ...` or `RoiCrop: world region size must be positive mm, ...`
   */
  constructor(readonly roi: RegionOfInterest) {
    const values = roi.space === 'voxel' ? [...roi.start, ...roi.end] : [...roi.center, ...roi.size];
    if (values.length !== 6 || values.some((v) => !Number.isFinite(v)))
      throw new RangeError(`RoiCrop: expected three finite numbers per corner or size, got ${JSON.stringify(roi)}`);
    if (roi.space === 'voxel' && roi.end.some((e, a) => !(Number.isInteger(e) && Number.isInteger(roi.start[a]) && e > roi.start[a]!))) {
      throw new RangeError(`RoiCrop: voxel region needs integer start < end on every axis, got start [${roi.start.join(', ')}] end [${roi.end.join(', ')}]`);
    }
    if (roi.space === 'world' && roi.size.some((s) => !(s > 0)))
      throw new RangeError(`RoiCrop: world region size must be positive mm, got [${roi.size.join(', ')}]`);
  }
  /**
   * @param sample channel-first image [C, X, Y, Z] and its voxel-to-world affine (mm); not changed
   * @returns a new sample of the region (zero-filled outside the image), affine shifted to the region's first voxel
   * @throws RangeError when the image is not [C, X, Y, Z]
   * @throws Error `affine is singular (...)` for a world region when the sample's affine cannot be inverted
   */
  apply(sample: VolumeSample): VolumeSample {
    expectVolumeImage(sample.image);
    const roi = this.roi;
    if (roi.space === 'voxel') return extractRegion(sample, roi.start, roi.end.map((e, a) => e - roi.start[a]!) as unknown as Triple);
    const toVoxel = invertAffine(sample.affine);
    const corners: [number, number, number][] = [];
    for (const dx of [-0.5, 0.5])
      for (const dy of [-0.5, 0.5])
        for (const dz of [-0.5, 0.5]) {
          corners.push(applyAffine(toVoxel, [roi.center[0] + dx * roi.size[0], roi.center[1] + dy * roi.size[1], roi.center[2] + dz * roi.size[2]]));
        }
    // Voxel centres within the box: round the continuous bounds inward by half a voxel's tolerance.
    const start = [0, 1, 2].map((a) => Math.ceil(Math.min(...corners.map((c) => c[a]!)) - 1e-6));
    const end = [0, 1, 2].map((a) => Math.floor(Math.max(...corners.map((c) => c[a]!)) + 1e-6) + 1);
    return extractRegion(sample, start as unknown as Triple, end.map((e, a) => e - start[a]!) as unknown as Triple);
  }
}
