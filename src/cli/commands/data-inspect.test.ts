import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { syntheticPixels, tempDir, writeImage } from '../../testing/data-helpers.js';

const bin = fileURLToPath(new URL('../../../bin/alzbench.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('alzbench data inspect --json prints one JSON document with layout, counts, problems and audit', async () => {
  const root = await tempDir();
  for (let i = 0; i < 5; i++) {
    await writeImage(join(root, 'train', 'NonDemented', `${i}.png`), syntheticPixels(i));
    await writeImage(join(root, 'train', 'VeryMildDemented', `${i}.png`), syntheticPixels(i + 20));
  }
  await writeImage(join(root, 'test', 'NonDemented', '0 (1).png'), syntheticPixels(0));
  await writeImage(join(root, 'test', 'VeryMildDemented', 'x.png'), syntheticPixels(40));
  const manifest = join(await tempDir(), 'split.json');
  const result = run('data', 'inspect', root, '--json', '--task', 'binary', '--manifest', manifest);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.layout, 'kaggle-4class');
  assert.deepEqual(report.classes, ['Alzheimer', 'NonAlzheimer']);
  assert.deepEqual(report.counts.NonAlzheimer.test, 1);
  assert.equal(report.counts.NonAlzheimer.train + report.counts.NonAlzheimer.val, 5);
  assert.deepEqual(report.audit.exact.acrossSplits, { 'train~test': 1 });
  assert.match(report.fingerprint, /^[0-9a-f]{64}$/);
  const saved = JSON.parse(await readFile(manifest, 'utf8'));
  assert.equal(saved.entries.length, 12);
  assert.deepEqual(Object.keys(saved.entries[0]), ['file', 'hash', 'class', 'subject', 'split']);
});

test('alzbench data inspect on an unknown layout prints an error and a hint, no stack trace', async () => {
  const root = await tempDir();
  const result = run('data', 'inspect', root);
  assert.equal(result.status, 2);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^alzbench data inspect: error: Unknown data set layout in /);
  assert.match(result.stderr, /hint: expected one of/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});

test('alzbench preview writes a grid with one panel per step', async () => {
  const dir = await tempDir();
  const image = join(dir, 'slice.png');
  await writeImage(image, syntheticPixels(3));
  const out = join(dir, 'grid.png');
  const result = run('preview', image, '--pipeline', 'resize(176,208)|merge(overlap,w1=4,w2=-4)|normalize', '--out', out, '--json');
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(
    JSON.parse(result.stdout).steps.map((s: { label: string }) => s.label),
    ['input', 'resize(width=176,height=208)', 'merge(mode=overlap,smooth=gaussian,k=11,w1=4,w2=-4,offset=128)', 'normalize(min=0,max=255)'],
  );
  const meta = await sharp(out).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', 4 * Math.round((64 * 208) / 72) + 5 * 6, 208 + 34 + 2 * 6]);
  // A folder as --out: the grid is named after the image; an unwritable path is a named error.
  const intoFolder = run('preview', image, '--pipeline', 'grayscale', '--out', dir, '--json');
  assert.equal(intoFolder.status, 0, intoFolder.stderr);
  assert.equal(JSON.parse(intoFolder.stdout).out, join(dir, 'slice.preview.png'));
  assert.equal((await sharp(join(dir, 'slice.preview.png')).metadata()).format, 'png');
  const nowhere = run('preview', image, '--pipeline', 'grayscale', '--out', join(dir, 'missing', 'grid.png'));
  assert.equal(nowhere.status, 2);
  assert.match(
    nowhere.stderr,
    /^alzbench preview: error: Expected a PNG path that can be written for --out but received ".*missing\/grid\.png"[^\n]*\nhint: writing it failed with ENOENT; check that its folder exists and is writable/,
  );
  const bad = run('preview', image, '--pipeline', 'smooth(gaussian,k=4)', '--out', out);
  assert.equal(bad.status, 2);
  assert.equal(
    bad.stderr.trim(),
    'alzbench preview: error: Expected odd integer (gaussian kernels are odd) for parameter k of step 1 (smooth) but received 4 of type number',
  );
});
