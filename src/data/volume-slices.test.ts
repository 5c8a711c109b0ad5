import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspectReport, textReport } from '../cli/commands/data-inspect.js';
import { openDataset } from './open-dataset.js';
import { prepareDataset } from './prepare.js';
import { tempDir } from '../testing/data-helpers.js';
import { sliceVolumeFile } from './volume-slices.js';
import { niftiBytes } from '../testing/test-volumes.js';

/** A 10x10x10 float32 "brain": a bright cube of values 100..199 in a NaN (or 0) background. */
function brain(background: number): Float32Array {
  const data = new Float32Array(1000).fill(background);
  for (let z = 2; z < 8; z++) for (let y = 2; y < 8; y++) for (let x = 2; x < 8; x++) data[x + 10 * (y + 10 * z)] = 100 + ((x * 7 + y * 13 + z * 17) % 100);
  return data;
}
const AFFINE = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

test('a NaN background is background: counted, out of the window, black in the slices (not a white silhouette)', async () => {
  const root = await tempDir();
  await writeFile(join(root, 'nan.nii'), niftiBytes({ shape: [10, 10, 10], data: brain(Number.NaN), affine: AFFINE }));
  await writeFile(join(root, 'zero.nii'), niftiBytes({ shape: [10, 10, 10], data: brain(0), affine: AFFINE }));
  const nan = await sliceVolumeFile(root, join(root, 'nan.nii'));
  const zero = await sliceVolumeFile(root, join(root, 'zero.nii'));
  assert.ok(nan.ok && zero.ok);
  assert.equal(nan.summary.nonFiniteCount, 1000 - 216);
  // The window of the 216 finite voxels, not of the 1000 with NaN sorted in.
  assert.ok(nan.summary.window[0] >= 100 && nan.summary.window[1] <= 199, `window ${nan.summary.window}`);
  const slice = nan.slices[1]!.raster.data;
  assert.equal(slice[0], 0, 'background pixel');
  // Only the 6x6 cube section is lit, spread over the gray range.
  assert.ok(Math.max(...slice) > 200 && slice.filter((p) => p > 0).length <= 36, `max ${Math.max(...slice)}, lit ${slice.filter((p) => p > 0).length}`);
  assert.equal(zero.summary.nonFiniteCount, 0);

  await writeFile(join(root, 'volumes.csv'), 'subject,label,path\ns1,NonDemented,nan.nii\ns2,MildDemented,zero.nii\n');
  const report = inspectReport(await prepareDataset(await openDataset(root), { grouping: 'subject' }));
  assert.deepEqual(report.volumes?.nonFiniteVoxels, { files: 1, voxels: 784 });
  assert.match(textReport(report), /784 NaN\/Inf voxels set to background in 1 file\(s\): nan\.nii \(784\)/);
});
