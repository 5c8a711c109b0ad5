// `alzbench data inspect` on the real inputs of ../shared/cases gives each CASE.md's expected result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { openDataset } from '../../data/open-dataset.js';
import { EmptyDataError, prepareDataset } from '../../data/prepare.js';
import { sourcePath } from '../../testing/tensor-helpers.js';
import { inspectReport } from './data-inspect.js';

const CASES = sourcePath('../shared/cases');
const skip = existsSync(CASES) ? false : 'needs ../shared/cases';

async function inspect(rel: string, task?: string) {
  const prepared = await prepareDataset(await openDataset(`${CASES}/${rel}`), task ? { task } : {});
  return inspectReport(prepared);
}
async function inspectEmpty(rel: string, task?: string) {
  try {
    await prepareDataset(await openDataset(`${CASES}/${rel}`), task ? { task } : {});
  } catch (error) {
    if (error instanceof EmptyDataError) return { error, report: inspectReport(error.prepared) };
    throw error;
  }
  assert.fail(`${rel}: expected an EmptyDataError`);
}
const counts = (r: Awaited<ReturnType<typeof inspect>>) => Object.fromEntries(Object.entries(r.counts).map(([c, n]) => [c, [n.train + n.val, n.test]]));

test('02: a macOS zip (__MACOSX/, ._*) stays the Kaggle 4-class layout', { skip }, async () => {
  const r = await inspect('02-macosx-zip-extract/data');
  assert.deepEqual([r.layout, r.task, r.ownSplits.sort(), r.problems.counts], ['kaggle-4class', '4class', ['test', 'train'], {}]);
  assert.deepEqual(counts(r), { MildDemented: [0, 179], ModerateDemented: [52, 12] });
  assert.ok(r.notes.some((n) => n.startsWith('ignored 2 archive/desktop metadata entries')));
  const test = await inspect('02-macosx-zip-extract/data/Test');
  assert.deepEqual([test.layout, test.slices, test.problems.counts], ['kaggle-4class', 191, {}]);
});

test('03: sibling full class sets are refused with the choices; LFS pointers are named; no usable slice is an error', { skip }, async () => {
  await assert.rejects(openDataset(`${CASES}/03-augmented-wrapper-lfs/data/raw`), (error: Error & { hint: string; exitCode: number }) => {
    assert.match(error.message, /that each hold a full class set: AugmentedAlzheimerDataset, OriginalDataset\. They are separate sources/);
    assert.match(error.hint, /data inspect ".*\/raw\/OriginalDataset"/);
    assert.equal(error.exitCode, 2);
    return true;
  });
  const original = await inspect('03-augmented-wrapper-lfs/data/raw/OriginalDataset');
  assert.deepEqual([original.layout, original.slices, original.sizes], ['kaggle-4class', 24, { '176x208': 24 }]);
  const { error, report } = await inspectEmpty('03-augmented-wrapper-lfs/data/raw/AugmentedAlzheimerDataset');
  assert.equal(error.exitCode, 2);
  assert.match(error.message, /^No readable slice in .*AugmentedAlzheimerDataset \(layout kaggle-4class\): 24 listed, problems: 24 lfs-pointer/);
  assert.match(error.hint!, /git lfs pull/);
  assert.deepEqual([report.slices, report.problems.counts], [0, { 'lfs-pointer': 24 }]);
});

test('04: parquet files that are LFS pointers: exit 2 naming both with their real sizes', { skip }, async () => {
  const { error, report } = await inspectEmpty('04-hf-parquet-lfs-pointers/Alzheimer_MRI');
  assert.equal(report.layout, 'parquet');
  assert.deepEqual(
    report.problems.items.map((p) => [p.kind, p.path, /real file ([\d,]+) bytes/.exec(p.detail)?.[1]]),
    [
      ['lfs-pointer', 'data/test-00000-of-00001-44110b9df98c5585.parquet', '5,645,961'],
      ['lfs-pointer', 'data/train-00000-of-00001-c08a401c53fe5312.parquet', '22,643,887'],
    ],
  );
  assert.match(error.hint!, /git lfs pull/);
  // The CLI prints the report, then the error, and exits 2.
  const cli = spawnSync(process.execPath, [sourcePath('bin/alzbench.js'), 'data', 'inspect', `${CASES}/04-hf-parquet-lfs-pointers/Alzheimer_MRI`, '--json'], {
    encoding: 'utf8',
  });
  assert.equal(cli.status, 2);
  assert.equal(JSON.parse(cli.stdout).slices, 0);
  assert.match(cli.stderr, /error: No readable slice/);
});

test('05: Hub parquet, the Hub auto-converted layout (<config>/<split>/0000.parquet) and a pandas export', { skip }, async () => {
  const want = { MildDemented: [4, 3], ModerateDemented: [4, 3], NonDemented: [4, 3], VeryMildDemented: [4, 3] };
  for (const layout of ['hf-data-layout', 'hf-convert-layout']) {
    const r = await inspect(`05-hf-parquet-layouts/${layout}`);
    assert.deepEqual(
      [r.layout, r.ownSplits.sort(), r.sizes, r.problems.counts, counts(r)],
      ['parquet', ['test', 'train'], { '176x208': 28 }, {}, want],
      layout,
    );
  }
  const pandas = await inspect('05-hf-parquet-layouts/pandas-export');
  assert.deepEqual([pandas.layout, pandas.ownSplits, pandas.slices, pandas.sizes], ['parquet', [], 28, { '176x208': 28 }]);
});

test('10 and 11: decoded sizes and exactly the broken files as problems', { skip }, async () => {
  const jpeg = await inspect('10-jpeg-cmyk-exif-truncated/data');
  assert.deepEqual(jpeg.sizes, { '600x450': 8, '500x333': 1 });
  assert.deepEqual(
    jpeg.problems.items
      .filter((p) => p.kind !== 'mixed-sizes')
      .map((p) => p.path)
      .sort(),
    ['broken/corrupt-header.jpg', 'broken/truncated.jpg'],
  );
  const bmp = await inspect('11-bmp-png-decoders/data');
  assert.deepEqual(
    bmp.problems.items
      .filter((p) => p.kind !== 'mixed-sizes')
      .map((p) => [p.kind, p.path])
      .sort(),
    [
      ['not-image', 'png/broken.png'],
      ['truncated', 'png/truncated.png'],
    ],
  );
  assert.equal(bmp.slices, 35);
  assert.ok(bmp.notes.some((n) => n.includes('i_trns.png: 16-bit image uses 8 of 16 bits')));
});

test('14: Best Alzheimer MRI, OASIS and ADNI class names; MCI left out of binary and said so; a one-class task is an error', { skip }, async () => {
  const impairment = await inspect('14-class-folder-names/impairment');
  assert.deepEqual(
    [impairment.layout, impairment.task, counts(impairment)],
    ['kaggle-4class', '4class', { MildDemented: [0, 3], ModerateDemented: [0, 3], NonDemented: [0, 3], VeryMildDemented: [0, 3] }],
  );
  assert.equal(impairment.classNames['No Impairment'], 'NonDemented');
  assert.deepEqual(counts(await inspect('14-class-folder-names/impairment', 'binary')), { Alzheimer: [0, 9], NonAlzheimer: [0, 3] });
  const oasis = await inspect('14-class-folder-names/oasis-names', 'binary');
  assert.deepEqual([oasis.slices, oasis.classes], [12, ['Alzheimer', 'NonAlzheimer']]);
  assert.deepEqual(Object.fromEntries(Object.entries(oasis.counts).map(([c, n]) => [c, n.train + n.val + n.test])), { Alzheimer: 9, NonAlzheimer: 3 });
  const adni = await inspect('14-class-folder-names/adni-names', 'binary');
  assert.deepEqual([adni.slices, adni.excluded], [6, { MCI: 3 }]);
  assert.ok(adni.notes.some((n) => n.includes('3 slice(s) of MCI left out by task binary: mild cognitive impairment is neither Alzheimer nor NonAlzheimer')));
  const mapped = await inspect(
    '14-class-folder-names/impairment',
    'map:No Impairment=normal,Very Mild Impairment=ad,Mild Impairment=ad,Moderate Impairment=ad',
  );
  assert.deepEqual(counts(mapped), { ad: [0, 9], normal: [0, 3] });
  const { error } = await inspectEmpty('14-class-folder-names/adni-names', 'map:AD=ad,MCI=ad,XYZ=normal');
  assert.equal(
    error.message,
    'Task map:AD=ad,MCI=ad,XYZ=normal keeps no slice of normal. Classes found: Alzheimer (from "AD"): 3 readable; NonAlzheimer (from "CN"): 3 readable; MCI: 3 readable. Mapping tried: Alzheimer -> ad, NonAlzheimer -> left out, MCI -> ad',
  );
});
