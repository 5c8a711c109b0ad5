import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../testing/tensor-helpers.js';
import { crossValidationSplits, stratifiedGroupKFold } from './stratified-group-kfold.js';

const ref = readFixture<{ kfold: { labels: string[]; groups: string[]; k: number; folds: number[] } }>('src/eval/fixtures/eval-references.json').kfold;

test('folds equal scikit-learn StratifiedGroupKFold(shuffle=False)', () => {
  assert.deepEqual(stratifiedGroupKFold(ref.labels, ref.groups, ref.k), ref.folds);
});

test('folds are disjoint by subject, cover every sample once and are stratified', () => {
  for (const seed of [undefined, 1, 2]) {
    const folds = stratifiedGroupKFold(ref.labels, ref.groups, 5, seed);
    const foldOf = new Map<string, number>();
    ref.groups.forEach((g, i) => {
      assert.equal(foldOf.get(g) ?? folds[i], folds[i], `subject ${g} in one fold only`);
      foldOf.set(g, folds[i]!);
    });
    // Each class's share per fold stays near its overall share (whole subjects of 1-6 slices move at once).
    for (const cls of new Set(ref.labels)) {
      const overall = ref.labels.filter((l) => l === cls).length / ref.labels.length;
      for (let f = 0; f < 5; f++) {
        const inFold = ref.labels.filter((_, i) => folds[i] === f);
        assert.ok(inFold.length > 0);
        const share = inFold.filter((l) => l === cls).length / inFold.length;
        assert.ok(Math.abs(share - overall) < 0.15, `class ${cls} fold ${f}: ${share.toFixed(2)} vs ${overall.toFixed(2)}`);
      }
    }
  }
  assert.throws(() => stratifiedGroupKFold(['a', 'b'], ['x', 'y'], 3), /at least 3 subjects/);
});

test('a cross-validation split: test = one fold, validation subject-disjoint from train and test', () => {
  const entries = ref.labels.map((label, i) => ({ label, group: ref.groups[i]! }));
  const testOf = new Map<string, number>();
  for (let fold = 0; fold < 5; fold++) {
    const split = crossValidationSplits({ folds: 5, fold, seed: 42 })(entries);
    const sides = new Map<string, Set<string>>();
    split.forEach((s, i) => (sides.get(ref.groups[i]!) ?? sides.set(ref.groups[i]!, new Set()).get(ref.groups[i]!)!).add(s));
    for (const [g, set] of sides) {
      assert.equal(set.size, 1, `subject ${g} on one side`);
      if (set.has('test')) {
        assert.equal(testOf.get(g), undefined, `subject ${g} tested once over the folds`);
        testOf.set(g, fold);
      }
    }
    for (const s of ['train', 'val', 'test']) assert.ok(split.includes(s as 'train'), `fold ${fold} has ${s}`);
  }
  assert.equal(testOf.size, new Set(ref.groups).size, 'every subject is tested in exactly one fold');
});
