// The one reader of image-file headers (PNG, JPEG, BMP, TIFF, WebP): `probeImage` checks a file's
// structure before decoding, `declaredImageSize` reads only the size a header declares, so a
// decompression bomb is refused (image-limits.ts) before any decoder allocates.
import sharp from 'sharp';
import { BadImageError } from './bad-image-error.js';
import { lfsPointerDetail, parseLfsPointer } from './lfs-pointer.js';

/** Image formats alzbench decodes. */
export type ImageFormat = 'jpeg' | 'png' | 'bmp' | 'tiff' | 'webp';

/** What the header of an image file declares, read before any pixel is decoded. */
export interface ImageHeader {
  readonly format: ImageFormat;
  /** Declared width and height in pixels (0 when the format's header does not say, e.g. TIFF). */
  readonly width: number;
  readonly height: number;
  /** Bits per sample (PNG) or per pixel (BMP); undefined where not read. */
  readonly bitDepth?: number;
  /** BMP only: compression code (0 RGB, 1 RLE8, 2 RLE4, 3 BITFIELDS) and DIB header size in bytes. */
  readonly bmp?: { readonly compression: number; readonly headerSize: number; readonly masks: readonly number[] };
}

const u16be = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32be = (b: Uint8Array, o: number) => ((b[o]! << 24) >>> 0) + (b[o + 1]! << 16) + (b[o + 2]! << 8) + b[o + 3]!;
const u16le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32le = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + ((b[o + 3]! << 24) >>> 0);
const i32le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));

/** A JPEG marker segment that carries a length (ITU T.81 B.1.1): its marker byte, where its FF byte stands, its length field. */
interface JpegSegment {
  readonly at: number;
  readonly marker: number;
  readonly length: number;
}

/** Why a walk of JPEG marker segments stopped before SOS: the bytes ran out, a non-marker byte, or EOI. */
type JpegWalkEnd = { readonly stop: 'ends-in-headers' } | { readonly stop: 'not-a-marker'; readonly at: number } | { readonly stop: 'eoi' };

/**
 * Walks a JPEG's marker segments from SOI, skipping fill bytes (FF FF) and the standalone markers
 * (TEM, RST0-7), and yields each segment that carries a length. The caller decides whether a
 * segment must fit in the file; the walk goes on after it by its length, and returns why it stopped.
 */
function* jpegSegments(b: Uint8Array): Generator<JpegSegment, JpegWalkEnd> {
  let o = 2;
  for (;;) {
    while (o < b.length && b[o] === 0xff && b[o + 1] === 0xff) o++; // fill bytes
    if (o + 4 > b.length) return { stop: 'ends-in-headers' };
    if (b[o] !== 0xff) return { stop: 'not-a-marker', at: o };
    const marker = b[o + 1]!;
    if (marker === 0xd9) return { stop: 'eoi' };
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      o += 2;
      continue;
    }
    const length = u16be(b, o + 2);
    yield { at: o, marker, length };
    o += 2 + length;
  }
}

/** SOF0-15 except DHT (C4), JPG (C8) and DAC (CC): a frame header with precision, then height and width (T.81 B.2.2). */
const isJpegFrame = (marker: number): boolean => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/**
 * Walks a JPEG's marker segments to the first scan (SOS) and then looks for the end-of-image
 * marker: libjpeg warns "Premature end of JPEG file" exactly when the data run out before EOI,
 * and cv2.imread then pads the picture with gray silently. FF D9 cannot occur inside
 * entropy-coded data (0xFF is stuffed as FF 00), so finding it after SOS means the scan ended.
 */
function jpegHeader(b: Uint8Array, name: string): ImageHeader {
  let width = 0;
  let height = 0;
  let bitDepth: number | undefined;
  const walk = jpegSegments(b);
  for (let next = walk.next(); ; next = walk.next()) {
    if (next.done) {
      const end = next.value;
      if (end.stop === 'ends-in-headers') throw new BadImageError('truncated', name, `JPEG ends inside its headers at byte ${b.length}`);
      if (end.stop === 'not-a-marker')
        throw new BadImageError('unreadable', name, `corrupt JPEG header: expected a marker at byte ${end.at}, found 0x${b[end.at]!.toString(16)}`);
      throw new BadImageError('unreadable', name, 'corrupt JPEG: end-of-image marker before any scan');
    }
    const { at: o, marker, length } = next.value;
    if (length < 2) throw new BadImageError('unreadable', name, `corrupt JPEG header: segment 0x${marker.toString(16)} has length ${length}`);
    if (o + 2 + length > b.length)
      throw new BadImageError('truncated', name, `JPEG ends inside segment 0x${marker.toString(16)} (needs ${o + 2 + length} bytes, file has ${b.length})`);
    if (isJpegFrame(marker)) {
      bitDepth = b[o + 4]!;
      height = u16be(b, o + 5);
      width = u16be(b, o + 7);
    }
    if (marker === 0xda) {
      if (width === 0 || height === 0) throw new BadImageError('unreadable', name, 'corrupt JPEG: scan before any frame header (no image size)');
      for (let i = o + 2 + length; i + 1 < b.length; i++) {
        if (b[i] === 0xff && b[i + 1] === 0xd9) return { format: 'jpeg', width, height, bitDepth };
      }
      throw new BadImageError('truncated', name, `Premature end of JPEG file: no end-of-image marker after the scan data (${b.length} bytes)`);
    }
  }
}

/** PNG's 8-byte signature (PNG spec 5.2). */
const isPng = (b: Uint8Array): boolean => b.length >= 8 && u32be(b, 0) === 0x89504e47 && u32be(b, 4) === 0x0d0a1a0a;

/** PNG: the IHDR chunk must come first (PNG spec 5.6), width and height big-endian at 16 and 20; null without one. */
function pngIhdrSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 24 || ascii(b, 12, 4) !== 'IHDR') return null;
  return { width: u32be(b, 16), height: u32be(b, 20) };
}

/** Walks PNG chunks to IEND, checking each chunk's type and that it fits in the file. */
function pngHeader(b: Uint8Array, name: string): ImageHeader {
  if (b.length < 33) throw new BadImageError('truncated', name, `PNG ends after ${b.length} bytes, inside its IHDR header`);
  const size = pngIhdrSize(b);
  if (!size) throw new BadImageError('not-image', name, 'PNG signature but no IHDR header: corrupt or not a PNG');
  const { width, height } = size;
  const bitDepth = b[24]!;
  let o = 8;
  while (o + 8 <= b.length) {
    const length = u32be(b, o);
    const type = ascii(b, o + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type)) throw new BadImageError('unreadable', name, `corrupt PNG: invalid chunk type at byte ${o + 4}`);
    if (o + 12 + length > b.length)
      throw new BadImageError('truncated', name, `PNG ends inside its ${type} chunk (needs ${o + 12 + length} bytes, file has ${b.length})`);
    if (type === 'IEND') return { format: 'png', width, height, bitDepth };
    o += 12 + length;
  }
  throw new BadImageError('truncated', name, `PNG ends after ${b.length} bytes without an IEND chunk`);
}

/**
 * BMP DIB header sizes: BITMAPCOREHEADER (OS/2 1.x, 12 bytes: unsigned 16-bit sizes) or the later
 * headers (signed 32-bit; a negative height means top-down rows). Needs 26 bytes; signs kept.
 */
function bmpDibSize(b: Uint8Array): { headerSize: number; width: number; height: number } {
  const headerSize = u32le(b, 14);
  const os2 = headerSize === 12;
  return { headerSize, width: os2 ? u16le(b, 18) : i32le(b, 18), height: os2 ? u16le(b, 20) : i32le(b, 22) };
}

/** BMP file and DIB headers (OS/2 1.x 12-byte, Windows 40-byte, V2-V5); checks the pixel data fit. */
function bmpHeader(b: Uint8Array, name: string): ImageHeader {
  if (b.length < 26) throw new BadImageError('truncated', name, 'BMP header incomplete');
  const dataOffset = u32le(b, 10);
  const headerSize = u32le(b, 14);
  if (headerSize < 12 || 14 + headerSize > b.length)
    throw new BadImageError(14 + headerSize > b.length ? 'truncated' : 'unreadable', name, `BMP header size ${headerSize}`);
  const os2 = headerSize === 12;
  const { width, height: signedHeight } = bmpDibSize(b);
  const height = Math.abs(signedHeight);
  const bitDepth = os2 ? u16le(b, 24) : u16le(b, 28);
  const compression = os2 || headerSize < 20 ? 0 : u32le(b, 30);
  const masks: number[] = [];
  if (compression === 3 || compression === 6) {
    const at = headerSize >= 52 ? 14 + 40 : 14 + headerSize; // in the header (V2+) or right after it
    for (let i = 0; i < (compression === 6 || headerSize >= 56 ? 4 : 3) && at + 4 * i + 4 <= b.length; i++) masks.push(u32le(b, at + 4 * i));
  }
  if (width <= 0 || height === 0) throw new BadImageError('unreadable', name, `BMP declares ${width}x${height} pixels`);
  if (dataOffset >= b.length) throw new BadImageError('truncated', name, `BMP pixel data start at byte ${dataOffset} but the file has ${b.length}`);
  if (compression === 0 || compression === 3) {
    const stride = Math.ceil((width * bitDepth) / 32) * 4;
    if (dataOffset + stride * height > b.length) {
      throw new BadImageError('truncated', name, `BMP pixel data need ${dataOffset + stride * height} bytes, file has ${b.length}`);
    }
  }
  return { format: 'bmp', width, height, bitDepth, bmp: { compression, headerSize, masks } };
}

/** What a non-image file looks like, for the `not-image` detail. */
function describeOther(b: Uint8Array): string {
  if (b.length === 0) return 'empty file';
  if (b.length >= 8 && u32be(b, 0) === 0x00051607) return 'AppleDouble metadata file (macOS "._" resource fork), not an image';
  if (ascii(b, 0, 4) === 'PAR1') return 'a parquet file';
  if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip data (e.g. a .nii.gz volume)';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'a GIF image (cv2.imread does not read GIF; convert it to PNG)';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(b.subarray(0, 64)).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'an HTML page (often a failed download or a login page)';
  return `unsupported image format (first bytes ${[...b.subarray(0, 4)].map((x) => x.toString(16).padStart(2, '0')).join(' ')})`;
}

/**
 * Reads and checks an image file's header before decoding: the format by its magic bytes (not
 * its name), the declared size, and whether the file ends where its structure says (JPEG EOI,
 * PNG IEND, BMP pixel data). This is the one place per format where declared sizes can be checked
 * before any pixel is decoded. Throws {@link BadImageError}: `lfs-pointer` for a Git LFS pointer
 * file, `truncated` for a file cut short, `not-image` (saying what the bytes are) otherwise.
 *
 * @param bytes the whole file
 * @param name the file's name, for error messages
 * @returns the format, declared width and height in pixels (0 when the header does not say), bit depth, BMP details
 * @throws BadImageError of kind `lfs-pointer`, `truncated` or `not-image`
 *
 * @example
 * probeImage(readFileSync('26 (19).jpg'), '26 (19).jpg'); // { format: 'jpeg', width: 176, height: 208, bitDepth: 8 }
 */
export function probeImage(bytes: Uint8Array, name: string): ImageHeader {
  // Its declared size is checked by the caller against its limits (image-limits.ts) before decoding.
  const pointer = parseLfsPointer(bytes);
  if (pointer) throw new BadImageError('lfs-pointer', name, lfsPointerDetail(pointer));
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpegHeader(b, name);
  if (isPng(b)) return pngHeader(b, name);
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return bmpHeader(b, name);
  if (b.length >= 8 && (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*')) {
    const ifd = b[0] === 0x49 ? u32le(b, 4) : u32be(b, 4);
    if (ifd + 2 > b.length) throw new BadImageError('truncated', name, `TIFF directory at byte ${ifd} but the file has ${b.length}`);
    return { format: 'tiff', width: 0, height: 0 };
  }
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') {
    if (u32le(b, 4) + 8 > b.length) throw new BadImageError('truncated', name, `WebP declares ${u32le(b, 4) + 8} bytes, file has ${b.length}`);
    return { format: 'webp', width: 0, height: 0 };
  }
  throw new BadImageError('not-image', name, describeOther(b));
}

/** The size an image's header declares, and the format it was read from. */
export interface DeclaredSize {
  readonly format: string;
  readonly width: number;
  readonly height: number;
}

/**
 * JPEG: the first SOFn frame header's size. Null when the bytes end or scan data starts before a
 * frame header, so a file without one is refused rather than decoded blind. Unlike
 * {@link jpegHeader} nothing after the frame header has to be there: a bomb is named as one even
 * when its few bytes are also cut short.
 */
function jpegDeclaredSize(b: Uint8Array): DeclaredSize | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
  const walk = jpegSegments(b);
  for (let next = walk.next(); !next.done; next = walk.next()) {
    const { at, marker, length } = next.value;
    if (marker === 0xda) return null; // SOS before any frame header
    if (isJpegFrame(marker)) return at + 8 < b.length ? { format: 'jpeg', height: u16be(b, at + 5), width: u16be(b, at + 7) } : null;
    if (length < 2) return null;
  }
  return null;
}

/**
 * The width and height an encoded image declares, read from its header without decoding pixels
 * and without checking the rest of the file (see {@link probeImage} for that): PNG, JPEG and BMP
 * by their headers here; anything else (TIFF, WebP, GIF...) through sharp's header-only
 * `metadata()` with its pixel limit off, so the true declared size comes back instead of an error.
 * Null when the header names no size (then the image must be refused). The caller checks the size
 * against its limits (`imageSizeProblem` in image-limits.ts) before any decoder allocates.
 *
 * @param bytes the encoded image's bytes
 * @returns the format and declared width and height in pixels (one page's height for multi-page files), or null
 * @throws sharp's error when neither the own parsers nor sharp read the bytes (not an image, truncated header)
 *
 * @example
 * await declaredImageSize(readFileSync('slice.jpg')); // { format: 'jpeg', width: 176, height: 208 }
 */
export async function declaredImageSize(bytes: Uint8Array): Promise<DeclaredSize | null> {
  const b = bytes;
  if (isPng(b)) {
    const size = pngIhdrSize(b);
    if (size) return { format: 'png', ...size };
  }
  const jpeg = jpegDeclaredSize(b);
  if (jpeg) return jpeg;
  if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d) {
    const { width, height } = bmpDibSize(b);
    return { format: 'bmp', width: Math.abs(width), height: Math.abs(height) };
  }
  const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  if (!meta.width || !meta.height) return null;
  // A multi-page TIFF or animated GIF reports one page's height; sharp decodes page 0 only.
  return { format: meta.format ?? 'unknown', width: meta.width, height: meta.pageHeight ?? meta.height };
}
