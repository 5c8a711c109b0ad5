import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, rand, randn } from '../../torch/index.js';
import { assertClose, expectNoLeaks } from '../../testing/tensor-helpers.js';
import { Compose, NormalizeIntensity, RandVolumeAugment, ResizeWithPadOrCrop } from './index.js';

const none = { affineProb: 0, flipProb: [0, 0, 0], intensityScale: 0, intensityShift: 0 } as const;

test('RandVolumeAugment with nothing to do returns the batch; the same seed repeats the same draws', () => {
  expectNoLeaks(() => {
    manualSeed(1);
    const x = rand([2, 1, 6, 7, 5]);
    const same = new RandVolumeAugment({ ...none, rotateRange: [0, 0, 0], scaleRange: 0 }).apply(x);
    assertClose(same, { shape: x.shape, data: x.toNumbers() }, 1e-6);
    const a = new RandVolumeAugment().setRandomState(7).apply(x);
    const b = new RandVolumeAugment().setRandomState(7).apply(x);
    const c = new RandVolumeAugment().setRandomState(8).apply(x);
    assertClose(a, { shape: b.shape, data: b.toNumbers() }, 0);
    assert.ok(a.sub(c).abs().max().item() > 1e-3, 'another seed gives another augmentation');
  });
});

test('RandVolumeAugment: a flip on X reverses axis 2 exactly; a 90-degree rotation about Z turns X into Y; intensity scale and shift', () => {
  expectNoLeaks(() => {
    manualSeed(2);
    const x = rand([1, 1, 5, 5, 3]);
    const flipped = new RandVolumeAugment({ ...none, flipProb: [1, 0, 0] }).apply(x);
    assertClose(flipped, { shape: x.shape, data: x.flip([2]).toNumbers() }, 1e-6);
    const quarter = new RandVolumeAugment({ ...none, affineProb: 1, rotateRange: [0, 0, 0], scaleRange: 0 });
    quarter.draw = ((draw) => (shape) => {
      const d = draw(shape);
      // theta for R = rotation of pi/2 about Z (component order Z, Y, X): y' = x, x' = -y.
      d.theta = [1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0];
      return d;
    })(quarter.draw.bind(quarter));
    const rotated = quarter.apply(x);
    const expected = x.transpose(2, 3).flip([2]);
    const alt = x.transpose(2, 3).flip([3]);
    const diff = Math.min(rotated.sub(expected).abs().max().item(), rotated.sub(alt).abs().max().item());
    assert.ok(diff < 1e-5, `a quarter turn is a transpose and a flip (off by ${diff})`);
    const draw = new RandVolumeAugment({ ...none, intensityScale: 0.5, intensityShift: 0.2 }).setRandomState(3).draw([5, 5, 3]);
    const again = new RandVolumeAugment({ ...none, intensityScale: 0.5, intensityShift: 0.2 }).setRandomState(3);
    const out = again.apply(x);
    assertClose(out, { shape: x.shape, data: x.mul(draw.scale).add(draw.shift).toNumbers() }, 1e-5);
    assert.ok(draw.scale >= 0.5 && draw.scale <= 1.5 && Math.abs(draw.shift) <= 0.2);
    assert.throws(() => new RandVolumeAugment({ flipProb: [1.5, 0, 0] }), /flipProb\[0\] must be a probability in \[0, 1\], got 1.5/);
    assert.throws(
      () => again.apply(randn([1, 5, 5, 3])),
      /applying transform RandVolumeAugment to an image of shape \[1, 5, 5, 3\]: expected a batch of volumes/,
    );
  });
});

test('Compose runs transforms in order and seeds its random children reproducibly', () => {
  expectNoLeaks(() => {
    manualSeed(3);
    const image = rand([1, 9, 8, 7]).add(0.1);
    const affine = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
    const pipeline = new Compose([new NormalizeIntensity(), new ResizeWithPadOrCrop([6, 6, 6])]).setRandomState(5);
    const out = pipeline.apply({ image, affine });
    assert.deepEqual(out.image.shape, [1, 6, 6, 6]);
    assert.ok(Math.abs(out.image.mean().item()) < 0.3);
    assert.deepEqual(out.affine.filter((_, i) => i % 4 === 3).slice(0, 3), [1, 1, 0]);
  });
});
