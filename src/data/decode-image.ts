import sharp from 'sharp';
import { makeRaster, type Raster } from '../preprocess/raster.js';
import { AlzbenchError } from '../util/errors.js';
import { decodeBmp, isBmp } from './decode-bmp.js';
import { decodeJpegNative, isJpeg } from './decode-jpeg.js';
import { INPUT_LIMITS, readInputFileSync } from '../util/read-input.js';

/** Why a file could not be used as an image. */
export type BadImageKind = 'unreadable' | 'truncated' | 'not-image';

/** A file that is not a usable image; `kind` sorts it for the bad-input report. */
export class BadImageError extends AlzbenchError {
  constructor(
    readonly kind: BadImageKind,
    readonly path: string,
    detail: string,
  ) {
    super(`${kind === 'not-image' ? 'Not an image' : kind === 'truncated' ? 'Truncated image' : 'Unreadable file'}: ${path} (${detail})`);
    this.name = 'BadImageError';
  }
}

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Keep 3 channels for colour input (default false: convert to gray like cv2). */
  readonly keepColor?: boolean;
  /** Name used in error messages (default `<buffer>` or the path). */
  readonly name?: string;
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
    // Only a regular file of at most INPUT_LIMITS.image bytes (never /dev/zero or a FIFO).
    bytes = typeof input === 'string' ? readInputFileSync(input, 'image', INPUT_LIMITS.image) : input;
  } catch (error) {
    const prefix = `Cannot read image ${String(input)}: `;
    const message = (error as Error).message;
    throw new BadImageError('unreadable', name, message.startsWith(prefix) ? message.slice(prefix.length) : (error as NodeJS.ErrnoException).code ?? message);
  }
  let width: number;
  let height: number;
  let channels: number;
  let data: Uint8Array;
  try {
    if (isBmp(bytes)) {
      ({ width, height, channels, data } = decodeBmp(bytes));
    } else if (isJpeg(bytes) && decodeJpegNative) {
      ({ width, height, channels, data } = decodeJpegNative(bytes));
    } else {
      const image = sharp(bytes, { failOn: 'truncated' });
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
