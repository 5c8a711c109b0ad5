/**
 * One split-size rule for slice and volume runs (split-sizes.ts): an empty training or validation
 * split is a named error before training; an empty test split trains and validates, says so in the
 * log and run.json's reason, writes no test files, and checks collapse on validation
 * (run-end.ts selectedCollapsed). Tiny data: 8x8x8 volumes (padded to simple_cnn_3d's 16x16x16) and 24-pixel slices, one epoch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { computeMetrics, headline } from '../eval/metrics.js';
import { readRunRecord } from '../run-folder/run-files.js';
import { tempDir } from '../testing/data-helpers.js';
import { niftiBytes } from '../testing/test-volumes.js';
import { toyVolume } from '../testing/toy-volumes.js';
import { expectNoLeaksAsync, writeToyDataset } from '../testing/train-helpers.js';
import type { EpochRecord, TrainEvent } from './events.js';
import { selectedCollapsed } from './run-end.js';
import { checkSplitSizes } from './split-sizes.js';
import type { TestReport } from './test-phase.js';
import { train } from './trainer.js';

const counts = (train: number, val: number, test: number) => ({ train, val, test });

test('the rule: empty training or validation is a named error, empty test a note, a full split nothing', () => {
  const people = { sampleNoun: 'sessions', groupNoun: 'people', source: 'drawn' };
  assert.equal(checkSplitSizes({ ...people, samples: counts(6, 2, 2), groups: counts(6, 2, 2) }), null);
  assert.throws(() => checkSplitSizes({ ...people, samples: counts(4, 0, 2), groups: counts(4, 0, 2) }), {
    message: 'The split (drawn) left 4 people in training, 0 in validation and 2 in test',
    hint: 'validation selects the best epoch, so training and validation both need people: use a data set with more people, or a split that puts some in each',
    exitCode: 2,
  });
  // Slices grouped by subject: the units are subjects, the slices are counted beside them.
  assert.throws(
    () => checkSplitSizes({ sampleNoun: 'slices', groupNoun: 'subjects', source: 'subject grouping', samples: counts(0, 6, 2), groups: counts(0, 3, 1) }),
    { message: 'The split (subject grouping) left 0 subjects in training, 3 in validation and 1 in test (0, 6 and 2 slices)' },
  );
  assert.equal(
    checkSplitSizes({ ...people, source: 'participants.tsv', samples: counts(7, 2, 0), groups: counts(6, 2, 0) }),
    'no test people: the split (participants.tsv) put all 8 people in training and validation, so this run has no test metrics, predictions or Grad-CAM; for held-out figures use more people, a split with test people, or --folds K',
  );
});

test('the selected model collapsed: on test when tested, else on the selected epoch’s validation', () => {
  const record = (epoch: number, collapsed: boolean) => ({ epoch, collapsed }) as EpochRecord;
  const history = [record(1, true), record(2, false)];
  assert.equal(selectedCollapsed(null, history, 1), true);
  assert.equal(selectedCollapsed(null, history, 2), false);
  assert.equal(selectedCollapsed(null, [], null), false);
  const m = computeMetrics([0, 1], [0.9, 0.1, 0.2, 0.8], ['AD', 'CN']);
  const report = (collapsed: boolean) => ({ best: { epoch: 1, metrics: m, headline: headline(m), collapsed, ci: null } }) as unknown as TestReport;
  assert.equal(selectedCollapsed(report(false), history, 1), false, 'the test split decides when there is one');
  assert.equal(selectedCollapsed(report(true), history, 2), true);
});

/**
 * A BIDS folder of 8x8x8 volumes, `rows` = [group, split] per person; `identical` gives every
 * person the same volume (a model can then predict only one class).
 */
async function writeVolumes(rows: readonly (readonly [string, string])[], identical: boolean): Promise<string> {
  const root = await tempDir('alzbench-split-sizes-');
  const affine = [2, 0, 0, -8, 0, 2, 0, -8, 0, 0, 2, -8, 0, 0, 0, 1];
  const lines = ['participant_id\tgroup\tsplit'];
  for (const [i, [group, split]] of rows.entries()) {
    const id = `sub-${String(i + 1).padStart(2, '0')}`;
    await mkdir(join(root, id, 'anat'), { recursive: true });
    const data = toyVolume(8, identical ? 2 : group === 'NonDemented' ? 1 : 3, identical ? 1 : i + 1);
    await writeFile(join(root, id, 'anat', `${id}_T1w.nii`), niftiBytes({ shape: [8, 8, 8], data, affine }));
    lines.push(`${id}\t${group}\t${split}`);
  }
  await writeFile(join(root, 'participants.tsv'), `${lines.join('\n')}\n`);
  return root;
}

const volumeRun = { input: 'volume', task: 'folders', widths: [4], volumeShape: '16x16x16', epochs: 1, batchSize: 4, bootstrap: 0, camSamples: 0 } as const;

test('a volume run whose participants.tsv holds no one out trains, validates, says it has no test figures and checks collapse on validation', async () => {
  const rows = (['NonDemented', 'MildDemented'] as const).flatMap((g) => [
    [g, 'train'],
    [g, 'train'],
    [g, 'train'],
    [g, 'val'],
  ]) as [string, string][];
  const data = await writeVolumes(rows, true);
  const runsDir = await tempDir('alzbench-split-sizes-runs-');
  const messages: string[] = [];
  const onEvent = (e: TrainEvent) => (e.type === 'message' ? messages.push(e.text) : undefined);
  const result = await expectNoLeaksAsync(() => train({ ...volumeRun, data, runsDir }, { handleSignals: false, onEvent }));
  const note =
    'no test people: the split (participants.tsv) put all 8 people in training and validation, so this run has no test metrics, predictions or Grad-CAM; for held-out figures use more people, a split with test people, or --folds K';
  const collapse = 'the selected model (epoch 1) predicts one class for at least 95 % of validation sessions';
  // Every person has the same volume: the model predicts one class, found on validation.
  assert.equal(result.status, 'collapsed');
  assert.equal(result.reason, `${collapse}; ${note}`);
  assert.equal(result.test, null);
  assert.equal(result.epochsDone, 1);
  assert.ok(messages.includes(note), 'said before training');
  assert.ok(messages.includes(`COLLAPSED: ${collapse}`));
  const record = readRunRecord(join(result.dir, 'run.json'));
  assert.equal(record.status, 'collapsed');
  assert.equal(record.reason, `${collapse}; ${note}`);
  assert.deepEqual(record.collapse, { epochs: [1], final: true });
  assert.equal(record.test, undefined);
  for (const file of ['test.json', 'predictions.csv']) assert.equal(existsSync(join(result.dir, file)), false, file);
  assert.ok(existsSync(join(result.dir, 'checkpoints', 'best.ckpt')));
});

test('a volume run whose drawn split leaves no validation people is a named error before training', async () => {
  // Two people per class, no split column: 20 % of each class is 0 people for test and for validation.
  const data = await writeVolumes(
    [
      ['NonDemented', 'train'],
      ['NonDemented', 'train'],
      ['MildDemented', 'train'],
      ['MildDemented', 'train'],
    ],
    false,
  );
  await writeFile(
    join(data, 'participants.tsv'),
    'participant_id\tgroup\nsub-01\tNonDemented\nsub-02\tNonDemented\nsub-03\tMildDemented\nsub-04\tMildDemented\n',
  );
  const runsDir = await tempDir('alzbench-split-sizes-runs-');
  await expectNoLeaksAsync(() =>
    assert.rejects(train({ ...volumeRun, data, runsDir }, { handleSignals: false }), {
      message: 'The split (drawn) left 4 people in training, 0 in validation and 0 in test',
      exitCode: 2,
    }),
  );
});

test('a slice run follows the same rule: too few subjects for validation is the named error; no test subjects the same note and collapse on validation', async () => {
  const slices = { task: 'binary', widths: [4], epochs: 1, batchSize: 8, bootstrap: 0, camSamples: 0 };
  const runsDir = await tempDir('alzbench-split-sizes-runs-');
  const tooFew = await writeToyDataset({ subjectsPerClass: 2, slices: 2, size: 24 });
  await assert.rejects(train({ ...slices, data: tooFew, runsDir }, { handleSignals: false }), {
    message: 'The split (subject grouping) left 4 subjects in training, 0 in validation and 0 in test (8, 0 and 0 slices)',
    exitCode: 2,
  });
  // 4 subjects per class: the 80/10/10 split by subject puts 3 + 1 of each class in training and validation, none in test.
  const noTest = await writeToyDataset({ subjectsPerClass: 4, slices: 2, size: 24, identical: true });
  const result = await expectNoLeaksAsync(() => train({ ...slices, data: noTest, runsDir }, { handleSignals: false }));
  const note =
    'no test subjects: the split (subject grouping) put all 8 subjects in training and validation, so this run has no test metrics, predictions or Grad-CAM; for held-out figures use more subjects, a split with test subjects, or --folds K';
  assert.equal(result.status, 'collapsed');
  assert.equal(result.reason, `the selected model (epoch 1) predicts one class for at least 95 % of validation slices; ${note}`);
  assert.equal(result.test, null);
  assert.equal(readRunRecord(join(result.dir, 'run.json')).reason, result.reason);
  assert.equal(existsSync(join(result.dir, 'test.json')), false);
});
