// bench/train: the whole trainer's throughput against the bare model step (issue 5's target: the
// loop adds at most 10 %, i.e. trainer images/s / bare step images/s >= 0.9).
//   trainer: `train()` on a real data set, binary task, simple_cnn (default widths) at the slices'
//            own 208x176, batch 16, SGD momentum 0.9, augmentation zoom+rotate (the study's) on
//            the device; images/s = training images / training-phase seconds of each epoch
//            (batch assembly from the 8-bit split tensor, augmentation, step, loss and accuracy
//            read-back), epoch 1 left out as warm-up.
//   bare step: the same model, optimizer, batch size and input size stepping on one fixed random
//            batch (zeroGrad, forward, cross-entropy, backward, step, loss.item()).
// The two alternate --rounds times in this process, so machine load hits both alike; medians.
// usage: node bench/train/run.mjs [data dirs...] [--epochs 6] [--rounds 3]   (after npm run build)
// default data: ../shared/data/kaggle4-sample. Writes bench/results/train.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { allocatorEnv } from '../../dist/util/allocator-env.js';

const env = allocatorEnv();
if (env) {
  // Same allocator as the alzbench launcher (jemalloc): set before the process starts.
  const child = spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit', env });
  process.exit(child.status ?? 1);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { epochs: { type: 'string', default: '6' }, rounds: { type: 'string', default: '3' } },
});
const dirs = positionals.length ? positionals : [new URL('../../../shared/data/kaggle4-sample', import.meta.url).pathname];
const epochs = Number(values.epochs);
const rounds = Number(values.rounds);
const { train } = await import('../../dist/train/trainer.js');
const { getModel } = await import('../../dist/models/registry.js');
const { manualSeed, randn, randint, tidy, getNumThreads } = await import('../../dist/torch/index.js');
const { F } = await import('../../dist/nn/index.js');
const { SGD } = await import('../../dist/optim/index.js');

// CPU time of this process: less sensitive than wall time to other jobs on a shared machine.
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const bareCpu = [];
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const BATCH = 16;

function bareStep(h, w, steps) {
  manualSeed(0);
  const model = getModel('simple_cnn', { inChannels: 1, numClasses: 2 });
  const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = randn([BATCH, 1, h, w]);
  const y = randint(0, 2, [BATCH], { dtype: 'int64' });
  const step = () =>
    tidy(() => {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    });
  for (let i = 0; i < 3; i++) step();
  const t = performance.now();
  const c = cpuSeconds();
  for (let i = 0; i < steps; i++) step();
  const seconds = (performance.now() - t) / 1000;
  bareCpu.push((steps * BATCH) / (cpuSeconds() - c));
  opt.disposeState();
  model.dispose();
  x.dispose();
  y.dispose();
  return (steps * BATCH) / seconds;
}

const results = [];
for (const data of dirs) {
  const runsDir = mkdtempSync(join(tmpdir(), 'alzbench-bench-train-'));
  const trainer = [];
  const bare = [];
  const trainerCpu = [];
  bareCpu.length = 0;
  let info;
  for (let r = 0; r < rounds; r++) {
    // CPU images/s over batches 2..n of epochs 2..E (from the first to the last batch event of each epoch).
    let mark = null;
    let cpu = 0;
    let cpuImages = 0;
    const onEvent = (e) => {
      if (e.type !== 'batch' || e.epoch === 1) return;
      if (mark === null || e.done < mark.done) mark = { done: e.done, cpu: cpuSeconds() };
      else if (e.done === e.total) {
        cpu += cpuSeconds() - mark.cpu;
        cpuImages += e.done - mark.done;
        mark = null;
      }
    };
    const result = await train(
      {
        data,
        task: 'binary',
        model: 'simple_cnn',
        epochs,
        batchSize: BATCH,
        optimizer: 'sgd',
        augment: ['zoom', 'rotate'],
        bootstrap: 0,
        camSamples: 0,
        runsDir,
        seed: r,
      },
      { runId: `round-${r}`, onEvent },
    );
    trainerCpu.push(cpuImages / cpu);
    const later = result.history.slice(1);
    const images = later.reduce((s, e) => s + e.imagesPerSecond * e.trainSeconds, 0);
    const seconds = later.reduce((s, e) => s + e.trainSeconds, 0);
    trainer.push(images / seconds);
    const trainImages = Math.round(later[0].imagesPerSecond * later[0].trainSeconds);
    info = { trainImages, secondsPerEpoch: median(later.map((e) => e.seconds)) };
    // As many bare steps as the trainer's timed epochs took batches.
    bare.push(bareStep(208, 176, Math.max(8, Math.ceil(trainImages / BATCH) * later.length)));
    process.stderr.write(
      `${data} round ${r + 1}/${rounds}: trainer ${trainer.at(-1).toFixed(1)} img/s (${trainerCpu.at(-1).toFixed(2)} img/CPU-s), bare step ${bare.at(-1).toFixed(1)} img/s (${bareCpu.at(-1).toFixed(2)} img/CPU-s)\n`,
    );
  }
  rmSync(runsDir, { recursive: true, force: true });
  results.push({
    data,
    ...info,
    trainerImagesPerSecond: median(trainer),
    bareImagesPerSecond: median(bare),
    ratio: median(trainer) / median(bare),
    trainerImagesPerCpuSecond: median(trainerCpu),
    bareImagesPerCpuSecond: median(bareCpu),
    cpuRatio: median(trainerCpu) / median(bareCpu),
    rounds: trainer.map((t, i) => ({ trainer: t, bare: bare[i], trainerCpu: trainerCpu[i], bareCpu: bareCpu[i] })),
  });
}

const machine = { cpu: cpus()[0]?.model, cores: availableParallelism(), threads: getNumThreads(), loadavg: loadavg().map((l) => Math.round(l * 100) / 100) };
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(new URL('../results/train.json', import.meta.url), `${JSON.stringify({ machine, epochs, batch: BATCH, results }, null, 2)}\n`);
console.log(
  '| data set | train slices/epoch | s/epoch (train + val) | trainer img/s | bare step img/s | ratio (wall) | trainer img/CPU-s | bare img/CPU-s | ratio (CPU) |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results)
  console.log(
    `| ${r.data} | ${r.trainImages} | ${r.secondsPerEpoch.toFixed(2)} | ${r.trainerImagesPerSecond.toFixed(1)} | ${r.bareImagesPerSecond.toFixed(1)} | ${r.ratio.toFixed(3)} | ${r.trainerImagesPerCpuSecond.toFixed(2)} | ${r.bareImagesPerCpuSecond.toFixed(2)} | ${r.cpuRatio.toFixed(3)} |`,
  );
console.log(`machine: ${JSON.stringify(machine)}`);
