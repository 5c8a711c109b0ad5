// One epoch of training in alzbench, data loading included: read, decode, split and put the slices
// on the device through the product's own data path (loadTrainingData: native OpenCV, slice
// cache), then one epoch over the training split as the trainer runs it (channels-last weights,
// Adam, batch 16, loss read back every 10 batches). Writes the training split's files and labels
// to <list.json> so that epoch.py trains on the same slices.
// Batches come as the trainer gets them: batch i+1 assembled on the thread pool while batch i
// trains (BatchPrefetcher), or in line with `inline` as the 7th argument; `stream` prefetches
// from the slice-cache file (memory budget 1 byte; the cache in $TMPDIR when none is given).
// usage: node bench/epoch/epoch.mjs <data> <model> <threads> <list.json> [cacheDir|none] [maxImages] [prefetch|inline|stream]
// Prints one JSON line: {"impl":"alzbench", "loadSeconds", "trainSeconds", "images", "imagesPerSecond"}.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { manualSeed, setNumThreads, tensor, tidy } from '../../dist/torch/index.js';
import { F } from '../../dist/nn/index.js';
import { Adam } from '../../dist/optim/index.js';
import { loadTrainingData, disposeTrainingData } from '../../dist/data/data-tensors.js';
import { epochOrder } from '../../dist/train/sampling.js';
import { BatchReadback } from '../../dist/train/batch-readback.js';
import { BatchPrefetcher } from '../../dist/data/batch-prefetch.js';
import { makeModel } from '../engine/models.mjs';

const [root, name, threads, listFile, cache = 'none', maxImages = 'all', loading = 'prefetch'] = process.argv.slice(2);
setNumThreads(Number(threads));
const t0 = performance.now();
const data = await loadTrainingData({
  data: root,
  task: 'binary',
  // The empty chain skips the slice cache; `grayscale` (a no-op on gray slices) goes through it, so `stream` can read from it.
  pipeline: loading === 'stream' ? 'grayscale' : 'none',
  imageSize: 'auto',
  grouping: 'subject',
  splitSeed: 42,
  onBad: 'skip',
  device: 'cpu',
  cacheDir: cache !== 'none' ? cache : loading === 'stream' ? join(tmpdir(), 'alzbench-epoch-cache') : null,
  ...(loading === 'stream' ? { memoryBudgetBytes: 1 } : {}),
});
const loadSeconds = (performance.now() - t0) / 1000;
const train = data.splits.train;
// --max-images: the first N training slices (both sides train on the same N).
const n = maxImages === 'all' ? train.labelList.length : Math.min(Number(maxImages), train.labelList.length);
writeFileSync(listFile, JSON.stringify({ root, files: train.ids.slice(0, n), labels: train.labelList.slice(0, n) }));
manualSeed(0);
const model = makeModel(name).toMemoryFormat('channelsLast');
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const order = epochOrder(train.labelList.slice(0, n), 1, 0, 'shuffle');
const readback = new BatchReadback();
let lossSum = 0;
const t1 = performance.now();
model.train();
const batches = new BatchPrefetcher(train.batches, order, 16, { prefetch: loading !== 'inline' });
for (let b = 0; b * 16 < order.length; b++) {
  const index = order.slice(b * 16, (b + 1) * 16);
  const x = await batches.next();
  tidy(() => {
    const idx = tensor(index, { dtype: 'int64' });
    const y = train.labels.indexSelect(0, idx);
    opt.zeroGrad();
    const logits = model.forward(x);
    const loss = F.crossEntropy(logits, y);
    loss.backward();
    opt.step();
    readback.push(loss, logits.argmax(1).eq(y).sum(), index.length);
  });
  x.dispose();
  if (readback.length >= 10) lossSum += readback.read().losses.reduce((a, v) => a + v, 0);
}
lossSum += readback.read().losses.reduce((a, v) => a + v, 0);
await batches.dispose();
const trainSeconds = (performance.now() - t1) / 1000;
disposeTrainingData(data);
const images = order.length;
console.log(
  JSON.stringify({
    impl: 'alzbench',
    model: name,
    loading,
    loadSeconds,
    trainSeconds,
    images,
    imagesPerSecond: images / (loadSeconds + trainSeconds),
    meanLoss: lossSum / Math.ceil(images / 16),
    cache: data.preprocessing.cache?.hit ?? null,
  }),
);
