// `data inspect` on the shared NIfTI cases (../shared/cases, beside the checkout), against the
// values in each case's CASE.md and expected/ files (computed with nibabel 5.4).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import sharp from 'sharp';
import { inspectReport } from '../cli/commands/data-inspect.js';
import { openDataset } from './open-dataset.js';
import { prepareDataset } from './prepare.js';
import { sliceVolumeFile } from './volume-slices.js';

const CASES = fileURLToPath(new URL('../../../shared/cases/', import.meta.url));
const skip = !existsSync(join(CASES, '08-nifti-headers-4d-pair')) && 'needs ../shared/cases';

async function inspect(dir: string, sliceRange?: { from: number; to: number }) {
  const dataset = await openDataset(join(CASES, dir, 'data'), sliceRange ? { sliceRange } : {});
  return inspectReport(await prepareDataset(dataset, {}));
}

test('case 06: all four big- and little-endian volumes read; 65 slices, 9 exact duplicate pairs, no problems', { skip }, async () => {
  const report = await inspect('06-nifti-big-endian');
  assert.equal(report.layout, 'nifti-csv');
  assert.equal(report.slices, 65);
  assert.deepEqual(report.sizes, { '64x64': 18, '91x109': 37, '33x41': 10 });
  assert.deepEqual(report.problems.items, []);
  assert.equal(report.audit.exact.pairs, 9);
  assert.deepEqual(report.subjects, { kind: 'reader', detail: 'subjects.csv (subject column "subject")', items: report.slices, subjects: 4, sessions: 0 });
  assert.deepEqual(report.volumes?.sourceAxcodes, { LAS: 4 });
  const windows = Object.fromEntries(report.volumes!.items.map((v) => [v.path.split('/').pop(), v.window]));
  // Windows (0.5/99.5 percentiles) as CASE.md gives them (float32 voxels).
  assert.deepEqual(windows['big.nii.gz'], [Math.fround(-2.6083524227142334), Math.fround(7.282225131988525)]);
  assert.deepEqual(windows['avg152T1_LR_nifti.nii.gz'], [2, 255]);
  assert.deepEqual(windows['anatomical.nii'], [750, 13016]);
  const all = await inspect('06-nifti-big-endian', { from: 0, to: 1000 });
  assert.deepEqual([all.slices, all.audit.exact.pairs], [158, 21]);
});

test('case 08: scaling, 4-D, NIfTI-2 and the gzipped pair read; 42 slices; the cut file is truncated, the non-NIfTI unreadable', { skip }, async () => {
  const report = await inspect('08-nifti-headers-4d-pair');
  assert.equal(report.slices, 42);
  assert.deepEqual(report.sizes, { '17x21': 1, '128x96': 10, '32x20': 4, '64x79': 27 });
  assert.deepEqual(
    report.problems.items.map((p) => [p.kind, p.path]),
    [
      ['unreadable', 'volumes/not-nifti.nii'],
      ['truncated', 'volumes/functional_cut20000.nii'],
    ],
  );
  assert.match(report.problems.items[1]!.detail, /^expected 42840 bytes of voxels \(17x21x3x20 int16\) after byte 352, got 19648/);
  assert.deepEqual(report.volumes?.firstVolumeOnly, { files: 3, droppedVolumes: 21 });
  assert.deepEqual(report.volumes?.sourceAxcodes, { LAS: 3, AIR: 1 });
  const functional = report.volumes!.items.find((v) => v.path === 'volumes/functional.nii')!;
  assert.deepEqual(functional.window, [Math.fround(1435.4742243289948), Math.fround(4975.906806766987)]);
});

// The expected PNGs: `*_as_alzbench_documents` are cut from the voxel array as stored (LAS), so
// our RAS+ slice is their mirror image; `air_axial_after_reorient` is already RAS+.
const PNGS: Array<[string, string, number, string, boolean]> = [
  ['06-nifti-big-endian', 'avg152T1_LR_nifti.nii.gz', 45, 'avg152T1_LR_nifti_z45_as_alzbench_documents.png', true],
  ['06-nifti-big-endian', 'big.nii.gz', 10, 'big_z10_as_alzbench_documents.png', true],
  ['06-nifti-big-endian', 'anatomical.nii', 13, 'anatomical_z13_as_alzbench_documents.png', true],
  ['08-nifti-headers-4d-pair', 'air.hdr.gz', 33, 'air_axial_after_reorient_z33.png', false],
  ['08-nifti-headers-4d-pair', 'functional.nii', 1, 'functional_z1_as_alzbench_documents.png', true],
  ['08-nifti-headers-4d-pair', 'example4d.nii.gz', 12, 'example4d_z12_as_alzbench_documents.png', true],
  ['08-nifti-headers-4d-pair', 'example_nifti2.nii.gz', 6, 'example_nifti2_z6_as_alzbench_documents.png', true],
];

for (const [dir, file, z, png, mirrored] of PNGS) {
  test(`case ${dir.slice(0, 2)}: axial slice z=${z} of ${file} is ${png}${mirrored ? ' mirrored left-right (LAS stored, RAS shown)' : ''}`, {
    skip,
  }, async () => {
    const root = join(CASES, dir, 'data');
    const result = await sliceVolumeFile(root, join(root, 'volumes', file), { sliceRange: { from: z, to: z + 1 } });
    assert.ok(result.ok);
    const slice = result.slices[0]!.raster;
    const { data, info } = await sharp(join(CASES, dir, 'expected', png))
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    assert.deepEqual([slice.width, slice.height], [info.width, info.height]);
    let worst = 0;
    for (let y = 0; y < info.height; y++) {
      for (let x = 0; x < info.width; x++) {
        const ours = slice.data[y * slice.width + (mirrored ? slice.width - 1 - x : x)]!;
        worst = Math.max(worst, Math.abs(ours - data[(y * info.width + x) * info.channels]!));
      }
    }
    // Windows from float32 voxels vs nibabel's float64 may move a pixel by one gray level.
    assert.ok(worst <= 1, `largest difference ${worst}`);
  });
}
