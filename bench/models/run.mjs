// bench/models: every registered model on 1-channel 208x176 slices, 2 classes, alzbench vs the same
// network in Python PyTorch (model.py), alternating per model so machine load hits both alike;
// median of --reps timed repetitions after 2 warm-ups, each side in a fresh process per model.
//   forward (default): eval-mode forward of one slice (batch 1)
//   --train: one training step (forward, cross-entropy, backward, Adam step), batch 16
//            (inception_resnet_v2 at 256x256, the study's size); reported as images/second
// usage: node bench/models/run.mjs [--train] [--reps 5] [--threads N] [--models a,b]   (after npm run build)
// Writes bench/results/models-{forward,train}.json and prints the Markdown table for BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    train: { type: 'boolean', default: false },
    reps: { type: 'string', default: '5' },
    threads: { type: 'string', default: String(availableParallelism()) },
    models: { type: 'string' },
    one: { type: 'string' },
  },
});
const mode = values.train ? 'train' : 'forward';
const batch = values.train ? 16 : 1;
const sizeOf = (name) => (values.train && name === 'inception_resnet_v2' ? [256, 256] : [208, 176]);

if (values.one) {
  // Child mode: time one model in this process.
  const { getModel } = await import('../../dist/models/registry.js');
  const { manualSeed, noGrad, randn, randint, tidy, setNumThreads } = await import('../../dist/torch/index.js');
  const { F } = await import('../../dist/nn/index.js');
  const { Adam } = await import('../../dist/optim/index.js');
  setNumThreads(Number(values.threads));
  manualSeed(0);
  const model = getModel(values.one, { inChannels: 1, numClasses: 2 });
  const [h, w] = sizeOf(values.one);
  const x = randn([batch, 1, h, w]);
  const y = randint(0, 2, [batch], { dtype: 'int64' });
  const opt = values.train ? new Adam(model.parameters(), { lr: 1e-4 }) : null;
  if (!values.train) model.eval();
  const ms = [];
  for (let i = 0; i < 2 + Number(values.reps); i++) {
    const t = performance.now();
    if (opt) {
      tidy(() => {
        opt.zeroGrad();
        const loss = F.crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        return loss.item();
      });
    } else noGrad(() => tidy(() => model.forward(x).toNumbers()));
    if (i >= 2) ms.push(performance.now() - t);
  }
  console.log(JSON.stringify({ parameters: model.numParameters(), ms }));
  process.exit(0);
}

const python = '/usr/bin/python3';
const hasTorch =
  existsSync(python) &&
  (() => {
    try {
      execFileSync(python, ['-c', 'import torch, torchvision'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
if (!hasTorch) console.error('python3-torchvision not installed: timing alzbench only');
const { listModels } = await import('../../dist/models/registry.js');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const defaults = values.train ? ['simple_cnn', 'efficientnet_b0', 'efficientnet_b1', 'mnasnet1_0', 'vgg19', 'inception_resnet_v2'] : listModels();
const results = [];
for (const name of values.models?.split(',') ?? defaults) {
  const common = ['--reps', values.reps, '--threads', values.threads, ...(values.train ? ['--train'] : [])];
  const ours = JSON.parse(execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--one', name, ...common], { encoding: 'utf8' }));
  const theirs = hasTorch
    ? JSON.parse(
        execFileSync(
          python,
          [new URL('model.py', import.meta.url).pathname, mode, name, values.reps, values.threads, ...sizeOf(name).map(String), String(batch)],
          { encoding: 'utf8' },
        ),
      )
    : null;
  const row = {
    model: name,
    size: sizeOf(name),
    batch,
    parameters: ours.parameters,
    alzbench_ms: median(ours.ms),
    pytorch_ms: theirs ? median(theirs.ms) : null,
    pytorch_parameters: theirs?.parameters ?? null,
  };
  row.ratio = theirs ? row.alzbench_ms / row.pytorch_ms : null;
  results.push(row);
  console.error(
    `${name} ${mode}: ${ours.parameters} parameters, alzbench ${row.alzbench_ms.toFixed(1)} ms` +
      (theirs ? `, PyTorch ${row.pytorch_ms.toFixed(1)} ms (${theirs.parameters} parameters), ratio ${row.ratio.toFixed(2)}` : ''),
  );
}
mkdirSync('bench/results', { recursive: true });
const machine = { cpu: cpus()[0]?.model, cores: availableParallelism(), threads: Number(values.threads), node: process.version, loadavg: loadavg() };
writeFileSync(`bench/results/models-${mode}.json`, JSON.stringify({ machine, mode, reps: Number(values.reps), results }, null, 2));
const ips = (ms) => ((batch * 1000) / ms).toFixed(1);
if (values.train) {
  console.log('| model (batch 16, Adam) | input | alzbench img/s | PyTorch img/s | time ratio |\n|---|---|---:|---:|---:|');
  for (const r of results)
    console.log(
      `| ${r.model} | 1x${r.size[0]}x${r.size[1]} | ${ips(r.alzbench_ms)} | ${r.pytorch_ms ? ips(r.pytorch_ms) : '-'} | ${r.ratio?.toFixed(2) ?? '-'} |`,
    );
} else {
  console.log('| model | parameters (1 ch, 2 classes) | alzbench forward ms | PyTorch forward ms | ratio |\n|---|---:|---:|---:|---:|');
  for (const r of results)
    console.log(
      `| ${r.model} | ${r.parameters.toLocaleString('en-US')} | ${r.alzbench_ms.toFixed(1)} | ${r.pytorch_ms?.toFixed(1) ?? '-'} | ${r.ratio?.toFixed(2) ?? '-'} |`,
    );
}
