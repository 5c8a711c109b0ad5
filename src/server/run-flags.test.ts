// The dashboard's warning flags use compare's leak rule (report/leak-flag.ts): the audit's
// per-subject twins, not only identical slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredRun } from '../store/types.js';
import { runFlags } from './views.js';

const run = (leakage: Record<string, unknown> | null) => ({ id: 'r', status: 'done', test: { best: { collapsed: false } }, leakage }) as unknown as StoredRun;
const twins = (inTest: number) => ({ unit: 'subject', bySplit: [{ split: 'test', subjects: 12, withTwinInTrain: inTest }], subjects: [] });

test('runFlags: leak when a test subject has a twin in train, even without identical slices', () => {
  assert.deepEqual(runFlags(run({ exactAcrossSplits: {}, twins: twins(2) })), ['leak']);
  assert.deepEqual(runFlags(run({ exactAcrossSplits: {}, twins: twins(0) })), []);
  assert.deepEqual(runFlags(run({ exactAcrossSplits: { 'train~test': 1 } })), ['leak']);
  assert.deepEqual(runFlags(run(null)), []);
});
