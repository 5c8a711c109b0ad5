import { open, readFile } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { isGzip } from './sniff.js';
import { VolumeError } from './volume-error.js';

/** A part of a file's (decompressed) bytes, and how many bytes the file holds up to what was asked. */
export interface ByteRange {
  readonly bytes: Buffer;
  /** Bytes the file holds, counted up to `needed` (so `available < needed` means truncated). */
  readonly available: number;
}

/** Reads the bytes of a plain or gzip-compressed file without holding more than one volume. */
export interface ByteSource {
  readonly path: string;
  readonly gzip: boolean;
  /** The first `n` bytes (fewer when the file is shorter). */
  head(n: number): Promise<Buffer>;
  /** Bytes `[start, start + length)`, counting the file's bytes up to `needed` (>= start + length). */
  range(start: number, length: number, needed: number): Promise<ByteRange>;
}

async function readWhole(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new VolumeError('unreadable-file', path, (error as Error).message);
  }
}

function plainSource(path: string, firstBytes: Buffer): ByteSource {
  return {
    path,
    gzip: false,
    head: async (n) => firstBytes.subarray(0, n),
    async range(start, length, needed) {
      const file = await open(path, 'r');
      try {
        const size = (await file.stat()).size;
        const available = Math.min(size, needed);
        if (size < start + length) return { bytes: Buffer.alloc(0), available };
        const bytes = Buffer.allocUnsafe(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await file.read(bytes, done, length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return { bytes, available: done < length ? start + done : available };
      } finally {
        await file.close();
      }
    },
  };
}

function gzipSource(path: string, compressed: Buffer): ByteSource {
  return {
    path,
    gzip: true,
    head(n) {
      // Inflated as a stream that stops at n bytes: a gzip header with a long FNAME/FEXTRA field
      // followed by a deflate bomb must not be inflated whole (tens of GiB) to find the first bytes.
      return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let position = 0;
        let finished = false;
        const gunzip = createGunzip({ chunkSize: 64 * 1024 });
        const finish = (error?: Error) => {
          if (finished) return;
          finished = true;
          gunzip.removeAllListeners('data');
          // A stream cut short still gives its first bytes (the reader then reports `truncated`).
          if (error && !/unexpected end of file/i.test(error.message)) {
            reject(new VolumeError('corrupt-gzip', path, `gzip data cannot be decompressed (${error.message})`));
            return;
          }
          resolve(Buffer.concat(chunks).subarray(0, n));
        };
        gunzip.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          position += chunk.length;
          if (position >= n) {
            finish();
            gunzip.destroy();
          }
        });
        gunzip.on('error', (error) => finish(error));
        gunzip.on('end', () => finish());
        gunzip.end(compressed);
      });
    },
    range(start, length, needed) {
      return new Promise((resolve, reject) => {
        const bytes = Buffer.allocUnsafe(length);
        let position = 0;
        let finished = false;
        const gunzip = createGunzip({ chunkSize: 1 << 20 });
        const finish = (error?: Error) => {
          if (finished) return;
          finished = true;
          gunzip.removeAllListeners('data');
          if (error && !/unexpected end of file/i.test(error.message)) {
            reject(new VolumeError('corrupt-gzip', path, `gzip data cannot be decompressed after ${position} bytes (${error.message})`));
            return;
          }
          const available = Math.min(position, needed);
          resolve({ bytes: position >= start + length ? bytes : Buffer.alloc(0), available });
        };
        gunzip.on('data', (chunk: Buffer) => {
          const chunkStart = position;
          position += chunk.length;
          const from = Math.max(start, chunkStart);
          const to = Math.min(start + length, position);
          if (to > from) chunk.copy(bytes, from - start, from - chunkStart, to - chunkStart);
          // Everything asked for has been seen: stop inflating trailing bytes nobody reads.
          if (position >= needed) {
            finish();
            gunzip.destroy();
          }
        });
        gunzip.on('error', (error) => finish(error));
        gunzip.on('end', () => finish());
        gunzip.end(compressed);
      });
    },
  };
}

/**
 * Opens a file for volume reading: gzip is recognised by its magic bytes (not the extension),
 * so a `.nii` that is really gzipped, or a `.nii.gz` that is not, still reads.
 *
 * @param path the volume file
 * @returns a source of byte ranges (a gzipped file is read whole and decompressed on demand)
 * @throws VolumeError `unreadable-file` when the file cannot be opened or read
 */
export async function openByteSource(path: string): Promise<ByteSource> {
  const file = await open(path, 'r').catch((error: Error) => {
    throw new VolumeError('unreadable-file', path, error.message);
  });
  let first: Buffer;
  try {
    first = Buffer.alloc(1024);
    const { bytesRead } = await file.read(first, 0, 1024, 0);
    first = first.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  return isGzip(first) ? gzipSource(path, await readWhole(path)) : plainSource(path, first);
}

/**
 * A byte source over bytes already in memory (an upload): gzip by its magic bytes, as
 * {@link openByteSource}. `name` stands for the path in errors.
 *
 * @param name what to call the bytes in errors (e.g. `the upload`); becomes the source's `path`
 * @param bytes the file's bytes, plain or gzip-compressed; not copied, so they must not change while the source is used
 * @returns a source of byte ranges (gzip: decompressed on demand, as {@link openByteSource}); a range past the end
 *   gives no bytes and the `available` count, from which the reader reports `truncated`
 */
export function memoryByteSource(name: string, bytes: Buffer): ByteSource {
  if (isGzip(bytes)) return gzipSource(name, bytes);
  return {
    path: name,
    gzip: false,
    head: async (n) => bytes.subarray(0, n),
    async range(start, length, needed) {
      const available = Math.min(bytes.length, needed);
      if (bytes.length < start + length) return { bytes: Buffer.alloc(0), available };
      return { bytes: bytes.subarray(start, start + length), available };
    },
  };
}
