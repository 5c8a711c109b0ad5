// bench/engine, 3-D: the small 3-D CNN step (step3d.mjs vs step3d.py) on 1x96x112x96 volumes,
// same libtorch, same threads, same allocator (jemalloc, as alzbench's launcher runs), run
// alternately; median per-step times; peak RSS per batch size; RSS over a longer loop.
// usage: node bench/engine/run3d.mjs [--rounds 2 --steps 3 --threads 2 --batches 1,2,4 --loop-steps 12]
// Writes bench/results/engine3d.json and prints Markdown tables for BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { allocatorEnv } from '../../dist/util/allocator-env.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '2' },
    steps: { type: 'string', default: '3' },
    threads: { type: 'string', default: String(availableParallelism()) },
    batches: { type: 'string', default: '1,2,4' },
    layouts: { type: 'string', default: 'contiguous,channels_last_3d' },
    'loop-steps': { type: 'string', default: '12' },
  },
});
const python = '/usr/bin/python3';
const ourEnv = allocatorEnv({ ...process.env, ALZBENCH_ALLOCATOR_SET: undefined }) ?? process.env;
const theirEnv = { ...process.env, LD_PRELOAD: ourEnv.LD_PRELOAD ?? '', MALLOC_CONF: ourEnv.MALLOC_CONF ?? '' };
const ours = (...args) => JSON.parse(execFileSync(process.execPath, ['bench/engine/step3d.mjs', ...args.map(String)], { encoding: 'utf8', env: ourEnv }));
const theirs = (...args) => JSON.parse(execFileSync(python, ['bench/engine/step3d.py', ...args.map(String)], { encoding: 'utf8', env: theirEnv }));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const threads = values.threads;

const speed = [];
for (const layout of values.layouts.split(',')) {
  const a = [],
    b = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    a.push(...ours(values.steps, threads, 1, layout).ms);
    b.push(...theirs(values.steps, threads, 1, layout).ms);
  }
  const row = { layout, batch: 1, alzbench_ms: median(a), pytorch_ms: median(b) };
  row.ratio = row.alzbench_ms / row.pytorch_ms;
  speed.push(row);
  console.error(`step ${layout}: alzbench ${row.alzbench_ms.toFixed(0)} ms, PyTorch ${row.pytorch_ms.toFixed(0)} ms, ratio ${row.ratio.toFixed(3)}`);
}
const memory = [];
for (const batch of values.batches.split(',').map(Number)) {
  const a = ours(1, threads, batch, 'contiguous');
  const b = theirs(1, threads, batch, 'contiguous');
  memory.push({
    batch,
    alzbench_peak_rss_mb: Math.round(a.peak_rss_mb),
    pytorch_peak_rss_mb: Math.round(b.peak_rss_mb),
    alzbench_ms: Math.round(a.ms[0]),
    pytorch_ms: Math.round(b.ms[0]),
  });
  console.error(`batch ${batch}: peak RSS alzbench ${a.peak_rss_mb.toFixed(0)} MB, PyTorch ${b.peak_rss_mb.toFixed(0)} MB`);
}
const loop = ours(values['loop-steps'], threads, 2, 'contiguous');
console.error(`loop of ${loop.rss_mb.length} steps (batch 2): RSS ${loop.rss_mb.join(' ')} MB, live tensors at the end ${loop.live_tensors}`);
mkdirSync('bench/results', { recursive: true });
const machine = { cpu: cpus()[0]?.model, cores: availableParallelism(), threads: Number(threads), node: process.version };
writeFileSync(
  'bench/results/engine3d.json',
  JSON.stringify(
    {
      machine,
      rounds: Number(values.rounds),
      steps: Number(values.steps),
      speed,
      memory,
      loop: { batch: 2, rss_mb: loop.rss_mb, live_tensors: loop.live_tensors },
    },
    null,
    2,
  ),
);
console.log('| small 3-D CNN (1x96x112x96, batch 1, Adam) | alzbench ms/step | PyTorch ms/step | ratio |\n|---|---|---|---|');
for (const r of speed) console.log(`| ${r.layout} | ${r.alzbench_ms.toFixed(0)} | ${r.pytorch_ms.toFixed(0)} | ${r.ratio.toFixed(3)} |`);
console.log('\n| batch | alzbench peak RSS MB | PyTorch peak RSS MB |\n|---|---|---|');
for (const m of memory) console.log(`| ${m.batch} | ${m.alzbench_peak_rss_mb} | ${m.pytorch_peak_rss_mb} |`);
console.log(`\nRSS after each of ${loop.rss_mb.length} steps (batch 2, MB): ${loop.rss_mb.join(', ')}; live tensors at the end: ${loop.live_tensors}`);
