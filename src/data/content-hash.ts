import { createHash } from 'node:crypto';
import type { Raster } from '../preprocess/raster.js';

/**
 * SHA-256 (hex) of a file's bytes: equal hashes mean byte-identical files.
 *
 * @param bytes the file's content
 * @returns 64 lowercase hex digits
 */
export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * SHA-256 (hex) of a raster's size and pixels, for items that have no file of their own (NIfTI slices).
 *
 * @param raster the raster; `<width>x<height>x<channels>\n` is hashed before its pixels
 * @returns 64 lowercase hex digits
 */
export function hashRaster(raster: Raster): string {
  return createHash('sha256').update(`${raster.width}x${raster.height}x${raster.channels}\n`).update(raster.data).digest('hex');
}
