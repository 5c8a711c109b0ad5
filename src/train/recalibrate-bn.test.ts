import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../torch/index.js';
import { expectNoLeaks } from '../testing/tensor-helpers.js';
import { BatchNorm2d, Conv2d, Sequential } from '../nn/index.js';
import { recalibrateBatchNorm } from './recalibrate-bn.js';

test('BN recalibration sets running statistics to the average over the given batches', () => {
  expectNoLeaks(() => {
    const bn = new BatchNorm2d(1);
    const model = new Sequential(bn);
    model.eval();
    // Lagging statistics from earlier training, which recalibration must replace.
    bn.runningMean!.fill_(5);
    bn.runningVar!.fill_(9);
    const a = [1, 2, 3, 4];
    const b = [10, 12, 14, 16];
    const batch = (v: number[]) => () => tensor(v, { shape: [2, 1, 1, 2] });
    assert.equal(recalibrateBatchNorm(model, [batch(a), batch(b)]), 1);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    const unbiasedVar = (v: number[]) => v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1);
    assert.ok(Math.abs(bn.runningMean!.item() - (mean(a) + mean(b)) / 2) < 1e-5);
    assert.ok(Math.abs(bn.runningVar!.item() - (unbiasedVar(a) + unbiasedVar(b)) / 2) < 1e-4);
    assert.equal(bn.momentum, 0.1, 'momentum restored');
    assert.equal(model.training, false, 'mode restored');
    const plain = new Sequential(new Conv2d(1, 1, 1));
    assert.equal(recalibrateBatchNorm(plain, [batch(a)]), 0, 'no BN layers: nothing to do');
    plain.dispose();
    model.dispose();
  });
});
