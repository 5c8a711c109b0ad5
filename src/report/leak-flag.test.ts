// The leak flag of compare and the dashboard follows the run's leakage audit: a test subject with
// a twin in train (the per-subject twin check), or identical slices across splits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/open-store.js';
import { readRunFolder } from '../store/read-run-folder.js';
import { updateRunRecord } from '../run-folder/run-folder.js';
import { writeFixtureRun } from '../testing/fixture-run.js';
import { compareRuns } from './compare.js';
import { leakFinding } from './leak-flag.js';

const twins = (test: number, val = 0) => ({
  unit: 'pseudo-subject',
  bySplit: [
    { split: 'val', subjects: 10, withTwinInTrain: val, share: val / 10, slices: 100, slicesWithTwin: 0 },
    { split: 'test', subjects: 40, withTwinInTrain: test, share: test / 40, slices: 400, slicesWithTwin: 0 },
  ],
  subjects: [],
});

test('leakFinding: test twins or exact cross-split duplicates, not validation twins alone', () => {
  assert.deepEqual(leakFinding({ exactAcrossSplits: {}, twins: twins(3) }), {
    testTwins: { withTwinInTrain: 3, subjects: 40, unit: 'pseudo-subject' },
    exactAcrossSplits: 0,
  });
  assert.equal(leakFinding({ exactAcrossSplits: {}, twins: twins(0, 2) }), null);
  assert.equal(leakFinding({ exactAcrossSplits: { 'train~test': 0 }, twins: twins(0) }), null);
  assert.deepEqual(leakFinding({ exactAcrossSplits: { 'train~test': 2, 'train~val': 1 } }), { testTwins: null, exactAcrossSplits: 3 });
  assert.equal(leakFinding(null), null);
});

test('compare flags a run whose audit found test subjects with a twin in train, and say how many', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-leak-'));
  const store = await openStore(join(dir, 'db.sqlite'));
  try {
    const runsDir = join(dir, 'runs');
    const clean = writeFixtureRun({ runsDir, id: 'clean', config: { epochs: 2, optimizer: 'adam' } });
    updateRunRecord(clean, { leakage: { exactAcrossSplits: {}, nearAcrossSplits: {}, closeToTrain: null, twins: twins(0, 1) } });
    const leaky = writeFixtureRun({ runsDir, id: 'leaky', config: { epochs: 2, optimizer: 'sgd' } });
    // No identical slices: only the per-subject twin check sees the leak.
    updateRunRecord(leaky, { leakage: { exactAcrossSplits: { 'train~test': 0 }, nearAcrossSplits: {}, closeToTrain: null, twins: twins(5) } });
    await store.putRun(readRunFolder(clean.dir));
    await store.putRun(readRunFolder(leaky.dir));
    const c = await compareRuns(store, ['clean', 'leaky']);
    const flags = Object.fromEntries(c.rows.map((r) => [r.id, r.flags]));
    assert.equal(flags.clean!.includes('leak'), false);
    assert.equal(flags.leaky!.includes('leak'), true);
    assert.ok(
      c.notes.some((n) => n.includes('leaky: 5 of 40 test pseudo-subjects have a twin in train')),
      c.notes.join('\n'),
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
