import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import sharp from 'sharp';
import { resolveTask } from './classes.js';
import { loadItems } from './load-items.js';
import { openDataset } from './open-dataset.js';
import { hasSample, SAMPLE_DIR, syntheticPixels, tempDir, writeImage, huggingFaceParquet } from '../testing/data-helpers.js';

test('Kaggle 4-class layout with train/ and test/ and file names with spaces and parentheses', async () => {
  const root = await tempDir();
  const classes = ['NonDemented', 'VeryMildDemented', 'MildDemented', 'ModerateDemented'];
  for (const [s, split] of ['train', 'test'].entries()) {
    for (const [c, cls] of classes.entries()) await writeImage(join(root, split, cls, `26 (${c + s * 4}).jpg`), syntheticPixels(c + s * 4));
  }
  const dataset = await openDataset(root);
  assert.equal(dataset.layout, 'kaggle-4class');
  assert.equal(dataset.defaultTask, '4class');
  assert.equal(dataset.items.length, 8);
  const item = dataset.items.find((i) => i.id === join('test', 'MildDemented', '26 (6).jpg'))!;
  assert.deepEqual([item.sourceClass, item.sourceSplit], ['MildDemented', 'test']);
  const { loaded } = await loadItems(dataset);
  assert.deepEqual([loaded[0]!.image.width, loaded[0]!.image.height, loaded[0]!.image.channels], [64, 72, 1]);
});

test('Kaggle binary layout and the binary task of a 4-class set', async () => {
  const root = await tempDir();
  await writeImage(join(root, 'Alzheimer', 'a.jpg'), syntheticPixels(1));
  await writeImage(join(root, 'Non Alzheimer', 'b.jpg'), syntheticPixels(2));
  const dataset = await openDataset(root);
  assert.equal(dataset.layout, 'kaggle-binary');
  assert.deepEqual(dataset.items.map((i) => i.sourceClass).sort(), ['Alzheimer', 'NonAlzheimer']);
  const binary = resolveTask('binary', []);
  assert.deepEqual(binary.classes, ['Alzheimer', 'NonAlzheimer']);
  assert.deepEqual(
    ['NonDemented', 'VeryMildDemented', 'MildDemented', 'ModerateDemented'].map((c) => binary.target(c)),
    ['NonAlzheimer', 'Alzheimer', 'Alzheimer', 'Alzheimer'],
  );
  const map = resolveTask('map:NonDemented=normal,Mild_Demented=dementia', []);
  assert.deepEqual([map.classes, map.target('MildDemented'), map.target('VeryMildDemented')], [['normal', 'dementia'], 'dementia', undefined]);
  assert.throws(() => resolveTask('3class', []), {
    message: 'Expected 4class, binary, folders or map:source=target,... for task but received "3class" of type string',
  });
});

test('128x128 preprocessed variant (Non_Demented, ...) and generic class folders', async () => {
  const root = await tempDir();
  for (const [i, cls] of ['Non_Demented', 'Very_Mild_Demented', 'Mild_Demented', 'Moderate_Demented'].entries()) {
    await writeImage(join(root, cls, `x${i}.png`), syntheticPixels(i, 128, 128), 128, 128);
  }
  const dataset = await openDataset(root);
  assert.equal(dataset.layout, 'preprocessed-128');
  assert.deepEqual(dataset.items.map((i) => i.sourceClass).sort(), ['MildDemented', 'ModerateDemented', 'NonDemented', 'VeryMildDemented']);
  const generic = await tempDir();
  await writeImage(join(generic, 'glioma', '1.png'), syntheticPixels(1));
  await writeImage(join(generic, 'healthy', '2.png'), syntheticPixels(2));
  const g = await openDataset(generic);
  assert.deepEqual(
    [g.layout, g.defaultTask, resolveTask(undefined, ['healthy', 'glioma'], g.defaultTask).classes],
    ['class-folders', 'folders', ['glioma', 'healthy']],
  );
});

test('Hugging Face parquet (Falah/Alzheimer_MRI layout: image.bytes, label 0 Mild .. 3 VeryMild)', async () => {
  const root = await tempDir();
  await mkdir(join(root, 'data'));
  const png = (seed: number) =>
    sharp(Buffer.from(syntheticPixels(seed)), { raw: { width: 64, height: 72, channels: 1 } })
      .png()
      .toBuffer();
  const images = await Promise.all([0, 1, 2, 3].map(png));
  const buffer = huggingFaceParquet(images, [0n, 1n, 2n, 3n]);
  await writeFile(join(root, 'data', 'train-00000-of-00001.parquet'), buffer);
  const dataset = await openDataset(root);
  assert.equal(dataset.layout, 'parquet');
  assert.deepEqual(
    dataset.items.map((i) => [i.id, i.sourceClass, i.sourceSplit]),
    [
      [join('data', 'train-00000-of-00001.parquet#0'), 'MildDemented', 'train'],
      [join('data', 'train-00000-of-00001.parquet#1'), 'ModerateDemented', 'train'],
      [join('data', 'train-00000-of-00001.parquet#2'), 'NonDemented', 'train'],
      [join('data', 'train-00000-of-00001.parquet#3'), 'VeryMildDemented', 'train'],
    ],
  );
  const { loaded } = await loadItems(dataset);
  assert.deepEqual(loaded[2]!.image.data, syntheticPixels(2));
});

/** A NIfTI-1 volume of uint8 voxels whose value at (x, y, z) is x + 2y + 10z (so slices are known). */
function niftiVolume(nx: number, ny: number, nz: number): Buffer {
  const header = Buffer.alloc(352);
  header.writeInt32LE(348, 0);
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((d, i) => header.writeInt16LE(d, 40 + 2 * i));
  header.writeInt16LE(2, 70); // datatype uint8
  header.writeInt16LE(8, 72); // bits per voxel
  [1, 1, 1, 1].forEach((p, i) => header.writeFloatLE(p, 76 + 4 * i));
  header.writeFloatLE(352, 108); // vox_offset
  header.writeFloatLE(1, 112); // scl_slope
  // sform_code 1 with an identity sform: voxel axes are RAS+ (without a code nibabel takes x as flipped).
  header.writeInt16LE(1, 254);
  [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0].forEach((v, i) => header.writeFloatLE(v, 280 + 4 * i));
  header.write('n+1\0', 344, 'latin1');
  const voxels = Buffer.alloc(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) voxels[x + nx * (y + ny * z)] = x + 2 * y + 10 * z;
  return Buffer.concat([header, voxels]);
}

test('NIfTI volumes listed in a CSV are cut into axial slices that keep the subject ID', async () => {
  const root = await tempDir();
  await writeFile(join(root, 'sub01.nii'), niftiVolume(8, 6, 10));
  await writeFile(join(root, 'sub02.nii.gz'), gzipSync(niftiVolume(8, 6, 10)));
  await writeFile(join(root, 'sub03.nii'), niftiVolume(8, 6, 10).subarray(0, 400));
  await writeFile(
    join(root, 'subjects.csv'),
    'subject_id,path,diagnosis\nOAS1_0001,sub01.nii,NonDemented\n"OAS1_0002",sub02.nii.gz,MildDemented\nOAS1_0003,sub03.nii,NonDemented\n',
  );
  const dataset = await openDataset(root, { sliceRange: { from: 2, to: 5 } });
  assert.equal(dataset.layout, 'nifti-csv');
  assert.deepEqual(
    dataset.items.map((i) => [i.id, i.subject, i.sourceClass]),
    [
      ['sub01.nii#z=2', 'OAS1_0001', 'NonDemented'],
      ['sub01.nii#z=3', 'OAS1_0001', 'NonDemented'],
      ['sub01.nii#z=4', 'OAS1_0001', 'NonDemented'],
      ['sub02.nii.gz#z=2', 'OAS1_0002', 'MildDemented'],
      ['sub02.nii.gz#z=3', 'OAS1_0002', 'MildDemented'],
      ['sub02.nii.gz#z=4', 'OAS1_0002', 'MildDemented'],
    ],
  );
  assert.deepEqual(
    dataset.problems.map((p) => [p.kind, p.path]),
    [['truncated', 'sub03.nii']],
  );
  const first = dataset.items[0]!.source;
  assert.equal(first.kind, 'raster');
  if (first.kind === 'raster') {
    assert.deepEqual([first.raster.width, first.raster.height], [8, 6]);
    // Brighter to the right (+x) and, after the flip, towards the top (+y is up).
    const px = (x: number, y: number) => first.raster.data[y * 8 + x]!;
    assert.ok(px(7, 5) > px(0, 5) && px(0, 0) > px(0, 5));
  }
  const fractions = await openDataset(root, { sliceRange: { from: 0.3, to: 0.7 } });
  assert.deepEqual(
    fractions.items.filter((i) => i.subject === 'OAS1_0001').map((i) => i.id),
    ['sub01.nii#z=3', 'sub01.nii#z=4', 'sub01.nii#z=5', 'sub01.nii#z=6'],
  );
});

test('an unknown layout is one clear error, not a stack trace', async () => {
  const root = await tempDir();
  await writeFile(join(root, 'notes.txt'), 'hello');
  await mkdir(join(root, 'empty'));
  await assert.rejects(openDataset(root), {
    name: 'AlzbenchError',
    message: `Unknown data set layout in ${root}: 1 folder(s) and 1 file(s) at the top, no images in class folders`,
  });
  await assert.rejects(openDataset(join(root, 'missing')), { message: `Data set folder not found: ${join(root, 'missing')}` });
});

test('the shared real sample reads as the Kaggle 4-class layout', { skip: hasSample ? false : 'shared sample not present' }, async () => {
  const dataset = await openDataset(SAMPLE_DIR);
  assert.equal(dataset.layout, 'kaggle-4class');
  const counts: Record<string, number> = {};
  for (const i of dataset.items) counts[i.sourceClass] = (counts[i.sourceClass] ?? 0) + 1;
  assert.deepEqual(counts, { MildDemented: 10, ModerateDemented: 8, NonDemented: 10, VeryMildDemented: 10 });
  const { loaded, problems } = await loadItems(dataset);
  assert.equal(problems.length, 0);
  assert.ok(loaded.every((l) => l.image.width === 176 && l.image.height === 208 && l.image.channels === 1));
});
