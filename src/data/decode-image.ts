import { decode as decodeBmpLibrary } from '@cwasm/nsbmp';
import sharp from 'sharp';
import { makeRaster, type Raster } from '../preprocess/raster.js';
import { BadImageError, type BadImageKind } from './bad-image-error.js';
import { decodeImageCv, decodeImageCvAsync, type CvDecoded } from './decode-cv.js';
import { declaredImageSize, probeImage, type ImageHeader } from './image-header.js';
import { DEFAULT_IMAGE_LIMITS, imageSizeProblem, type ImageLimits } from './image-limits.js';
import { INPUT_LIMITS, readInputFileSync } from '../util/read-input.js';

export { BadImageError } from './bad-image-error.js';

/** Options of {@link decodeImage}. */
export interface DecodeOptions {
  /** Keep 3 channels for colour input (default false: convert to gray like cv2). */
  readonly keepColor?: boolean;
  /** Name used in error messages (default `<buffer>` or the path). */
  readonly name?: string;
  /** Called with a sentence when decoding changed the picture in a way the user should know (16-bit scaling). */
  readonly onNote?: (note: string) => void;
  /**
   * `auto` (default): OpenCV's cv::imdecode in the addon when built with imgcodecs; `fallback`:
   * sharp and libnsbmp even then (what runs without the addon's OpenCV; for comparison and tests).
   */
  readonly decoder?: 'auto' | 'fallback';
  /** Largest declared size decoded (default {@link DEFAULT_IMAGE_LIMITS}); checked before any pixel is allocated. */
  readonly limits?: ImageLimits;
  /** Formats accepted (`jpeg`, `png`, `bmp`, `tiff`, `webp`); default all of them. */
  readonly formats?: readonly string[];
}

/**
 * cv2's RGB-to-gray in its 8-bit fixed point (`cvtColor(..., COLOR_RGB2GRAY)`): 0.299 R + 0.587 G
 * + 0.114 B with weights scaled by 2^15 (9798, 19235, 3735; they sum to exactly 2^15, so R = G = B
 * maps to itself), so colour uploads become exactly what cv2 makes of them.
 *
 * @param rgb interleaved 8-bit pixels, R first
 * @param pixels the number of pixels (width x height)
 * @param stride bytes per pixel in `rgb`; default 3 (4 for RGBA, alpha ignored)
 * @returns `pixels` gray bytes
 */
export function rgbToGray(rgb: Uint8Array, pixels: number, stride = 3): Uint8Array {
  const out = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += stride) {
    out[i] = (rgb[j]! * 9798 + rgb[j + 1]! * 19235 + rgb[j + 2]! * 3735 + 16384) >> 15;
  }
  return out;
}

function classify(message: string): BadImageKind {
  if (/unsupported image format|is empty|unsupported BMP/i.test(message)) return 'not-image';
  if (/premature end|truncat|read error|unexpected end|end of file|incomplete/i.test(message)) return 'truncated';
  return 'unreadable';
}

/**
 * The 8-bit picture of a 16-bit gray image. cv2 keeps the high byte (value / 256), which is right
 * when the data fill the 16 bits but turns 8- or 12-bit data stored in 16 bits (common for MRI
 * exports) black or nearly so. So: when the largest value needs all 16 bits, cv2's own result;
 * otherwise the values are scaled by 255 / (2^bits - 1) for the bits they use, and said so.
 *
 * @param cv cv2's 8-bit result for the same image (value / 256)
 * @param data16 the 16-bit gray values
 * @param name the image's name, for the note
 * @param onNote called with one sentence saying how the image was scaled; default none
 * @returns the 8-bit pixels: `cv` itself when all 16 bits are used, else a new scaled array
 */
export function scale16To8(cv: Uint8Array, data16: Uint16Array, name: string, onNote?: (note: string) => void): Uint8Array {
  let max = 0;
  for (let i = 0; i < data16.length; i++) if (data16[i]! > max) max = data16[i]!;
  const bits = Math.max(1, Math.ceil(Math.log2(max + 1)));
  if (bits >= 16) {
    onNote?.(`${name}: 16-bit image scaled to 8 bits as cv2 does (value / 256)`);
    return cv;
  }
  const full = 2 ** bits - 1;
  const out = new Uint8Array(data16.length);
  for (let i = 0; i < data16.length; i++) out[i] = Math.round((data16[i]! * 255) / full);
  onNote?.(
    `${name}: 16-bit image uses ${bits} of 16 bits (max ${max}); scaled by 255/${full} to 8 bits instead of cv2's value/256, which would make it ${max < 256 ? 'black' : `0..${max >> 8}`}`,
  );
  return out;
}

/**
 * BMP 32-bit BI_BITFIELDS files with a V2+ header (masks inside the header): Debian's OpenCV 4.6
 * ignores those masks and gets the colours wrong (OpenCV 5 reads them), so these few go through
 * libnsbmp, as does every BMP when the addon has no imgcodecs.
 */
function needsBmpLibrary(header: ImageHeader): boolean {
  return header.format === 'bmp' && header.bitDepth === 32 && header.bmp!.compression === 3 && header.bmp!.headerSize >= 52;
}

/**
 * BMP through libnsbmp (NetSurf's decoder, as wasm): RGB, or gray with the 14-bit fixed-point
 * weights cv2's own BMP reader converts with (`icvCvt_BGR2Gray_8u_C3C1R`: 4899 R + 9617 G + 1868 B,
 * rounded, >> 14), which round differently from cvtColor's 15-bit ones in {@link rgbToGray}.
 */
function decodeBmp(bytes: Uint8Array, keepColor: boolean): { width: number; height: number; channels: number; data: Uint8Array } {
  const image = decodeBmpLibrary(bytes);
  const pixels = image.width * image.height;
  const rgba = image.data;
  if (!keepColor) {
    const gray = new Uint8Array(pixels);
    for (let i = 0, j = 0; i < pixels; i++, j += 4) gray[i] = (rgba[j]! * 4899 + rgba[j + 1]! * 9617 + rgba[j + 2]! * 1868 + 8192) >> 14;
    return { width: image.width, height: image.height, channels: 1, data: gray };
  }
  const rgb = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    rgb[i * 3] = rgba[i * 4]!;
    rgb[i * 3 + 1] = rgba[i * 4 + 1]!;
    rgb[i * 3 + 2] = rgba[i * 4 + 2]!;
  }
  return { width: image.width, height: image.height, channels: 3, data: rgb };
}

/**
 * The fallback for JPEG/PNG/TIFF/WebP when the addon has no OpenCV imgcodecs: sharp (libvips), set
 * up to follow cv2.imread: EXIF orientation applied (`rotate()`), embedded ICC profiles ignored
 * (cv2 ignores them), 16-bit gray through {@link scale16To8} (16-bit colour: sharp's /257). CMYK goes through sharp's own
 * CMYK-to-sRGB conversion, which differs from cv2's (about 9 gray levels on case 10's file).
 */
async function decodeSharp(
  bytes: Uint8Array,
  name: string,
  keepColor: boolean,
  maxPixels: number,
  onNote?: (note: string) => void,
): Promise<{ width: number; height: number; channels: number; data: Uint8Array }> {
  const meta = await sharp(bytes, { limitInputPixels: maxPixels }).metadata();
  const cmyk = meta.space === 'cmyk';
  const image = sharp(bytes, { failOn: 'truncated', ignoreIcc: !cmyk, limitInputPixels: maxPixels }).rotate();
  if (meta.depth === 'ushort' && (meta.channels ?? 3) <= 2 && !keepColor) {
    const { data: raw, info } = await image.removeAlpha().toColourspace('grey16').raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true });
    const data16 = new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const high = new Uint8Array(data16.length);
    for (let i = 0; i < data16.length; i++) high[i] = data16[i]! >> 8;
    return { width: info.width, height: info.height, channels: 1, data: scale16To8(high, data16, name, onNote) };
  }
  // sharp's raw output is sRGB unless told otherwise; a gray file must stay 1 channel untouched.
  const gray = (meta.channels ?? 3) <= 2 && !cmyk;
  const pipeline = gray ? image.toColourspace('b-w') : image.toColourspace('srgb').removeAlpha();
  const { data: raw, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) };
}

/**
 * Decodes an image file to an 8-bit raster as `cv2.imread(path, cv2.IMREAD_GRAYSCALE)` does
 * (`IMREAD_COLOR` as RGB when `keepColor`): JPEG (EXIF orientation applied, CMYK/YCCK converted),
 * PNG, TIFF, WebP and BMP of every depth and compression, through OpenCV's own `cv::imdecode` in
 * the addon; without it, sharp (libvips, see decodeSharp) and libnsbmp for BMP. 16-bit images follow
 * {@link scale16To8} and are reported through `onNote`. The header is checked first
 * ({@link probeImage}): the format comes from the bytes, not the name. Every failure is a
 * {@link BadImageError}: `lfs-pointer` (a Git LFS pointer file, with `git lfs pull` as the fix),
 * `truncated` (cut short; cv2 would pad it gray, alzbench refuses), `too-large` (the header declares
 * more than `options.limits`), `not-image` (saying what the bytes are) or `unreadable`; never a raw
 * library error.
 *
 * @param input a file path, or the file's bytes
 * @param options `keepColor` (default false), `name` for messages, `onNote`, `decoder` (`auto` or `fallback`),
 *   `limits` (default {@link DEFAULT_IMAGE_LIMITS}), accepted `formats` (default all)
 * @returns an 8-bit raster, 1 channel (3 with `keepColor` and colour input), row-major
 * @throws BadImageError of kind `unreadable`, `lfs-pointer`, `truncated`, `too-large` or `not-image`
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
    throw new BadImageError('unreadable', name, message.startsWith(prefix) ? message.slice(prefix.length) : ((error as NodeJS.ErrnoException).code ?? message));
  }
  // The declared size decides before any decoder allocates (decompression bombs): first from the
  // header alone, so a bomb is named as one even when its few bytes also look truncated.
  const limits = options.limits ?? DEFAULT_IMAGE_LIMITS;
  const declared = await declaredImageSize(bytes).catch(() => null);
  const declaredProblem = declared && declared.width > 0 && declared.height > 0 ? imageSizeProblem(declared, limits) : null;
  if (declared && declaredProblem) throw new BadImageError('too-large', name, `${declared.format}: ${declaredProblem}`);
  const header = probeImage(bytes, name);
  if (options.formats && !options.formats.includes(header.format))
    throw new BadImageError('not-image', name, `a ${header.format} image where ${options.formats.join(', ')} was expected`);
  // TIFF and WebP sizes come from sharp's header read; a size still unknown is refused, never decoded.
  const size = header.width > 0 && header.height > 0 ? header : declared;
  if (!size || !(size.width > 0 && size.height > 0))
    throw new BadImageError('not-image', name, `${header.format}: the header declares no width and height, so the image is not decoded`);
  const tooLarge = imageSizeProblem(size, limits);
  if (tooLarge) throw new BadImageError('too-large', name, `${header.format}: ${tooLarge}`);
  let width: number;
  let height: number;
  let channels: number;
  let data: Uint8Array;
  try {
    if (decodeImageCv && options.decoder !== 'fallback' && !needsBmpLibrary(header)) {
      const mode = options.keepColor ? 'color' : 'gray';
      // Off the JS thread when the addon can: callers that start several decodes get them in parallel.
      const decoded: CvDecoded | null = decodeImageCvAsync ? await decodeImageCvAsync(bytes, mode) : decodeImageCv(bytes, mode);
      if (!decoded) throw new BadImageError('unreadable', name, `OpenCV could not decode this ${header.format.toUpperCase()} file`);
      ({ width, height, channels, data } = decoded);
      if (decoded.data16) data = scale16To8(decoded.data, decoded.data16, name, options.onNote);
    } else if (header.format === 'bmp') {
      ({ width, height, channels, data } = decodeBmp(bytes, options.keepColor === true));
    } else {
      ({ width, height, channels, data } = await decodeSharp(bytes, name, options.keepColor === true, limits.maxPixels, options.onNote));
    }
  } catch (error) {
    if (error instanceof BadImageError) throw error;
    const message = (error as Error).message ?? String(error);
    throw new BadImageError(classify(message), name, message.split('\n')[0]!);
  }
  if (channels === 1) return makeRaster(width, height, 1, data);
  if (channels !== 3) throw new BadImageError('not-image', name, `${channels} channels after removing alpha`);
  if (options.keepColor) return makeRaster(width, height, 3, data);
  return makeRaster(width, height, 1, rgbToGray(data, width * height));
}
