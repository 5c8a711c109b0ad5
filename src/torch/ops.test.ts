import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Tensor, cat, stack, where } from './index.js';
import * as F from '../nn/functional.js';
import { assertClose, expectNoLeaks, fromJson, readFixture, type JsonTensor } from '../testing/tensor-helpers.js';

// Reference values made by scripts/fixtures/make_engine_fixtures.py with PyTorch 1.13 (float64).
const fixture = readFixture<{ inputs: Record<string, JsonTensor>; outputs: Record<string, JsonTensor> }>('src/torch/fixtures/ops.json');

const cases: Record<string, (i: Record<string, Tensor>) => Tensor> = {
  conv2d: (i) => F.conv2d(i.x!, i.w!, i.b!, { padding: 1 }),
  conv2d_stride2_dil2: (i) => F.conv2d(i.x!, i.w!, null, { stride: 2, padding: 2, dilation: 2 }),
  conv2d_groups: (i) => F.conv2d(i.x6!, i.wg!, null, { padding: 1, groups: 6 }),
  conv2d_same: (i) => F.conv2d(i.x!, i.w!, i.b!, { padding: 'same' }),
  batch_norm_eval: (i) => F.batchNorm(i.x!, i.rm!, i.rv!, i.gamma!, i.beta!, false),
  batch_norm_train: (i) => F.batchNorm(i.x!, i.rm!.clone(), i.rv!.clone(), i.gamma!, i.beta!, true),
  linear: (i) => F.linear(i.v!.t(), i.m!),
  matmul: (i) => i.m!.matmul(i.v!),
  relu: (i) => F.relu(i.x!),
  relu6: (i) => F.relu6(i.x!.mul(4)),
  silu: (i) => F.silu(i.x!),
  sigmoid: (i) => F.sigmoid(i.x!),
  hardswish: (i) => F.hardswish(i.x!),
  softmax: (i) => F.softmax(i.logits!, 1),
  log_softmax: (i) => F.logSoftmax(i.logits!, 1),
  max_pool2d: (i) => F.maxPool2d(i.x!, 2),
  max_pool2d_s1_p1: (i) => F.maxPool2d(i.x!, 3, { stride: 1, padding: 1 }),
  avg_pool2d: (i) => F.avgPool2d(i.x!, 2, { ceilMode: true }),
  adaptive_avg_pool2d: (i) => F.adaptiveAvgPool2d(i.x!, [2, 3]),
  cross_entropy: (i) => F.crossEntropy(i.logits!, i.target!),
  cross_entropy_weighted: (i) => F.crossEntropy(i.logits!, i.target!, { weight: i.cw! }),
  cross_entropy_smooth: (i) => F.crossEntropy(i.logits!, i.target!, { labelSmoothing: 0.1 }),
  cross_entropy_weighted_smooth: (i) => F.crossEntropy(i.logits!, i.target!, { weight: i.cw!, labelSmoothing: 0.2 }),
  affine_grid: (i) => F.affineGrid(i.theta!, [2, 3, 6, 5]),
  grid_sample: (i) => F.gridSample(i.x!, F.affineGrid(i.theta!, [2, 3, 6, 5])),
  cat: (i) => cat([i.x!, i.x!.mul(2)], 1),
  stack: (i) => stack([i.m!, i.m!.add(1)], 0),
  permute: (i) => i.x!.permute([0, 2, 3, 1]).contiguous(),
  slice: (i) => i.x!.slice(1, 1, 3).slice(2, null, null, 2).slice(3, 1),
  sum_dim: (i) => i.x!.sum([2, 3]),
  mean_keepdim: (i) => i.x!.mean(1, true),
  var: (i) => i.x!.var(),
  std_dim: (i) => i.x!.std(1),
  max_dim_values: (i) => i.x!.maxDim(3)[0],
  argmax: (i) => i.logits!.argmax(1),
  topk_values: (i) => i.logits!.topk(2, 1)[0],
  topk_indices: (i) => i.logits!.topk(2, 1)[1],
  exp: (i) => i.x!.exp(),
  pow: (i) => i.x!.abs().pow(1.5),
  clamp: (i) => i.x!.clamp(-0.5, 0.5),
  where: (i) => where(i.x!.gt(0), i.x!, i.x!.mul(0.1)),
  gt: (i) => i.x!.gt(0.3),
  logsumexp: (i) => i.logits!.logsumexp(1),
};

test('every fixture op has a case here', () => {
  assert.deepEqual(Object.keys(cases).sort(), Object.keys(fixture.outputs).sort());
});

for (const [name, run] of Object.entries(cases)) {
  test(`${name} equals PyTorch`, () => {
    expectNoLeaks(() => {
      const inputs = Object.fromEntries(Object.entries(fixture.inputs).map(([k, v]) => [k, fromJson(v)]));
      assertClose(run(inputs), fixture.outputs[name]!, 1e-10, 1e-10, name);
    });
  });
}
