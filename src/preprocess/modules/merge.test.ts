import assert from 'node:assert/strict';
import { test } from 'node:test';
import { multiplyMerge, overlapMerge } from './merge.js';

test('multiply merge is round(image * smoothed / 255) and never wraps', () => {
  const image = Uint8Array.from([255, 255, 0, 128, 200, 1]);
  const smoothed = Uint8Array.from([255, 128, 255, 128, 3, 1]);
  // 255*255/255 = 255; 255*128/255 = 128; 128*128/255 = 64.25 -> 64; 600/255 = 2.35 -> 2; 1/255 -> 0
  assert.deepEqual([...multiplyMerge(image, smoothed)], [255, 128, 0, 64, 2, 0]);
  // The unscaled uint8 product would wrap: 200 * 3 = 600 -> 88.
  assert.notEqual(multiplyMerge(image, smoothed)[4], (200 * 3) & 255);
});

test('overlap merge is w1*image + w2*smoothed + offset, saturated, ties to even', () => {
  const image = Uint8Array.from([100, 100, 10, 250, 3]);
  const smoothed = Uint8Array.from([100, 90, 60, 0, 2]);
  assert.deepEqual([...overlapMerge(image, smoothed, 4, -4, 128)], [128, 168, 0, 255, 132]);
  // 0.5 * 3 - 0.5 * 2 + 0 = 0.5 -> 0 (even); 0.5 * 3 + 0 + 1 = 2.5 -> 2
  assert.deepEqual([...overlapMerge(Uint8Array.from([3]), Uint8Array.from([2]), 0.5, -0.5, 0)], [0]);
  assert.deepEqual([...overlapMerge(Uint8Array.from([3]), Uint8Array.from([0]), 0.5, 0, 1)], [2]);
});
