import { constants, deflateRawSync } from 'node:zlib';

/**
 * A gzip stream of `prefix` then `zeroGiB` GiB of zeros, with a gzip FNAME field of `nameBytes`
 * bytes before the deflate data (so the first 4 KiB of the file hold no compressed data at all),
 * built without ever holding the inflated bytes: one sync-flushed deflate block of 16 MiB of zeros
 * (about 16 KB) is repeated, which is valid because each such block references nothing before it.
 * The trailer's CRC is not that of the data (a reader that inflates everything fails at the very end).
 *
 * @param prefix the first inflated bytes (e.g. a NIfTI header)
 * @param zeroGiB GiB of zeros after the prefix (in steps of 16 MiB)
 * @param nameBytes length of the FNAME field (default 60,000)
 * @returns the gzip bytes (about 1 MB per GiB of zeros)
 */
export function gzipBomb(prefix: Buffer, zeroGiB: number, nameBytes = 60_000): Buffer {
  const header = Buffer.from([0x1f, 0x8b, 8, 0x08, 0, 0, 0, 0, 0, 3]);
  const name = Buffer.concat([Buffer.alloc(nameBytes, 0x61), Buffer.from([0])]);
  const head = deflateRawSync(prefix, { finishFlush: constants.Z_SYNC_FLUSH });
  const zeros = deflateRawSync(Buffer.alloc(16 * 2 ** 20), { finishFlush: constants.Z_SYNC_FLUSH, level: 9 });
  const blocks = new Array<Buffer>(Math.ceil(zeroGiB * 64)).fill(zeros);
  // A final empty fixed-Huffman block, then CRC32 and ISIZE (left 0).
  return Buffer.concat([header, name, head, ...blocks, Buffer.from([0x03, 0x00]), Buffer.alloc(8)]);
}
