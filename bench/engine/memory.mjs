// Long training loop that records resident memory, to show it stays flat (no tensor leak, no
// allocator growth). usage: node bench/engine/memory.mjs [--minutes 20] [--model small_cnn] [--threads 2]
// Prints one JSON line per minute (steps so far, RSS now, peak RSS, live tensors) and a summary.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { memoryStats, manualSeed, randn, randint, setNumThreads, tidy } from '../../dist/torch/index.js';
import { F } from '../../dist/nn/index.js';
import { Adam } from '../../dist/optim/index.js';
import { makeModel } from './models.mjs';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '20' }, model: { type: 'string', default: 'small_cnn' }, threads: { type: 'string', default: '2' } },
});
setNumThreads(Number(values.threads));
manualSeed(0);
const model = makeModel(values.model);
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const end = performance.now() + Number(values.minutes) * 60_000;
let steps = 0;
let peak = 0;
let nextReport = performance.now() + 60_000;
const samples = [];
while (performance.now() < end) {
  tidy(() => {
    // Fresh batches every step, as a real loader gives.
    const x = randn([16, 1, 208, 176]);
    const y = randint(0, 2, [16]);
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
  });
  steps++;
  const rss = process.memoryUsage().rss / 2 ** 20;
  peak = Math.max(peak, rss);
  if (performance.now() >= nextReport) {
    nextReport += 60_000;
    const sample = { minute: samples.length + 1, steps, rss_mb: Math.round(rss), peak_rss_mb: Math.round(peak), live_tensors: memoryStats().tensors };
    samples.push(sample);
    console.log(JSON.stringify(sample));
  }
}
const firstPeak = samples[0]?.peak_rss_mb ?? peak;
console.log(
  JSON.stringify({
    summary: true,
    model: values.model,
    minutes: Number(values.minutes),
    steps,
    peak_rss_first_minute_mb: firstPeak,
    peak_rss_mb: Math.round(peak),
    live_tensors_end: memoryStats().tensors,
    malloc: process.env.LD_PRELOAD?.includes('jemalloc') ? 'jemalloc' : 'glibc',
  }),
);
