import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../torch/index.js';
import { expectNoLeaks } from '../testing/tensor-helpers.js';
import { GradScaler } from './grad-scaler.js';

test('the grad scaler unscales gradients, skips steps with inf and adapts its scale like PyTorch', () => {
  expectNoLeaks(() => {
    const w = tensor([1, 2], { requiresGrad: true });
    const scaler = new GradScaler(8, 2, 0.5, 2);
    scaler.scaleLoss(w.mul(w).sum()).backward(); // d/dw = 2w, scaled by 8
    assert.deepEqual(w.grad!.toNumbers(), [16, 32]);
    assert.equal(scaler.unscaleAndUpdate([w]), true);
    assert.deepEqual(w.grad!.toNumbers(), [2, 4]);
    assert.equal(scaler.scale, 8);
    w.setGrad(tensor([Infinity, 1]));
    assert.equal(scaler.unscaleAndUpdate([w]), false, 'an overflowed step is skipped');
    assert.deepEqual(scaler.stateDict(), { scale: 4, growthTracker: 0 });
    w.setGrad(tensor([1, 1]));
    scaler.unscaleAndUpdate([w]);
    scaler.unscaleAndUpdate([w]);
    assert.deepEqual(scaler.stateDict(), { scale: 8, growthTracker: 0 }, 'grows after growthInterval good steps');
  });
});
