import { native } from '../torch/native.js';

interface JpegBinding {
  decodeJpeg(bytes: Uint8Array, maxSide?: number, maxPixels?: number): { width: number; height: number; channels: number; data: Uint8Array };
}

/** True when the bytes start with a JPEG SOI marker. */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/**
 * Decodes a JPEG with Debian's libjpeg-turbo in the addon (cv2.imread's decoder, ~10x faster than
 * sharp per slice); gray files stay 1 channel, colour files come out RGB. Null when the addon was
 * built without libjpeg (sharp decodes then). Throws with libjpeg's message, e.g.
 * "JPEG decoding failed: Premature end of JPEG file" for a truncated file. `maxSide` and
 * `maxPixels` (default: no limit) are checked on the frame header before the pixel buffer is
 * allocated: "JPEG decoding failed: image too large: the header declares 65500x65500 pixels".
 */
export const decodeJpegNative: JpegBinding['decodeJpeg'] | null = (native as unknown as Partial<JpegBinding>).decodeJpeg ?? null;
