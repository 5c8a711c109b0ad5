/**
 * How large an image or volume alzbench agrees to decode, checked on the size its header declares
 * BEFORE any pixel buffer is allocated: a compressed file of a few kB can declare 65500 x 65500
 * pixels (4 GiB once decoded), a decompression bomb. Every decoder (native JPEG, sharp, BMP,
 * NIfTI) asks this one module; the declared image size itself is read by image-header.ts
 * (`declaredImageSize`); a size that cannot be read from the header is refused, never taken as 0 x 0.
 *
 * Two sets of limits: {@link DEFAULT_IMAGE_LIMITS} for the CLI's readers (files the user chose;
 * generous) and {@link UPLOAD_IMAGE_LIMITS} for the dashboard (bytes from the network; a slice is
 * ~200 x 200).
 */

/** Largest image a decoder may produce: per side and in total pixels. */
export interface ImageLimits {
  /** Largest width or height in pixels. */
  readonly maxSide: number;
  /** Largest width x height. */
  readonly maxPixels: number;
}

/** The CLI readers' default: 16384 x 16384 = 2^28 pixels (256 MiB for 8-bit gray, 768 MiB RGB). */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxSide: 16384, maxPixels: 2 ** 28 };
/** The dashboard's uploads and test slices: 4096 x 4096. */
export const UPLOAD_IMAGE_LIMITS: ImageLimits = { maxSide: 4096, maxPixels: 4096 * 4096 };

/** Largest volume a volume reader may allocate, per axis and in voxels. */
export interface VolumeLimits {
  /** Largest extent of one spatial axis in voxels. */
  readonly maxSide: number;
  /** Largest nx * ny * nz. */
  readonly maxVoxels: number;
  /**
   * Most bytes of voxel data a file may declare, all volumes of a 4-D file together (the reader
   * checks the file holds them, inflating a gzipped one that far); default 4 GiB
   * (`MAX_VOLUME_FILE_DATA_BYTES` of volume/limits.ts).
   */
  readonly maxDataBytes?: number;
}

/**
 * Volumes: 2048 voxels per axis and 2^27 voxels in all (512 x 512 x 512; a 1 mm T1 brain is
 * ~256 x 256 x 170 = 11 M). A volume at the limit takes 1 GiB as float64 while being windowed.
 */
export const DEFAULT_VOLUME_LIMITS: VolumeLimits = { maxSide: 2048, maxVoxels: 2 ** 28 };
/**
 * The dashboard's volume uploads: 512 voxels per axis and 2^25 voxels (a 1 mm 256 x 256 x 256 T1
 * is 2^24), so one request cannot make the server hold more than 128 MiB of float32 voxels; and
 * 256 MiB of voxel data in all (one such volume as float64), so a small 4-D upload declaring
 * thousands of volumes cannot make the server inflate gigabytes to check the file is whole.
 */
export const UPLOAD_VOLUME_LIMITS: VolumeLimits = { maxSide: 512, maxVoxels: 2 ** 25, maxDataBytes: 2 ** 28 };

/**
 * Why a declared size is refused (`expected ... but the header declares ...`), or null when it
 * is within `limits`. A zero side counts as unknown and is refused too.
 *
 * @param size the declared width and height in pixels
 * @param limits the largest side and pixel count allowed
 * @returns a sentence saying why the size is refused, or null
 */
export function imageSizeProblem(size: { width: number; height: number }, limits: ImageLimits): string | null {
  const { width, height } = size;
  if (!(width > 0) || !(height > 0)) return `the header declares ${width}x${height} pixels: the size is unknown, so the image is not decoded`;
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    return `the header declares ${width}x${height} pixels; the limit is ${describeImageLimits(limits)}`;
  }
  return null;
}

/**
 * Image limits in words, e.g. `4096 x 4096 pixels` or `20000 per side and 268435456 pixels`.
 *
 * @param limits the limits
 * @returns the phrase used in error messages
 */
export function describeImageLimits(limits: ImageLimits): string {
  return limits.maxSide * limits.maxSide === limits.maxPixels
    ? `${limits.maxSide} x ${limits.maxSide} pixels`
    : `${limits.maxSide} per side and ${limits.maxPixels} pixels`;
}

/**
 * Why a volume's declared dims are refused, or null when they are within `limits`: every spatial
 * dim (the first three) must be 1..maxSide and their product at most maxVoxels.
 *
 * @param dims the header's extents (NIfTI `dim[1..ndim]`), x first
 * @param limits largest voxels per axis and in all; default {@link DEFAULT_VOLUME_LIMITS} (2048 per axis, 2^28 voxels)
 * @returns a sentence saying why the dims are refused, or null
 */
export function volumeSizeProblem(dims: readonly number[], limits: VolumeLimits = DEFAULT_VOLUME_LIMITS): string | null {
  const shown = dims.join('x');
  if (dims.length < 3 || dims.some((d) => !Number.isInteger(d) || d < 1)) return `the header declares dims ${shown}: expected at least 3 positive extents`;
  // Readers cut slices from the first 3-D volume only; later dims (time) never become one buffer.
  const voxels = dims.slice(0, 3).reduce((a, b) => a * b, 1);
  if (dims.slice(0, 3).some((d) => d > limits.maxSide) || voxels > limits.maxVoxels) {
    return `the header declares ${shown} voxels; the limit is ${limits.maxSide} per axis and ${limits.maxVoxels} voxels`;
  }
  return null;
}

/**
 * Largest decompressed size of a gzipped volume (`.nii.gz`): the header, extensions and a volume
 * at {@link VolumeLimits.maxVoxels} in float64, so gunzip stops a gzip bomb instead of filling memory.
 *
 * @param limits default {@link DEFAULT_VOLUME_LIMITS}
 * @returns bytes: maxVoxels · 8 + 1 MiB
 */
export function maxVolumeBytes(limits: VolumeLimits = DEFAULT_VOLUME_LIMITS): number {
  return limits.maxVoxels * 8 + 1024 * 1024;
}
