import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pMap from 'p-map';
import { applyChainWith } from '../preprocess/chain-program.js';
import { resolveImageOps } from '../preprocess/load-image-ops.js';
import type { Chain } from '../preprocess/chain-spec.js';
import type { ImageOps } from '../preprocess/image-ops.js';
import { makeRaster, type Raster } from '../preprocess/raster.js';
import { AlzbenchError } from '../util/errors.js';
import type { Dataset } from './dataset.js';
import { decodeImage } from './decode-image.js';
import { datasetFingerprint } from './fingerprint.js';
import { readItemBytes } from './load-items.js';
import { HashMemo } from './hash-memo.js';

/** One slice to preprocess: identity, content hash, class, and how to decode it when the cache misses. */
export interface CacheInput {
  readonly id: string;
  readonly hash: string;
  readonly sourceClass: string;
  decode(): Promise<Raster>;
}

/** Result of {@link preprocessWithCache}. */
export interface CachedSlices {
  /** Preprocessed slices, in the order of the inputs. */
  readonly images: Raster[];
  /** True when every slice came from the cache file. */
  readonly hit: boolean;
  /** SHA-256 of (data set fingerprint, chain spec): the cache key. */
  readonly key: string;
  readonly file: string;
}

// Version 2 added the item ids to the header (version-1 files simply miss and are rewritten).
const MAGIC = 'ALZBENCH-SLICES-2\n';

/**
 * Hashes the items of a data set (reading bytes, not decoding) into cache inputs; decoding happens
 * only on a cache miss. With `hashMemo` (a file path, e.g. inside the cache folder) files whose
 * size and mtime are unchanged since the last pass reuse their remembered hash unread.
 *
 * @param dataset the listed data set
 * @param options `hashMemo`: the memo file (default none: every file is read and hashed)
 * @returns one input per item: id, SHA-256 of the bytes, source class, and a deferred decoder
 * @throws Error from node:fs or the input-size check when a file cannot be read
 */
export async function cacheInputs(dataset: Dataset, options: { hashMemo?: string } = {}): Promise<CacheInput[]> {
  const memo = options.hashMemo ? await HashMemo.open(options.hashMemo) : undefined;
  const inputs: CacheInput[] = [];
  for (const item of dataset.items) {
    const path = item.source.kind === 'file' ? item.source.path : undefined;
    const known = memo && path ? await memo.lookup(path) : undefined;
    if (known && path) {
      // Unchanged file: its bytes are read only if the cache misses and it must be decoded.
      inputs.push({ id: item.id, hash: known, sourceClass: item.sourceClass, decode: async () => decodeImage(path, { name: item.id }) });
      continue;
    }
    const { bytes, raster, hash } = await readItemBytes(item);
    if (memo && path) await memo.remember(path, hash);
    inputs.push({ id: item.id, hash, sourceClass: item.sourceClass, decode: async () => raster ?? decodeImage(bytes!, { name: item.id }) });
  }
  await memo?.save();
  return inputs;
}

/**
 * The cache key: SHA-256 over the data set fingerprint and the canonical chain spec.
 *
 * @param inputs the hashed items (ids, hashes and classes enter the fingerprint)
 * @param chain the parsed preprocessing chain (its canonical `spec` enters the key)
 * @returns the key (64 hex digits) and the data set fingerprint
 */
export function cacheKey(inputs: readonly CacheInput[], chain: Chain): { key: string; fingerprint: string } {
  const fingerprint = datasetFingerprint(inputs.map((i) => ({ id: i.id, hash: i.hash, label: i.sourceClass })));
  return { key: createHash('sha256').update(`${fingerprint}\n${chain.spec}`).digest('hex'), fingerprint };
}

async function readCache(file: string, fingerprint: string, chain: Chain, ids: readonly string[]): Promise<Raster[] | undefined> {
  let buffer: Buffer;
  try {
    // One synchronous read: async readFile splits a 25 MB cache into many thread-pool round trips.
    buffer = readFileSync(file);
  } catch {
    return undefined;
  }
  if (buffer.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  const headerLength = buffer.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  let header: { fingerprint: string; spec: string; ids?: string[]; sizes: Array<[number, number]> };
  try {
    header = JSON.parse(buffer.toString('utf8', start, start + headerLength));
  } catch {
    return undefined;
  }
  // The key already covers both; checking them guards against a hash-prefix clash or a torn file.
  if (header.fingerprint !== fingerprint || header.spec !== chain.spec || header.sizes.length !== ids.length) return undefined;
  // The fingerprint ignores order, the file does not: slices are matched to inputs by id, so a
  // listing in another order still gets each slice its own pixels.
  if (!Array.isArray(header.ids) || header.ids.length !== ids.length) return undefined;
  const byId = new Map<string, Raster>();
  let offset = start + headerLength;
  for (const [k, [width, height]] of header.sizes.entries()) {
    const end = offset + width * height;
    if (end > buffer.length) return undefined;
    byId.set(header.ids[k]!, makeRaster(width, height, 1, new Uint8Array(buffer.buffer, buffer.byteOffset + offset, width * height)));
    offset = end;
  }
  const images = ids.map((id) => byId.get(id));
  return images.every((i) => i !== undefined) ? (images as Raster[]) : undefined;
}

/** Where one slice lies in a slice-cache file: byte offset of its pixels and its size. */
export interface CacheRow {
  readonly offset: number;
  readonly width: number;
  readonly height: number;
}

function readExactly(fd: number, length: number, position: number, file: string): Buffer {
  const buffer = Buffer.alloc(length);
  const got = readSync(fd, buffer, 0, length, position);
  if (got !== length)
    throw new AlzbenchError(`Slice-cache file ${file} ends at byte ${position + got}; expected ${length} bytes at ${position}`, { hint: CACHE_HINT });
  return buffer;
}

const CACHE_HINT = 'delete the file (it is rebuilt on the next run), or train with --cache-dir none';

/**
 * The row index of a slice-cache file, read from its header alone (not the pixels): id to byte
 * offset and size, for reading slices one by one (streaming batches of sets over the memory budget).
 *
 * @param file path of a slice-cache file (`ALZBENCH-SLICES-2` magic, uint32 LE header length, JSON header,
 *   then each slice's uint8 pixels row-major, in header order)
 * @returns slice id to its row: byte `offset` of its first pixel from the start of the file, `width` and `height`
 *   in pixels (`width * height` bytes)
 * @throws AlzbenchError `<file> is not a slice-cache file (expected it to start with "ALZBENCH-SLICES-2")`,
 *   `Slice-cache file <file> ends at byte <b>; expected <n> bytes at <offset>`, `Slice-cache file <file> has a
 *   header without one id per slice`, or `Cannot read the slice-cache file <file>: <message>` (cannot open it,
 *   header not JSON); the hint says to delete the file or train with `--cache-dir none`
 */
export function sliceCacheIndex(file: string): Map<string, CacheRow> {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const magic = readExactly(fd, MAGIC.length + 4, 0, file);
    if (magic.toString('latin1', 0, MAGIC.length) !== MAGIC)
      throw new AlzbenchError(`${file} is not a slice-cache file (expected it to start with ${JSON.stringify(MAGIC.trim())})`, { hint: CACHE_HINT });
    const headerLength = magic.readUInt32LE(MAGIC.length);
    const header = JSON.parse(readExactly(fd, headerLength, MAGIC.length + 4, file).toString('utf8')) as { ids?: string[]; sizes: Array<[number, number]> };
    if (!Array.isArray(header.ids) || header.ids.length !== header.sizes.length)
      throw new AlzbenchError(`Slice-cache file ${file} has a header without one id per slice`, { hint: CACHE_HINT });
    const rows = new Map<string, CacheRow>();
    let offset = MAGIC.length + 4 + headerLength;
    for (const [k, [width, height]] of header.sizes.entries()) {
      rows.set(header.ids[k]!, { offset, width, height });
      offset += width * height;
    }
    return rows;
  } catch (error) {
    if (error instanceof AlzbenchError) throw error;
    throw new AlzbenchError(`Cannot read the slice-cache file ${file}: ${(error as Error).message}`, { hint: CACHE_HINT, cause: error });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

async function writeCache(file: string, fingerprint: string, chain: Chain, ids: readonly string[], images: readonly Raster[]): Promise<void> {
  const header = Buffer.from(JSON.stringify({ fingerprint, spec: chain.spec, ids, sizes: images.map((i) => [i.width, i.height]) }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.concat([Buffer.from(MAGIC, 'latin1'), length, header, ...images.map((i) => i.data)]));
  await rename(tmp, file); // atomic: a reader never sees half a file
}

/**
 * Preprocesses slices through a chain with a disk cache keyed by (data set fingerprint, chain spec):
 * the second run of the same chain on the same files reads one file instead of decoding and
 * filtering; a changed, added or relabelled file or a changed chain gives a new key. The chain's
 * output must be 1-channel (put `grayscale` first for colour data).
 *
 * @param inputs the hashed items, from {@link cacheInputs}
 * @param chain the parsed preprocessing chain
 * @param options `cacheDir` (created when missing) and `ops`, the image operations to run the chain with (default
 *   native OpenCV in the addon)
 * @returns the preprocessed 1-channel slices in input order, whether the cache was hit, the key and the cache file
 * @throws AlzbenchError (exit 2) `Expected 1-channel output of pipeline <spec> for <id> but received <n> channels`
 * @throws BadImageError when a slice must be decoded (cache miss) and cannot be
 * @throws AlzbenchError `no preprocessing backend loaded` without `ops` when the addon has no OpenCV
 * @example
 * const inputs = await cacheInputs(await openDataset(dir));
 * const { images, hit } = await preprocessWithCache(inputs, parseChain('grayscale|clahe'), { cacheDir: '.cache' });
 */
export async function preprocessWithCache(
  inputs: readonly CacheInput[],
  chain: Chain,
  options: { cacheDir: string; ops?: ImageOps; concurrency?: number },
): Promise<CachedSlices> {
  const { key, fingerprint } = cacheKey(inputs, chain);
  const file = join(options.cacheDir, `${key.slice(0, 32)}.slices`);
  const ids = inputs.map((i) => i.id);
  const cached = await readCache(file, fingerprint, chain, ids);
  if (cached) return { images: cached, hit: true, key, file };
  const ops = resolveImageOps(options.ops);
  // Several slices at once (decoding and, with native OpenCV, the chain on libuv's thread pool); in input order.
  const images = await pMap(
    inputs,
    async (input) => {
      const image = await input.decode();
      const out = await applyChainWith(chain, image, ops);
      if (out.channels !== 1)
        throw new AlzbenchError(`Expected 1-channel output of pipeline ${chain.spec} for ${input.id} but received ${out.channels} channels`, {
          hint: 'start the pipeline with grayscale',
          exitCode: 2,
        });
      return out;
    },
    { concurrency: options.concurrency ?? 8 },
  );
  await mkdir(options.cacheDir, { recursive: true });
  await writeCache(file, fingerprint, chain, ids, images);
  return { images, hit: false, key, file };
}
