import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeJpegNative, isJpeg } from './decode-jpeg.js';
import { sourcePath } from '../testing/tensor-helpers.js';

const sample = sourcePath('../shared/data/kaggle4-sample');
const files = readdirSync(sample).flatMap((cls) => readdirSync(join(sample, cls)).map((f) => join(sample, cls, f)));

test('the native JPEG decoder gives the same pixels as sharp on every real sample slice', { skip: decodeJpegNative ? false : 'addon built without libjpeg' }, async () => {
  assert.equal(files.length, 38);
  for (const file of files) {
    const bytes = readFileSync(file);
    assert.ok(isJpeg(bytes));
    const ours = decodeJpegNative!(bytes);
    const { data, info } = await sharp(bytes).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([ours.width, ours.height, ours.channels], [info.width, info.height, 1], file);
    assert.ok(Buffer.from(ours.data).equals(data), `${file}: pixels differ from sharp`);
  }
});

test('truncated and non-JPEG data are errors with libjpeg\'s message', { skip: decodeJpegNative ? false : 'addon built without libjpeg' }, () => {
  const bytes = readFileSync(files[0]!);
  assert.throws(() => decodeJpegNative!(bytes.subarray(0, 2000)), { message: 'JPEG decoding failed: Premature end of JPEG file' });
  assert.throws(() => decodeJpegNative!(Buffer.from('not a jpeg at all')), /JPEG decoding failed: Not a JPEG file: starts with 0x6e 0x6f/);
  assert.equal(isJpeg(Buffer.from('GIF89a')), false);
});
