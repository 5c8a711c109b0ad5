import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { makeRaster, type Raster } from '../preprocess/raster.js';
import { AlzbenchError } from '../util/errors.js';
import { decodeBmp, isBmp } from './decode-bmp.js';
import { decodeJpegNative, isJpeg } from './decode-jpeg.js';
import { DEFAULT_IMAGE_LIMITS, declaredImageSize, imageSizeProblem, type ImageLimits } from './image-limits.js';

/** Why a file could not be used as an image (`too-large`: its header declares more pixels than the limits). */
export type BadImageKind = 'unreadable' | 'truncated' | 'not-image' | 'too-large';

/** A file that is not a usable image; `kind` sorts it for the bad-input report. */
export class BadImageError extends AlzbenchError {
  constructor(
    readonly kind: BadImageKind,
    readonly path: string,
    detail: string,
  ) {
    super(`${kind === 'not-image' ? 'Not an image' : kind === 'truncated' ? 'Truncated image' : kind === 'too-large' ? 'Image too large' : 'Unreadable file'}: ${path} (${detail})`);
    this.name = 'BadImageError';
  }
}

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Keep 3 channels for colour input (default false: convert to gray like cv2). */
  readonly keepColor?: boolean;
  /** Name used in error messages (default `<buffer>` or the path). */
  readonly name?: string;
  /** Largest declared size decoded (default {@link DEFAULT_IMAGE_LIMITS}); checked before any pixel is allocated. */
  readonly limits?: ImageLimits;
  /** Formats accepted, as {@link declaredImageSize} names them (`jpeg`, `png`, `bmp`, `tiff`, `webp`...); default any. */
  readonly formats?: readonly string[];
}

/**
 * cv2's RGB-to-gray in its 8-bit fixed point (`cvtColor(..., COLOR_RGB2GRAY)`): 0.299 R + 0.587 G
 * + 0.114 B with weights scaled by 2^15 (9798, 19235, 3735; they sum to exactly 2^15, so R = G = B
 * maps to itself), so colour uploads become exactly what cv2 makes of them.
 */
export function rgbToGray(rgb: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    out[i] = (rgb[j]! * 9798 + rgb[j + 1]! * 19235 + rgb[j + 2]! * 3735 + 16384) >> 15;
  }
  return out;
}

function classify(message: string): BadImageKind {
  if (/unsupported image format|is empty|unsupported BMP/i.test(message)) return 'not-image';
  if (/premature end|truncat|read error|unexpected end|end of file|incomplete|corrupt/i.test(message)) return 'truncated';
  return 'unreadable';
}

/**
 * Decodes JPEG, PNG, TIFF, WebP (via sharp) or BMP (own decoder) to an 8-bit raster, gray unless
 * `keepColor`. Alpha is dropped, 16-bit input is scaled to 8 bits. Every failure becomes a
 * {@link BadImageError} (unreadable, truncated or not an image), never a raw library error.
 *
 * @example
 * const slice = await decodeImage('train/NonDemented/26 (19).jpg'); // 176x208, channels 1
 */
export async function decodeImage(input: string | Uint8Array, options: DecodeOptions = {}): Promise<Raster> {
  const name = options.name ?? (typeof input === 'string' ? input : '<buffer>');
  let bytes: Uint8Array;
  try {
    // A slice file is a few kB: a synchronous read is cheaper than a thread-pool round trip.
    bytes = typeof input === 'string' ? readFileSync(input) : input;
  } catch (error) {
    throw new BadImageError('unreadable', name, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  // The declared size decides before any decoder allocates (decompression bombs); unknown is refused.
  const limits = options.limits ?? DEFAULT_IMAGE_LIMITS;
  let declared: Awaited<ReturnType<typeof declaredImageSize>>;
  try {
    declared = await declaredImageSize(bytes);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    throw new BadImageError(classify(message), name, message.split('\n')[0]!);
  }
  if (!declared) throw new BadImageError('not-image', name, 'the header declares no width and height, so the image is not decoded');
  if (options.formats && !options.formats.includes(declared.format)) throw new BadImageError('not-image', name, `a ${declared.format} image where ${options.formats.join(', ')} was expected`);
  const tooLarge = imageSizeProblem(declared, limits);
  if (tooLarge) throw new BadImageError(declared.width > 0 && declared.height > 0 ? 'too-large' : 'not-image', name, `${declared.format}: ${tooLarge}`);
  let width: number;
  let height: number;
  let channels: number;
  let data: Uint8Array;
  try {
    if (isBmp(bytes)) {
      ({ width, height, channels, data } = decodeBmp(bytes));
    } else if (isJpeg(bytes) && decodeJpegNative) {
      ({ width, height, channels, data } = decodeJpegNative(bytes, limits.maxSide, limits.maxPixels));
    } else {
      const image = sharp(bytes, { failOn: 'truncated', limitInputPixels: limits.maxPixels });
      const meta = await image.metadata();
      // sharp's raw output is sRGB unless told otherwise; a gray file must stay 1 channel untouched.
      const gray = (meta.channels ?? 3) <= 2;
      const pipeline = gray ? image.toColourspace('b-w') : image.removeAlpha();
      const { data: raw, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      ({ width, height, channels } = info);
      data = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    }
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    throw new BadImageError(classify(message), name, message.split('\n')[0]!);
  }
  if (channels === 1) return makeRaster(width, height, 1, data);
  if (channels !== 3) throw new BadImageError('not-image', name, `${channels} channels after removing alpha`);
  if (options.keepColor) return makeRaster(width, height, 3, data);
  return makeRaster(width, height, 1, rgbToGray(data, width * height));
}
