import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, rand, manualSeed } from '../torch/index.js';
import { expectNoLeaks, assertClose } from '../testing/tensor-helpers.js';
import { seededRandom } from '../data/seeded-shuffle.js';
import { augmentBatch, drawAffine, type AugmentSettings } from './augment.js';
import { balancedClassWeights, epochOrder } from './sampling.js';

const none: AugmentSettings = { augment: [], zoom: 0.1, rotate: 10, shift: 0.1, flipProbability: 0.5 };

test('augmentation keeps shape, dtype and device, changes pixels, and repeats per seed', () => {
  expectNoLeaks(() => {
    manualSeed(0);
    const x = rand([6, 1, 24, 20]);
    const all: AugmentSettings = { ...none, augment: ['zoom', 'rotate', 'shift', 'flip'] };
    const a = augmentBatch(x, all, seededRandom(3, 'augment:1:0'));
    const b = augmentBatch(x, all, seededRandom(3, 'augment:1:0'));
    const c = augmentBatch(x, all, seededRandom(3, 'augment:1:1'));
    assert.deepEqual(a.shape, [6, 1, 24, 20]);
    assert.equal(a.dtype, 'float32');
    assert.equal(a.device, x.device);
    assert.deepEqual(a.toNumbers(), b.toNumbers(), 'same stream, same images');
    assert.notDeepEqual(a.toNumbers(), c.toNumbers(), 'another batch key, other geometry');
    assert.ok(a.sub(x).abs().max().item() > 0.05, 'pixels moved');
    assert.equal(augmentBatch(x, none, seededRandom(3)), x, 'nothing enabled: the input itself');
  });
});

test('a flip with probability 1 mirrors left-right exactly; 90 degree rotation of a square turns it', () => {
  expectNoLeaks(() => {
    const x = arange(0, 2 * 16)
      .to('float32')
      .reshape([2, 1, 4, 4]);
    const flipped = augmentBatch(x, { ...none, augment: ['flip'], flipProbability: 1 }, seededRandom(0));
    assertClose(flipped, { shape: [2, 1, 4, 4], data: x.flip([3]).toNumbers() }, 1e-5);
    // rotate range 90 with the draw forced to the top of the range: u = 1 - tiny.
    const rotated = augmentBatch(x.narrow(0, 0, 1), { ...none, augment: ['rotate'], rotate: 90 }, () => 0.999999999);
    const expected = x.narrow(0, 0, 1).flip([2]).transpose(2, 3); // rot90 one way: out[y][x] = in[3-x][y]
    const other = x.narrow(0, 0, 1).transpose(2, 3).flip([2]);
    const d1 = rotated.sub(expected).abs().max().item();
    const d2 = rotated.sub(other).abs().max().item();
    assert.ok(Math.min(d1, d2) < 1e-3, `90 degree rotation off by ${Math.min(d1, d2)}`);
  });
});

test('affine draws: identity when disabled, zoom and shift within their ranges', () => {
  const theta = drawAffine(3, 10, 20, none, seededRandom(1));
  assert.deepEqual(theta, [1, -0, 0, 0, 1, 0, 1, -0, 0, 0, 1, 0, 1, -0, 0, 0, 1, 0]);
  const zoomShift = drawAffine(200, 10, 10, { ...none, augment: ['zoom', 'shift'], zoom: 0.2, shift: 0.1 }, seededRandom(2));
  for (let i = 0; i < 200; i++) {
    const scale = 1 / zoomShift[i * 6]!;
    assert.ok(scale >= 0.8 - 1e-9 && scale <= 1.2 + 1e-9, `scale ${scale}`);
    assert.ok(Math.abs(zoomShift[i * 6 + 2]!) <= 0.2 + 1e-12, 'shift within 10 % of the side (0.2 in [-1, 1] units)');
  }
});

test('epoch order: a permutation keyed by (seed, epoch); balanced sampling evens classes out', () => {
  const labels = [...new Array(90).fill(0), ...new Array(10).fill(1)];
  const order = epochOrder(labels, 1, 5, 'shuffle');
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    labels.map((_, i) => i),
  );
  assert.deepEqual(epochOrder(labels, 1, 5, 'shuffle'), order);
  assert.notDeepEqual(epochOrder(labels, 2, 5, 'shuffle'), order);
  const drawn = epochOrder(labels, 1, 5, 'sampling');
  assert.equal(drawn.length, 100);
  const minority = drawn.filter((i) => labels[i] === 1).length;
  assert.ok(minority > 35 && minority < 65, `minority drawn ${minority} of 100 (expected ~50)`);
  assert.deepEqual(balancedClassWeights(labels, 3), [100 / (3 * 90), 100 / (3 * 10), 0]);
});
