import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, noGrad, randn, zeros } from '../torch/index.js';
import { expectNoLeaks } from '../testing/tensor-helpers.js';
import { AdaptiveAvgPool3d, Conv3d, Flatten, Linear, ReLU, Sequential } from '../nn/index.js';
import { getModel, getModelSpec } from '../models/registry.js';
import { gradCam3d } from './grad-cam-3d.js';

test('3-D Grad-CAM peaks where the evidence is, and its three planes pass through the peak', () => {
  expectNoLeaks(() => {
    // A 1x1x1 conv that passes the volume through, so the map is the input's positive part times
    // the (positive) class gradient: its peak is the brightest voxel.
    const conv = new Conv3d(1, 1, 1);
    noGrad(() => {
      conv.weight.fill_(1);
      conv.bias!.fill_(0);
    });
    const head = new Linear(1, 2);
    noGrad(() => {
      head.weight.fill_(1); // class 1: more signal, higher logit
      head.weight.select(0, 0).fill_(-1); // class 0: the opposite
      head.bias!.fill_(0);
    });
    const model = new Sequential(new Sequential(conv, new ReLU()), new AdaptiveAvgPool3d(1), new Flatten(), head);
    const x = zeros([1, 1, 6, 5, 4]);
    noGrad(() => {
      x.select(2, 4).select(2, 1).select(2, 2).fill_(3); // voxel (4, 1, 2)
      x.select(2, 1).select(2, 3).select(2, 0).fill_(1); // a weaker one at (1, 3, 0)
    });
    const cam = gradCam3d(model, '0', x, 1);
    assert.deepEqual(cam.peak, [4, 1, 2]);
    assert.deepEqual(cam.shape, [6, 5, 4]);
    assert.equal(cam.heatmap[(4 * 5 + 1) * 4 + 2], 1);
    assert.ok(Math.abs(cam.heatmap[(1 * 5 + 3) * 4 + 0]! - 1 / 3) < 1e-6);
    assert.deepEqual([cam.axial.rows, cam.axial.columns, cam.coronal.rows, cam.coronal.columns, cam.sagittal.rows, cam.sagittal.columns], [6, 5, 6, 4, 5, 4]);
    assert.equal(cam.axial.data[4 * 5 + 1], 1);
    assert.equal(cam.coronal.data[4 * 4 + 2], 1);
    assert.equal(cam.sagittal.data[1 * 4 + 2], 1);
    // Explaining the other class (negative weight): no positive evidence, an all-zero map.
    assert.ok(gradCam3d(model, '0', x, 0).heatmap.every((v) => v === 0));
    assert.equal(model.training, true, 'mode restored');
    assert.throws(() => gradCam3d(model, '0', zeros([1, 6, 5, 4])), /expected one volume \[1, C, X, Y, Z\]/);
    model.dispose();
  });
});

test("3-D Grad-CAM runs on the registry's volume models at their Grad-CAM layer", () => {
  expectNoLeaks(() => {
    manualSeed(2);
    for (const name of ['resnet10_3d', 'densenet121_3d']) {
      const model = getModel(name);
      const cam = gradCam3d(model, getModelSpec(name).gradCamLayer, randn([1, 1, 32, 40, 36]));
      assert.equal(cam.heatmap.length, 32 * 40 * 36, name);
      assert.ok(
        cam.heatmap.every((v) => v >= 0 && v <= 1),
        name,
      );
      model.dispose();
    }
  });
});
