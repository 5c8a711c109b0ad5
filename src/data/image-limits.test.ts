// Decompression bombs (tiny files whose headers declare huge sizes) are refused from the header,
// before any decoder allocates: by the size probe, by the native JPEG decoder itself, and by the
// NIfTI reader; images within the limits decode as before.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { bmpBomb, jpegBomb, pngBomb, tiffBomb } from '../testing/bomb-images.js';
import { BadImageError, decodeImage } from './decode-image.js';
import { declaredImageSize } from './image-header.js';
import { DEFAULT_IMAGE_LIMITS, UPLOAD_IMAGE_LIMITS, imageSizeProblem, volumeSizeProblem } from './image-limits.js';
import { loadItems } from './load-items.js';
import { readNifti } from './synth/nifti.js';
import { openDataset } from './open-dataset.js';
import { SAMPLE_DIR, hasSample, syntheticPixels, tempDir, writeImage, huggingFaceParquet } from '../testing/data-helpers.js';

test('declaredImageSize reads the size from JPEG, PNG, BMP and TIFF headers without decoding', async () => {
  assert.deepEqual(await declaredImageSize(await jpegBomb(65500, 65500)), { format: 'jpeg', width: 65500, height: 65500 });
  assert.deepEqual(await declaredImageSize(await pngBomb(100000, 3)), { format: 'png', width: 100000, height: 3 });
  assert.deepEqual(await declaredImageSize(bmpBomb(60000, -60000)), { format: 'bmp', width: 60000, height: 60000 });
  assert.deepEqual(await declaredImageSize(await tiffBomb(60000, 50000)), { format: 'tiff', width: 60000, height: 50000 });
  if (hasSample) {
    const dir = join(SAMPLE_DIR, 'NonDemented');
    const file = readFileSync(join(dir, readdirSync(dir).sort()[0]!));
    assert.deepEqual(await declaredImageSize(file), { format: 'jpeg', width: 176, height: 208 });
  }
});

test('imageSizeProblem: per side, in total, and an unknown (zero) size are refused', () => {
  assert.equal(imageSizeProblem({ width: 4096, height: 4096 }, UPLOAD_IMAGE_LIMITS), null);
  assert.equal(imageSizeProblem({ width: 4097, height: 10 }, UPLOAD_IMAGE_LIMITS), 'the header declares 4097x10 pixels; the limit is 4096 x 4096 pixels');
  assert.equal(imageSizeProblem({ width: 16384, height: 16384 }, DEFAULT_IMAGE_LIMITS), null);
  assert.equal(
    imageSizeProblem({ width: 16384, height: 16385 }, DEFAULT_IMAGE_LIMITS),
    'the header declares 16384x16385 pixels; the limit is 16384 x 16384 pixels',
  );
  assert.equal(
    imageSizeProblem({ width: 0, height: 0 }, DEFAULT_IMAGE_LIMITS),
    'the header declares 0x0 pixels: the size is unknown, so the image is not decoded',
  );
  assert.equal(
    imageSizeProblem({ width: 16000, height: 16800 }, { maxSide: 20000, maxPixels: 2 ** 28 }),
    'the header declares 16000x16800 pixels; the limit is 20000 per side and 268435456 pixels',
  );
});

test('decodeImage refuses bombs of every format with a named too-large error, fast and without allocating', async () => {
  const before = process.memoryUsage().rss;
  const started = Date.now();
  const bombs: Array<[string, Uint8Array]> = [
    ['jpeg', await jpegBomb(65500, 65500)],
    ['png', await pngBomb(65500, 65500)],
    ['bmp', bmpBomb(65500, 65500)],
    ['tiff', await tiffBomb(65500, 65500)],
  ];
  for (const [format, bytes] of bombs) {
    await assert.rejects(decodeImage(bytes, { name: `bomb.${format}` }), (error: Error) => {
      assert.ok(error instanceof BadImageError);
      assert.equal(error.kind, 'too-large');
      assert.equal(error.message, `Image too large: bomb.${format} (${format}: the header declares 65500x65500 pixels; the limit is 16384 x 16384 pixels)`);
      return true;
    });
  }
  // A size the CLI allows is still refused under the dashboard's limits.
  await assert.rejects(decodeImage(await pngBomb(5000, 5000), { name: 'up', limits: UPLOAD_IMAGE_LIMITS }), {
    kind: 'too-large',
    message: 'Image too large: up (png: the header declares 5000x5000 pixels; the limit is 4096 x 4096 pixels)',
  });
  // A JPEG frame of height 0 (size left to a DNL marker) has no known size: refused, not decoded.
  await assert.rejects(decodeImage(await jpegBomb(64, 0), { name: 'dnl.jpg' }), {
    kind: 'unreadable',
    message: 'Unreadable file: dnl.jpg (corrupt JPEG: scan before any frame header (no image size))',
  });
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  // 65500^2 bytes would be 4 GiB; anything near a decode would show here.
  assert.ok(process.memoryUsage().rss - before < 100 * 2 ** 20, `rss grew by ${((process.memoryUsage().rss - before) / 2 ** 20).toFixed(0)} MiB`);
});

test('a data set holding a bomb reports it as a too-large problem and loads the rest', async () => {
  const root = await tempDir();
  for (let i = 0; i < 2; i++) await writeImage(join(root, 'NonDemented', `ok${i}.png`), syntheticPixels(i));
  await mkdir(join(root, 'MildDemented'), { recursive: true });
  await writeImage(join(root, 'MildDemented', 'ok.png'), syntheticPixels(3));
  await writeFile(join(root, 'MildDemented', 'bomb.jpg'), await jpegBomb(65500, 65500));
  const { loaded, problems } = await loadItems(await openDataset(root));
  assert.equal(loaded.length, 3);
  assert.deepEqual(
    problems.map((p) => [p.kind, p.path]),
    [['too-large', join('MildDemented', 'bomb.jpg')]],
  );
});

test('volumeSizeProblem and the NIfTI reader refuse declared dims beyond the volume limits', async () => {
  assert.equal(volumeSizeProblem([256, 256, 170]), null);
  assert.equal(volumeSizeProblem([512, 512, 512]), null);
  assert.equal(volumeSizeProblem([1024, 512, 513]), 'the header declares 1024x512x513 voxels; the limit is 2048 per axis and 268435456 voxels');
  assert.equal(volumeSizeProblem([4096, 2, 2]), 'the header declares 4096x2x2 voxels; the limit is 2048 per axis and 268435456 voxels');
  assert.equal(volumeSizeProblem([8, 0, 8]), 'the header declares dims 8x0x8: expected at least 3 positive extents');
  const root = await tempDir();
  const header = Buffer.alloc(352 + 64);
  header.writeInt32LE(348, 0);
  [3, 30000, 30000, 30000, 1, 1, 1, 1].forEach((d, i) => header.writeInt16LE(d, 40 + 2 * i));
  header.writeInt16LE(2, 70);
  header.writeInt16LE(8, 72);
  header.writeFloatLE(352, 108);
  header.writeFloatLE(1, 112);
  header.write('n+1\0', 344, 'latin1');
  await writeFile(join(root, 'bomb.nii'), header);
  await writeFile(join(root, 'subjects.csv'), 'subject_id,path,diagnosis\nS1,bomb.nii,NonDemented\n');
  const dataset = await openDataset(root);
  assert.deepEqual(
    dataset.problems.map((p) => [p.kind, p.path, p.detail]),
    [['too-large', 'bomb.nii', 'the header declares 30000x30000x30000 voxels; the limit is 2048 per axis and 268435456 voxels']],
  );
  // The synthetic-data template reader applies the same limit.
  assert.throws(() => readNifti(join(root, 'bomb.nii')), {
    message: `${join(root, 'bomb.nii')}: volume too large: the header declares 30000x30000x30000 voxels; the limit is 2048 per axis and 268435456 voxels`,
  });
});

test('a parquet data set whose image bytes are a bomb reports that row as too-large and loads the others', async () => {
  const root = await tempDir();
  const good = await pngBomb(16, 16); // a real 16 x 16 PNG: the size it declares is its true size
  const buffer = huggingFaceParquet([good, await jpegBomb(65500, 65500)], [2n, 0n]);
  await writeFile(join(root, 'train-00000-of-00001.parquet'), buffer);
  const { loaded, problems } = await loadItems(await openDataset(root));
  assert.deepEqual(
    loaded.map((l) => [l.item.id, l.image.width, l.image.height]),
    [['train-00000-of-00001.parquet#0', 16, 16]],
  );
  assert.deepEqual(
    problems.map((p) => [p.kind, p.path, p.detail]),
    [['too-large', 'train-00000-of-00001.parquet#1', 'jpeg: the header declares 65500x65500 pixels; the limit is 16384 x 16384 pixels']],
  );
});
