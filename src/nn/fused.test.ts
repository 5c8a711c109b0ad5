// The fused batch norm -> ReLU (-> 2x2 max pool) and batch norm -> SiLU kernels against the same
// layers run one by one through ATen (aten::batch_norm, aten::relu, aten::max_pool2d, aten::silu:
// PyTorch's own kernels): outputs,
// input/weight/bias gradients, running statistics and num_batches_tracked, in both layouts, in
// train and eval mode, for channel counts that fill whole 16-lane vectors and ones that do not,
// and odd sizes whose last row and column no window covers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { autocast, callTensorOp, cat, manualSeed, noGrad, randn, tensor, traceOps, type Tensor } from '../torch/index.js';
import { assertClose, expectNoLeaks } from '../testing/tensor-helpers.js';
import { BatchNorm2d, Conv2d, MaxPool2d, ReLU, Sequential, SiLU, withFusedKernels, type BatchNormOptions, type Module } from './index.js';

const FUSED = 'alzbench::batch_norm_activation';

interface Case {
  channels: number;
  size: [number, number];
  pool: boolean;
  /** Default ReLU. */
  silu?: boolean;
  channelsLast: boolean;
  train: boolean;
  bn?: BatchNormOptions;
}

/** Output, gradients and state after two batches (so momentum null's cumulative average is exercised), fused or not. */
function runCase(c: Case, fused: boolean) {
  return withFusedKernels(fused, () => {
    manualSeed(11);
    const layers: Module[] = [new BatchNorm2d(c.channels, c.bn), c.silu ? new SiLU({ inplace: true }) : new ReLU({ inplace: true })];
    if (c.pool) layers.push(new MaxPool2d(2));
    const net = new Sequential(...layers);
    const bn = layers[0] as BatchNorm2d;
    // Non-trivial statistics and affine parameters, so that every term of the backward matters.
    noGrad(() => {
      bn.weight?.copy_(randn([c.channels]).mul(0.8).add(0.5));
      bn.bias?.copy_(randn([c.channels]).mul(0.3));
      bn.runningMean?.copy_(randn([c.channels]).mul(0.2));
      bn.runningVar?.copy_(randn([c.channels]).abs().add(0.5));
    });
    if (c.train) net.train();
    else net.eval();
    const grads: Tensor[] = [];
    let out: Tensor | undefined;
    const { events } = traceOps(() => {
      for (let batch = 0; batch < 2; batch++) {
        const raw = randn([3, c.channels, ...c.size])
          .mul(1.5)
          .add(0.4);
        const x = (c.channelsLast ? raw.toMemoryFormat('channelsLast') : raw).requiresGrad_();
        out = net.forward(x);
        out.mul(randn(out.shape)).sum().backward();
        grads.push(x.grad!.clone());
      }
    });
    const state = [...net.stateDict().values()].map((t) => t.clone());
    const params = net.parameters().map((p) => p.grad!.clone());
    net.dispose();
    return { out: out!, grads, params, state, events, fusedCalls: events.filter((e) => e.name === FUSED).length };
  });
}

function assertSame(label: string, fused: ReturnType<typeof runCase>, plain: ReturnType<typeof runCase>): void {
  assert.ok(fused.out.isContiguous(fused.out.isContiguous('channelsLast') ? 'channelsLast' : 'contiguous'));
  assert.deepEqual(fused.out.shape, plain.out.shape, `${label} shape`);
  const close = (a: Tensor, b: Tensor, what: string) => assertClose(a, { shape: b.shape, data: b.contiguous().toNumbers() }, 2e-5, 2e-5, `${label} ${what}`);
  close(fused.out, plain.out, 'output');
  fused.grads.forEach((g, i) => close(g, plain.grads[i]!, `input gradient ${i}`));
  fused.params.forEach((g, i) => close(g, plain.params[i]!, `parameter gradient ${i}`));
  fused.state.forEach((t, i) => close(t, plain.state[i]!, `state ${i}`));
}

test('fused batch norm -> ReLU (-> max pool) and -> SiLU equal the ATen layers: outputs, gradients, running statistics, in both layouts and modes', () => {
  expectNoLeaks(() => {
    for (const channelsLast of [true, false])
      for (const train of [true, false])
        for (const [pool, silu] of [
          [true, false],
          [false, false],
          [false, true],
        ])
          for (const [channels, size] of [
            [16, [6, 8]],
            [37, [7, 9]],
            [3, [5, 4]],
          ] as const) {
            const c: Case = { channels, size: [...size], pool: pool!, silu: silu!, channelsLast, train };
            const label = JSON.stringify(c);
            const fused = runCase(c, true);
            const plain = runCase(c, false);
            assert.equal(fused.fusedCalls, 2, `${label}: the fused kernel ran`);
            assert.equal(plain.fusedCalls, 0, label);
            assertSame(label, fused, plain);
          }
  });
});

test("fused kernels read a gradient that is a channel slice (torch.cat's backward) or expanded (a sum) as the ATen layers do", () => {
  expectNoLeaks(() => {
    for (const silu of [false, true])
      for (const pool of silu ? [false] : [false, true]) {
        const run = (fused: boolean) =>
          withFusedKernels(fused, () => {
            manualSeed(21);
            const net = new Sequential(new BatchNorm2d(16), silu ? new SiLU() : new ReLU(), ...(pool ? [new MaxPool2d(2)] : []));
            const other = new Sequential(new BatchNorm2d(16), new ReLU());
            const x = randn([2, 16, 6, 8]).toMemoryFormat('channelsLast').requiresGrad_();
            const y = randn([2, 16, pool ? 3 : 6, pool ? 4 : 8])
              .toMemoryFormat('channelsLast')
              .requiresGrad_();
            // cat along channels: each branch's gradient is a [2, 16, h, w] slice of a [2, 32, h, w] channels-last gradient.
            const out = cat([net.forward(x), other.forward(y)], 1);
            out.mul(randn(out.shape).toMemoryFormat('channelsLast')).sum().backward();
            const viaCat = [x.grad!.clone(), ...net.parameters().map((p) => p.grad!.clone())];
            x.setGrad(null);
            for (const p of net.parameters()) p.setGrad(null);
            net.forward(x).sum().backward();
            const viaSum = [x.grad!.clone(), ...net.parameters().map((p) => p.grad!.clone())];
            net.dispose();
            other.dispose();
            return [...viaCat, ...viaSum];
          });
        const [fused, plain] = [run(true), run(false)];
        fused.forEach((g, i) =>
          assertClose(g, { shape: plain[i]!.shape, data: plain[i]!.contiguous().toNumbers() }, 2e-5, 2e-5, `silu=${silu} pool=${pool} gradient ${i}`),
        );
      }
  });
});

test('fused kernel: no affine parameters, a cumulative running average (momentum null), no running statistics', () => {
  expectNoLeaks(() => {
    for (const bn of [{ affine: false }, { momentum: null }, { trackRunningStats: false }] as BatchNormOptions[]) {
      for (const [train, silu] of [
        [true, false],
        [false, false],
        [true, true],
      ]) {
        const c: Case = { channels: 5, size: [6, 6], pool: !silu, silu: silu!, channelsLast: true, train: train!, bn };
        const fused = runCase(c, true);
        assert.equal(fused.fusedCalls, 2);
        assertSame(JSON.stringify(c), fused, runCase(c, false));
      }
    }
  });
});

test('fused kernels: SiLU saturates as ATen silu does far out, NaN passes through max pool and ReLU as in ATen', () => {
  expectNoLeaks(() => {
    // Outside the exp's clamp: silu(y) is y for large y and -0 (or a denormal) for very negative y.
    const x = tensor([-200, -90, -30, -5, 0, 5, 30, 90, 200], { shape: [1, 1, 3, 3] });
    const bn = new BatchNorm2d(1);
    bn.eval();
    const fused = callTensorOp(FUSED, [x, bn.weight, bn.bias, bn.runningMean, bn.runningVar, false, 0.1, 0, 'silu', 1]);
    const reference = withFusedKernels(false, () => new SiLU().forward(x));
    assertClose(fused, { shape: [1, 1, 3, 3], data: reference.toNumbers() }, 1e-6, 1e-6, 'silu far out');
    bn.dispose();
  });
});

test('fused kernel: NaN passes through max pool and ReLU as in ATen', () => {
  expectNoLeaks(() => {
    manualSeed(3);
    const x = randn([1, 2, 4, 4]);
    const bn = new BatchNorm2d(2);
    bn.eval();
    const values = x.toNumbers();
    values[5] = Number.NaN;
    const withNaN = tensor(values, { shape: [1, 2, 4, 4] });
    const args = [withNaN, bn.weight, bn.bias, bn.runningMean, bn.runningVar, false, 0.1, 1e-5, 'relu', 2];
    const out = callTensorOp(FUSED, args).toNumbers();
    const reference = withFusedKernels(false, () => new Sequential(bn, new ReLU(), new MaxPool2d(2)).forward(withNaN)).toNumbers();
    assert.ok(Number.isNaN(out[0]!) && Number.isNaN(reference[0]!), 'the window holding the NaN is NaN');
    assert.deepEqual(out.slice(1), reference.slice(1));
    bn.dispose();
  });
});

test('Sequential fuses only unwrapped float32 CPU layers; other inputs run the layers one by one', () => {
  expectNoLeaks(() => {
    manualSeed(4);
    const net = new Sequential(new Conv2d(1, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2)).toMemoryFormat('channelsLast');
    const x = randn([2, 1, 8, 8]).toMemoryFormat('channelsLast');
    const calls = (fn: () => unknown) => traceOps(fn).events.filter((e) => e.name === FUSED).length;
    assert.equal(
      calls(() => net.forward(x)),
      1,
    );
    // Grad-CAM captures a layer by replacing its forward on the instance: that layer is never fused.
    const relu = net.at(2);
    relu.forward = (t: Tensor) => ReLU.prototype.forward.call(relu, t);
    assert.equal(
      calls(() => net.forward(x)),
      0,
    );
    delete (relu as { forward?: unknown }).forward;
    // Nor a subclass, whose forward may do more than batch norm.
    class Doubled extends BatchNorm2d {
      override forward(t: Tensor): Tensor {
        return super.forward(t).mul(2);
      }
    }
    const sub = new Sequential(new Doubled(4), new ReLU());
    assert.equal(
      calls(() => sub.forward(randn([2, 4, 4, 4]))),
      0,
    );
    sub.dispose();
    // bf16 under autocast: the convolution's output is bfloat16, so the layers run unfused.
    assert.equal(
      calls(() => autocast('cpu', 'bfloat16', () => net.forward(x))),
      0,
    );
    // A max pool of another window: batch norm -> ReLU fuse without it (kernel 1), the pool runs after.
    const wide = new Sequential(new BatchNorm2d(1), new ReLU(), new MaxPool2d(3));
    const events = traceOps(() => wide.forward(randn([1, 1, 9, 9]))).events.filter((e) => e.depth === 0);
    assert.deepEqual(
      events.map((e) => e.name),
      ['aten::randn', 'aten::add_', FUSED, 'aten::max_pool2d'],
    );
    // Without a batch norm, ReLU -> max pool of any window runs as max pool -> ReLU, on the pooled pixels.
    const plain = new Sequential(new ReLU(), new MaxPool2d(3));
    const names = traceOps(() => plain.forward(randn([1, 1, 9, 9])))
      .events.filter((e) => e.depth === 0)
      .map((e) => e.name);
    assert.deepEqual(names, ['aten::randn', 'aten::max_pool2d', 'aten::relu']);
    net.dispose();
    wide.dispose();
  });
});

test('the fused op names what it does not take', () => {
  expectNoLeaks(() => {
    const c = randn([4]);
    const run =
      (x: Tensor, training = true, kernel = 2, activation = 'relu') =>
      () =>
        callTensorOp(FUSED, [x, c, c, c, c.abs(), training, 0.1, 1e-5, activation, kernel]);
    assert.throws(run(randn([1, 4, 4, 4]).to('bfloat16')), /input must be a 4-D float32 CPU tensor, got BFloat16 \[1, 4, 4, 4\] on cpu/);
    assert.throws(run(randn([1, 4, 4, 4]), true, 3), /kernel_size must be 1 \(no pooling\) or, after ReLU, 2, got 3 after relu/);
    assert.throws(run(randn([1, 4, 4, 4]), true, 2, 'silu'), /kernel_size must be 1 \(no pooling\) or, after ReLU, 2, got 2 after silu/);
    assert.throws(run(randn([1, 4, 4, 4]), true, 1, 'gelu'), /activation must be "relu" or "silu", got "gelu"/);
    assert.throws(run(randn([1, 4, 1, 4])), /input \[1, 4, 1, 4\] is smaller than the 2x2 window/);
    assert.throws(run(randn([1, 4, 4, 8]).transpose(2, 3)), /input must be contiguous or channels-last, got strides \[128, 32, 1, 8\]/);
    assert.throws(
      () => callTensorOp(FUSED, [randn([1, 3, 4, 4]), c, null, null, null, true, 0.1, 1e-5, 'relu', 2]),
      /weight must be a contiguous float32 CPU tensor of shape \[3\], got Float \[4\] on cpu/,
    );
    assert.throws(
      () => callTensorOp(FUSED, [randn([1, 4, 4, 4]), null, null, null, null, false, 0.1, 1e-5, 'relu', 2]),
      /running_mean and running_var are needed when training is false/,
    );
  });
});
