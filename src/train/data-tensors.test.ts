import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDir } from '../testing/data-helpers.js';
import { nativeOpenCvVersion } from '../preprocess/native-image-ops.js';
import { disposeTrainingData, loadTrainingData, type TrainingData } from '../data/data-tensors.js';
import { train } from './trainer.js';
import { expectNoLeaksAsync, writeToyDataset } from '../testing/train-helpers.js';
import type { RunRecord } from '../run-folder/run-folder.js';

const options = {
  task: 'binary',
  pipeline: 'open(k=3)|clahe(clip=2,tile=4)|invert',
  imageSize: 'auto' as const,
  grouping: 'subject' as const,
  splitSeed: 1,
  onBad: 'stop' as const,
  device: 'cpu',
};

function bytesOf(data: TrainingData): Uint8Array[] {
  return (['train', 'val', 'test'] as const).map((s) => new Uint8Array(data.splits[s].images.toArray() as Uint8Array));
}

test('training data goes through native OpenCV and the slice cache; a cached second load gives byte-identical tensors', async () => {
  const root = await writeToyDataset({ subjectsPerClass: 4, slices: 2, size: 24 });
  const cacheDir = join(await tempDir('alzbench-cache-'), 'slices');
  await expectNoLeaksAsync(async () => {
    const first = await loadTrainingData({ ...options, data: root, cacheDir });
    const second = await loadTrainingData({ ...options, data: root, cacheDir });
    try {
      assert.equal(first.preprocessing.backend, 'native');
      assert.equal(first.preprocessing.opencv, nativeOpenCvVersion());
      assert.equal(first.preprocessing.cache?.hit, false);
      assert.equal(second.preprocessing.cache?.hit, true);
      assert.equal(second.preprocessing.cache?.key, first.preprocessing.cache?.key);
      assert.ok(existsSync(second.preprocessing.cache!.file));
      assert.equal(first.preprocessing.slices, 16);
      const a = bytesOf(first);
      const b = bytesOf(second);
      assert.deepEqual(b, a);
      // The chain ran: an inverted image is mostly bright where the raw toy slice is dark.
      assert.ok(a[0]!.some((v) => v > 200));
    } finally {
      disposeTrainingData(first);
      disposeTrainingData(second);
    }
  });
});

test('the opencv.js fallback gives the same tensors as native OpenCV, without a cache when none is asked', async () => {
  const root = await writeToyDataset({ subjectsPerClass: 4, slices: 1, size: 24 });
  await expectNoLeaksAsync(async () => {
    const native = await loadTrainingData({ ...options, data: root, cacheDir: null });
    process.env.ALZBENCH_IMAGE_BACKEND = 'opencv.js';
    let wasm: TrainingData;
    try {
      wasm = await loadTrainingData({ ...options, data: root });
    } finally {
      delete process.env.ALZBENCH_IMAGE_BACKEND;
    }
    try {
      assert.equal(native.preprocessing.backend, 'native');
      assert.equal(wasm.preprocessing.backend, 'opencv.js');
      assert.equal(wasm.preprocessing.opencv, null);
      assert.equal(native.preprocessing.cache, null);
      assert.deepEqual(bytesOf(wasm), bytesOf(native));
    } finally {
      disposeTrainingData(native);
      disposeTrainingData(wasm);
    }
  });
});

test('run.json records the preprocessing backend and the slice cache of a training run', async () => {
  const data = await writeToyDataset({ subjectsPerClass: 4, slices: 2, size: 24 });
  const runsDir = await tempDir('alzbench-runs-');
  const settings = { data, runsDir, task: 'binary', widths: [4], epochs: 1, batchSize: 8, bootstrap: 0, camSamples: 0, pipeline: 'clahe(clip=2,tile=4)' };
  await expectNoLeaksAsync(async () => {
    await train(settings, { runId: 'a' });
    await train(settings, { runId: 'b' });
  });
  const a = JSON.parse(readFileSync(join(runsDir, 'a', 'run.json'), 'utf8')) as RunRecord;
  const b = JSON.parse(readFileSync(join(runsDir, 'b', 'run.json'), 'utf8')) as RunRecord;
  assert.equal(a.preprocessing?.backend, 'native');
  assert.equal(a.preprocessing?.chain, 'clahe(clip=2,tile=4)');
  assert.equal(a.preprocessing?.cache?.dir, join(runsDir, '.slice-cache'));
  assert.equal(a.preprocessing?.cache?.hit, false);
  assert.equal(b.preprocessing?.cache?.hit, true);
  assert.equal(b.preprocessing?.cache?.key, a.preprocessing?.cache?.key);
  assert.equal(a.preprocessing?.trainBatches?.source, 'device');
});

test('prefetched, cache-streamed and spill-streamed batches train to the same losses as in-line loading (same seed); run.json says where batches came from', async () => {
  const data = await writeToyDataset({ subjectsPerClass: 4, slices: 3, size: 24 });
  const runsDir = await tempDir('alzbench-runs-');
  const settings = {
    data,
    runsDir,
    task: 'binary',
    widths: [4],
    epochs: 2,
    batchSize: 4,
    augment: ['zoom', 'flip'],
    bootstrap: 0,
    camSamples: 0,
    seed: 5,
    pipeline: 'clahe(clip=2,tile=4)',
  };
  const runs = await expectNoLeaksAsync(async () => [
    await train({ ...settings, prefetch: false }, { runId: 'inline' }),
    await train(settings, { runId: 'prefetch' }),
    // 1 kB: far under the 24x24x24 bytes of slices, so the training split streams from the cache file.
    await train({ ...settings, memoryBudget: 1 / 1024 }, { runId: 'stream' }),
    // No cache file to read: the training split's pixels are written to a file for the run.
    await train({ ...settings, memoryBudget: 1 / 1024, cacheDir: 'none' }, { runId: 'spill' }),
  ]);
  const losses = runs.map((r) => r.history.map((e) => [e.trainLoss, e.trainAccuracy, e.val.loss]));
  assert.ok(losses[0]!.flat().every(Number.isFinite));
  assert.deepEqual(losses[1], losses[0]);
  assert.deepEqual(losses[2], losses[0]);
  assert.deepEqual(losses[3], losses[0]);
  const record = (id: string) => JSON.parse(readFileSync(join(runsDir, id, 'run.json'), 'utf8')) as RunRecord;
  assert.deepEqual(record('prefetch').preprocessing?.trainBatches?.source, 'device');
  const trainSlices = Object.values(record('stream').split!.counts.train!).reduce((a, b) => a + b, 0);
  const streamed = record('stream').preprocessing!;
  assert.deepEqual(streamed.trainBatches, { source: 'cache-file', bytes: trainSlices * 24 * 24, memoryBudgetBytes: 1024 });
  assert.equal(streamed.backend, 'native');
  assert.deepEqual(record('spill').preprocessing?.trainBatches, { ...streamed.trainBatches, source: 'spill-file' });
  assert.equal(record('spill').preprocessing?.cache, null);
  assert.deepEqual(
    readdirSync(tmpdir()).filter((f) => f.startsWith(`alzbench-spill-${process.pid}-`)),
    [],
    'the spill file is unlinked once open',
  );
  assert.equal(streamed.cache?.hit, true);
});
