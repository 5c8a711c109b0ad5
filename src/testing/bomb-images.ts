// Test helper: decompression bombs, i.e. real tiny images whose headers are patched to declare a
// huge size (what an attacker uploads: a few hundred bytes that would decode to gigabytes). Each
// is a valid file up to the header, so only a size check before decoding stops it.
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

const tiny = (): sharp.Sharp => sharp(Buffer.alloc(16 * 16, 128), { raw: { width: 16, height: 16, channels: 1 } }).toColourspace('b-w');

/** A 16x16 baseline JPEG whose SOF0 frame header declares `width` x `height` (at most 65535). */
export async function jpegBomb(width: number, height: number): Promise<Buffer> {
  const bytes = await tiny().jpeg().toBuffer();
  for (let at = 2; at + 8 < bytes.length; ) {
    const marker = bytes[at + 1]!;
    if (marker === 0xc0 || marker === 0xc2) {
      bytes.writeUInt16BE(height, at + 5);
      bytes.writeUInt16BE(width, at + 7);
      return bytes;
    }
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  throw new Error('no SOF marker in the JPEG sharp wrote');
}

/** A 16x16 gray PNG whose IHDR declares `width` x `height`, with the chunk's CRC made right again. */
export async function pngBomb(width: number, height: number): Promise<Buffer> {
  const bytes = await tiny().png().toBuffer();
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt32BE(crc32(bytes.subarray(12, 29)), 29);
  return bytes;
}

/** A 24-bit BMP header declaring `width` x `height`, followed by 64 bytes of pixels. */
export function bmpBomb(width: number, height: number): Buffer {
  return bmp24(width, height, 64);
}

/**
 * A 24-bit BMP: 14-byte file header and 40-byte BITMAPINFOHEADER declaring `width` x `height`
 * (negative height: top-down rows), then `pixelBytes` zero bytes of pixels for the caller to fill.
 */
export function bmp24(width: number, height: number, pixelBytes: number): Buffer {
  const bytes = Buffer.alloc(54 + pixelBytes);
  bytes.write('BM', 0, 'latin1');
  bytes.writeUInt32LE(bytes.length, 2);
  bytes.writeUInt32LE(54, 10);
  bytes.writeUInt32LE(40, 14);
  bytes.writeInt32LE(width, 18);
  bytes.writeInt32LE(height, 22);
  bytes.writeUInt16LE(1, 26);
  bytes.writeUInt16LE(24, 28);
  return bytes;
}

/** A 16x16 little-endian TIFF whose ImageWidth and ImageLength tags declare `width` x `height`. */
export async function tiffBomb(width: number, height: number): Promise<Buffer> {
  const bytes = await tiny().tiff({ compression: 'deflate' }).toBuffer();
  if (bytes.toString('latin1', 0, 2) !== 'II') throw new Error('expected a little-endian TIFF from sharp');
  const ifd = bytes.readUInt32LE(4);
  const entries = bytes.readUInt16LE(ifd);
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + 12 * i;
    const tag = bytes.readUInt16LE(at);
    if (tag !== 256 && tag !== 257) continue;
    const value = tag === 256 ? width : height;
    // SHORT (3) holds the value in the first 2 bytes of the field, LONG (4) in all 4.
    if (bytes.readUInt16LE(at + 2) === 3) bytes.writeUInt16LE(value, at + 8);
    else bytes.writeUInt32LE(value, at + 8);
  }
  return bytes;
}
