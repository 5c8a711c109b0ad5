import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callOp, cudaDeviceCount, ones, opSchema, tensor, zeros } from './index.js';
import { conv2d, crossEntropy } from '../nn/functional.js';
import { expectNoLeaks } from '../testing/tensor-helpers.js';

test('a libtorch error names the op and the argument shapes, and the process survives', () => {
  expectNoLeaks(() => {
    assert.throws(() => ones([2, 3]).matmul(ones([2, 3])), {
      message: 'aten::matmul(float32[2, 3], float32[2, 3]) failed: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)',
    });
    assert.throws(
      () => conv2d(ones([1, 2, 5, 5]), ones([4, 3, 3, 3])),
      (e: Error) =>
        e.message.startsWith(
          'aten::conv2d(float32[1, 2, 5, 5], float32[4, 3, 3, 3], None, [1, 1], [0, 0], [1, 1], 1) failed: Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 2, 5, 5] to have 3 channels',
        ),
    );
  });
});

test('wrong dtypes are rejected with the op name', () => {
  expectNoLeaks(() => {
    const logits = ones([2, 3]);
    const floatTargets = tensor([0, 1]);
    assert.throws(
      () => crossEntropy(logits, floatTargets),
      /aten::cross_entropy_loss\(float32\[2, 3\], float32\[2\], None, 1, -100, 0\) failed: .*(Long|Float)/,
    );
    assert.throws(() => conv2d(ones([1, 1, 3, 3], { dtype: 'int64' }), ones([1, 1, 1, 1])), /aten::conv2d\(int64\[1, 1, 3, 3\], float32\[1, 1, 1, 1\]/);
  });
});

test('argument type mismatches are reported before libtorch runs', () => {
  expectNoLeaks(() => {
    const x = zeros([1, 1, 4, 4]);
    assert.throws(() => callOp('aten::max_pool2d', [x, 'big']), {
      name: 'TypeError',
      message: 'aten::max_pool2d(float32[1, 1, 4, 4], "big"): argument \'kernel_size\' (int[2]): expected an array but received "big"',
    });
    assert.throws(() => callOp('aten::max_pool2d', [x, [2.5, 2]]), /argument 'kernel_size' \(int\[2\]\): expected an integer but received 2\.5$/);
    assert.throws(() => callOp('aten::relu', []), /aten::relu\(\): missing required argument 'self' \(Tensor\)/);
    assert.throws(() => callOp('aten::relu', [x, x]), /takes at most 1 arguments but received 2/);
    assert.throws(() => callOp('aten::sum.dim_IntList', [x, [1]], { keepdims: true }), /has no argument 'keepdims'/);
    assert.throws(() => callOp('aten::no_such_op', []), /Unknown op aten::no_such_op in libtorch 1\.13/);
  });
});

test('ops are reachable generically, with defaults and keyword arguments', () => {
  expectNoLeaks(() => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.equal(opSchema('aten::sum.dim_IntList'), 'aten::sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor');
    const kept = callOp('aten::sum.dim_IntList', [x, [1]], { keepdim: true }) as ReturnType<typeof ones>;
    assert.deepEqual(kept.shape, [2, 1]);
    const [values, indices] = callOp('aten::max.dim', [x, 0]) as ReturnType<typeof ones>[];
    assert.deepEqual(values!.toNumbers(), [3, 4]);
    assert.deepEqual(indices!.toNumbers(), [1, 1]);
    assert.equal(callOp('aten::is_floating_point', [x]), true);
    // int lists expand from one number as PyTorch does: kernel_size=2 -> [2, 2]
    assert.deepEqual((callOp('aten::max_pool2d', [zeros([1, 1, 4, 4]), 2]) as ReturnType<typeof ones>).shape, [1, 1, 2, 2]);
  });
});

test('device and autograd misuse are errors, not crashes', () => {
  expectNoLeaks(() => {
    const x = ones([2]);
    // Without a GPU the message depends on the libtorch build (CPU-only here: "not linked with support").
    if (cudaDeviceCount() === 0) assert.throws(() => x.to('cuda'), /^Error: aten::to\.device\(float32\[2\], "cuda", 6\) failed: /);
    assert.throws(() => x.to('banana'), /aten::to\.device\(float32\[2\], "banana", 6\) failed: Expected one of cpu, cuda/);
    assert.throws(() => ones([2, 2]).backward(), {
      message: 'backward(float32[2, 2]) failed: element 0 of tensors does not require grad and does not have a grad_fn',
    });
  });
});
