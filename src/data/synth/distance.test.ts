import assert from 'node:assert/strict';
import { test } from 'node:test';
import { distanceToMask } from './distance.js';
import { createRng } from './rng.js';

test('distanceToMask matches brute-force Euclidean distances', () => {
  const dims: [number, number, number] = [13, 11, 9];
  const n = dims[0] * dims[1] * dims[2];
  const rng = createRng(3, 'edt');
  const mask = new Uint8Array(n).map(() => (rng.next() < 0.02 ? 1 : 0));
  mask[0] = 1;
  const got = distanceToMask(mask, dims);
  const coords = (i: number) => [i % dims[0], Math.floor(i / dims[0]) % dims[1], Math.floor(i / (dims[0] * dims[1]))] as const;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const [x, y, z] = coords(i);
    let best = Infinity;
    for (let j = 0; j < n; j++) {
      if (!mask[j]) continue;
      const [a, b, c] = coords(j);
      best = Math.min(best, Math.hypot(x - a, y - b, z - c));
    }
    worst = Math.max(worst, Math.abs(best - (got[i] as number)));
  }
  assert.ok(worst < 1e-5, `largest error ${worst}`);
  assert.equal(got[0], 0);
});

test('distanceToMask of an empty mask is Infinity everywhere', () => {
  const got = distanceToMask(new Uint8Array(4 * 3 * 2), [4, 3, 2]);
  assert.ok(got.every((v) => v === Infinity));
});
