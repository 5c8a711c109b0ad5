import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../torch/creation.js';
import { parseChain } from '../preprocess/chain-spec.js';
import { makeRaster } from '../preprocess/raster.js';
import { toModelInput } from '../eval/model-input.js';
import { expectNoLeaksAsync } from '../testing/train-helpers.js';
import { syntheticPixels, tempDir } from '../testing/data-helpers.js';
import { preprocessSlices, resizeGray } from './data-tensors.js';
import { sliceCacheIndex } from './slice-cache.js';
import { CacheFileBatches } from './cache-file-batches.js';
import { BatchLoadError, BatchPrefetcher, DeviceBatches } from './batch-prefetch.js';

// Six slices, two of them of another size (resized to the training size on both paths).
const sizes: Array<[number, number]> = [
  [12, 10],
  [12, 10],
  [15, 11],
  [12, 10],
  [8, 9],
  [12, 10],
];
const inputs = sizes.map(([h, w], i) => ({ image: makeRaster(w, h, 1, syntheticPixels(i + 1, w, h)), id: `s${i}.png`, hash: `hash-${i}`, sourceClass: 'a' }));

async function cachedSlices() {
  const cacheDir = await tempDir('alzbench-stream-');
  const { pixels, size, preprocessing } = await preprocessSlices(inputs, parseChain('clahe(clip=2,tile=2)|invert'), 'auto', { cacheDir });
  assert.deepEqual(size, [12, 10]);
  return { pixels, file: preprocessing.cache!.file };
}

test('batches streamed from the slice-cache file are byte-identical to those of the slices held on the device', async () => {
  const { pixels, file } = await cachedSlices();
  const index = sliceCacheIndex(file);
  await expectNoLeaksAsync(async () => {
    const images = tensor(pixels, { shape: [6, 1, 12, 10] });
    const streamed = new CacheFileBatches(
      file,
      inputs.map((i) => index.get(i.id)!),
      [12, 10],
      'cpu',
      resizeGray,
    );
    try {
      const order = [4, 2, 0, 5, 1, 3];
      for (const prefetch of [true, false]) {
        const a = new BatchPrefetcher(streamed, order, 4, { prefetch });
        const b = new BatchPrefetcher(new DeviceBatches(images), order, 4, { prefetch });
        for (let k = 0; k < a.count; k++) {
          const x = await a.next();
          const y = await b.next();
          assert.deepEqual(x.shape, y.shape);
          assert.deepEqual(x.toArray(), y.toArray());
          x.dispose();
          y.dispose();
        }
        await a.dispose();
        await b.dispose();
      }
      // And the model's input is pixel / 255 of the resized slice (row 2 was 15x11).
      const x = streamed.loadSync([2]);
      const row = tensor(
        resizeGray(makeRaster(11, 15, 1, readFileSync(file).subarray(index.get('s2.png')!.offset, index.get('s2.png')!.offset + 165)), 12, 10),
        {
          shape: [1, 1, 12, 10],
        },
      );
      const want = toModelInput(row);
      assert.deepEqual(x.toArray(), want.toArray());
      for (const t of [x, row, want]) t.dispose();
    } finally {
      streamed.dispose();
      images.dispose();
    }
  });
});

test('a slice-cache file cut short during a run is a BatchLoadError naming the file and bytes, and nothing leaks', async () => {
  const { file } = await cachedSlices();
  const index = sliceCacheIndex(file);
  const copy = join(await tempDir('alzbench-stream-'), 'cut.slices');
  const last = index.get('s5.png')!;
  writeFileSync(copy, readFileSync(file).subarray(0, last.offset + 7));
  await expectNoLeaksAsync(async () => {
    const streamed = new CacheFileBatches(
      copy,
      inputs.map((i) => index.get(i.id)!),
      [12, 10],
      'cpu',
      resizeGray,
    );
    try {
      const message = `Slice-cache file ${copy} ended at byte ${last.offset + 7} while reading a slice of 120 bytes at ${last.offset}`;
      const batches = new BatchPrefetcher(streamed, [0, 1, 5, 2], 2);
      (await batches.next()).dispose();
      await assert.rejects(batches.next(), (error: Error) => error instanceof BatchLoadError && error.message === message);
      await batches.dispose();
      assert.throws(
        () => streamed.loadSync([5]),
        (error: Error) => error instanceof BatchLoadError && error.message === message,
      );
    } finally {
      streamed.dispose();
    }
  });
  assert.throws(() => sliceCacheIndex(join(copy, '..', 'missing.slices')), /Cannot read the slice-cache file .*missing\.slices: ENOENT/);
});

test('a streamed batch left undisposed is freed by dispose, and a read after dispose is a BatchLoadError, not a read of a reused descriptor', async () => {
  const { file } = await cachedSlices();
  const index = sliceCacheIndex(file);
  await expectNoLeaksAsync(async () => {
    const streamed = new CacheFileBatches(
      file,
      inputs.map((i) => index.get(i.id)!),
      [12, 10],
      'cpu',
      resizeGray,
    );
    const left = streamed.loadSync([0, 1]); // as a step that threw would leave it
    const leftAsync = await streamed.load([2]);
    streamed.dispose();
    assert.ok(left.isDisposed && leftAsync.isDisposed);
    const message = `The batch source of the slice-cache file ${file} was disposed; no more batches can be read from it`;
    assert.throws(
      () => streamed.loadSync([0]),
      (error: Error) => error instanceof BatchLoadError && error.message === message,
    );
    await assert.rejects(streamed.load([0]), (error: Error) => error instanceof BatchLoadError && error.message === message);
  });
});

/** How many of this process's descriptors are open on `file` (Linux: /proc/self/fd). */
function descriptorsOn(file: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // the descriptor readdir itself used, closed by now
    }
  }).length;
}

test('dispose while a prefetched batch is being read keeps the descriptor open until the reads end, then closes it', async () => {
  const { file } = await cachedSlices();
  const index = sliceCacheIndex(file);
  await expectNoLeaksAsync(async () => {
    const before = descriptorsOn(file);
    const streamed = new CacheFileBatches(
      file,
      inputs.map((i) => index.get(i.id)!),
      [12, 10],
      'cpu',
      resizeGray,
    );
    assert.equal(descriptorsOn(file), before + 1);
    const pending = streamed.load([0, 1, 2]); // the reads are on the thread pool now
    streamed.dispose();
    assert.equal(descriptorsOn(file), before + 1, 'closed under reads in flight');
    // The reads end on the file (not EBADF, not another file), and the batch is refused and freed.
    await assert.rejects(pending, {
      message: `The batch source of the slice-cache file ${file} was disposed while a batch was being made`,
    });
    assert.equal(descriptorsOn(file), before, 'closed once the last read called back');
  });
});
