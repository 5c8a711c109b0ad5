// Reading a gzipped volume never inflates more than it needs: a long gzip FNAME field then a
// deflate bomb must not be inflated whole to find the header (it would be 8 GiB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { UPLOAD_VOLUME_LIMITS } from '../image-limits.js';
import { gzipBomb } from '../../testing/gzip-bomb.js';
import { niftiBytes } from '../../testing/test-volumes.js';
import { memoryByteSource } from './byte-source.js';
import { readVolumeBytes } from './read-volume.js';
import { VolumeError } from './volume-error.js';

const diag = (mm: number) => [mm, 0, 0, 0, 0, mm, 0, 0, 0, 0, mm, 0, 0, 0, 0, 1];

test('head() of a gzip bomb behind a 60 KB FNAME: the first bytes, inflating only a little', async () => {
  const header = niftiBytes({ shape: [16, 16, 16], data: [], affine: diag(1) });
  const bomb = gzipBomb(header, 8);
  assert.ok(bomb.length < 16 * 2 ** 20, `the bomb is ${bomb.length} bytes`);
  const before = process.memoryUsage().rss;
  const started = Date.now();
  const head = await memoryByteSource('the upload', bomb).head(1024);
  assert.deepEqual(head.subarray(0, 352), header);
  assert.equal(head.length, 1024);
  assert.ok(Date.now() - started < 5000, `head took ${Date.now() - started} ms`);
  assert.ok(process.memoryUsage().rss - before < 256 * 2 ** 20, 'head inflated far more than 1024 bytes');
  // A short file gives what it has; a stream cut short gives its first bytes; garbage is named.
  assert.equal((await memoryByteSource('x', gzipSync(Buffer.from('abc'))).head(1024)).toString(), 'abc');
  assert.equal((await memoryByteSource('x', gzipSync(Buffer.alloc(5000, 7)).subarray(0, 30)).head(10)).length, 10);
  await assert.rejects(
    memoryByteSource('the upload', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff])).head(1024),
    (e: Error) => e.message === 'corrupt-gzip: the upload: gzip data cannot be decompressed (invalid block type)',
  );
});

test('readVolumeBytes of a 3-D volume behind a long FNAME followed by 8 GiB of zeros: the volume, not the trailing bytes', async () => {
  const header = niftiBytes({ shape: [16, 16, 16], data: [], affine: diag(1) });
  const before = process.memoryUsage().rss;
  const volume = await readVolumeBytes(gzipBomb(header, 8), 'the upload');
  assert.deepEqual(volume.shape, [16, 16, 16]);
  assert.equal(volume.data.length, 4096);
  assert.ok(volume.data.every((v) => v === 0));
  assert.ok(process.memoryUsage().rss - before < 256 * 2 ** 20);
});

test('readVolumeBytes with UPLOAD_VOLUME_LIMITS: a 4-D header declaring 4000 volumes is refused before inflating; a small 4-D file reads', async () => {
  const header = niftiBytes({ shape: [64, 64, 64, 4000], data: [], affine: diag(1) });
  const before = process.memoryUsage().rss;
  const started = Date.now();
  await assert.rejects(
    readVolumeBytes(gzipBomb(header, 8), 'the upload', { limits: UPLOAD_VOLUME_LIMITS }),
    (e: Error) =>
      e instanceof VolumeError &&
      e.code === 'too-large' &&
      e.message === 'too-large: the upload: 64x64x64x4000 float32 = 4194304000 bytes of voxels, more than the limit 268435456',
  );
  assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  assert.ok(process.memoryUsage().rss - before < 256 * 2 ** 20);
  const data = Array.from({ length: 4 * 4 * 4 * 3 }, (_, i) => i);
  const small = await readVolumeBytes(gzipSync(niftiBytes({ shape: [4, 4, 4, 3], data, affine: diag(1) })), 'the upload', {
    limits: UPLOAD_VOLUME_LIMITS,
    volumeIndex: 2,
  });
  assert.deepEqual(small.shape, [4, 4, 4]);
  assert.deepEqual(
    [...small.data].sort((a, b) => a - b),
    data.slice(128),
  );
});
