/**
 * How large an image or volume alzbench agrees to decode, checked on the size its header declares
 * BEFORE any pixel buffer is allocated: a compressed file of a few kB can declare 65500 x 65500
 * pixels (4 GiB once decoded), a decompression bomb. Every decoder (native JPEG, sharp, BMP,
 * NIfTI) asks this one module; a size that cannot be read from the header is refused, never
 * taken as 0 x 0.
 *
 * Two sets of limits: {@link DEFAULT_IMAGE_LIMITS} for the CLI's readers (files the user chose;
 * generous) and {@link UPLOAD_IMAGE_LIMITS} for the dashboard (bytes from the network; a slice is
 * ~200 x 200).
 */
import sharp from 'sharp';

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
}

/**
 * Volumes: 2048 voxels per axis and 2^27 voxels in all (512 x 512 x 512; a 1 mm T1 brain is
 * ~256 x 256 x 170 = 11 M). A volume at the limit takes 1 GiB as float64 while being windowed.
 */
export const DEFAULT_VOLUME_LIMITS: VolumeLimits = { maxSide: 2048, maxVoxels: 2 ** 28 };
/**
 * The dashboard's volume uploads: 512 voxels per axis and 2^25 voxels (a 1 mm 256 x 256 x 256 T1
 * is 2^24), so one request cannot make the server hold more than 128 MiB of float32 voxels.
 */
export const UPLOAD_VOLUME_LIMITS: VolumeLimits = { maxSide: 512, maxVoxels: 2 ** 25 };

/** The size an image's header declares, and the format it was read from. */
export interface DeclaredSize {
  readonly format: string;
  readonly width: number;
  readonly height: number;
}

/** PNG: the IHDR chunk must come first (PNG spec 5.6), width and height big-endian at 16 and 20. */
function pngSize(bytes: Uint8Array): DeclaredSize | null {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(12) !== 0x49484452) return null; // 'IHDR'
  return { format: 'png', width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * JPEG: walks the marker segments to the first SOFn frame header (ITU T.81 B.2.2: precision,
 * then height and width, big-endian). Null when the bytes end or scan data starts before a frame
 * header, so a file without one is refused rather than decoded blind.
 */
function jpegSize(bytes: Uint8Array): DeclaredSize | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 3 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // Standalone markers carry no length: TEM and RST0-7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // EOI or SOS before any frame header
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    // SOF0-15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 8 >= bytes.length) return null;
      return { format: 'jpeg', height: (bytes[at + 5]! << 8) | bytes[at + 6]!, width: (bytes[at + 7]! << 8) | bytes[at + 8]! };
    }
    if (length < 2) return null;
    at += 2 + length;
  }
  return null;
}

/** BMP: BITMAPCOREHEADER (12 bytes: 16-bit sizes) or the later headers (signed 32-bit; negative height = top-down). */
function bmpSize(bytes: Uint8Array): DeclaredSize | null {
  if (bytes.length < 26 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = view.getUint32(14, true);
  if (headerSize === 12) return { format: 'bmp', width: view.getUint16(18, true), height: view.getUint16(20, true) };
  return { format: 'bmp', width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
}

/**
 * The width and height an encoded image declares, read from its header without decoding pixels:
 * PNG, JPEG and BMP by their headers here; anything else (TIFF, WebP, GIF...) through sharp's
 * header-only `metadata()` with its pixel limit off, so the true declared size comes back instead
 * of an error. Null when the header names no size (then the image must be refused).
 *
 * @throws sharp's error when neither the own parsers nor sharp read the bytes (not an image, truncated header)
 *
 * @example
 * await declaredImageSize(readFileSync('slice.jpg')); // { format: 'jpeg', width: 176, height: 208 }
 */
export async function declaredImageSize(bytes: Uint8Array): Promise<DeclaredSize | null> {
  const own = pngSize(bytes) ?? jpegSize(bytes) ?? bmpSize(bytes);
  if (own) return own;
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  if (!meta.width || !meta.height) return null;
  // A multi-page TIFF or animated GIF reports one page's height; sharp decodes page 0 only.
  return { format: meta.format ?? 'unknown', width: meta.width, height: meta.pageHeight ?? meta.height };
}

/**
 * Why a declared size is refused (`expected ... but the header declares ...`), or null when it
 * is within `limits`. A zero side counts as unknown and is refused too.
 */
export function imageSizeProblem(size: { width: number; height: number }, limits: ImageLimits): string | null {
  const { width, height } = size;
  if (!(width > 0) || !(height > 0)) return `the header declares ${width}x${height} pixels: the size is unknown, so the image is not decoded`;
  if (width > limits.maxSide || height > limits.maxSide || width * height > limits.maxPixels) {
    return `the header declares ${width}x${height} pixels; the limit is ${describeImageLimits(limits)}`;
  }
  return null;
}

/** e.g. `4096 x 4096 pixels` or `20000 per side and 268435456 pixels`. */
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
 */
export function maxVolumeBytes(limits: VolumeLimits = DEFAULT_VOLUME_LIMITS): number {
  return limits.maxVoxels * 8 + 1024 * 1024;
}
