import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, tensor, tidy } from '../torch/index.js';
import { expectNoLeaks } from '../testing/tensor-helpers.js';
import { F } from '../nn/index.js';
import { Adam } from '../optim/index.js';
import { getModel, getModelSpec } from '../models/registry.js';
import { seededRandom } from '../data/seeded-shuffle.js';
import { gradCam } from './grad-cam.js';

const SIZE = 32;
const PATCH = 8;

/** Noise images; class 1 carries a bright 8x8 patch at a random place (the only signal). */
function toyBatch(n: number, seed: number) {
  const random = seededRandom(seed, 'cam');
  const pixels = new Float32Array(n * SIZE * SIZE);
  const labels: number[] = [];
  const patches: Array<[number, number] | null> = [];
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < SIZE * SIZE; p++) pixels[i * SIZE * SIZE + p] = random() * 0.5;
    const label = i % 2;
    labels.push(label);
    if (label === 1) {
      const px = Math.floor(random() * (SIZE - PATCH));
      const py = Math.floor(random() * (SIZE - PATCH));
      for (let y = py; y < py + PATCH; y++) for (let x = px; x < px + PATCH; x++) pixels[i * SIZE * SIZE + y * SIZE + x] = 1;
      patches.push([px, py]);
    } else patches.push(null);
  }
  return { images: tensor(pixels, { shape: [n, 1, SIZE, SIZE] }), labels: tensor(labels, { dtype: 'int64' }), patches };
}

test('Grad-CAM peaks on the planted discriminative patch (simple_cnn at its registered layer)', () => {
  expectNoLeaks(() => {
    manualSeed(0);
    const model = getModel('simple_cnn', { widths: [8, 16], numClasses: 2, dropout: 0 });
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    const train = toyBatch(32, 1);
    for (let step = 0; step < 40; step++) {
      tidy(() => {
        opt.zeroGrad();
        F.crossEntropy(model.forward(train.images), train.labels).backward();
        opt.step();
      });
    }
    const test = toyBatch(12, 2);
    const layer = getModelSpec('simple_cnn').gradCamLayer;
    let inside = 0;
    let positives = 0;
    const misses: string[] = [];
    test.patches.forEach((patch, i) => {
      if (!patch) return;
      positives++;
      const cam = gradCam(model, layer, test.images.narrow(0, i, 1), 1);
      assert.equal(cam.heatmap.length, SIZE * SIZE);
      assert.equal(cam.targetClass, 1);
      let best = 0;
      for (let p = 1; p < cam.heatmap.length; p++) if (cam.heatmap[p]! > cam.heatmap[best]!) best = p;
      assert.equal(cam.heatmap[best], 1, 'normalized to a peak of 1');
      const [x, y] = [best % SIZE, Math.floor(best / SIZE)];
      // The 8x8 feature map has 4-pixel cells: allow one cell around the patch.
      if (x >= patch[0] - 4 && x < patch[0] + PATCH + 4 && y >= patch[1] - 4 && y < patch[1] + PATCH + 4) inside++;
      else misses.push(`peak (${x}, ${y}) vs patch at (${patch[0]}, ${patch[1]})`);
    });
    assert.ok(inside >= positives - 1, `${inside} of ${positives} peaks on the patch; ${misses.join('; ')}`);
    assert.equal(model.training, true, 'train mode restored');
    assert.ok(
      model.parameters().every((p) => p.grad === null),
      'gradients cleared',
    );
    opt.disposeState();
    model.dispose();
  });
});

test('Grad-CAM runs at the registered target layer of one model per zoo family', () => {
  // Small inputs keep this fast; inception_resnet_v2 (55 M parameters, 75 px minimum) is covered
  // by the same code path and left out for time.
  for (const [name, side] of [
    ['vgg11_bn', 32],
    ['efficientnet_b0', 48],
    ['mnasnet0_5', 48],
  ] as const) {
    expectNoLeaks(() => {
      manualSeed(1);
      const model = getModel(name, { numClasses: 2 });
      const x = tensor(
        Float32Array.from({ length: side * side }, (_, i) => ((i * 37) % 101) / 101),
        { shape: [1, 1, side, side] },
      );
      const cam = gradCam(model, getModelSpec(name).gradCamLayer, x, 0);
      assert.equal(cam.heatmap.length, side * side, name);
      assert.ok(
        cam.heatmap.every((v) => Number.isFinite(v) && v >= 0 && v <= 1),
        `${name}: values in [0, 1]`,
      );
      assert.ok(Math.abs(cam.probabilities[0]! + cam.probabilities[1]! - 1) < 1e-5);
      model.dispose();
    });
  }
});
