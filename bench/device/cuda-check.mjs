// The CUDA path, checked on a machine with an NVIDIA GPU (run by scripts/device-check.sh):
// parity of a forward/backward and of Adam's multi-tensor step between CPU and CUDA, autocast
// fp16/bf16 on CUDA, and whole training runs (--device cuda, --amp none|fp16|bf16) on a toy set.
// usage: node bench/device/cuda-check.mjs <out.json>   (exit 1 when a check fails)
// On a machine without CUDA it says so and exits 2 (nothing is checked). ALZBENCH_CHECK_DEVICE=cpu
// dry-runs the script's own logic on the CPU in place of CUDA (no fp16 there).
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { autocast, cudaDeviceCount, manualSeed, randn, randint, tidy, torchVersion } from '../../dist/torch/index.js';
import { F } from '../../dist/nn/index.js';
import { Adam } from '../../dist/optim/index.js';
import { getModel } from '../../dist/models/registry.js';
import { tempDir } from '../../dist-test/testing/data-helpers.js';
import { writeToyDataset } from '../../dist-test/testing/train-helpers.js';
import { train } from '../../dist/train/trainer.js';

const out = process.argv[2] ?? 'cuda-check.json';
const gpu = process.env.ALZBENCH_CHECK_DEVICE ?? 'cuda';
const report = { torch: torchVersion(), cudaDevices: cudaDeviceCount(), device: gpu, checks: [], runs: [] };
if (gpu === 'cuda' && report.cudaDevices === 0) {
  console.error('cuda-check: this libtorch sees no CUDA device; nothing checked');
  writeFileSync(out, JSON.stringify(report, null, 2));
  process.exit(2);
}
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
function check(name, value, limit) {
  const ok = Number.isFinite(value) && value <= limit;
  report.checks.push({ name, value, limit, ok });
  console.error(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${value} (limit ${limit})`);
}

// One model per device from the same seed: identical weights.
const makeModel = (device) => {
  manualSeed(7);
  const m = getModel('simple_cnn', { inChannels: 1, numClasses: 2, widths: [8, 16], dropout: 0 });
  return device === 'cpu' ? m : m.to(device);
};
manualSeed(1);
const x = randn([4, 1, 64, 64]);
const y = randint(0, 2, [4]);
const models = { cpu: makeModel('cpu'), cuda: makeModel(gpu) };
const opts = { cpu: new Adam(models.cpu.parameters(), { lr: 1e-3 }), cuda: new Adam(models.cuda.parameters(), { lr: 1e-3 }) };
const results = {};
for (const device of ['cpu', 'cuda']) {
  const target = device === 'cpu' ? 'cpu' : gpu;
  results[device] = tidy(() => {
    const losses = [];
    for (let s = 0; s < 3; s++) {
      opts[device].zeroGrad();
      const loss = F.crossEntropy(models[device].forward(x.to(target)), y.to(target));
      loss.backward();
      if (s === 0) results[`${device}Grads`] = models[device].parameters().flatMap((p) => p.grad.to('cpu').toNumbers());
      opts[device].step();
      losses.push(loss.item());
    }
    return { losses, weights: models[device].parameters().flatMap((p) => p.to('cpu').toNumbers()) };
  });
}
check('first-step loss, CUDA vs CPU (abs)', Math.abs(results.cuda.losses[0] - results.cpu.losses[0]), 1e-4);
check('first-step gradients, CUDA vs CPU (max abs)', maxDiff(results.cudaGrads, results.cpuGrads), 1e-3);
check('weights after 3 Adam (foreach) steps, CUDA vs CPU (max abs)', maxDiff(results.cuda.weights, results.cpu.weights), 1e-3);
for (const dtype of gpu === 'cpu' ? ['bfloat16'] : ['float16', 'bfloat16']) {
  const diff = tidy(() => {
    models.cuda.eval();
    const full = models.cuda.forward(x.to(gpu)).to('cpu').toNumbers();
    const mixed = autocast(gpu === 'cpu' ? 'cpu' : 'cuda', dtype, () => models.cuda.forward(x.to(gpu)))
      .to('float32')
      .to('cpu')
      .toNumbers();
    return maxDiff(mixed, full);
  });
  check(`autocast ${dtype} logits vs float32 on CUDA (max abs)`, diff, dtype === 'float16' ? 5e-2 : 2e-1);
}
for (const m of Object.values(models)) m.dispose();
for (const o of Object.values(opts)) o.disposeState();

// Whole runs: the trainer on CUDA with each precision, against the same run on the CPU.
const data = await writeToyDataset({ subjectsPerClass: 12, slices: 4, size: 64 });
const runsDir = await tempDir('alzbench-cuda-runs-');
const base = { data, runsDir, task: 'binary', widths: [8, 16], epochs: 3, batchSize: 16, bootstrap: 0, camSamples: 1, seed: 3 };
for (const [device, amp] of [['cpu', 'none'], [gpu, 'none'], ...(gpu === 'cpu' ? [] : [[gpu, 'fp16']]), [gpu, 'bf16']]) {
  const t0 = performance.now();
  const result = await train({ ...base, device, amp }, { runId: `${report.runs.length}-${device}-${amp}` });
  const last = result.history.at(-1);
  report.runs.push({
    device,
    amp,
    status: result.status,
    seconds: (performance.now() - t0) / 1000,
    trainLoss: last?.trainLoss,
    valBalancedAccuracy: last?.val.balancedAccuracy,
    testBalancedAccuracy: result.test?.best.metrics.balancedAccuracy ?? null,
    imagesPerSecond: last?.imagesPerSecond,
  });
  console.error(
    `run ${device} amp ${amp}: ${result.status}, train loss ${last?.trainLoss}, test balanced accuracy ${result.test?.best.metrics.balancedAccuracy}`,
  );
}
const cpuRun = report.runs[0];
const cudaRun = report.runs[1];
check('3-epoch run: final train loss, CUDA vs CPU (abs)', Math.abs(cudaRun.trainLoss - cpuRun.trainLoss), 0.05);
for (const r of report.runs) check(`run ${r.device}/${r.amp} ended (0 = done or collapsed)`, ['done', 'collapsed'].includes(r.status) ? 0 : 1, 0);
writeFileSync(out, JSON.stringify(report, null, 2));
process.exit(report.checks.every((c) => c.ok) ? 0 : 1);
