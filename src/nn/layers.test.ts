import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, tensor, rand } from '../torch/index.js';
import { assertClose, expectNoLeaks, gradcheck, readFixture, type JsonTensor } from '../testing/tensor-helpers.js';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  SiLU,
  SqueezeExcitation,
  F,
} from './index.js';

// Finite-difference gradient checks in float64 for every layer and loss: autograd must agree.
const TOLERANCE = 1e-6;

function double<T extends { to(t: string): T }>(m: T): T {
  return m.to('float64');
}

test('Conv2d (stride, padding, dilation, groups) gradients match finite differences', () => {
  expectNoLeaks(() => {
    manualSeed(3);
    const conv = double(new Conv2d(4, 4, 3, { stride: 2, padding: 1, dilation: 1, groups: 2 }));
    const x = randn([2, 4, 5, 5], { dtype: 'float64' });
    assert.ok(gradcheck((xi) => conv.forward(xi), [x]) < TOLERANCE);
    assert.ok(
      gradcheck((w, b) => F.conv2d(x, w, b, { padding: 2, dilation: 2 }), [randn([3, 4, 3, 3], { dtype: 'float64' }), randn([3], { dtype: 'float64' })]) <
        TOLERANCE,
    );
    conv.dispose();
  });
});

test('Linear and activations gradients match finite differences', () => {
  expectNoLeaks(() => {
    manualSeed(4);
    const lin = double(new Linear(5, 3));
    const x = randn([4, 5], { dtype: 'float64' });
    assert.ok(gradcheck((xi) => lin.forward(xi), [x]) < TOLERANCE);
    for (const f of [
      F.relu6,
      F.silu,
      F.sigmoid,
      F.hardswish,
      F.gelu,
      (t: ReturnType<typeof randn>) => F.softmax(t, 1),
      (t: ReturnType<typeof randn>) => F.logSoftmax(t, 1),
    ]) {
      assert.ok(gradcheck(f, [x.mul(2)]) < TOLERANCE, f.name);
    }
    lin.dispose();
  });
});

test('BatchNorm2d in training mode: gradients match, running stats update as PyTorch', () => {
  expectNoLeaks(() => {
    manualSeed(5);
    const bn = double(new BatchNorm2d(3));
    const x = randn([4, 3, 2, 2], { dtype: 'float64' });
    assert.ok(gradcheck((xi) => F.batchNorm(xi, null, null, bn.weight, bn.bias, true), [x]) < TOLERANCE);
    bn.forward(x);
    // running_mean = 0.9 * 0 + 0.1 * batch mean; running_var uses the unbiased batch variance.
    const mean = x.mean([0, 2, 3]).toNumbers();
    const unbiased = x.transpose(0, 1).reshape([3, -1]).var(1).toNumbers();
    assertClose(bn.runningMean!, { shape: [3], data: mean.map((m) => 0.1 * m) }, 1e-12);
    assertClose(bn.runningVar!, { shape: [3], data: unbiased.map((v) => 0.9 + 0.1 * v) }, 1e-12);
    assert.equal(bn.numBatchesTracked!.item(), 1);
    bn.eval();
    const y = bn.forward(x);
    assertClose(
      y,
      {
        shape: x.shape,
        data: x
          .sub(bn.runningMean!.reshape([1, 3, 1, 1]))
          .div(bn.runningVar!.add(1e-5).sqrt().reshape([1, 3, 1, 1]))
          .toNumbers(),
      },
      1e-12,
    );
    bn.dispose();
  });
});

test('pools, SE block, grid sampling and losses: gradients match finite differences', () => {
  expectNoLeaks(() => {
    manualSeed(6);
    const x = rand([1, 2, 6, 6], { dtype: 'float64' });
    assert.ok(gradcheck((t) => new MaxPool2d(2).forward(t), [x]) < TOLERANCE);
    assert.ok(gradcheck((t) => new AvgPool2d(3, { stride: 2, padding: 1 }).forward(t), [x]) < TOLERANCE);
    assert.ok(gradcheck((t) => new AdaptiveAvgPool2d([2, 3]).forward(t), [x]) < TOLERANCE);
    const se = double(new SqueezeExcitation(2, 1));
    assert.ok(gradcheck((t) => se.forward(t), [x]) < TOLERANCE);
    se.dispose();
    const theta = tensor(
      [
        [
          [0.9, 0.1, 0.05],
          [-0.1, 1.05, 0.02],
        ],
      ],
      { dtype: 'float64' },
    );
    assert.ok(gradcheck((t, th) => F.gridSample(t, F.affineGrid(th, [1, 2, 4, 4])), [x, theta]) < 1e-5);
    const logits = randn([5, 4], { dtype: 'float64' });
    const target = tensor([0, 3, 1, 2, 3], { dtype: 'int64' });
    const weight = tensor([1, 2, 0.5, 3], { dtype: 'float64' });
    assert.ok(gradcheck((l) => F.crossEntropy(l, target, { weight, labelSmoothing: 0.1 }), [logits]) < TOLERANCE);
    assert.ok(gradcheck((l) => F.mseLoss(l, logits.mul(0.5)), [logits]) < TOLERANCE);
  });
});

test('Dropout is active in train mode only and keeps the expectation', () => {
  expectNoLeaks(() => {
    manualSeed(7);
    const drop = new Dropout(0.25);
    const x = tensor(new Float32Array(20000).fill(1));
    const y = drop.forward(x).toNumbers();
    const zeros = y.filter((v) => v === 0).length / y.length;
    assert.ok(Math.abs(zeros - 0.25) < 0.02, `zeroed share ${zeros}`);
    assert.ok(y.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6));
    drop.eval();
    assert.deepEqual(drop.forward(x).toNumbers().slice(0, 3), [1, 1, 1]);
    assert.throws(() => new Dropout(1.5), /dropout probability has to be between 0 and 1, but got 1.5/);
  });
});

test('Conv2d and Linear initialize exactly as PyTorch for the same seed', () => {
  expectNoLeaks(() => {
    const ref = readFixture<Record<string, JsonTensor>>('src/nn/fixtures/init.json');
    manualSeed(0);
    const conv = new Conv2d(3, 4, 3);
    const lin = new Linear(5, 2);
    assertClose(conv.weight, ref['conv.weight']!, 0);
    assertClose(conv.bias!, ref['conv.bias']!, 0);
    assertClose(lin.weight, ref['linear.weight']!, 0);
    assertClose(lin.bias!, ref['linear.bias']!, 0);
    conv.dispose();
    lin.dispose();
  });
});

test('Sequential names its children 0, 1, ... and Flatten keeps the batch', () => {
  expectNoLeaks(() => {
    const net = new Sequential(new Conv2d(1, 2, 3), new ReLU(), new Flatten(), new Linear(2 * 4 * 4, 3), new SiLU());
    assert.deepEqual([...net.stateDict().keys()], ['0.weight', '0.bias', '3.weight', '3.bias']);
    assert.deepEqual(net.forward(rand([5, 1, 6, 6])).shape, [5, 3]);
    assert.equal(net.numParameters(), 2 * 9 + 2 + 32 * 3 + 3);
    net.dispose();
  });
});
