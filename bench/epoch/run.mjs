// bench/epoch: one epoch of training, data loading included, alzbench against a plain PyTorch
// script with DataLoader(num_workers=2) reading the same JPEGs, same threads, alternating in one
// run. Data: the generated (synth) set of 176x208 JPEG slices, 32 per subject.
// usage: npm run build && node bench/epoch/run.mjs [--slices 6400] [--models small_cnn,efficientnet_b0] [--rounds 1] [--threads 2] [--max-images N] [--loading prefetch,inline]
// (--max-images: train on the first N training slices only, both sides: a shorter "epoch";
// --loading: alzbench's batch loading, each alternated with the others and PyTorch in every round).
// Writes bench/results/epoch.json and prints a Markdown table for BENCHMARKS.md. images/s counts
// the training split's slices over each process's whole wall time (start to exit).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { allocatorEnv } from '../../dist/util/allocator-env.js';

const { values } = parseArgs({
  options: {
    slices: { type: 'string', default: '6400' },
    models: { type: 'string', default: 'small_cnn,efficientnet_b0' },
    rounds: { type: 'string', default: '1' },
    threads: { type: 'string', default: String(availableParallelism()) },
    'max-images': { type: 'string', default: 'all' },
    loading: { type: 'string', default: 'prefetch' },
  },
});
const subjects = Math.ceil(Number(values.slices) / 32);
const data = join('bench/results', `epoch-data-${subjects}`);
if (!existsSync(join(data, 'synth.json'))) {
  console.error(`generating ${subjects} subjects x 32 slices into ${data}`);
  execFileSync(process.execPath, ['bin/alzbench.js', 'synth', '--out', data, '--subjects', String(subjects), '--force'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
const env = allocatorEnv({ ...process.env, ALZBENCH_ALLOCATOR_SET: undefined }) ?? process.env;
const list = join('bench/results', 'epoch-list.json');

const timed = (cmd, args, options) => {
  const t0 = performance.now();
  const out = JSON.parse(execFileSync(cmd, args, { encoding: 'utf8', ...options }));
  return { ...out, wallSeconds: (performance.now() - t0) / 1000 };
};
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const results = [];
for (const model of values.models.split(',')) {
  const loadings = values.loading.split(',');
  const runs = { theirs: [], ...Object.fromEntries(loadings.map((l) => [l, []])) };
  const loads = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const loading of loadings) {
      loads.push(loadavg()[0]);
      runs[loading].push(timed(process.execPath, ['bench/epoch/epoch.mjs', data, model, values.threads, list, 'none', values['max-images'], loading], { env }));
    }
    loads.push(loadavg()[0]);
    runs.theirs.push(timed('/usr/bin/python3', ['bench/epoch/epoch.py', list, model, values.threads], { env: { ...process.env, LD_PRELOAD: '' } }));
  }
  const rate = (rs) => median(rs.map((x) => x.images / x.wallSeconds));
  for (const loading of loadings) {
    const ours = runs[loading];
    const row = {
      model,
      loading,
      images: ours[0].images,
      alzbench_images_per_s: rate(ours),
      alzbench_load_s: median(ours.map((x) => x.loadSeconds)),
      alzbench_train_s: median(ours.map((x) => x.trainSeconds)),
      pytorch_images_per_s: rate(runs.theirs),
      pytorch_train_s: median(runs.theirs.map((x) => x.trainSeconds)),
      // Per round: this loading's images/s over PyTorch's in the same round (alternated), then the median.
      ratio: median(ours.map((x, r) => x.images / x.wallSeconds / (runs.theirs[r].images / runs.theirs[r].wallSeconds))),
      load_average_1min: [Math.min(...loads), Math.max(...loads)],
    };
    results.push(row);
    console.error(
      `${model} (${loading}): alzbench ${row.alzbench_images_per_s.toFixed(2)} img/s (load ${row.alzbench_load_s.toFixed(1)} s, train ${row.alzbench_train_s.toFixed(1)} s), PyTorch DataLoader ${row.pytorch_images_per_s.toFixed(2)} img/s (train loop ${row.pytorch_train_s.toFixed(1)} s), ratio ${row.ratio.toFixed(2)}, load average ${row.load_average_1min.map((x) => x.toFixed(1)).join('-')}`,
    );
  }
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/epoch.json',
  JSON.stringify(
    {
      machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), threads: Number(values.threads) },
      slices: subjects * 32,
      rounds: Number(values.rounds),
      results,
    },
    null,
    2,
  ),
);
console.log(
  '| model (binary, batch 16, Adam, channels-last) | batches | training slices | alzbench img/s (whole process) | load s / train s | PyTorch + DataLoader(2) img/s (whole process) | its train loop s | ratio (median per round) | load average |\n|---|---|---|---|---|---|---|---|---|',
);
for (const r of results)
  console.log(
    `| ${r.model} | ${r.loading} | ${r.images} | ${r.alzbench_images_per_s.toFixed(2)} | ${r.alzbench_load_s.toFixed(1)} / ${r.alzbench_train_s.toFixed(1)} | ${r.pytorch_images_per_s.toFixed(2)} | ${r.pytorch_train_s.toFixed(1)} | ${r.ratio.toFixed(2)} | ${r.load_average_1min.map((x) => x.toFixed(0)).join('-')} |`,
  );
