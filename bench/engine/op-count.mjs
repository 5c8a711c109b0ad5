// Counts the op calls one training step makes from JS into libtorch (forward + loss, zero_grad,
// optimizer step), beside PyTorch's own count from bench/engine/op_count.py (aten ops seen by a
// TorchDispatchMode: below autograd, so its forward count includes decompositions and backward
// ops, which alzbench runs inside libtorch's autograd without a JS call).
// usage: node bench/engine/op-count.mjs [small_cnn,efficientnet_b0]
import { execFileSync } from 'node:child_process';
import { native } from '../../dist/torch/native.js';
import { manualSeed, randn, randint, tidy } from '../../dist/torch/index.js';
import { F } from '../../dist/nn/index.js';
import { Adam } from '../../dist/optim/index.js';
import { makeModel } from './models.mjs';

let calls = 0;
const callOp = native.callOp;
native.callOp = (...args) => {
  calls++;
  return callOp.apply(native, args);
};
const count = (fn) => {
  const before = calls;
  fn();
  return calls - before;
};
const rows = [];
for (const name of (process.argv[2] ?? 'small_cnn,efficientnet_b0').split(',')) {
  manualSeed(0);
  const model = makeModel(name).toMemoryFormat('channelsLast');
  const params = model.parameters().length;
  const row = { model: name, parameters: params };
  for (const foreach of [true, false]) {
    const opt = new Adam(model.parameters(), { lr: 1e-3, foreach });
    const x = randn([2, 1, 64, 64]);
    const y = randint(0, 2, [2]);
    for (let step = 0; step < 2; step++) {
      // The second step is counted: the first one also creates the optimizer state.
      tidy(() => {
        const zero = count(() => opt.zeroGrad());
        let loss;
        const forward = count(() => {
          loss = F.crossEntropy(model.forward(x), y);
        });
        loss.backward();
        const update = count(() => opt.step());
        if (step === 1) Object.assign(row, foreach ? { forward, zeroGrad: zero, step: update } : { stepPerParameter: update });
      });
    }
    opt.disposeState();
    x.dispose();
    y.dispose();
  }
  model.dispose();
  rows.push(row);
}
let theirs = {};
try {
  theirs = JSON.parse(execFileSync('/usr/bin/python3', ['bench/engine/op_count.py', rows.map((r) => r.model).join(',')], { encoding: 'utf8' }));
} catch (error) {
  console.error(`PyTorch count failed: ${error.message}`);
}
console.log(
  '| model | parameter tensors | alzbench forward+loss calls | PyTorch forward+loss aten ops (incl. decompositions) | alzbench zero_grad | PyTorch zero_grad (1.13 default set_to_none=False) | alzbench Adam step (foreach) | alzbench Adam step (per parameter) | PyTorch Adam step (1.13 default, per parameter) | PyTorch Adam step (foreach=True) |\n|---|---|---|---|---|---|---|---|---|---|',
);
for (const r of rows) {
  const t = theirs[r.model] ?? {};
  console.log(
    `| ${r.model} | ${r.parameters} | ${r.forward} | ${t.forward ?? '-'} | ${r.zeroGrad} | ${t.zero_grad ?? '-'} | ${r.step} | ${r.stepPerParameter} | ${t.step ?? '-'} | ${t.step_foreach ?? '-'} |`,
  );
}
