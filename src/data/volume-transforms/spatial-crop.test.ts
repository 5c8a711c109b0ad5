import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, zeros } from '../../torch/index.js';
import { expectNoLeaks } from '../../testing/tensor-helpers.js';
import { applyAffine } from '../volume/affine-math.js';
import { applyTransform, CropForeground, ResizeWithPadOrCrop, RoiCrop, type VolumeSample } from './index.js';

/** A [1, 6, 5, 4] image whose value is its flat index + 1, with a 2 mm, shifted affine. */
function ramp(): VolumeSample {
  return { image: arange(1, 121).reshape([1, 6, 5, 4]).float(), affine: [2, 0, 0, -10, 0, 2, 0, 20, 0, 0, 2, 5, 0, 0, 0, 1] };
}
const at = (s: VolumeSample, x: number, y: number, z: number) => s.image.select(0, 0).select(0, x).select(0, y).select(0, z).item();

test('ResizeWithPadOrCrop center-crops long axes and pads short ones as MONAI, and moves the affine with the crop', () => {
  expectNoLeaks(() => {
    const input = ramp();
    const out = new ResizeWithPadOrCrop([3, 8, 4]).apply(input);
    assert.deepEqual(out.image.shape, [1, 3, 8, 4]);
    // X: 6 -> 3 starts at 6//2 - 3//2 = 2; Y: 5 -> 8 pads (8-5)//2 = 1 before, 2 after.
    assert.equal(at(out, 0, 1, 0), at(input, 2, 0, 0));
    assert.equal(at(out, 0, 0, 0), 0);
    assert.equal(at(out, 2, 5, 3), at(input, 4, 4, 3));
    assert.equal(at(out, 2, 6, 3), 0);
    // The same world point before and after.
    assert.deepEqual(applyAffine(out.affine, [0, 1, 0]), applyAffine(input.affine, [2, 0, 0]));
    assert.throws(() => new ResizeWithPadOrCrop([3, 0, 4] as unknown as [number, number, number]), /spatial size must be three positive integers/);
  });
});

test('CropForeground crops to the bounding box of non-zero voxels plus a margin; an empty image is a named error', () => {
  expectNoLeaks(() => {
    const image = zeros([1, 10, 9, 8]);
    image.select(0, 0).select(0, 3).select(0, 4).select(0, 2).fill_(5);
    image.select(0, 0).select(0, 6).select(0, 5).select(0, 6).fill_(7);
    const sample = { image, affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] };
    const tight = new CropForeground().apply(sample);
    assert.deepEqual(tight.image.shape, [1, 4, 2, 5]);
    assert.equal(at(tight, 0, 0, 0), 5);
    assert.equal(at(tight, 3, 1, 4), 7);
    assert.deepEqual(
      tight.affine.slice(0, 12).filter((_, i) => i % 4 === 3),
      [3, 4, 2],
    );
    const wide = new CropForeground({ margin: 2 }).apply(sample);
    assert.deepEqual(wide.image.shape, [1, 8, 6, 8]); // Z clipped at the image's edge
    assert.throws(
      () => applyTransform(new CropForeground(), { image: zeros([1, 4, 4, 4]), affine: sample.affine }),
      /applying transform CropForeground to an image of shape \[1, 4, 4, 4\]: no voxel above 0: the image is empty/,
    );
    assert.throws(
      () => applyTransform(new CropForeground(), { image: zeros([4, 4, 4]), affine: sample.affine }),
      /applying transform CropForeground to an image of shape \[4, 4, 4\]: expected a channel-first volume \[C, X, Y, Z\], got 3 dimensions/,
    );
  });
});

test('RoiCrop takes a voxel box or a world-space box in mm (through the inverse affine), zero-filling outside', () => {
  expectNoLeaks(() => {
    const input = ramp();
    const voxel = new RoiCrop({ space: 'voxel', start: [1, 2, 0], end: [3, 5, 2] }).apply(input);
    assert.deepEqual(voxel.image.shape, [1, 2, 3, 2]);
    assert.equal(at(voxel, 1, 2, 1), at(input, 2, 4, 1));
    // World box centred on voxel (2, 1, 1) = (-6, 22, 7) mm, 4 mm wide on X (voxels 1..3), 2 mm on Y and Z (one voxel).
    const world = new RoiCrop({ space: 'world', center: [-6, 22, 7], size: [4, 2, 2] }).apply(input);
    assert.deepEqual(world.image.shape, [1, 3, 1, 1]);
    assert.deepEqual(world.image.flatten().toNumbers(), [at(input, 1, 1, 1), at(input, 2, 1, 1), at(input, 3, 1, 1)]);
    assert.deepEqual(applyAffine(world.affine, [1, 0, 0]), [-6, 22, 7]);
    const outside = new RoiCrop({ space: 'voxel', start: [5, 0, 0], end: [8, 1, 1] }).apply(input);
    assert.deepEqual(outside.image.flatten().toNumbers(), [at(input, 5, 0, 0), 0, 0]);
    assert.throws(() => new RoiCrop({ space: 'voxel', start: [2, 0, 0], end: [2, 1, 1] }), /voxel region needs integer start < end on every axis/);
    assert.throws(() => new RoiCrop({ space: 'world', center: [0, 0, 0], size: [1, -1, 1] }), /world region size must be positive mm/);
  });
});
