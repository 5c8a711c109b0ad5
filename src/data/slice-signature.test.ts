import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFixture } from '../testing/tensor-helpers.js';
import { BRIGHTNESS_WEIGHT, COARSE_WEIGHT, sliceDistance, sliceSignature, type SliceSignature } from './slice-signature.js';

interface Fixture {
  width: number;
  height: number;
  a: number[];
  b: number[];
  ncc: number;
  shift: [number, number];
  nccShifted: number;
}
// Made once by scripts/fixtures/slice_ncc.py with OpenCV's matchTemplate(TM_CCOEFF_NORMED).
const fixture = readFixture<Fixture>('src/data/fixtures/slice-ncc.json');
const raster = (data: number[]) => ({ width: fixture.width, height: fixture.height, channels: 1 as const, data: Uint8Array.from(data) });

/** The correlation part of the distance: the distance minus its brightness and coarse-shape terms. */
function correlation(a: SliceSignature, b: SliceSignature): number {
  let coarse = 0;
  for (let i = 0; i < a.coarse.length; i++) coarse += a.coarse[i]! * b.coarse[i]!;
  const bright = BRIGHTNESS_WEIGHT * (Math.abs(a.brightLevels[0] - b.brightLevels[0]) + Math.abs(a.brightLevels[1] - b.brightLevels[1]));
  return 1 - (sliceDistance(a, b) - bright - COARSE_WEIGHT * Math.max(0, 1 - coarse));
}

test('the correlation inside the slice distance equals OpenCV TM_CCOEFF_NORMED, aligned and shifted', () => {
  const a = sliceSignature(raster(fixture.a));
  const b = sliceSignature(raster(fixture.b));
  assert.ok(Math.abs(a.centroid[0] - b.centroid[0]) < 0.5 && Math.abs(a.centroid[1] - b.centroid[1]) < 0.5, 'same head mask: no shift');
  assert.ok(Math.abs(correlation(a, b) - fixture.ncc) < 1e-5, `${correlation(a, b)} vs OpenCV ${fixture.ncc}`);
  // Move b's centroid so the alignment shifts it by (3, -2), as the fixture did.
  const [dx, dy] = fixture.shift;
  const moved = { ...b, centroid: [a.centroid[0] - dx, a.centroid[1] - dy] as const };
  assert.ok(Math.abs(correlation(a, moved) - fixture.nccShifted) < 1e-5, `${correlation(a, moved)} vs OpenCV ${fixture.nccShifted}`);
});

test('a slice is at distance 0 from itself and near a resized copy; the descriptor has unit length', () => {
  const a = sliceSignature(raster(fixture.a));
  assert.ok(sliceDistance(a, a) < 1e-6, `${sliceDistance(a, a)}`);
  let norm = 0;
  for (const v of a.coarse) norm += v * v;
  assert.ok(Math.abs(norm - 1) < 1e-5);
  // The same slice at twice the size (nearest-neighbour upscale) is compared after resampling back.
  const w = fixture.width * 2;
  const h = fixture.height * 2;
  const big = Uint8Array.from({ length: w * h }, (_, i) => fixture.a[Math.floor(Math.floor(i / w) / 2) * fixture.width + Math.floor((i % w) / 2)]!);
  const d = sliceDistance(a, sliceSignature({ width: w, height: h, channels: 1, data: big }));
  assert.ok(d < 0.1, `resized copy at ${d}`);
  assert.ok(sliceDistance(a, sliceSignature(raster(fixture.b))) > d);
  const flat = sliceSignature({ width: 8, height: 8, channels: 1, data: new Uint8Array(64).fill(50) });
  assert.equal(sliceDistance(flat, flat), 0);
});
