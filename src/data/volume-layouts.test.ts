// The BIDS and OASIS volume layouts, on folders made here from the tiny fixture volumes.
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { canonicalClass } from './classes.js';
import { parseCsv, parseDecimal, parseTable } from '../util/csv.js';
import { openDataset } from './open-dataset.js';
import { tempDir } from '../testing/data-helpers.js';

const FIXTURES = fileURLToPath(new URL('../../src/data/volume/fixtures/', import.meta.url));

async function put(from: string, to: string) {
  await mkdir(dirname(to), { recursive: true });
  await copyFile(join(FIXTURES, from), to);
}

test('BIDS: subject and session from the folders, diagnosis from participants.tsv or, by flag, sessions.tsv', async () => {
  const root = await tempDir();
  await put('int16_le.nii', join(root, 'sub-01/ses-M00/anat/sub-01_ses-M00_T1w.nii'));
  await put('nifti2_be.nii.gz', join(root, 'sub-01/ses-M12/anat/sub-01_ses-M12_T1w.nii.gz'));
  await put('int16_le.nii', join(root, 'sub-01/ses-M12/anat/sub-01_ses-M12_FLAIR.nii'));
  await put('qform_only.nii', join(root, 'sub-02/anat/sub-02_T1w.nii'));
  await put('int16_le.nii', join(root, 'sub-03/anat/sub-03_T1w.nii'));
  await writeFile(
    join(root, 'participants.tsv'),
    'participant_id\tsex\tdiagnosis\tcdr\nsub-01\tF\tNonDemented\t0\nsub-02\tM\tMildDemented\t1\nsub-03\tM\tn/a\tn/a\n',
  );
  await writeFile(join(root, 'sub-01/sub-01_sessions.tsv'), 'session_id\tcdr\nses-M00\t0\nses-M12\t0.5\n');
  await mkdir(join(root, 'derivatives'));

  const dataset = await openDataset(root);
  assert.equal(dataset.layout, 'bids');
  // 5x4x3 volumes: the default range (0.3-0.7 of z) is the one slice z=1; qform_only is SPR, 3x4x5 in RAS+: z=2, 3.
  assert.deepEqual(
    dataset.items.map((i) => [i.id, i.subject, i.session, i.sourceClass]),
    [
      ['sub-01/ses-M00/anat/sub-01_ses-M00_T1w.nii#z=1', 'sub-01', 'ses-M00', 'NonDemented'],
      ['sub-01/ses-M12/anat/sub-01_ses-M12_T1w.nii.gz#z=1', 'sub-01', 'ses-M12', 'NonDemented'],
      ['sub-02/anat/sub-02_T1w.nii#z=2', 'sub-02', undefined, 'MildDemented'],
      ['sub-02/anat/sub-02_T1w.nii#z=3', 'sub-02', undefined, 'MildDemented'],
    ],
  );
  assert.deepEqual(dataset.problems, [
    { kind: 'unlabelled', path: 'sub-03/anat/sub-03_T1w.nii', detail: 'diagnosis "n/a" in column diagnosis is empty or n/a' },
  ]);
  assert.equal(dataset.subjectSourceDetail, 'BIDS folders sub-*/ses-* (subject, session); diagnosis column "diagnosis" of participants.tsv');
  assert.deepEqual(
    dataset.volumes?.map((v) => v.sourceAxcodes),
    ['LAS', 'LAS', 'SPR'],
  );

  const byCdr = await openDataset(root, { diagnosisColumn: 'CDR' });
  assert.deepEqual(
    byCdr.items.map((i) => i.sourceClass),
    ['NonDemented', 'VeryMildDemented', 'MildDemented', 'MildDemented'],
  );
  assert.match(byCdr.subjectSourceDetail!, /diagnosis column "cdr" of sub-\*_sessions\.tsv \(1 subjects\) and participants\.tsv/);
  await assert.rejects(
    openDataset(root, { diagnosisColumn: 'dx' }),
    /No column "dx" in participants\.tsv or sub-\*_sessions\.tsv of .*; columns: participant_id, sex, diagnosis, cdr, session_id/,
  );
});

test('BIDS: a split column in participants.tsv fixes who is held out (the split readBidsVolumes uses), a bad value is named', async () => {
  const root = await tempDir();
  await put('int16_le.nii', join(root, 'sub-01/anat/sub-01_T1w.nii'));
  await put('int16_le.nii', join(root, 'sub-02/anat/sub-02_T1w.nii'));
  await put('int16_le.nii', join(root, 'sub-03/anat/sub-03_T1w.nii'));
  await writeFile(
    join(root, 'participants.tsv'),
    'participant_id\tgroup\tsplit\nsub-01\tNonDemented\ttrain\nsub-02\tMildDemented\tTest\nsub-03\tNonDemented\tn/a\n',
  );
  const dataset = await openDataset(root);
  assert.deepEqual(
    dataset.items.map((i) => [i.subject, i.sourceSplit]),
    [
      ['sub-01', 'train'],
      ['sub-02', 'test'],
      ['sub-03', undefined],
    ],
  );
  await writeFile(
    join(root, 'participants.tsv'),
    'participant_id\tgroup\tsplit\nsub-01\tNonDemented\ttrain\nsub-02\tMildDemented\tholdout\nsub-03\tNonDemented\ttest\n',
  );
  await assert.rejects(openDataset(root), /Expected train, val, test or n\/a in the split column of .*participants\.tsv for sub-02 but received "holdout"/);
});

test('OASIS-1: one image per session (the masked atlas image), CDR from oasis_cross-sectional.csv, subject and session from the names', async () => {
  const root = await tempDir();
  for (const s of ['OAS1_0001_MR1', 'OAS1_0002_MR1', 'OAS1_0002_MR2', 'OAS1_0003_MR1']) {
    await put('analyze.hdr', join(root, 'disc1', s, 'RAW', `${s}_mpr-1_anon.hdr`));
    await put('analyze.img', join(root, 'disc1', s, 'RAW', `${s}_mpr-1_anon.img`));
    await put('pair.hdr', join(root, 'disc1', s, 'PROCESSED/MPRAGE/T88_111', `${s}_mpr_n4_anon_111_t88_masked_gfc.hdr`));
    await put('pair.img', join(root, 'disc1', s, 'PROCESSED/MPRAGE/T88_111', `${s}_mpr_n4_anon_111_t88_masked_gfc.img`));
    await put('pair.hdr', join(root, 'disc1', s, 'FSL_SEG', `${s}_mpr_n4_anon_111_t88_masked_gfc_fseg.hdr`));
  }
  await writeFile(
    join(root, 'oasis_cross-sectional.csv'),
    'ID,M/F,Hand,Age,Educ,SES,MMSE,CDR,eTIV,nWBV,ASF,Delay\nOAS1_0001_MR1,F,R,74,2,3,29,0,1344,0.743,1.306,N/A\nOAS1_0002_MR1,F,R,55,4,1,29,0.5,1147,0.81,1.531,N/A\nOAS1_0002_MR2,F,R,55,4,1,29,1,1147,0.81,1.531,1\nOAS1_0003_MR1,F,R,23,,,,,1588,0.803,1.105,N/A\n',
  );
  const dataset = await openDataset(root);
  assert.equal(dataset.layout, 'oasis');
  assert.deepEqual(
    dataset.items.map((i) => [i.subject, i.session, i.sourceClass, i.id.split('/').pop()]),
    [
      ['OAS1_0001', 'MR1', 'NonDemented', 'OAS1_0001_MR1_mpr_n4_anon_111_t88_masked_gfc.hdr#z=1'],
      ['OAS1_0002', 'MR1', 'VeryMildDemented', 'OAS1_0002_MR1_mpr_n4_anon_111_t88_masked_gfc.hdr#z=1'],
      ['OAS1_0002', 'MR2', 'MildDemented', 'OAS1_0002_MR2_mpr_n4_anon_111_t88_masked_gfc.hdr#z=1'],
    ],
  );
  assert.deepEqual(
    dataset.problems.map((p) => [p.kind, p.detail]),
    [['unlabelled', 'no CDR for OAS1_0003_MR1 in oasis_cross-sectional.csv (OASIS-1 gives none for its controls under 60)']],
  );
  assert.match(
    dataset.subjectSourceDetail!,
    /^OASIS names \(OAS1_0001_MR1: subject OAS1_0001, session MR1\); CDR from oasis_cross-sectional\.csv; one image per session \(t88_masked_gfc\)$/,
  );
});

test("OASIS-2: raw Analyze pairs, and a demographic CSV saved with ';', decimal commas and CR line endings", async () => {
  const root = await tempDir();
  for (const s of ['OAS2_0001_MR1', 'OAS2_0001_MR2', 'OAS2_0002_MR1']) {
    await put('spm_origin_be.hdr', join(root, 'OAS2_RAW_PART1', s, 'RAW', 'mpr-1.nifti.hdr'));
    await put('spm_origin_be.img', join(root, 'OAS2_RAW_PART1', s, 'RAW', 'mpr-1.nifti.img'));
    await put('spm_origin_be.hdr', join(root, 'OAS2_RAW_PART1', s, 'RAW', 'mpr-2.nifti.hdr'));
    await put('spm_origin_be.img', join(root, 'OAS2_RAW_PART1', s, 'RAW', 'mpr-2.nifti.img'));
  }
  const csv = [
    'Subject ID;MRI ID;Group;Visit;MR Delay;M/F;Hand;Age;EDUC;SES;MMSE;CDR;eTIV;nWBV;ASF',
    'OAS2_0001;OAS2_0001_MR1;Nondemented;1;0;M;R;87;14;2;27;0;1987;0,696;0,883',
    'OAS2_0001;OAS2_0001_MR2;Nondemented;2;457;M;R;88;14;2;30;0,5;2004;0,681;0,876',
    'OAS2_0002;OAS2_0002_MR1;Demented;1;0;M;R;75;12;;23;2;1678;0,736;1,046',
  ].join('\r');
  await writeFile(join(root, 'oasis_longitudinal.csv'), csv);
  const dataset = await openDataset(root);
  assert.equal(dataset.layout, 'oasis');
  assert.deepEqual(
    dataset.items.map((i) => [i.subject, i.session, i.sourceClass, i.id]),
    [
      ['OAS2_0001', 'MR1', 'NonDemented', 'OAS2_RAW_PART1/OAS2_0001_MR1/RAW/mpr-1.nifti.hdr#z=1'],
      ['OAS2_0001', 'MR2', 'VeryMildDemented', 'OAS2_RAW_PART1/OAS2_0001_MR2/RAW/mpr-1.nifti.hdr#z=1'],
      ['OAS2_0002', 'MR1', 'ModerateDemented', 'OAS2_RAW_PART1/OAS2_0002_MR1/RAW/mpr-1.nifti.hdr#z=1'],
    ],
  );
  assert.deepEqual(dataset.problems, []);
  assert.match(dataset.subjectSourceDetail!, /CDR from oasis_longitudinal\.csv \(";"-separated\); one image per session \(mpr-1\)/);
});

test('OASIS sessions without a demographic table are an error that says what to add', async () => {
  const root = await tempDir();
  await put('pair.hdr', join(root, 'OAS1_0001_MR1/RAW/OAS1_0001_MR1_mpr-1_anon.hdr'));
  await put('pair.img', join(root, 'OAS1_0001_MR1/RAW/OAS1_0001_MR1_mpr-1_anon.img'));
  await writeFile(join(root, 'oasis_longitudinal_demographics.xlsx'), 'PK');
  await assert.rejects(openDataset(root), (e: Error & { hint?: string }) => {
    assert.match(e.message, /OASIS sessions found in .* \(1, e\.g\. OAS1_0001_MR1\) but no demographic CSV with an ID \(or MRI ID\) column and a CDR column/);
    assert.match(e.hint!, /^save oasis_longitudinal_demographics\.xlsx as CSV, or put oasis_cross-sectional\.csv/);
    return true;
  });
});

test('delimited tables: delimiter detection, CR line endings, decimal commas', () => {
  assert.deepEqual(parseTable('a;b;c\r1;2,5;"x;y"\r'), { header: ['a', 'b', 'c'], rows: [['1', '2,5', 'x;y']], delimiter: ';' });
  assert.equal(parseTable('participant_id\tdx\nsub-01\tAD\n').delimiter, '\t');
  assert.deepEqual(parseCsv('a,b\n1,2'), [
    ['a', 'b'],
    ['1', '2'],
  ]);
  assert.deepEqual(['0,5', '1.5', '', ' 2 ', 'x', '-0,25'].map(parseDecimal), [0.5, 1.5, NaN, 2, NaN, -0.25]);
});

test('volumes in class folders: class from the folder, subject from BIDS, OASIS or ADNI IDs in the names, else one per volume', async () => {
  const root = await tempDir();
  await put('int16_le.nii', join(root, 'train/AD/002_S_0295_2006-04-18.nii'));
  await put('int16_be.nii.gz', join(root, 'train/AD/002_S_0295_2007-05-01.nii.gz'));
  await put('pair.hdr', join(root, 'train/CN/OAS1_0004_MR1/mpr-1.hdr'));
  await put('pair.img', join(root, 'train/CN/OAS1_0004_MR1/mpr-1.img'));
  await put('nifti2_le.nii', join(root, 'test/CN/sub-07/anat/sub-07_ses-02_T1w.nii'));
  await put('uint8_le.nii', join(root, 'test/AD/scan_a.nii'));
  await writeFile(join(root, 'test/AD/notes.txt'), 'scanner notes');
  const dataset = await openDataset(root);
  assert.equal(dataset.layout, 'volume-folders');
  // Class names go through canonicalClass (its synonyms decide what AD and CN become).
  const [ad, cn] = [canonicalClass('AD'), canonicalClass('CN')];
  assert.deepEqual(
    dataset.items.map((i) => [i.sourceSplit, i.sourceClass, i.subject, i.session]),
    [
      ['test', ad, 'scan_a', undefined],
      ['test', cn, 'sub-07', 'ses-02'],
      ['train', ad, '002_S_0295', undefined],
      ['train', ad, '002_S_0295', undefined],
      ['train', cn, 'OAS1_0004', 'MR1'],
    ],
  );
  assert.deepEqual(
    dataset.problems.map((p) => [p.kind, p.path]),
    [['not-image', 'test/AD/notes.txt']],
  );
  assert.equal(
    dataset.subjectSourceDetail,
    'IDs in file and folder names (BIDS sub-<label>, ADNI 002_S_0295, OASIS OAS1_0001_MR1); 1 volume(s) with no ID in their names, each taken as its own subject',
  );
});
