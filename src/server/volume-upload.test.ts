// Volume uploads on the predict page: read in memory, refused before any voxel buffer when the
// header declares more than UPLOAD_VOLUME_LIMITS (a gzip bomb stops at its header), refused when
// resampling to the run's spacing would outgrow them, and named for what they are otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { gzipBomb } from '../testing/gzip-bomb.js';
import { niftiBytes } from '../testing/test-volumes.js';
import { HttpError } from './http-error.js';
import { decodeVolumeUpload } from './inference.js';

const FIXTURES = fileURLToPath(new URL('../../src/data/volume/fixtures/', import.meta.url));
const diag = (mm: number) => [mm, 0, 0, 0, 0, mm, 0, 0, 0, 0, mm, 0, 0, 0, 0, 1];

test('decodeVolumeUpload: a volume as the reader reads the file, oversized headers and resampling are 413, non-volumes are named', async () => {
  const ok = await decodeVolumeUpload(await readFile(`${FIXTURES}int16_le.nii`), null);
  assert.deepEqual(ok.shape, [5, 4, 3]);
  // 2048^3 declared, no voxels sent: refused from the header, gzipped or not.
  const bomb = niftiBytes({ shape: [2048, 2048, 2048], data: [], affine: diag(1) });
  for (const bytes of [bomb, gzipSync(bomb)]) {
    await assert.rejects(
      decodeVolumeUpload(bytes, null),
      (e: HttpError) =>
        e instanceof HttpError &&
        e.status === 413 &&
        /^too-large: the upload: the header declares 2048x2048x2048 voxels; the limit is 512 per axis and 33554432 voxels$/.test(e.message),
    );
  }
  // 40^3 voxels of 50 mm, for a run that resamples to 1 mm: 2000^3 voxels.
  const huge = niftiBytes({ shape: [40, 40, 40], data: new Float32Array(40 ** 3), affine: diag(50) });
  await assert.rejects(
    decodeVolumeUpload(huge, 1),
    (e: HttpError) =>
      e instanceof HttpError &&
      e.status === 413 &&
      e.message === "the upload resampled to the run's 1 mm voxels would be 2000x2000x2000: the limit is 512 per axis and 33554432 voxels",
  );
  assert.deepEqual((await decodeVolumeUpload(huge, 100)).shape, [40, 40, 40], 'shrinking is fine');
  await assert.rejects(
    decodeVolumeUpload(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, ...new Array(400).fill(0)]), null),
    (e: Error) => !(e instanceof HttpError) && /^not-a-volume: the upload: not a NIfTI or Analyze volume: it is a JPEG image/.test(e.message),
  );
});

test('decodeVolumeUpload: a gzip bomb behind a 60 KB FNAME field is read only as far as needed (413 for a large header, the volume otherwise)', async () => {
  const before = process.memoryUsage().rss;
  const large = gzipBomb(niftiBytes({ shape: [2048, 2048, 2048], data: [], affine: diag(1) }), 8);
  await assert.rejects(
    decodeVolumeUpload(large, null),
    (e: HttpError) =>
      e instanceof HttpError &&
      e.status === 413 &&
      e.message === 'too-large: the upload: the header declares 2048x2048x2048 voxels; the limit is 512 per axis and 33554432 voxels',
  );
  const small = gzipBomb(niftiBytes({ shape: [16, 16, 16], data: [], affine: diag(1) }), 8);
  assert.deepEqual((await decodeVolumeUpload(small, null)).shape, [16, 16, 16]);
  assert.ok(process.memoryUsage().rss - before < 256 * 2 ** 20, 'the bomb was inflated');
});

test('decodeVolumeUpload: a small 4-D gzip declaring 4000 volumes is a 413 before anything is inflated', async () => {
  const bomb = gzipBomb(niftiBytes({ shape: [64, 64, 64, 4000], data: [], affine: diag(1) }), 8);
  await assert.rejects(
    decodeVolumeUpload(bomb, null),
    (e: HttpError) =>
      e instanceof HttpError &&
      e.status === 413 &&
      e.message === 'too-large: the upload: 64x64x64x4000 float32 = 4194304000 bytes of voxels, more than the limit 268435456',
  );
});
