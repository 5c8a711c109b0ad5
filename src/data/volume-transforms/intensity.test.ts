import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zeros } from '../../torch/index.js';
import { assertClose, expectNoLeaks, fromJson, readFixture, type JsonTensor } from '../../testing/tensor-helpers.js';
import { NormalizeIntensity, ScaleIntensityRangePercentiles, percentile } from './index.js';

// numpy references: scripts/fixtures/make_volume_transform_fixtures.py.
const ref = readFixture<{ input: JsonTensor; zscore_nonzero: JsonTensor; window_2_98: JsonTensor; percentiles_nonzero_2_98: [number, number] }>(
  'src/data/volume-transforms/fixtures/reference.json',
);
const affine = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

test("NormalizeIntensity: z-score over non-zero voxels equals numpy's (population std), background stays 0", () => {
  expectNoLeaks(() => {
    const out = new NormalizeIntensity().apply({ image: fromJson(ref.input), affine });
    assertClose(out.image, ref.zscore_nonzero, 1e-5);
    // An all-zero image passes through unchanged.
    assert.equal(
      new NormalizeIntensity()
        .apply({ image: zeros([1, 2, 2, 2]), affine })
        .image.abs()
        .sum()
        .item(),
      0,
    );
  });
});

test("ScaleIntensityRangePercentiles equals numpy's percentile window (linear interpolation), with clipping and the non-zero option", () => {
  expectNoLeaks(() => {
    const image = fromJson(ref.input);
    const out = new ScaleIntensityRangePercentiles({ lower: 2, upper: 98, clip: true }).apply({ image, affine });
    assertClose(out.image, ref.window_2_98, 1e-5);
    const values = (image.toArray() as Float32Array).filter((v) => v !== 0).sort();
    assert.ok(Math.abs(percentile(values, 2) - ref.percentiles_nonzero_2_98[0]) < 1e-3);
    assert.ok(Math.abs(percentile(values, 98) - ref.percentiles_nonzero_2_98[1]) < 1e-3);
    assert.throws(() => new ScaleIntensityRangePercentiles({ lower: 90, upper: 10 }), /expected 0 <= lower < upper <= 100, got lower 90, upper 10/);
  });
});
