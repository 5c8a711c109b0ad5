import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../testing/data-helpers.js';
import { writeNifti } from './synth/write-nifti.js';
import { readBidsVolumes } from './bids-volumes.js';

const IDENTITY = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

async function bids(rows: string[], scans: string[]): Promise<string> {
  const root = await tempDir('alzbench-bids-');
  writeFileSync(join(root, 'participants.tsv'), `${rows.join('\n')}\n`);
  for (const scan of scans) {
    const path = join(root, scan);
    mkdirSync(join(path, '..'), { recursive: true });
    writeNifti(path, new Float32Array(8).fill(1), [2, 2, 2], IDENTITY);
  }
  return root;
}

test('one sample per session, labelled from participants.tsv, split by person (given or drawn, stratified)', async () => {
  const root = await bids(
    ['participant_id\tgroup\tsplit', 'sub-01\tCN\ttrain', 'sub-02\tAD\ttest', 'sub-03\tAD\ttrain'],
    ['sub-01/ses-1/anat/sub-01_ses-1_T1w.nii.gz', 'sub-01/ses-2/anat/sub-01_ses-2_T1w.nii.gz', 'sub-02/anat/sub-02_T1w.nii', 'sub-03/anat/sub-03_T1w.nii.gz'],
  );
  const data = readBidsVolumes(root);
  assert.deepEqual(data.classes, ['AD', 'CN']);
  assert.equal(data.splitSource, 'participants.tsv');
  assert.deepEqual(
    data.sessions.map((s) => [s.subject, s.session, s.label, s.split]),
    [
      ['sub-01', 'ses-1', 1, 'train'],
      ['sub-01', 'ses-2', 1, 'train'],
      ['sub-02', '', 0, 'test'],
      ['sub-03', '', 0, 'train'],
    ],
  );
  // Without a split column: drawn by person, every session of a person on one side.
  const many = await bids(
    ['participant_id\tdiagnosis', ...Array.from({ length: 10 }, (_, i) => `sub-${i}\t${i % 2 ? 'AD' : 'CN'}`)],
    Array.from({ length: 10 }, (_, i) => [`sub-${i}/ses-a/anat/sub-${i}_ses-a_T1w.nii.gz`, `sub-${i}/ses-b/anat/sub-${i}_ses-b_T1w.nii.gz`]).flat(),
  );
  const drawn = readBidsVolumes(many, { seed: 3 });
  assert.equal(drawn.splitSource, 'drawn');
  assert.equal(drawn.sessions.length, 20);
  for (const subject of new Set(drawn.sessions.map((s) => s.subject)))
    assert.equal(new Set(drawn.sessions.filter((s) => s.subject === subject).map((s) => s.split)).size, 1, subject);
  for (const cls of [0, 1]) assert.equal(new Set(drawn.sessions.filter((s) => s.label === cls && s.split === 'test').map((s) => s.subject)).size, 1);
  assert.deepEqual(readBidsVolumes(many, { seed: 3 }).sessions, drawn.sessions);
});

test('bad BIDS data sets are named errors: no participants.tsv, unlisted scans, listed people without a scan, bad rows', async () => {
  const empty = await tempDir('alzbench-bids-');
  assert.throws(() => readBidsVolumes(empty), /BIDS volume data set .*: no participants.tsv/);
  const bad1 = await bids(['participant_id\tgroup', 'sub-01\tCN'], ['sub-01/anat/sub-01_T1w.nii.gz', 'sub-02/anat/sub-02_T1w.nii.gz']);
  assert.throws(() => readBidsVolumes(bad1), /sub-02 has scans but no row in participants.tsv/);
  const bad2 = await bids(['participant_id\tgroup', 'sub-01\tCN', 'sub-02\tAD'], ['sub-01/anat/sub-01_T1w.nii.gz']);
  assert.throws(() => readBidsVolumes(bad2), /sub-02 is listed in participants.tsv but has no anat\/\*_T1w.nii\[.gz\]/);
  const bad3 = await bids(['participant_id\tgroup', 'sub-01\tn/a'], []);
  assert.throws(() => readBidsVolumes(bad3), /participants.tsv row 2: participant_id "sub-01", group "n\/a"/);
  const bad4 = await bids(['id\tgroup', 'sub-01\tCN'], []);
  assert.throws(() => readBidsVolumes(bad4), /participants.tsv has columns id, group; expected participant_id and group/);
});
