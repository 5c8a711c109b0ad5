import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectNoLeaks } from '../../testing/tensor-helpers.js';
import { resampleToSpacing } from '../volume/resample.js';
import type { Volume } from '../volume/read-volume.js';
import { Spacing, sampleToVoxels, volumeToSample } from './index.js';

function volume(): Volume {
  const shape: [number, number, number] = [5, 4, 3];
  const data = Float32Array.from({ length: 60 }, (_, i) => (i * 7) % 11);
  const affine = [1.5, 0, 0, -3, 0, 2, 0, 4, 0, 0, 2.5, 1, 0, 0, 0, 1];
  return {
    data,
    shape,
    spacing: [1.5, 2, 2.5],
    affine,
    sourceAxcodes: 'RAS',
    format: 'nifti1',
    droppedVolumes: 0,
    nonFiniteCount: 0,
    sourceShape: [5, 4, 3],
    storedType: 'float32',
    affineSource: 'sform',
    scaling: undefined,
  } as unknown as Volume;
}

test('volumeToSample puts array axis 0 (x, fastest in the reader) first, and sampleToVoxels inverts it', () => {
  expectNoLeaks(() => {
    const v = volume();
    const sample = volumeToSample(v);
    assert.deepEqual(sample.image.shape, [1, 5, 4, 3]);
    // Voxel (i, j, k) is data[i + 5 j + 20 k].
    assert.equal(sample.image.select(0, 0).select(0, 3).select(0, 2).select(0, 1).item(), v.data[3 + 5 * 2 + 20 * 1]);
    const back = sampleToVoxels(sample);
    assert.deepEqual([...back.data], [...v.data]);
    assert.deepEqual(back.shape, v.shape);
  });
});

test("Spacing resamples a sample exactly as the reader's resampleToSpacing (nibabel resample_to_output, order 1)", () => {
  expectNoLeaks(() => {
    const v = volume();
    const expected = resampleToSpacing(v, 1);
    const out = new Spacing(1).apply(volumeToSample(v));
    const got = sampleToVoxels(out);
    assert.deepEqual(got.shape, expected.shape);
    assert.deepEqual(got.affine, expected.affine);
    assert.deepEqual([...got.data], [...expected.data]);
  });
});
