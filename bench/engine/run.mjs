// bench/engine: alzbench vs PyTorch on the same training step, same libtorch, same threads, run
// alternately (so machine load hits both alike), median of the per-step times over all rounds.
// usage: npm run bench:engine [-- --rounds 3 --steps 8 --threads 2 --device cpu|cuda --python /usr/bin/python3 --glibc yes|no]
// (--glibc no: PyTorch under jemalloc only, the same-allocator comparison, a third less time)
//        [--models small_cnn,zoo]: `zoo` is every registered 2-D model (expandModels in models.mjs)
// Writes bench/results/engine.json and prints a Markdown table for BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { allocatorEnv } from '../../dist/util/allocator-env.js';
import { expandModels } from './models.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    steps: { type: 'string', default: '8' },
    threads: { type: 'string', default: String(availableParallelism()) },
    models: { type: 'string', default: 'small_cnn,mbconv_stack,efficientnet_b0' },
    layouts: { type: 'string', default: 'contiguous,channels_last' },
    device: { type: 'string', default: 'cpu' },
    python: { type: 'string', default: '/usr/bin/python3' },
    glibc: { type: 'string', default: 'yes' },
    out: { type: 'string', default: 'bench/results/engine.json' },
  },
});
const python = values.python;
// alzbench runs as its launcher runs it (jemalloc); PyTorch both as installed (glibc) and under the same jemalloc.
// Both sides with OMP_WAIT_POLICY=PASSIVE: OpenMP threads sleep instead of spinning when idle,
// so per-step process CPU time (reported beside wall time) measures work, not waiting; on a
// shared machine wall time swings with the other processes' load, CPU time much less.
const base = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
const ourEnv = allocatorEnv({ ...base, ALZBENCH_ALLOCATOR_SET: undefined }) ?? base;
const theirEnvs = {
  glibc: { ...base, LD_PRELOAD: '' },
  jemalloc: { ...base, LD_PRELOAD: ourEnv.LD_PRELOAD ?? '', MALLOC_CONF: ourEnv.MALLOC_CONF ?? '' },
};
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
if (!hasTorch) console.error('python3-torch/python3-torchvision not installed: timing alzbench only (apt-get install python3-torchvision)');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const results = [];
for (const model of expandModels(values.models)) {
  for (const layout of values.layouts.split(',')) {
    const ours = [],
      theirs = [],
      theirsJemalloc = [],
      oursCpu = [],
      theirsJemallocCpu = [];
    for (let r = 0; r < Number(values.rounds); r++) {
      const args = [model, values.steps, values.threads, layout, values.device];
      const run = (cmd, script, env) => JSON.parse(execFileSync(cmd, [script, ...args], { encoding: 'utf8', env }));
      const o = run(process.execPath, 'bench/engine/step.mjs', ourEnv);
      ours.push(...o.ms);
      oursCpu.push(...o.cpu_ms);
      if (hasTorch) {
        if (values.glibc !== 'no') theirs.push(...run(python, 'bench/engine/step.py', theirEnvs.glibc).ms);
        const t = run(python, 'bench/engine/step.py', theirEnvs.jemalloc);
        theirsJemalloc.push(...t.ms);
        theirsJemallocCpu.push(...t.cpu_ms);
      }
    }
    const row = {
      model,
      layout,
      alzbench_ms: median(ours),
      pytorch_ms: theirs.length ? median(theirs) : null,
      pytorch_jemalloc_ms: hasTorch ? median(theirsJemalloc) : null,
      alzbench_cpu_ms: median(oursCpu),
      pytorch_jemalloc_cpu_ms: hasTorch ? median(theirsJemallocCpu) : null,
      load_average: loadavg()[0],
    };
    row.cpu_ratio_same_allocator = hasTorch ? row.alzbench_cpu_ms / row.pytorch_jemalloc_cpu_ms : null;
    row.ratio = row.pytorch_ms !== null ? row.alzbench_ms / row.pytorch_ms : null;
    row.ratio_same_allocator = hasTorch ? row.alzbench_ms / row.pytorch_jemalloc_ms : null;
    results.push(row);
    console.error(
      `${model} ${layout}: alzbench ${row.alzbench_ms.toFixed(1)} ms/step` +
        (hasTorch
          ? `, PyTorch ${row.pytorch_ms?.toFixed(1) ?? '-'} (glibc) / ${row.pytorch_jemalloc_ms.toFixed(1)} (jemalloc) ms/step, ratio ${row.ratio?.toFixed(3) ?? '-'} / ${row.ratio_same_allocator.toFixed(3)}; CPU ms/step ${row.alzbench_cpu_ms.toFixed(1)} / ${row.pytorch_jemalloc_cpu_ms.toFixed(1)} (jemalloc), CPU ratio ${row.cpu_ratio_same_allocator.toFixed(3)}; load ${row.load_average.toFixed(1)}`
          : ''),
    );
  }
}
mkdirSync(dirname(values.out), { recursive: true });
const machine = { cpu: cpus()[0]?.model, cores: availableParallelism(), threads: Number(values.threads), node: process.version };
writeFileSync(values.out, JSON.stringify({ machine, device: values.device, rounds: Number(values.rounds), steps: Number(values.steps), results }, null, 2));
console.log(
  '| model (1x208x176, batch 16, Adam) | layout | alzbench ms/step | PyTorch ms/step (glibc) | ratio | PyTorch ms/step (jemalloc) | ratio, same allocator | CPU ms/step alzbench / PyTorch (jemalloc) | CPU ratio | load |\n|---|---|---|---|---|---|---|---|---|---|',
);
for (const r of results)
  console.log(
    `| ${r.model} | ${r.layout} | ${r.alzbench_ms.toFixed(1)} | ${r.pytorch_ms?.toFixed(1) ?? '-'} | ${r.ratio?.toFixed(3) ?? '-'} | ${r.pytorch_jemalloc_ms?.toFixed(1) ?? '-'} | ${r.ratio_same_allocator?.toFixed(3) ?? '-'} | ${r.alzbench_cpu_ms.toFixed(1)} / ${r.pytorch_jemalloc_cpu_ms?.toFixed(1) ?? '-'} | ${r.cpu_ratio_same_allocator?.toFixed(3) ?? '-'} | ${r.load_average.toFixed(1)} |`,
  );
