/**
 * A small decoder for uncompressed Windows BMP files (8-bit paletted, 24-bit and 32-bit), because
 * sharp's bundled libvips has no BMP loader. Returns RGB (or gray when every palette entry is gray).
 */
export interface DecodedBmp {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

/** True when the bytes start with the BMP signature `BM`. */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** Decodes a BMP; throws an Error whose message says "truncated" or "unsupported" when it cannot. */
export function decodeBmp(bytes: Uint8Array): DecodedBmp {
  if (bytes.length < 54) throw new Error('BMP truncated: header incomplete');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bits = view.getUint16(28, true);
  const compression = headerSize >= 40 ? view.getUint32(30, true) : 0;
  // Compression 3 (bitfields) with 32 bits is the usual BGRA layout; other compressions are rare.
  if (width <= 0 || rawHeight === 0 || ![8, 24, 32].includes(bits) || !(compression === 0 || (compression === 3 && bits === 32))) {
    throw new Error(`unsupported BMP (${bits} bits, compression ${compression})`);
  }
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  const stride = Math.ceil((width * bits) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) throw new Error('BMP truncated: pixel data incomplete');
  let palette: Uint8Array | undefined;
  let paletteGray = false;
  if (bits === 8) {
    const colours = (headerSize >= 40 ? view.getUint32(46, true) : 0) || 256;
    palette = bytes.subarray(14 + headerSize, 14 + headerSize + colours * 4);
    paletteGray = true;
    for (let i = 0; i + 3 < palette.length; i += 4) if (palette[i] !== palette[i + 1] || palette[i] !== palette[i + 2]) paletteGray = false;
  }
  const channels = paletteGray ? 1 : 3;
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (palette) {
        const p = bytes[row + x]! * 4;
        if (channels === 1) data[o] = palette[p] ?? 0;
        else {
          data[o] = palette[p + 2] ?? 0;
          data[o + 1] = palette[p + 1] ?? 0;
          data[o + 2] = palette[p] ?? 0;
        }
      } else {
        const s = row + x * (bits / 8);
        data[o] = bytes[s + 2]!;
        data[o + 1] = bytes[s + 1]!;
        data[o + 2] = bytes[s]!;
      }
    }
  }
  return { width, height, channels, data };
}
