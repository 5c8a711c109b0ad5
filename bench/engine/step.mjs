// One training step (forward, cross-entropy, backward, Adam) timed in alzbench.
// usage: node bench/engine/step.mjs <small_cnn|mbconv_stack|a registered 2-D model> <steps> <threads> [channels_last] [cpu|cuda] [none|bf16|fp16]
// Prints one JSON line: {"impl":"alzbench", "ms": [per-step milliseconds], "cpu_ms": [per-step process CPU ms], "rss_mb": ...}.
import { performance } from 'node:perf_hooks';
import { autocast, manualSeed, randn, randint, setNumThreads, tidy } from '../../dist/torch/index.js';
import { F } from '../../dist/nn/index.js';
import { Adam } from '../../dist/optim/index.js';
import { makeModel } from './models.mjs';

const [name = 'small_cnn', stepsArg = '10', threadsArg = '2', layout = 'contiguous', device = 'cpu', amp = 'none'] = process.argv.slice(2);
setNumThreads(Number(threadsArg));
manualSeed(0);
const model = makeModel(name);
if (device !== 'cpu') model.to(device);
const channelsLast = layout === 'channels_last';
// NHWC weights and inputs so oneDNN runs its fast path, as model.to(memory_format=...) does.
if (channelsLast) model.toMemoryFormat('channelsLast');
const opt = new Adam(model.parameters(), { lr: 1e-3 });
let x = randn([16, 1, 208, 176]).to(device);
if (channelsLast) x = x.toMemoryFormat('channelsLast');
const y = randint(0, 2, [16]).to(device);
const times = [];
// CPU time of the whole process (all threads) per step: less sensitive than wall time to other
// processes sharing the cores (with OMP_WAIT_POLICY=PASSIVE, idle OpenMP threads do not spin).
const cpuTimes = [];
for (let i = 0; i < 3 + Number(stepsArg); i++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  tidy(() => {
    opt.zeroGrad();
    // Mixed precision as the trainer runs it: forward and loss under autocast, backward outside.
    const forward = () => F.crossEntropy(model.forward(x), y);
    const loss = amp === 'none' ? forward() : autocast(device === 'cpu' ? 'cpu' : 'cuda', amp === 'bf16' ? 'bfloat16' : 'float16', forward);
    loss.backward();
    opt.step();
    // A GPU runs ops asynchronously: wait for the step to finish (PyTorch: cuda.synchronize()).
    if (device !== 'cpu') loss.item();
  });
  if (i >= 3) {
    // the first steps allocate and pick kernels
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuTimes.push((c.user + c.system) / 1000);
  }
}
console.log(JSON.stringify({ impl: 'alzbench', model: name, layout, device, amp, ms: times, cpu_ms: cpuTimes, rss_mb: process.memoryUsage().rss / 2 ** 20 }));
