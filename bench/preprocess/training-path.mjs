// Preprocessing throughput on the training path (loadTrainingData -> loadSlices): native OpenCV
// without the slice cache, with it (first run: miss, writes; second run: hit), and the opencv.js
// fallback, on the same data set and chain, alternating over rounds; slices/s from the
// preprocessing time run.json records (`preprocessing.seconds`: the chain or the cache read).
// usage: npm run build && node bench/preprocess/training-path.mjs [--data DIR] [--rounds 3]
//   (default data: bench/results/epoch-data-10, made by bench/epoch/run.mjs --slices 320)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTrainingData, disposeTrainingData } from '../../dist/data/data-tensors.js';

const { values } = parseArgs({ options: { data: { type: 'string', default: 'bench/results/epoch-data-10' }, rounds: { type: 'string', default: '3' } } });
const chain = 'grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert';
const base = { data: values.data, task: 'binary', pipeline: chain, imageSize: 'auto', grouping: 'subject', splitSeed: 42, onBad: 'skip', device: 'cpu' };
const runs = { native: [], 'native, cache miss': [], 'native, cache hit': [], 'opencv.js': [] };
const once = async (cacheDir, backend) => {
  if (backend) process.env.ALZBENCH_IMAGE_BACKEND = backend;
  try {
    const data = await loadTrainingData({ ...base, cacheDir });
    disposeTrainingData(data);
    return data.preprocessing;
  } finally {
    delete process.env.ALZBENCH_IMAGE_BACKEND;
  }
};
for (let r = 0; r < Number(values.rounds); r++) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'alzbench-cache-'));
  runs.native.push(await once(null));
  runs['native, cache miss'].push(await once(cacheDir));
  runs['native, cache hit'].push(await once(cacheDir));
  runs['opencv.js'].push(await once(null, 'opencv.js'));
  rmSync(cacheDir, { recursive: true, force: true });
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
console.log(`chain \`${chain}\`, ${runs.native[0].slices} slices, median of ${values.rounds} rounds\n\n| training path | slices/s | check |\n|---|---|---|`);
for (const [name, records] of Object.entries(runs)) {
  const last = records.at(-1);
  console.log(
    `| ${name} | ${Math.round(median(records.map((p) => p.slices / p.seconds))).toLocaleString('en')} | backend ${last.backend}${last.cache ? `, cache ${last.cache.hit ? 'hit' : 'miss'}` : ''} |`,
  );
}
