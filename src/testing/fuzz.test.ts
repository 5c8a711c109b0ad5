// Seeded mutations of valid inputs into every reader and parser: each input is read, or refused
// with a named alzbench error, in time. A bounded run here; bench/fuzz runs longer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryStats } from '../torch/memory.js';
import { fuzz, mutate } from './fuzz-harness.js';
import { readerTargets } from './fuzz-targets.js';
import { seededRandom } from '../data/seeded-shuffle.js';

test('mutations are seeded: the same seed gives the same inputs', () => {
  const seed = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const a = Array.from(
    { length: 20 },
    (
      (r) => () =>
        mutate(seed, r)
    )(seededRandom(7, 'x')),
  );
  const b = Array.from(
    { length: 20 },
    (
      (r) => () =>
        mutate(seed, r)
    )(seededRandom(7, 'x')),
  );
  assert.deepEqual(a, b);
  assert.ok(a.some((m) => m.length !== seed.length) && a.some((m) => m.length === seed.length && m.some((v, i) => v !== seed[i])));
});

test('every reader reads or names the problem of 60 mutated inputs each: no crash, no hang, no leaked tensor', async () => {
  const before = memoryStats().tensors;
  const targets = await readerTargets();
  const findings = await fuzz(targets, { iterations: 60, seed: 1, slowMs: 2000 });
  assert.deepEqual(
    findings.map((f) => `${f.target} #${f.iteration} ${f.kind}: ${f.detail}`),
    [],
  );
  assert.equal(memoryStats().tensors, before, 'live tensor count changed: a reader leaked a tensor');
});
