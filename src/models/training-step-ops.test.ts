// The training step's ATen ops, traced (traceOps): the in-place activations torchvision uses, and
// simple_cnn's pool-before-ReLU order, with gradients equal to the plain layer order's. The fused
// batch-norm kernels (src/nn/fused.ts, tested in fused.test.ts) are turned off here where a test
// checks the op-level match with torchvision, and on where it checks what the trainer runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, tensor, traceOps, type OpTraceEvent, type Tensor } from '../torch/index.js';
import { expectNoLeaks } from '../testing/tensor-helpers.js';
import { BatchNorm2d, Conv2d, F, MaxPool2d, ReLU, Sequential, SiLU, withFusedKernels, type Module } from '../nn/index.js';
import { getModel } from './registry.js';
import { SimpleCNN } from './simple-cnn.js';

const count = (events: OpTraceEvent[], name: string) => events.filter((e) => e.name === name).length;
const inputsOf = (events: OpTraceEvent[], name: string) => events.filter((e) => e.name === name).map((e) => e.inputs);

/** Loss and parameter gradients of one training-mode step (channels-last, as the trainer runs it). */
function step(model: Module, x: Tensor): { events: OpTraceEvent[]; loss: Tensor; grads: Tensor[] } {
  model.train();
  for (const p of model.parameters()) p.setGrad(null);
  const { result: loss, events } = traceOps(() => {
    const l = F.crossEntropy(model.forward(x), tensor([0, 1], { dtype: 'int64' }));
    l.backward();
    return l;
  });
  return { events, loss, grads: model.parameters().map((p) => p.grad!) };
}

test('simple_cnn runs each max pool before its in-place ReLU: a quarter of the ReLU work, the same loss and gradients as conv-BN-ReLU-pool', () => {
  expectNoLeaks(() =>
    withFusedKernels(false, () => {
      manualSeed(5);
      const model = new SimpleCNN({ inChannels: 1, numClasses: 2, widths: [4, 8], dropout: 0 }).toMemoryFormat('channelsLast');
      // The same layers in the plain order with out-of-place ReLU: what PyTorch's nn.Sequential runs.
      const plain = new Sequential(
        new Conv2d(1, 4, 3, { padding: 1, bias: false }),
        new BatchNorm2d(4),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(4, 8, 3, { padding: 1, bias: false }),
        new BatchNorm2d(8),
        new ReLU(),
        new MaxPool2d(2),
      ).toMemoryFormat('channelsLast');
      plain.loadStateDict(new Map([...model.features.stateDict()]));
      const reference = {
        // Layer by layer, not through Sequential.forward, which runs ReLU -> max pool as pool -> ReLU too.
        forward: (x: Tensor) => {
          let out = x;
          for (let i = 0; i < plain.length; i++) out = plain.at(i).forward(out);
          return model.classifier.forward(model.pool.forward(out));
        },
        parameters: () => [...plain.parameters(), ...model.classifier.parameters()],
        train: () => plain.train(),
      } as unknown as Module;
      const x = randn([2, 1, 16, 12]).toMemoryFormat('channelsLast');

      const ours = step(model, x);
      // Pool first: the ReLUs run in place on the pooled [2,4,8,6] and [2,8,4,3] tensors.
      assert.equal(count(ours.events, 'aten::relu'), 0);
      assert.deepEqual(inputsOf(ours.events, 'aten::relu_'), ['Float[2,4,8,6]cl', 'Float[2,8,4,3]cl']);
      assert.deepEqual(
        inputsOf(ours.events, 'aten::threshold_backward').map((s) => s.split(' ')[1]),
        ['Float[2,8,4,3]cl', 'Float[2,4,8,6]cl'],
      );
      const oursGrads = ours.grads.map((g) => g.clone());
      const theirs = step(reference, x);
      assert.deepEqual(inputsOf(theirs.events, 'aten::relu'), ['Float[2,4,16,12]cl', 'Float[2,8,8,6]cl']);
      // Exactly equal: max and ReLU commute, and each window's gradient goes to the same element.
      assert.equal(ours.loss.item(), theirs.loss.item());
      oursGrads.forEach((g, i) => assert.ok(g.eq(theirs.grads[i]!).all().item(), `gradient ${i} differs`));
      model.dispose();
      plain.dispose();
    }),
  );
});

test("mnasnet1_0's training step makes torchvision's in-place ReLUs, in channels-last", () => {
  expectNoLeaks(() =>
    withFusedKernels(false, () => {
      manualSeed(0);
      const model = getModel('mnasnet1_0', { inChannels: 1, numClasses: 2 }).toMemoryFormat('channelsLast');
      const { events, grads } = step(model, randn([2, 1, 64, 64]).toMemoryFormat('channelsLast'));
      // torchvision's MNASNet: 35 ReLU(inplace=True) -> 35 aten::relu_ (bench/engine/op_trace.py counts them in PyTorch).
      assert.equal(count(events, 'aten::relu_'), 35);
      assert.equal(count(events, 'aten::relu'), 0);
      // Every 4-d conv and batch-norm input is channels-last (or a 1-channel/1x1 tensor that is both).
      for (const name of ['aten::mkldnn_convolution', 'aten::native_batch_norm', 'aten::convolution_backward', 'aten::native_batch_norm_backward']) {
        for (const inputs of inputsOf(events, name)) {
          const fourD = inputs.split(' ').filter((t) => (t.match(/,/g) ?? []).length === 3);
          assert.ok(
            fourD.every((t) => t.endsWith('cl') || t.endsWith('cl=cf')),
            `${name}(${inputs})`,
          );
        }
      }
      assert.ok(grads.every((g) => g.isfinite().all().item()));
      model.dispose();
    }),
  );
});

test('with the fused kernels, simple_cnn, mnasnet1_0 and efficientnet_b0 run each batch norm -> ReLU (-> 2x2 pool) or SiLU as one op on channels-last tensors', () => {
  expectNoLeaks(() => {
    manualSeed(0);
    for (const [name, fused, unfusedNorms, shape] of [
      ['simple_cnn', 4, 0, [2, 1, 32, 32]],
      // torchvision's 35 ReLUs all follow a batch norm; the 17 batch norms before a projection or residual do not fuse.
      ['mnasnet1_0', 35, 17, [2, 1, 64, 64]],
      // 33 of EfficientNet-B0's SiLUs follow a batch norm (the squeeze-excitation's 16 do not); the 16 blocks' projection batch norms do not fuse.
      ['efficientnet_b0', 33, 16, [2, 1, 32, 32]],
    ] as const) {
      const model = getModel(name, { inChannels: 1, numClasses: 2 }).toMemoryFormat('channelsLast');
      const { events, grads } = step(model, randn([...shape]).toMemoryFormat('channelsLast'));
      assert.equal(count(events, 'alzbench::batch_norm_activation'), fused, name);
      assert.equal(count(events, 'aten::relu_') + count(events, 'aten::relu'), 0, name);
      assert.equal(count(events, 'aten::silu_'), name === 'efficientnet_b0' ? 16 : 0, name);
      assert.equal(count(events, 'aten::native_batch_norm'), unfusedNorms, name);
      for (const inputs of inputsOf(events, 'alzbench::batch_norm_activation')) assert.match(inputs.split(' ')[0]!, /cl$|cl=cf$/, `${name}: ${inputs}`);
      assert.ok(grads.every((g) => g.isfinite().all().item()));
      model.dispose();
    }
  });
});

test("efficientnet_b0's training step makes torchvision's in-place SiLUs (conv-BN-SiLU and squeeze-excitation)", () => {
  expectNoLeaks(() =>
    withFusedKernels(false, () => {
      manualSeed(0);
      const model = getModel('efficientnet_b0', { inChannels: 1, numClasses: 2 }).toMemoryFormat('channelsLast');
      const { events } = step(model, randn([2, 1, 32, 32]).toMemoryFormat('channelsLast'));
      // torchvision's EfficientNet-B0: 49 SiLU(inplace=True) (33 after batch norm, 16 in squeeze-excitation), no out-of-place SiLU.
      assert.equal(count(events, 'aten::silu_'), 49);
      assert.equal(count(events, 'aten::silu'), 0);
      model.dispose();
    }),
  );
});

test('traceOps stops the trace when the traced code throws', () => {
  assert.throws(() => traceOps(() => randn([2]).matmul(randn([3]))), /aten::matmul/);
  const { events } = traceOps(() => randn([2]).add(1).dispose());
  assert.ok(
    events.some((e) => e.name === 'aten::add' && e.depth === 0 && e.thread === 0 && e.inputs === 'Float[2]cf'),
    'on the thread that traced (0)',
  );
});

test('in-place ReLU and SiLU after batch norm: the same outputs and gradients as out of place, the input tensor returned', () => {
  expectNoLeaks(() => {
    for (const [name, make] of [
      ['relu', (inplace: boolean) => new ReLU({ inplace })],
      ['silu', (inplace: boolean) => new SiLU({ inplace })],
    ] as const) {
      const run = (inplace: boolean) => {
        manualSeed(2);
        const bn = new BatchNorm2d(3);
        const act = make(inplace);
        const x = randn([2, 3, 4, 5]).requiresGrad_();
        const { result, events } = traceOps(() => {
          const normed = bn.forward(x);
          const out = act.forward(normed);
          assert.equal(out === normed, inplace);
          out
            .mul(randn([2, 3, 4, 5]))
            .sum()
            .backward();
          return out.clone();
        });
        assert.equal(count(events, `aten::${name}_`), inplace ? 1 : 0, name);
        const grads = [x.grad!.clone(), bn.weight!.grad!.clone(), bn.bias!.grad!.clone()];
        bn.dispose();
        return { out: result, grads };
      };
      const [a, b] = [run(true), run(false)];
      assert.ok(a.out.eq(b.out).all().item(), name);
      a.grads.forEach((g, i) => assert.ok(g.eq(b.grads[i]!).all().item(), `${name} gradient ${i}`));
    }
  });
});
