// One 3-D training step (forward, cross-entropy, backward, Adam) of a small 3-D CNN on
// 1x96x112x96 volumes, timed in alzbench; step3d.py is the same in PyTorch.
// usage: node bench/engine/step3d.mjs <steps> <threads> <batch> [contiguous|channels_last_3d]
// Prints one JSON line: per-step ms, peak RSS, RSS after every step, live tensors at the end.
import { performance } from 'node:perf_hooks';
import { manualSeed, memoryStats, randn, randint, setNumThreads, tidy } from '../../dist/torch/index.js';
import { F, Sequential, Conv3d, BatchNorm3d, ReLU, MaxPool3d, AdaptiveAvgPool3d, Flatten, Linear } from '../../dist/nn/index.js';
import { Adam } from '../../dist/optim/index.js';

const [stepsArg = '5', threadsArg = '2', batchArg = '2', layout = 'contiguous'] = process.argv.slice(2);
setNumThreads(Number(threadsArg));
manualSeed(0);
// The 3-D SimpleCNN: conv-BN-ReLU-pool blocks of 8, 16, 32, 64 channels, global pool, linear.
const layers = [];
let c = 1;
for (const w of [8, 16, 32, 64]) {
  layers.push(new Conv3d(c, w, 3, { padding: 1, bias: false }), new BatchNorm3d(w), new ReLU(), new MaxPool3d(2));
  c = w;
}
const model = new Sequential(new Sequential(...layers), new AdaptiveAvgPool3d(1), new Flatten(), new Linear(c, 2));
const cl = layout === 'channels_last_3d';
if (cl) model.toMemoryFormat('channelsLast3d');
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const batch = Number(batchArg);
const times = [];
const rss = [];
for (let i = 0; i < 2 + Number(stepsArg); i++) {
  const t0 = performance.now();
  tidy(() => {
    // A fresh batch every step, as a loader gives.
    let x = randn([batch, 1, 96, 112, 96]);
    if (cl) x = x.toMemoryFormat('channelsLast3d');
    const y = randint(0, 2, [batch]);
    opt.zeroGrad();
    F.crossEntropy(model.forward(x), y).backward();
    opt.step();
  });
  if (i >= 2) times.push(performance.now() - t0); // the first steps allocate and pick kernels
  rss.push(Math.round(process.memoryUsage().rss / 2 ** 20));
}
console.log(
  JSON.stringify({
    impl: 'alzbench',
    batch,
    layout,
    ms: times,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    rss_mb: rss,
    live_tensors: memoryStats().tensors,
  }),
);
