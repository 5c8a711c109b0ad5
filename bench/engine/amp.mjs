// bench/engine/amp: alzbench's training step in float32 and under bf16 autocast, alternating in
// one run, per zoo model (channels-last, batch 16, 1x208x176, Adam); median ms/step of all rounds.
// usage: node bench/engine/amp.mjs [--models simple_cnn,efficientnet_b0,...|zoo] [--rounds 2] [--steps 3] [--device cpu]
// (`zoo`: every registered 2-D model, expandModels in models.mjs)
// Writes bench/results/amp.json and prints a Markdown table for BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { allocatorEnv } from '../../dist/util/allocator-env.js';
import { expandModels } from './models.mjs';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'small_cnn,efficientnet_b0,mnasnet1_0' },
    rounds: { type: 'string', default: '2' },
    steps: { type: 'string', default: '3' },
    threads: { type: 'string', default: String(availableParallelism()) },
    device: { type: 'string', default: 'cpu' },
    amp: { type: 'string', default: 'bf16' },
  },
});
// OMP_WAIT_POLICY=PASSIVE as in run.mjs: on a shared machine spinning OpenMP threads made both
// modes 5x slower and hid bf16's gain (BENCHMARKS.md, issue 15); CPU time is reported beside wall time.
const base = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
const env = allocatorEnv({ ...base, ALZBENCH_ALLOCATOR_SET: undefined }) ?? base;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const flags =
  readFileSync('/proc/cpuinfo', 'utf8')
    .match(/^flags\s*:(.*)$/m)?.[1]
    .trim()
    .split(/\s+/) ?? [];
const results = [];
for (const model of expandModels(values.models)) {
  const ms = { none: [], [values.amp]: [] };
  const cpu = { none: [], [values.amp]: [] };
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const amp of Object.keys(ms)) {
      const out = JSON.parse(
        execFileSync(process.execPath, ['bench/engine/step.mjs', model, values.steps, values.threads, 'channels_last', values.device, amp], {
          encoding: 'utf8',
          env,
        }),
      );
      ms[amp].push(...out.ms);
      cpu[amp].push(...out.cpu_ms);
    }
  }
  const row = { model, fp32_ms: median(ms.none), amp_ms: median(ms[values.amp]), fp32_cpu_ms: median(cpu.none), amp_cpu_ms: median(cpu[values.amp]) };
  row.speedup = row.fp32_ms / row.amp_ms;
  row.cpu_speedup = row.fp32_cpu_ms / row.amp_cpu_ms;
  results.push(row);
  console.error(
    `${model}: fp32 ${row.fp32_ms.toFixed(1)} ms/step, ${values.amp} ${row.amp_ms.toFixed(1)} ms/step, speed-up ${row.speedup.toFixed(2)}x; CPU ms/step ${row.fp32_cpu_ms.toFixed(1)} / ${row.amp_cpu_ms.toFixed(1)}, ${row.cpu_speedup.toFixed(2)}x`,
  );
}
mkdirSync('bench/results', { recursive: true });
const machine = {
  cpu: cpus()[0]?.model,
  cores: availableParallelism(),
  threads: Number(values.threads),
  avx512_bf16: flags.includes('avx512_bf16'),
  amx_bf16: flags.includes('amx_bf16'),
};
writeFileSync(
  'bench/results/amp.json',
  JSON.stringify({ machine, device: values.device, amp: values.amp, rounds: Number(values.rounds), steps: Number(values.steps), results }, null, 2),
);
console.log(
  `| model (1x208x176, batch 16, Adam, channels-last) | fp32 ms/step | ${values.amp} ms/step | speed-up | fp32 CPU ms/step | ${values.amp} CPU ms/step | CPU speed-up |\n|---|---|---|---|---|---|---|`,
);
for (const r of results)
  console.log(
    `| ${r.model} | ${r.fp32_ms.toFixed(1)} | ${r.amp_ms.toFixed(1)} | ${r.speedup.toFixed(2)}x | ${r.fp32_cpu_ms.toFixed(1)} | ${r.amp_cpu_ms.toFixed(1)} | ${r.cpu_speedup.toFixed(2)}x |`,
  );
