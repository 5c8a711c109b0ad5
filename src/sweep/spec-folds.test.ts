import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweep } from './spec.js';
import { expandRuns } from '../train/expand-runs.js';

test('folds and repeats in a sweep file: one run per (configuration, fold, seed), linked by a runGroup', () => {
  const spec = parseSweep({ name: 'cv', base: { data: 'd', folds: 3, repeats: 2, seed: 5 }, grid: { recipe: ['none', 'strong'] } });
  assert.equal(spec.points.length, 2 * 3 * 2);
  assert.deepEqual(spec.axes, ['recipe', 'fold', 'seed']);
  const strong = spec.points.filter((p) => p.point.recipe === 'strong');
  assert.deepEqual(
    strong.map((p) => `${p.point.fold}/${p.point.seed}`),
    ['0/5', '1/5', '2/5', '0/6', '1/6', '2/6'],
  );
  assert.deepEqual([...new Set(strong.map((p) => p.settings.runGroup))], ['cv:recipe=strong']);
  assert.deepEqual(
    strong.map((p) => p.settings.fold),
    [0, 1, 2, 0, 1, 2],
  );
  // Without folds or repeats nothing changes.
  const plain = parseSweep({ name: 'p', base: { data: 'd' }, grid: { batchSize: [8, 16] } });
  assert.deepEqual(plain.axes, ['batchSize']);
  assert.equal(plain.points[0]!.settings.runGroup, undefined);
  // train --folds K --repeats N: the same expansion with a made-up group id.
  const runs = expandRuns({ data: 'd', folds: 2, repeats: 2 });
  assert.equal(runs.length, 4);
  assert.match(String(runs[0]!.settings.runGroup), /^cv-[0-9a-f]{8}$/);
  assert.equal(expandRuns({ data: 'd', folds: 5, fold: 2 }).length, 1, 'one chosen fold is one run');
});
