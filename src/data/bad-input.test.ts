import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeImage } from './decode-image.js';
import { loadItems } from './load-items.js';
import { openDataset } from './open-dataset.js';
import { syntheticPixels, tempDir, writeImage } from '../testing/data-helpers.js';

async function badDataset(): Promise<string> {
  const root = await tempDir();
  for (let i = 0; i < 3; i++) await writeImage(join(root, 'NonDemented', `ok${i}.jpg`), syntheticPixels(i));
  await writeImage(join(root, 'MildDemented', 'ok.png'), syntheticPixels(5));
  await writeImage(join(root, 'MildDemented', 'small.png'), syntheticPixels(6, 32, 32), 32, 32);
  const full = await readFile(join(root, 'NonDemented', 'ok0.jpg'));
  await writeFile(join(root, 'NonDemented', 'cut.jpg'), full.subarray(0, full.length >> 1));
  await writeFile(join(root, 'NonDemented', 'text.jpg'), 'this is not a JPEG');
  await writeFile(join(root, 'NonDemented', 'notes.txt'), 'a note');
  await mkdir(join(root, 'ModerateDemented'));
  return root;
}

test('bad input is reported with counts and paths and left out (skip)', async () => {
  const root = await badDataset();
  const dataset = await openDataset(root);
  const { loaded, problems } = await loadItems(dataset);
  assert.equal(loaded.length, 5);
  assert.deepEqual(problems.map((p) => [p.kind, p.path]).sort(), [
    ['empty-class', 'ModerateDemented'],
    ['mixed-sizes', join('MildDemented', 'small.png')],
    ['not-image', join('NonDemented', 'notes.txt')],
    ['not-image', join('NonDemented', 'text.jpg')],
    ['truncated', join('NonDemented', 'cut.jpg')],
  ]);
  const mixed = problems.find((p) => p.kind === 'mixed-sizes')!;
  assert.equal(mixed.detail, `1 image(s) are 32x32 while 4 are 64x72; e.g. ${join('MildDemented', 'small.png')}`);
});

test('bad input stops the load with one error when the user chooses stop', async () => {
  const root = await badDataset();
  await assert.rejects(loadItems(await openDataset(root), { onBad: 'stop' }), (error: Error & { hint?: string }) => {
    assert.equal(error.name, 'AlzbenchError');
    assert.match(error.message, /^Bad input in the data set \(/);
    assert.match(error.message, /2 not-image/);
    assert.match(error.message, /1 truncated/);
    assert.match(error.message, /1 empty-class/);
    assert.match(error.message, /1 mixed-sizes/);
    assert.match(error.message, /truncated: NonDemented\/cut\.jpg/);
    assert.equal(error.hint, 'fix or remove these files, or pass --on-bad skip to leave them out');
    assert.equal((error as Error & { exitCode: number }).exitCode, 2);
    return true;
  });
});

test('decoding errors are sorted into unreadable, truncated and not-image', async () => {
  const root = await tempDir();
  await assert.rejects(decodeImage(join(root, 'missing.jpg')), {
    name: 'BadImageError',
    kind: 'unreadable',
    message: `Unreadable file: ${join(root, 'missing.jpg')} (ENOENT)`,
  });
  await assert.rejects(decodeImage(new Uint8Array(0)), { kind: 'not-image' });
  await assert.rejects(decodeImage(Buffer.from('GIF? no')), {
    kind: 'not-image',
    message: 'Not an image: <buffer> (unsupported image format (first bytes 47 49 46 3f))',
  });
});

test('BMP files decode (24-bit colour to cv2 gray, 8-bit gray palette)', async () => {
  // 2x2 24-bit BMP, bottom-up rows padded to 4 bytes: pixels (top row) red, green; (bottom) blue, white.
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + 16, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(2, 18);
  header.writeInt32LE(2, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  const rows = Buffer.from([255, 0, 0, 255, 255, 255, 0, 0, /* bottom: blue, white */ 0, 0, 255, 0, 255, 0, 0, 0 /* top: red, green */]);
  const bmp = Buffer.concat([header, rows]);
  const color = await decodeImage(bmp, { keepColor: true });
  assert.deepEqual([...color.data], [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
  const gray = await decodeImage(bmp);
  // cv2 weights: red 76, green 150, blue 29, white 255.
  assert.deepEqual([...gray.data], [76, 150, 29, 255]);
  await assert.rejects(decodeImage(bmp.subarray(0, 60)), { kind: 'truncated' });
});

test('reading 8 items at once (decoding on the thread pool) gives the same items, problems and order as one at a time', async () => {
  const root = await badDataset();
  const dataset = await openDataset(root);
  const parallel = await loadItems(dataset);
  const sequential = await loadItems(dataset, { concurrency: 1 });
  const view = (r: typeof parallel) => ({
    loaded: r.loaded.map((l) => [l.item.id, l.hash, l.image.width, l.image.height, Buffer.from(l.image.data).toString('base64')]),
    problems: r.problems.map((p) => [p.kind, p.path, p.detail]),
    notes: r.notes,
  });
  assert.deepEqual(view(parallel), view(sequential));
  assert.deepEqual(
    parallel.loaded.map((l) => l.item.id),
    dataset.items.map((i) => i.id).filter((id) => parallel.loaded.some((l) => l.item.id === id)),
    'listing order',
  );
  // The thread-pool decoder is cv::imdecode itself: the same pixels as the synchronous call.
  const bytes = await readFile(join(root, 'NonDemented', 'ok1.jpg'));
  const { decodeImageCv, decodeImageCvAsync } = await import('./decode-cv.js');
  assert.deepEqual(await decodeImageCvAsync!(bytes, 'gray'), decodeImageCv!(bytes, 'gray'));
  assert.equal(await decodeImageCvAsync!(new Uint8Array([1, 2, 3]), 'gray'), null);
});

test('the thread-pool decoder reads its own copy: the caller transferring and zeroing its buffer right after the call changes nothing', async () => {
  const root = await tempDir();
  await writeImage(join(root, 'a.jpg'), syntheticPixels(7));
  await writeImage(join(root, 'a.png'), syntheticPixels(8));
  const { decodeImageCv, decodeImageCvAsync } = await import('./decode-cv.js');
  // Big decodes queued first keep every pool thread busy, so the decodes under test are still
  // waiting in the queue when their buffers are zeroed (without them a pool thread could finish first).
  await writeImage(join(root, 'big.png'), syntheticPixels(9, 1024, 1024), 1024, 1024);
  const big = await readFile(join(root, 'big.png'));
  const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  for (const name of ['a.jpg', 'a.png']) {
    const file = await readFile(join(root, name));
    const want = decodeImageCv!(file, 'gray');
    assert.ok(want, name);
    const blockers = Array.from({ length: poolSize }, () => decodeImageCvAsync!(big, 'gray'));
    const copies = Array.from({ length: 3 }, () => new Uint8Array(file)); // each its own ArrayBuffer
    const pending = copies.map((bytes) => decodeImageCvAsync!(bytes, 'gray'));
    for (const bytes of copies) {
      // As postMessage(bytes.buffer, [bytes.buffer]) does: the buffer moves and its new owner refills it.
      const moved = structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
      new Uint8Array(moved).fill(0);
      assert.equal(bytes.byteLength, 0, 'detached');
    }
    for (const [i, result] of (await Promise.all(pending)).entries()) assert.deepEqual(result, want, `${name} copy ${i}`);
    await Promise.all(blockers);
  }
});
