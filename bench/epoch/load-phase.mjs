// The training load phase (read, hash, decode, audit, split, preprocess, slices onto the device:
// loadTrainingData) with slices read and decoded one at a time against 8 at a time (decoding on
// libuv's thread pool, data/load-items.ts), alternating in one process; no slice cache.
// --part decode: only reading + decoding (loadItems); --part chain: only the chain on slices
// decoded beforehand (loadSlices, no cache).
// usage: npm run build && node bench/epoch/load-phase.mjs <data> [--rounds 3] [--pipeline none] [--part load|decode|chain]
// Prints one JSON line with the median seconds of each and their ratio.
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadTrainingData, disposeTrainingData } from '../../dist/data/data-tensors.js';
import { openDataset } from '../../dist/data/open-dataset.js';
import { loadItems } from '../../dist/data/load-items.js';
import { loadSlices } from '../../dist/data/slice-loader.js';
import { parseChain } from '../../dist/preprocess/chain-spec.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '3' }, pipeline: { type: 'string', default: 'none' }, part: { type: 'string', default: 'load' } },
});
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const times = { 1: [], 8: [] };
let slices = 0;
const dataset = values.part === 'load' ? null : await openDataset(positionals[0]);
const decoded = values.part === 'chain' ? (await loadItems(dataset)).loaded.map((l) => ({ image: l.image })) : null;
for (let r = 0; r < Number(values.rounds); r++) {
  for (const concurrency of [1, 8]) {
    const t0 = performance.now();
    if (values.part === 'decode') {
      slices = (await loadItems(dataset, { concurrency })).loaded.length;
    } else if (values.part === 'chain') {
      slices = (await loadSlices(decoded, parseChain(values.pipeline), { concurrency })).images.length;
    } else {
      const data = await loadTrainingData({
        data: positionals[0],
        task: 'binary',
        pipeline: values.pipeline,
        imageSize: 'auto',
        grouping: 'subject',
        splitSeed: 42,
        onBad: 'skip',
        device: 'cpu',
        cacheDir: null,
        loadConcurrency: concurrency,
      });
      slices = data.prepared.items.length;
      disposeTrainingData(data);
    }
    times[concurrency].push((performance.now() - t0) / 1000);
  }
}
console.log(
  JSON.stringify({
    slices,
    part: values.part,
    pipeline: values.pipeline,
    rounds: Number(values.rounds),
    oneAtATimeSeconds: median(times[1]),
    eightAtOnceSeconds: median(times[8]),
    speedup: median(times[1]) / median(times[8]),
    all: times,
    loadAverage: loadavg(),
  }),
);
