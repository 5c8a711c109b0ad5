import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, randn, rand, tensor, noGrad } from '../torch/index.js';
import { assertClose, expectNoLeaks, fromJson, gradcheck, readFixture, type JsonTensor } from '../testing/tensor-helpers.js';
import { AdaptiveAvgPool3d, AvgPool3d, BatchNorm3d, Conv3d, Dropout3d, MaxPool3d, Sequential, ReLU, F } from './index.js';

// Finite-difference gradient checks in float64 for every 3-D layer: autograd must agree.
const TOLERANCE = 1e-6;

test('Conv3d (stride, padding, dilation, groups) gradients match finite differences', () => {
  expectNoLeaks(() => {
    manualSeed(3);
    const conv = new Conv3d(4, 2, [3, 2, 3], { stride: [2, 1, 1], padding: [1, 0, 1], groups: 2 }).to('float64');
    const x = randn([2, 4, 4, 3, 3], { dtype: 'float64' });
    assert.deepEqual(conv.forward(x).shape, [2, 2, 2, 2, 3]);
    assert.ok(gradcheck((xi) => conv.forward(xi), [x]) < TOLERANCE);
    const w = randn([3, 4, 2, 2, 2], { dtype: 'float64' });
    const b = randn([3], { dtype: 'float64' });
    assert.ok(gradcheck((wi, bi) => F.conv3d(x, wi, bi, { padding: 'same', dilation: 2 }), [w, b]) < TOLERANCE);
    assert.throws(() => conv.forward(randn([2, 4, 3, 3], { dtype: 'float64' })), /Conv3d: expected 5-D input \[N, C, D, H, W\] \(got .*\[2, 4, 3, 3\]/);
    assert.throws(() => new Conv3d(3, 4, 3, { groups: 2 }), /in_channels \(3\) and out_channels \(4\) must be divisible by groups \(2\)/);
    conv.dispose();
  });
});

test('Conv3d initializes exactly as PyTorch for the same seed; BatchNorm3d normalizes and tracks statistics as PyTorch', () => {
  expectNoLeaks(() => {
    const ref = readFixture<Record<string, JsonTensor>>('src/nn/fixtures/init3d.json');
    manualSeed(0);
    const conv = new Conv3d(2, 3, [3, 2, 2]);
    const bn = new BatchNorm3d(3);
    assertClose(conv.weight, ref['conv.weight']!, 0);
    assertClose(conv.bias!, ref['conv.bias']!, 0);
    assertClose(bn.forward(fromJson(ref['bn.input']!)), ref['bn.output']!, 1e-6);
    assertClose(bn.runningMean!, ref['bn.running_mean']!, 1e-7);
    assertClose(bn.runningVar!, ref['bn.running_var']!, 1e-7);
    assert.throws(() => bn.forward(randn([2, 3, 4, 4])), /BatchNorm3d: expected 5D input/);
    conv.dispose();
    bn.dispose();
  });
});

test('BatchNorm3d in training mode: gradients match finite differences; eval uses running statistics', () => {
  expectNoLeaks(() => {
    manualSeed(5);
    const bn = new BatchNorm3d(3).to('float64');
    const x = randn([2, 3, 2, 2, 3], { dtype: 'float64' });
    assert.ok(gradcheck((xi) => F.batchNorm(xi, null, null, bn.weight, bn.bias, true), [x]) < TOLERANCE);
    bn.forward(x);
    const mean = x.mean([0, 2, 3, 4]).toNumbers();
    assertClose(bn.runningMean!, { shape: [3], data: mean.map((m) => 0.1 * m) }, 1e-12);
    bn.eval();
    const expected = x.sub(bn.runningMean!.reshape([1, 3, 1, 1, 1])).div(bn.runningVar!.add(1e-5).sqrt().reshape([1, 3, 1, 1, 1]));
    assertClose(bn.forward(x), { shape: x.shape, data: expected.toNumbers() }, 1e-12);
    bn.dispose();
  });
});

test('3-D pools and trilinear grid sampling: gradients match finite differences, shapes as PyTorch', () => {
  expectNoLeaks(() => {
    manualSeed(6);
    const x = rand([1, 2, 4, 5, 6], { dtype: 'float64' });
    assert.ok(gradcheck((t) => new MaxPool3d(2).forward(t), [x]) < TOLERANCE);
    assert.deepEqual(new MaxPool3d(3, { stride: 2, padding: 1 }).forward(x).shape, [1, 2, 2, 3, 3]);
    assert.deepEqual(new MaxPool3d(2, { ceilMode: true }).forward(x).shape, [1, 2, 2, 3, 3]);
    assert.ok(gradcheck((t) => new AvgPool3d(3, { stride: 2, padding: 1, countIncludePad: false }).forward(t), [x]) < TOLERANCE);
    assert.ok(gradcheck((t) => new AdaptiveAvgPool3d([2, 3, 1]).forward(t), [x]) < TOLERANCE);
    // Global average pooling is the mean over D, H, W.
    assertClose(new AdaptiveAvgPool3d(1).forward(x), { shape: [1, 2, 1, 1, 1], data: x.mean([2, 3, 4]).toNumbers() }, 1e-12);
    const theta = tensor(
      [
        [
          [0.9, 0.1, 0.0, 0.05],
          [-0.1, 1.05, 0.05, 0.02],
          [0.02, 0.0, 0.95, -0.03],
        ],
      ],
      { dtype: 'float64' },
    );
    assert.ok(gradcheck((t, th) => F.gridSample(t, F.affineGrid3d(th, [1, 2, 3, 4, 3])), [x, theta]) < 1e-5);
    // The identity transform with align_corners reproduces the volume exactly.
    const identity = tensor(
      [
        [
          [1, 0, 0, 0],
          [0, 1, 0, 0],
          [0, 0, 1, 0],
        ],
      ],
      { dtype: 'float64' },
    );
    const same = F.gridSample(x, F.affineGrid3d(identity, [1, 2, 4, 5, 6], true), { alignCorners: true });
    assertClose(same, { shape: x.shape, data: x.toNumbers() }, 1e-12);
    assert.deepEqual(F.interpolateTrilinear(x, [8, 10, 12]).shape, [1, 2, 8, 10, 12]);
  });
});

test('Dropout3d drops whole channels in train mode only', () => {
  expectNoLeaks(() => {
    manualSeed(7);
    const drop = new Dropout3d(0.5);
    const y = drop.forward(tensor(new Float32Array(64 * 8).fill(1), { shape: [4, 16, 2, 2, 2] }));
    const perChannel = y.reshape([64, 8]).toNumbers();
    let dropped = 0;
    for (let c = 0; c < 64; c++) {
      const values = perChannel.slice(c * 8, c * 8 + 8);
      assert.ok(
        values.every((v) => v === values[0]),
        'a channel is dropped or kept as a whole',
      );
      if (values[0] === 0) dropped++;
      else assert.equal(values[0], 2);
    }
    assert.ok(dropped > 16 && dropped < 48, `dropped ${dropped} of 64 channels`);
    drop.eval();
    assert.equal(drop.forward(y).sum().item(), y.sum().item());
    assert.throws(() => new Dropout3d(-0.1), /Dropout3d: dropout probability has to be between 0 and 1, but got -0.1/);
  });
});

test('channels-last-3d (NDHWC) weights and inputs give the same outputs and gradients as contiguous ones', () => {
  expectNoLeaks(() => {
    manualSeed(8);
    const net = new Sequential(new Conv3d(1, 4, 3, { padding: 1 }), new BatchNorm3d(4), new ReLU(), new MaxPool3d(2), new Conv3d(4, 2, 3));
    const x = randn([2, 1, 8, 10, 6]);
    const reference = net.forward(x);
    reference.sum().backward();
    const gradReference = (net.submodule('0') as Conv3d).weight.grad!.clone();
    net.zeroGrad();
    net.toMemoryFormat('channelsLast3d');
    assert.equal((net.submodule('0') as Conv3d).weight.isContiguous('channelsLast3d'), true);
    // (Debian's libtorch 1.13 runs CPU conv3d in NCDHW whatever the input's layout; the values must agree either way.)
    const out = net.forward(x.toMemoryFormat('channelsLast3d'));
    assertClose(out, { shape: reference.shape, data: reference.toNumbers() }, 1e-5);
    out.sum().backward();
    const grad = (net.submodule('0') as Conv3d).weight.grad!;
    assertClose(grad, { shape: gradReference.shape, data: gradReference.toNumbers() }, 1e-4);
    net.toMemoryFormat('contiguous');
    assert.equal((net.submodule('0') as Conv3d).weight.isContiguous(), true);
    noGrad(() => net.zeroGrad());
    net.dispose();
  });
});
