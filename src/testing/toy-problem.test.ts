import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, noGrad, tidy } from '../torch/index.js';
import { expectNoLeaks } from './tensor-helpers.js';
import { F } from '../nn/index.js';
import { Adam } from '../optim/index.js';
import { SimpleCNN } from '../models/simple-cnn.js';
import { makeToyBatch } from './toy-problem.js';

test('a small CNN learns a separable toy problem to 100 % train accuracy', () => {
  expectNoLeaks(() => {
    manualSeed(0);
    const { images, labels } = makeToyBatch(32, 24, 1);
    const model = new SimpleCNN({ widths: [8, 16], numClasses: 2, dropout: 0 });
    const opt = new Adam(model.parameters(), { lr: 0.01 });
    const losses: number[] = [];
    for (let step = 0; step < 80; step++) {
      tidy(() => {
        opt.zeroGrad();
        const loss = F.crossEntropy(model.forward(images), labels);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      });
    }
    model.eval();
    const accuracy = noGrad(() => model.forward(images).argmax(1).eq(labels).float().mean().item());
    assert.equal(accuracy, 1, `train accuracy ${accuracy}, losses ${losses.map((l) => l.toFixed(3)).join(' ')}`);
    assert.ok(losses.at(-1)! < losses[0]! / 4, `loss fell from ${losses[0]} to ${losses.at(-1)}`);
    opt.disposeState();
    model.dispose();
  });
});

test('the toy problem is deterministic per seed', () => {
  expectNoLeaks(() => {
    const a = makeToyBatch(4, 16, 9);
    const b = makeToyBatch(4, 16, 9);
    assert.deepEqual(a.images.toNumbers(), b.images.toNumbers());
    assert.deepEqual(a.labels.toNumbers(), [0, 1, 0, 1]);
    assert.notDeepEqual(makeToyBatch(4, 16, 10).images.toNumbers(), a.images.toNumbers());
  });
});
