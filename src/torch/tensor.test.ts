import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  arange,
  cat,
  getRngState,
  keep,
  manualSeed,
  memoryStats,
  noGrad,
  ones,
  rand,
  randn,
  setRngState,
  stack,
  tensor,
  tidy,
  zeros,
  isGradEnabled,
  type Tensor,
} from './index.js';
import { expectNoLeaks } from '../testing/tensor-helpers.js';

test('typed arrays round-trip through tensors for every supported dtype', () => {
  expectNoLeaks(() => {
    const f32 = tensor(new Float32Array([1.5, -2, 3.25, 4, 5, 6]), { shape: [2, 3] });
    assert.deepEqual([...(f32.toArray() as Float32Array)], [1.5, -2, 3.25, 4, 5, 6]);
    assert.equal(f32.dtype, 'float32');
    assert.deepEqual(f32.shape, [2, 3]);
    const f64 = tensor(new Float64Array([Math.PI, 1e-300]));
    assert.deepEqual([...(f64.toArray() as Float64Array)], [Math.PI, 1e-300]);
    const i64 = tensor(new BigInt64Array([2n ** 40n, -3n]));
    assert.deepEqual([...(i64.toArray() as BigInt64Array)], [2n ** 40n, -3n]);
    assert.equal(i64.dtype, 'int64');
    const u8 = tensor(new Uint8Array([0, 255, 7]));
    assert.deepEqual([...u8.toArray()], [0, 255, 7]);
    const b = tensor([true, false, true]);
    assert.equal(b.dtype, 'bool');
    assert.deepEqual(b.toNumbers(), [1, 0, 1]);
    const nested = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'int64' },
    );
    assert.deepEqual(nested.shape, [2, 2]);
    assert.equal(nested.sum().item(), 10);
  });
});

test('a shape that does not match the data is a clear error', () => {
  assert.throws(() => tensor(new Float32Array(5), { shape: [2, 3] }), /Data holds 20 bytes but shape float32\[2, 3\] needs 24/);
  assert.throws(() => tensor([[1, 2], [3]]), /Ragged nested array/);
});

test('elementwise, reduction and shape ops give known values', () => {
  expectNoLeaks(() => {
    const x = tensor([
      [1, -2, 3],
      [4, 5, -6],
    ]);
    assert.deepEqual(x.add(1).toNumbers(), [2, -1, 4, 5, 6, -5]);
    assert.deepEqual(x.mul(x).toNumbers(), [1, 4, 9, 16, 25, 36]);
    assert.deepEqual(x.abs().sum(1).toNumbers(), [6, 15]);
    assert.deepEqual(x.relu().toNumbers(), [1, 0, 3, 4, 5, 0]);
    assert.deepEqual(x.argmax(1).toNumbers(), [2, 1]);
    assert.deepEqual(x.t().shape, [3, 2]);
    assert.deepEqual(x.reshape([3, 2]).select(0, 2).toNumbers(), [5, -6]);
    assert.deepEqual(x.slice(1, 1).toNumbers(), [-2, 3, 5, -6]);
    assert.deepEqual(x.gt(0).toNumbers(), [1, 0, 1, 1, 1, 0]);
    const [values, indices] = x.topk(2, 1);
    assert.deepEqual(values!.toNumbers(), [3, 1, 5, 4]);
    assert.deepEqual(indices!.toNumbers(), [2, 0, 1, 0]);
    assert.deepEqual(cat([x, x], 0).shape, [4, 3]);
    assert.deepEqual(stack([x, x], 2).shape, [2, 3, 2]);
    assert.deepEqual(arange(4).toNumbers(), [0, 1, 2, 3]);
    assert.equal(arange(4).dtype, 'int64');
    assert.ok(Math.abs(x.mean().item() - 5 / 6) < 1e-6);
    assert.deepEqual(x.index([tensor([1, 0], { dtype: 'int64' })]).toNumbers(), [4, 5, -6, 1, -2, 3]);
  });
});

test('in-place ops change the tensor and return the same object', () => {
  expectNoLeaks(() => {
    const x = ones([2, 2]);
    const before = memoryStats().tensors;
    const same = x.mul_(3).add_(1);
    assert.equal(same, x);
    assert.equal(memoryStats().tensors, before, 'an in-place op made no new handle');
    assert.deepEqual(x.toNumbers(), [4, 4, 4, 4]);
  });
});

test('tidy frees every intermediate but the returned tensors; keep() exempts a tensor', () => {
  const start = memoryStats().tensors;
  let kept: Tensor | undefined;
  const result = tidy(() => {
    const a = ones([3]);
    const b = a.mul(2);
    kept = keep(b.add(1));
    return { doubled: b, list: [a.sub(1)] };
  });
  assert.equal(memoryStats().tensors, start + 3);
  assert.deepEqual(result.doubled.toNumbers(), [2, 2, 2]);
  assert.deepEqual(kept!.toNumbers(), [3, 3, 3]);
  result.doubled.dispose();
  result.list[0]!.dispose();
  kept!.dispose();
  assert.equal(memoryStats().tensors, start);
  assert.throws(() => tidy(() => Promise.resolve(1)), /synchronous/);
});

test('a disposed tensor cannot be used and says so', () => {
  const x = ones([2]);
  x.dispose();
  assert.equal(x.isDisposed, true);
  assert.throws(() => x.add(1), /aten::add\.Scalar\(disposed tensor, 1, 1\): argument 'self' is a tensor that was already disposed/);
  assert.throws(() => x.toArray(), /already disposed/);
});

test('memoryStats counts live tensors and their bytes', () => {
  const before = memoryStats();
  const x = zeros([10, 10]);
  assert.equal(memoryStats().tensors, before.tensors + 1);
  assert.equal(memoryStats().bytes, before.bytes + 400);
  x.dispose();
  assert.deepEqual(memoryStats(), before);
});

test('autograd: gradients of a small expression equal the analytic ones', () => {
  expectNoLeaks(() => {
    const w = tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    const x = tensor([0.5, -1, 2], { dtype: 'float64' });
    const y = w.mul(x).pow(2).sum(); // dy/dw = 2 w x^2
    y.backward();
    assert.deepEqual(w.grad!.toNumbers(), [0.5, 4, 24]);
    assert.equal(w.isLeaf, true);
    assert.equal(y.requiresGrad, true);
    const z = noGrad(() => w.mul(2));
    assert.equal(z.requiresGrad, false);
    assert.equal(isGradEnabled(), true);
    w.setGrad(null);
    assert.equal(w.grad, null);
    const hidden = w.mul(3).retainGrad(); // a non-leaf keeps its gradient only when asked
    hidden.sum().backward();
    assert.deepEqual(hidden.grad!.toNumbers(), [1, 1, 1]);
    assert.deepEqual(w.grad!.toNumbers(), [3, 3, 3]);
  });
});

test('manualSeed makes random draws repeat, and RNG state restores exactly', () => {
  expectNoLeaks(() => {
    manualSeed(42);
    const a = randn([5]).toNumbers();
    manualSeed(42);
    assert.deepEqual(randn([5]).toNumbers(), a);
    const state = getRngState();
    const b = rand([4]).toNumbers();
    setRngState(state);
    assert.deepEqual(rand([4]).toNumbers(), b);
    assert.notDeepEqual(rand([4]).toNumbers(), b);
  });
});

test('dtype and memory-format conversions', () => {
  expectNoLeaks(() => {
    const x = tensor([1.7, -2.2]);
    assert.deepEqual(x.to('int64').toNumbers(), [1, -2]);
    assert.equal(x.double().dtype, 'float64');
    assert.equal(x.to('cpu'), x);
    const img = rand([2, 3, 4, 5]);
    const nhwc = img.contiguous('channelsLast');
    assert.equal(nhwc.isContiguous('channelsLast'), true);
    assert.equal(img.isContiguous('channelsLast'), false);
    assert.deepEqual(nhwc.toNumbers(), img.toNumbers());
  });
});
