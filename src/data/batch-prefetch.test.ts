import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../torch/creation.js';
import { native, type OpTraceEvent } from '../torch/native.js';
import type { Tensor } from '../torch/tensor.js';
import { toModelInput } from '../eval/model-input.js';
import { expectNoLeaksAsync } from '../testing/train-helpers.js';
import { syntheticPixels } from '../testing/data-helpers.js';
import { seededShuffle } from './seeded-shuffle.js';
import { BatchLoadError, BatchPrefetcher, DeviceBatches, type BatchSource } from './batch-prefetch.js';

const ROWS = 11;
const [H, W] = [9, 7];

function slices(): Tensor {
  return tensor(syntheticPixels(5, W, H * ROWS), { shape: [ROWS, 1, H, W] });
}

async function epoch(source: BatchSource, order: number[], batchSize: number, prefetch: boolean): Promise<Float32Array[]> {
  const batches = new BatchPrefetcher(source, order, batchSize, { prefetch });
  const out: Float32Array[] = [];
  for (let b = 0; b < batches.count; b++) {
    const x = await batches.next();
    out.push(new Float32Array(x.toArray() as Float32Array));
    x.dispose();
  }
  await batches.dispose();
  return out;
}

test('prefetched batches (made on the thread pool) equal in-line ones and toModelInput(index_select), in the same order', async () => {
  await expectNoLeaksAsync(async () => {
    const images = slices();
    try {
      const source = new DeviceBatches(images);
      const order = seededShuffle([...Array(ROWS).keys()], 7);
      const reference = [0, 4, 8].map((start) => {
        const idx = tensor(order.slice(start, start + 4), { dtype: 'int64' });
        const rows = images.indexSelect(0, idx);
        const x = toModelInput(rows);
        const values = new Float32Array(x.toArray() as Float32Array);
        for (const t of [idx, rows, x]) t.dispose();
        return values;
      });
      const ahead = await epoch(source, order, 4, true);
      const inline = await epoch(source, order, 4, false);
      assert.deepEqual(ahead, reference);
      assert.deepEqual(inline, reference);
      assert.equal(ahead.at(-1)!.length, 3 * H * W, 'the last batch holds the 3 rows left');
      // Pixel 0 of the first batch is the first shuffled row's first pixel / 255.
      assert.equal(ahead[0]![0], Math.fround(syntheticPixels(5, W, H * ROWS)[order[0]! * H * W]! / 255));
    } finally {
      images.dispose();
    }
  });
});

test("an op trace taken while a batch is made on the thread pool shows the pool thread's ops under their own thread id", async () => {
  await expectNoLeaksAsync(async () => {
    const images = slices();
    const source = new DeviceBatches(images);
    let events: OpTraceEvent[] = [];
    native.traceStart();
    try {
      const pending = source.load([3, 1, 4]); // index_select and the cast on libuv's pool
      const inline = source.loadSync([3, 1, 4]); // the same ops on this (the JS) thread meanwhile
      const ahead = await pending;
      assert.deepEqual(ahead.toArray(), inline.toArray());
      ahead.dispose();
      inline.dispose();
    } finally {
      events = native.traceStop();
      source.dispose();
      images.dispose();
    }
    const topLevel = (pick: (thread: number) => boolean) => events.filter((e) => e.depth === 0 && pick(e.thread)).map((e) => e.name);
    const js = topLevel((t) => t === 0);
    const pool = topLevel((t) => t !== 0);
    for (const op of ['aten::index_select', 'aten::div_']) {
      assert.ok(js.includes(op), `${op} on the JS thread (0): ${js.join(' ')}`);
      assert.ok(pool.includes(op), `${op} on the pool thread: ${pool.join(' ')}`);
    }
    // One pool thread made the batch: one id besides 0 (ops of a thread ended in its own order).
    assert.deepEqual([...new Set(events.filter((e) => e.thread !== 0 && e.name === 'aten::index_select').map((e) => e.thread))].length, 1);
    assert.ok(events.every((e) => Number.isInteger(e.thread) && e.thread >= 0));
  });
});

test('a batch that fails in the background rejects next() with a BatchLoadError, and nothing leaks', async () => {
  await expectNoLeaksAsync(async () => {
    const images = slices();
    try {
      // Row 99 does not exist: batch 1 fails on the thread pool while batch 0 is handed out.
      const batches = new BatchPrefetcher(new DeviceBatches(images), [0, 1, 99, 2], 2);
      const first = await batches.next();
      assert.deepEqual(first.shape, [2, 1, H, W]);
      first.dispose();
      await assert.rejects(batches.next(), (error: Error) => {
        assert.ok(error instanceof BatchLoadError);
        assert.equal(error.message, 'Cannot assemble a batch of 2 slices from the device: batch index 99 is out of range for uint8[11, 1, 9, 7]');
        return true;
      });
      await assert.rejects(batches.next(), /All 2 batches of this epoch were taken already/);
      await batches.dispose();
      // A batch made ahead and never taken is freed by dispose().
      const early = new BatchPrefetcher(new DeviceBatches(images), [0, 1, 2, 3], 2);
      (await early.next()).dispose();
      await early.dispose();
    } finally {
      images.dispose();
    }
  });
});

test('disposing a source frees the batches it handed out and the one made ahead (a step that threw), and refuses later ones', async () => {
  await expectNoLeaksAsync(async () => {
    const images = slices();
    try {
      const source = new DeviceBatches(images);
      const batches = new BatchPrefetcher(source, [0, 1, 2, 3, 4, 5], 2);
      await batches.next(); // never disposed, as when the step using it throws
      // Batch 1 may be made already (it started with batch 0); taking it starts batch 2, which
      // dispose below surely finds in flight (no callback runs before it).
      const second = batches.next();
      source.loadSync([3]); // never disposed either
      source.dispose(); // batch 2 is still being made on the thread pool
      await second.then(
        () => undefined,
        () => undefined,
      );
      await assert.rejects(
        batches.next(),
        (error: Error) => error instanceof BatchLoadError && /was disposed while a batch was being made/.test(error.message),
      );
      await batches.dispose();
    } finally {
      images.dispose();
    }
  });
});
