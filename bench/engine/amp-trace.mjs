// Why bf16 autocast is or is not faster: one training step traced in float32 and one under bf16
// autocast (forward and loss under autocast, backward outside, as the trainer runs it), in the
// same process, channels-last. Prints per-phase process CPU time, the ops with the largest CPU
// time in either mode, and the dtype casts autocast adds (aten::_to_copy).
// usage: node bench/engine/amp-trace.mjs <model> [--batch 16 --height 208 --width 176 --threads 2 --top 12]
import { parseArgs } from 'node:util';
import { autocast, manualSeed, randn, randint, setNumThreads, tidy, traceOps } from '../../dist/torch/index.js';
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
    top: { type: 'string', default: '12' },
  },
});
const name = positionals[0] ?? 'small_cnn';
setNumThreads(Number(values.threads));
manualSeed(0);
const model = makeModel(name).toMemoryFormat('channelsLast');
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const x = randn([Number(values.batch), 1, Number(values.height), Number(values.width)]).toMemoryFormat('channelsLast');
const y = randint(0, 2, [Number(values.batch)]);
const step = (amp) =>
  tidy(() => {
    opt.zeroGrad();
    const forward = () => F.crossEntropy(model.forward(x), y);
    const loss = amp ? autocast('cpu', 'bfloat16', forward) : forward();
    loss.backward();
    opt.step();
  });
const traces = {};
for (const amp of [false, true]) {
  step(amp);
  step(amp);
  traces[amp ? 'bf16' : 'float32'] = traceOps(() => step(amp)).events;
}
const ms = (ns) => (ns / 1e6).toFixed(1);
const byOp = (events) => {
  const out = new Map();
  const stack = [];
  for (const e of events) {
    let children = 0;
    while (stack.length && stack[stack.length - 1].depth > e.depth) children += stack.pop().cpuNs;
    stack.push(e);
    const key = `${e.name} ${e.inputs.split(' ')[0]?.replace(/\[.*$/, '') ?? ''}`;
    const s = out.get(key) ?? { count: 0, cpuNs: 0 };
    s.count++;
    s.cpuNs += e.cpuNs - children;
    out.set(key, s);
  }
  return out;
};
const total = (events) => events.filter((e) => e.depth === 0).reduce((t, e) => t + e.cpuNs, 0);
console.log(
  `${name}, batch ${values.batch}, 1x${values.height}x${values.width}, channels-last: step CPU (top-level ops) float32 ${ms(total(traces.float32))} ms, bf16 ${ms(total(traces.bf16))} ms`,
);
const [a, b] = [byOp(traces.float32), byOp(traces.bf16)];
const keys = [...new Set([...a.keys(), ...b.keys()])].sort(
  (p, q) => Math.max(b.get(q)?.cpuNs ?? 0, a.get(q)?.cpuNs ?? 0) - Math.max(b.get(p)?.cpuNs ?? 0, a.get(p)?.cpuNs ?? 0),
);
console.log('op (first input dtype): float32 CPU ms (count) | bf16 CPU ms (count)');
for (const k of keys.slice(0, Number(values.top)))
  console.log(`  ${k}: ${ms(a.get(k)?.cpuNs ?? 0)} (${a.get(k)?.count ?? 0}) | ${ms(b.get(k)?.cpuNs ?? 0)} (${b.get(k)?.count ?? 0})`);
const casts = (events) => events.filter((e) => e.name === 'aten::_to_copy');
console.log(
  `casts (aten::_to_copy): float32 ${casts(traces.float32).length}, bf16 ${casts(traces.bf16).length}, bf16 cast CPU ${ms(casts(traces.bf16).reduce((t, e) => t + e.cpuNs, 0))} ms`,
);
