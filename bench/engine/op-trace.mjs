// Op trace of one training step (forward, cross-entropy, backward, Adam; channels-last) in
// alzbench and in PyTorch (bench/engine/op_trace.py), both recorded by the same tracer
// (native/src/op_trace.h, a RecordFunction callback, the hook torch.profiler uses): every ATen op
// at every nesting depth, the backward ops libtorch's autograd runs included, each with its wall
// time, the process CPU time during it, and the layout of its tensor inputs (cl = channels-last,
// cf = contiguous, cl=cf = both, strided). Counts and layouts do not depend on the machine's load;
// CPU time much less than wall time. Run it as bench:engine runs alzbench (jemalloc via
// LD_PRELOAD, OMP_WAIT_POLICY=PASSIVE); the PyTorch process inherits the environment.
// usage: node bench/engine/op-trace.mjs <model> [--batch 16 --height 208 --width 176 --threads 2 --top 25 --out DIR]
// Prints: wall and process-CPU time per phase (the top-level ops of the thread that traced: JS's,
// Python's), a line for the ops other threads ran (libuv's pool, OpenMP workers), ops per name that
// differ in count, the 4-d input layouts that differ, and the ops with the largest self CPU-time
// gap (self: less its children).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { native } from '../../dist/torch/native.js';
import { manualSeed, randn, randint, setNumThreads, tidy } from '../../dist/torch/index.js';
import { F } from '../../dist/nn/index.js';
import { Adam } from '../../dist/optim/index.js';
import { makeModel } from './models.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    batch: { type: 'string', default: '16' },
    height: { type: 'string', default: '208' },
    width: { type: 'string', default: '176' },
    threads: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' },
    top: { type: 'string', default: '25' },
    out: { type: 'string', default: 'bench/results/op-trace' },
  },
});
const name = positionals[0] ?? 'small_cnn';
const [batch, height, width, threads] = [values.batch, values.height, values.width, values.threads].map(Number);
setNumThreads(threads);
manualSeed(0);
const model = makeModel(name).toMemoryFormat('channelsLast');
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const x = randn([batch, 1, height, width]).toMemoryFormat('channelsLast');
const y = randint(0, 2, [batch]);
const step = () =>
  tidy(() => {
    opt.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
  });
for (let i = 0; i < Number(values.warmup); i++) step();
native.traceStart();
step();
const ours = native.traceStop();
mkdirSync(values.out, { recursive: true });
const theirFile = join(values.out, `${name}-pytorch.jsonl`);
execFileSync('/usr/bin/python3', ['bench/engine/op_trace.py', name, ...[batch, height, width, threads].map(String), values.warmup, theirFile], {
  stdio: 'inherit',
});
const theirs = readFileSync(theirFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line));
writeFileSync(join(values.out, `${name}-alzbench.json`), JSON.stringify(ours));

// Events of older trace files carry no thread: they were all taken as the tracing thread's.
const threadOf = (e) => e.thread ?? 0;
// Self time per event: its duration less that of its direct children (events end after their
// children on their own thread: depth is counted per thread, so each thread has its own stack).
function summarize(events) {
  const byName = new Map();
  const stacks = new Map();
  for (const e of events) {
    const stack = stacks.get(threadOf(e)) ?? [];
    stacks.set(threadOf(e), stack);
    let children = 0;
    let childrenCpu = 0;
    while (stack.length && stack[stack.length - 1].depth > e.depth) {
      const child = stack.pop();
      children += child.durationNs;
      childrenCpu += child.cpuNs;
    }
    stack.push(e);
    const s = byName.get(e.name) ?? { count: 0, selfNs: 0, selfCpuNs: 0, layouts: new Map() };
    s.count++;
    s.selfNs += e.durationNs - children;
    s.selfCpuNs += e.cpuNs - childrenCpu;
    const key = e.inputs
      .split(' ')
      .filter((t) => /\[.*,.*,.*,.*\]/.test(t))
      .map((t) => t.replace(/^\w+\[[^\]]*\]/, ''))
      .join(',');
    if (key) s.layouts.set(key, (s.layouts.get(key) ?? 0) + 1);
    byName.set(e.name, s);
  }
  return byName;
}
const a = summarize(ours);
const b = summarize(theirs);
const names = [...new Set([...a.keys(), ...b.keys()])];
const ms = (ns) => (ns / 1e6).toFixed(2);
// Phases from the tracing thread's top-level ops: forward + loss before autograd's first node,
// backward, then the optimizer. Other threads' ops overlap those in time, so they are not added in.
function phases(events) {
  const top = events.filter((e) => e.depth === 0 && threadOf(e) === 0).sort((p, q) => p.startNs - q.startNs);
  const isBackward = (e) => e.name.startsWith('autograd::engine::evaluate_function');
  const first = top.findIndex(isBackward);
  const last = top.length - 1 - [...top].reverse().findIndex(isBackward);
  const sum = (xs, k) => xs.reduce((t, e) => t + e[k], 0);
  const parts = { forward: top.slice(0, first), backward: top.slice(first, last + 1), optimizer: top.slice(last + 1) };
  return Object.fromEntries(Object.entries(parts).map(([k, xs]) => [k, { ops: xs.length, wallNs: sum(xs, 'durationNs'), cpuNs: sum(xs, 'cpuNs') }]));
}
// The other threads' top-level ops, in one line per side: how many threads, ops and how much wall time.
function otherThreads(events) {
  const top = events.filter((e) => e.depth === 0 && threadOf(e) !== 0);
  const threads = new Set(top.map(threadOf)).size;
  const names = new Map();
  for (const e of top) names.set(e.name, (names.get(e.name) ?? 0) + 1);
  const most = [...names].sort((p, q) => q[1] - p[1]).slice(0, 3);
  return `${threads} threads, ${top.length} top-level ops, ${ms(top.reduce((t, e) => t + e.durationNs, 0))} ms wall${most.length ? ` (${most.map(([n, c]) => `${n} x${c}`).join(', ')})` : ''}`;
}
const [pa, pb] = [phases(ours), phases(theirs)];
console.log(`${name}, batch ${batch}, 1x${height}x${width}, channels-last, ${threads} threads: ${ours.length} ops (alzbench) vs ${theirs.length} (PyTorch)`);
console.log('phase: alzbench wall / CPU ms (top-level ops) | PyTorch wall / CPU ms | CPU ratio');
for (const k of Object.keys(pa))
  console.log(
    `  ${k}: ${ms(pa[k].wallNs)} / ${ms(pa[k].cpuNs)} (${pa[k].ops}) | ${ms(pb[k].wallNs)} / ${ms(pb[k].cpuNs)} (${pb[k].ops}) | ${(pa[k].cpuNs / pb[k].cpuNs).toFixed(2)}`,
  );
console.log(`  other threads: alzbench ${otherThreads(ours)} | PyTorch ${otherThreads(theirs)}`);
console.log('\nops whose count differs (name: alzbench / PyTorch):');
for (const n of names) {
  const [ca, cb] = [a.get(n)?.count ?? 0, b.get(n)?.count ?? 0];
  if (ca !== cb) console.log(`  ${n}: ${ca} / ${cb}`);
}
console.log('\n4-d input layouts that differ (name: alzbench {layouts: count} / PyTorch {...}):');
for (const n of names) {
  const la = JSON.stringify(Object.fromEntries(a.get(n)?.layouts ?? []));
  const lb = JSON.stringify(Object.fromEntries(b.get(n)?.layouts ?? []));
  if (la !== lb) console.log(`  ${n}: ${la} / ${lb}`);
}
console.log(`\nlargest self CPU-time gaps (name: alzbench CPU ms / PyTorch CPU ms; wall ms alzbench / PyTorch; count):`);
names
  .map((n) => ({
    n,
    ca: a.get(n)?.selfCpuNs ?? 0,
    cb: b.get(n)?.selfCpuNs ?? 0,
    da: a.get(n)?.selfNs ?? 0,
    db: b.get(n)?.selfNs ?? 0,
    c: a.get(n)?.count ?? 0,
  }))
  .sort((p, q) => Math.abs(q.ca - q.cb) - Math.abs(p.ca - p.cb))
  .slice(0, Number(values.top))
  .forEach(({ n, ca, cb, da, db, c }) => console.log(`  ${n}: ${ms(ca)} / ${ms(cb)}; ${ms(da)} / ${ms(db)} (${c})`));
