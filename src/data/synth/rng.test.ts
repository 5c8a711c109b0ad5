import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from './rng.js';

test('same seed and keys give the same stream; other keys or seeds differ', () => {
  const draw = (seed: number, ...keys: Array<string | number>) => {
    const rng = createRng(seed, ...keys);
    return Array.from({ length: 5 }, () => rng.next());
  };
  assert.deepEqual(draw(42, 'subject', 3), draw(42, 'subject', 3));
  assert.notDeepEqual(draw(42, 'subject', 3), draw(42, 'subject', 4));
  assert.notDeepEqual(draw(42, 'subject', 3), draw(43, 'subject', 3));
  assert.notDeepEqual(draw(2 ** 40, 'x'), draw(2 ** 41, 'x')); // high seed bits count too
  for (const v of draw(7, 'range')) assert.ok(v >= 0 && v < 1);
});

test('normal() has the asked mean and standard deviation', () => {
  const rng = createRng(1, 'normal');
  const xs = Array.from({ length: 20000 }, () => rng.normal(3, 2));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  assert.ok(Math.abs(mean - 3) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.05, `sd ${sd}`);
});

test('shuffle() permutes and int() stays in range', () => {
  const rng = createRng(5, 'shuffle');
  const items = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = rng.shuffle([...items]);
  assert.notDeepEqual(shuffled, items);
  assert.deepEqual(
    [...shuffled].sort((a, b) => a - b),
    items,
  );
  const counts = [0, 0, 0];
  for (let i = 0; i < 3000; i++) counts[rng.int(3)]! += 1;
  for (const c of counts) assert.ok(c > 900 && c < 1100, `int counts ${counts}`);
});
