// bench/models: eval-mode forward time of every registered model on one 1x208x176 grayscale slice
// (batch 1, 2 classes), alzbench vs the same network in Python PyTorch (forward.py), alternating
// per model so machine load hits both alike; median of --reps timed passes after 2 warm-ups.
// usage: node bench/models/forward.mjs [--reps 5] [--threads N] [--models a,b]   (after npm run build)
// Writes bench/results/models-forward.json and prints the Markdown table for BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' }, threads: { type: 'string', default: String(availableParallelism()) }, models: { type: 'string' }, one: { type: 'string' } } });
const [H, W] = [208, 176];

if (values.one) {
  // Child mode: time one model here (a fresh process per model keeps memory and caches apart).
  process.env.ALZBENCH_THREADS = values.threads;
  const { getModel } = await import('../../dist/models/registry.js');
  const { manualSeed, noGrad, randn, tidy, setNumThreads } = await import('../../dist/torch/index.js');
  setNumThreads(Number(values.threads));
  manualSeed(0);
  const model = getModel(values.one, { inChannels: 1, numClasses: 2 }).eval();
  const x = randn([1, 1, H, W]);
  const ms = [];
  for (let i = 0; i < 2 + Number(values.reps); i++) {
    const t = performance.now();
    noGrad(() => tidy(() => model.forward(x).toNumbers()));
    if (i >= 2) ms.push(performance.now() - t);
  }
  console.log(JSON.stringify({ parameters: model.numParameters(), ms }));
  process.exit(0);
}

const python = '/usr/bin/python3';
const hasTorch = existsSync(python) && (() => { try { execFileSync(python, ['-c', 'import torch, torchvision'], { stdio: 'ignore' }); return true; } catch { return false; } })();
if (!hasTorch) console.error('python3-torchvision not installed: timing alzbench only');
const { listModels } = await import('../../dist/models/registry.js');
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const results = [];
for (const name of values.models?.split(',') ?? listModels()) {
  const ours = JSON.parse(execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--one', name, '--reps', values.reps, '--threads', values.threads], { encoding: 'utf8' }));
  const theirs = hasTorch ? JSON.parse(execFileSync(python, [new URL('forward.py', import.meta.url).pathname, name, values.reps, values.threads], { encoding: 'utf8' })) : null;
  const row = { model: name, parameters: ours.parameters, alzbench_ms: median(ours.ms), pytorch_ms: theirs ? median(theirs.ms) : null, pytorch_parameters: theirs?.parameters ?? null };
  row.ratio = theirs ? row.alzbench_ms / row.pytorch_ms : null;
  results.push(row);
  console.error(`${name}: ${ours.parameters} parameters, alzbench ${row.alzbench_ms.toFixed(1)} ms` + (theirs ? `, PyTorch ${row.pytorch_ms.toFixed(1)} ms (${theirs.parameters} parameters), ratio ${row.ratio.toFixed(2)}` : ''));
}
mkdirSync('bench/results', { recursive: true });
const machine = { cpu: cpus()[0]?.model, cores: availableParallelism(), threads: Number(values.threads), node: process.version, loadavg: loadavg() };
writeFileSync('bench/results/models-forward.json', JSON.stringify({ machine, input: [1, 1, H, W], reps: Number(values.reps), results }, null, 2));
console.log('| model | parameters (1 ch, 2 classes) | alzbench forward ms | PyTorch forward ms | ratio |\n|---|---:|---:|---:|---:|');
for (const r of results) console.log(`| ${r.model} | ${r.parameters.toLocaleString('en-US')} | ${r.alzbench_ms.toFixed(1)} | ${r.pytorch_ms?.toFixed(1) ?? '-'} | ${r.ratio?.toFixed(2) ?? '-'} |`);
