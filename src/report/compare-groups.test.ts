import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredRun } from '../store/types.js';
import { compareGroups } from './compare-groups.js';
import { correctedResampledTTest, spread } from '../eval/group-summary.js';

// Minimal run rows: what compareGroups reads (config, status, test, split counts).
function run(group: string, fold: number, seed: number, slice: number, subject: number): StoredRun {
  return {
    status: 'done',
    config: { runGroup: group, fold, seed, folds: 3 },
    split: { counts: { train: { A: 60, B: 40 }, val: { A: 10, B: 10 }, test: { A: 30, B: 20 } } },
    test: {
      best: {
        metrics: { balancedAccuracy: slice, auc: slice + 0.1 },
        subject: { metrics: { balancedAccuracy: subject, auc: subject + 0.1 } },
        collapsed: false,
      },
    },
  } as unknown as StoredRun;
}

test('configurations over folds and seeds: spread per configuration, paired by (fold, seed), corrected t-test', () => {
  const a = [0.8, 0.7, 0.75, 0.85, 0.72, 0.78];
  const b = [0.7, 0.69, 0.6, 0.8, 0.7, 0.7];
  const keys = [
    [0, 0],
    [1, 0],
    [2, 0],
    [0, 1],
    [1, 1],
    [2, 1],
  ] as const;
  // B's runs listed in another order: pairing must go by (fold, seed), not by position.
  const runs = [
    ...keys.map(([f, s], i) => run('A', f, s, a[i]! - 0.05, a[i]!)),
    ...[...keys].reverse().map(([f, s]) => run('B', f, s, 0.5, b[keys.findIndex(([f2, s2]) => f2 === f && s2 === s)]!)),
  ];
  const params = runs.map((r) => ({ config: String(r.config.runGroup), fold: String(r.config.fold), seed: String(r.config.seed) }));
  const groups = compareGroups(runs, params)!;
  assert.equal(groups.length, 2);
  const [ga, gb] = groups;
  assert.deepEqual(ga!.params, { config: 'A' }, 'fold and seed are not configuration settings');
  assert.equal(ga!.runs, 6);
  assert.equal(ga!.folds, 3);
  assert.deepEqual(ga!.seeds, [0, 1]);
  assert.deepEqual(ga!.perSubject!.balancedAccuracy, spread(a));
  assert.equal(ga!.paired, null, 'A is the best configuration: the baseline');
  const expected = correctedResampledTTest(
    b.map((v, i) => v - a[i]!),
    50 / 100,
  );
  assert.equal(gb!.paired!.unit, 'subject');
  assert.equal(gb!.paired!.n, 6);
  assert.ok(Math.abs(gb!.paired!.pValue - expected.pValue) < 1e-12, `${gb!.paired!.pValue} vs ${expected.pValue}`);
  assert.equal(gb!.paired!.testTrainRatio, 0.5, "n_test / n_train from the runs' split counts");
  assert.equal(gb!.paired!.pHolm, gb!.paired!.pValue, 'one comparison: Holm changes nothing');
  assert.match(gb!.verdict, /corrected t-test p=/);
  assert.equal(compareGroups([{ ...runs[0]!, config: {} } as StoredRun], [{}]), null, 'no runGroup: no group table');
});
