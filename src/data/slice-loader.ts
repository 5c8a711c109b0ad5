import type { PreprocessingRecord } from '../run-folder/run-folder.js';

export type { PreprocessingRecord } from '../run-folder/run-folder.js';
import { performance } from 'node:perf_hooks';
import pMap from 'p-map';
import { applyChainWith } from '../preprocess/chain-program.js';
import type { Chain } from '../preprocess/chain-spec.js';
import type { ImageOps } from '../preprocess/image-ops.js';
import { loadImageOps } from '../preprocess/load-image-ops.js';
import { nativeOpenCvVersion } from '../preprocess/native-image-ops.js';
import type { Raster } from '../preprocess/raster.js';
import { AlzbenchError } from '../util/errors.js';
import { preprocessWithCache } from './slice-cache.js';

/** One decoded slice to preprocess; `id`, `hash` and `sourceClass` key the cache. */
export interface SliceInput {
  readonly image: Raster;
  readonly id?: string;
  readonly hash?: string;
  readonly sourceClass?: string;
}

/** Options of {@link loadSlices}. */
export interface LoadSlicesOptions {
  /** Slice cache folder; null or absent: no cache. */
  readonly cacheDir?: string | null;
  /** Backend to use instead of `loadImageOps()`'s choice (tests, benchmarks). */
  readonly ops?: ImageOps;
  /** Slices preprocessed at once (default 8; 1 = one after another, for comparison). */
  readonly concurrency?: number;
}

/**
 * The one preprocessing path of every command (train, eval, predict, serve, sweep workers): runs
 * the chain through native OpenCV when the addon has it (opencv.js only as the fallback, or when
 * `ALZBENCH_IMAGE_BACKEND=opencv.js`), through the slice cache keyed by (data set fingerprint,
 * chain spec) when `cacheDir` is given and every input has an id and content hash. Every output
 * must be 1-channel.
 *
 * @param inputs the decoded slices, with id, content hash and class when they should go through the cache
 * @param chain the parsed preprocessing chain (an empty chain passes the slices through, checked to be gray)
 * @param options `cacheDir` (default none) and `ops` (default `loadImageOps()`'s choice)
 * @returns the preprocessed slices in input order, and the record of how they were made
 * @throws AlzbenchError when the chain leaves more than one channel (hint: start with grayscale)
 * @example
 * const { images, record } = await loadSlices(items.map((it) => ({ image: it.image, id: it.item.id, hash: it.hash, sourceClass: it.item.sourceClass })), chain, { cacheDir: '.cache' });
 */
export async function loadSlices(
  inputs: readonly SliceInput[],
  chain: Chain,
  options: LoadSlicesOptions = {},
): Promise<{ images: Raster[]; record: PreprocessingRecord }> {
  const start = performance.now();
  if (chain.steps.length === 0) {
    const images = inputs.map((input) => checkGray(input.image, chain, input.id));
    return {
      images,
      record: { chain: chain.spec, backend: 'none', opencv: null, cache: null, slices: images.length, seconds: (performance.now() - start) / 1000 },
    };
  }
  const ops = options.ops ?? (await loadImageOps());
  const opencv = ops.backend === 'native' ? nativeOpenCvVersion() : null;
  const keyed = inputs.every((i) => i.id !== undefined && i.hash !== undefined);
  if (options.cacheDir && keyed && inputs.length > 0) {
    const cached = await preprocessWithCache(
      inputs.map((i) => ({ id: i.id!, hash: i.hash!, sourceClass: i.sourceClass ?? '', decode: async () => i.image })),
      chain,
      { cacheDir: options.cacheDir, ops, ...(options.concurrency ? { concurrency: options.concurrency } : {}) },
    );
    return {
      images: cached.images,
      record: {
        chain: chain.spec,
        backend: ops.backend,
        opencv,
        cache: { dir: options.cacheDir, key: cached.key, file: cached.file, hit: cached.hit },
        slices: inputs.length,
        seconds: (performance.now() - start) / 1000,
      },
    };
  }
  const images = await pMap(inputs, async (input) => checkGray(await applyChainWith(chain, input.image, ops), chain, input.id), {
    concurrency: options.concurrency ?? CHAIN_CONCURRENCY,
  });
  return {
    images,
    record: { chain: chain.spec, backend: ops.backend, opencv, cache: null, slices: images.length, seconds: (performance.now() - start) / 1000 },
  };
}

/** Slices preprocessed at once: enough to keep libuv's 4 pool threads busy. */
const CHAIN_CONCURRENCY = 8;

function checkGray(image: Raster, chain: Chain, id: string | undefined): Raster {
  if (image.channels !== 1) {
    throw new AlzbenchError(`Expected 1-channel output of pipeline ${chain.spec}${id ? ` for ${id}` : ''} but received ${image.channels} channels`, {
      hint: 'start the pipeline with grayscale',
      exitCode: 2,
    });
  }
  return image;
}
