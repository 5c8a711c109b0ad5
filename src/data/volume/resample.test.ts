import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { readVolume } from './read-volume.js';
import { resampleToSpacing } from './resample.js';

// nibabel.processing.resample_to_output(img, spacing, order=1) values, from
// scripts/fixtures/make_volume_fixtures.py (scipy.ndimage.affine_transform underneath).
const FIXTURES = fileURLToPath(new URL('../../../src/data/volume/fixtures/', import.meta.url));
interface Resampled {
  shape: number[];
  affine: number[];
  data: number[];
}
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as { resample: Record<string, Resampled>; resample_lps: Resampled };

function assertResampled(actual: { shape: number[]; affine: number[]; data: Float32Array }, want: Resampled, what: string) {
  assert.deepEqual(actual.shape, want.shape, what);
  actual.affine.forEach((v, i) => assert.ok(Math.abs(v - want.affine[i]!) < 1e-9, `${what} affine[${i}]`));
  let worst = 0;
  want.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(actual.data[i]! - v))));
  // float32 voxels (values up to ~150) against scipy's float64 interpolation.
  assert.ok(worst < 2e-4, `${what}: largest difference ${worst}`);
}

for (const [key, want] of Object.entries(expected.resample)) {
  test(`resampling to ${key} mm matches nibabel.processing.resample_to_output (trilinear)`, async () => {
    const spacing = key.split(',').map(Number) as [number, number, number];
    const out = resampleToSpacing(await readVolume(join(FIXTURES, 'resample_in.nii')), spacing);
    assertResampled(out, want, key);
    assert.deepEqual(out.spacing, spacing);
  });
}

test('an LPS volume is resampled in RAS+ canonical space, as nibabel does', async () => {
  const v = await readVolume(join(FIXTURES, 'resample_lps.nii'));
  assert.equal(v.sourceAxcodes, 'LPS');
  assertResampled(resampleToSpacing(v, 1.5), expected.resample_lps, 'lps');
});

test('a bad spacing is a named error', async () => {
  const v = await readVolume(join(FIXTURES, 'resample_in.nii'));
  assert.throws(() => resampleToSpacing(v, 0), /Expected a positive voxel size in mm \(or three\) for spacing but received 0/);
  assert.throws(() => resampleToSpacing(v, [1, Number.NaN, 1]), /received \[1,null,1\]/);
});
