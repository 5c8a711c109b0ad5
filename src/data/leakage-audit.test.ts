import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeImage } from './decode-image.js';
import { openDataset } from './open-dataset.js';
import { prepareDataset } from './prepare.js';
import { groupPseudoSubjects } from './pseudo-subjects.js';
import { seededRandom } from './seeded-shuffle.js';
import { assignSplits } from './split.js';
import { hasSample, SAMPLE_DIR, syntheticPixels, tempDir, writeImage } from '../testing/data-helpers.js';
import { nearPairs, thumbnail } from './thumbnail.js';
import type { Raster } from '../preprocess/raster.js';

/** A copy of `pixels` with seeded noise of +-3 gray levels and a brightness shift of up to +-2. */
function perturb(pixels: Uint8Array, seed: number): Uint8Array {
  const random = seededRandom(seed, 'perturb');
  const shift = Math.floor(random() * 5) - 2;
  return pixels.map((v) => Math.max(0, Math.min(255, v + shift + Math.floor(random() * 7) - 3)));
}

test('a planted exact duplicate and a planted near-duplicate across train/test are found', async () => {
  const root = await tempDir();
  for (let i = 0; i < 6; i++) {
    await writeImage(join(root, 'train', 'NonDemented', `n${i}.png`), syntheticPixels(i * 11 + 1));
    await writeImage(join(root, 'train', 'MildDemented', `m${i}.png`), syntheticPixels(i * 11 + 5));
    await writeImage(join(root, 'test', 'NonDemented', `tn${i}.png`), syntheticPixels(i * 11 + 100));
    await writeImage(join(root, 'test', 'MildDemented', `tm${i}.png`), syntheticPixels(i * 11 + 200));
  }
  await copyFile(join(root, 'train', 'NonDemented', 'n2.png'), join(root, 'test', 'NonDemented', 'copy of n2.png'));
  await writeImage(join(root, 'test', 'MildDemented', 'like m3.png'), perturb(syntheticPixels(3 * 11 + 5), 9));
  const prepared = await prepareDataset(await openDataset(root), { seed: 1 });
  const { exact, near, closeToTrain } = prepared.audit;
  assert.deepEqual(exact.acrossSplits, { 'train~test': 1 });
  assert.deepEqual(exact.examples[0]!.items.map((i) => i.id).sort(), [join('test', 'NonDemented', 'copy of n2.png'), join('train', 'NonDemented', 'n2.png')]);
  assert.equal(near.pairs >= 1, true);
  const planted = near.examples.find((e) => e.items.some((i) => i.id === join('test', 'MildDemented', 'like m3.png')));
  assert.ok(planted, 'near-duplicate example lists the planted file');
  assert.ok(planted.items.some((i) => i.id === join('train', 'MildDemented', 'm3.png')));
  const test = closeToTrain.find((c) => c.split === 'test')!;
  assert.deepEqual([test.items, test.withCloseTrainItem, test.share], [14, 2, 0.143]);
});

async function baseSlices(): Promise<Raster[]> {
  if (hasSample) {
    const dataset = await openDataset(SAMPLE_DIR);
    return Promise.all(dataset.items.map((i) => decodeImage((i.source as { path: string }).path)));
  }
  return Array.from({ length: 38 }, (_, i) => ({ width: 64, height: 72, channels: 1 as const, data: syntheticPixels(i * 13 + 1) }));
}

test('pseudo-subject grouping removes most near-duplicate pairs across train and validation', async () => {
  // Each real slice plays one "person": 8 slightly different copies of it, like neighbouring slices.
  const bases = await baseSlices();
  const slices: Array<{ label: string; person: number; image: Raster }> = [];
  bases.forEach((base, person) => {
    for (let k = 0; k < 8; k++) slices.push({ label: person % 2 ? 'a' : 'b', person, image: { ...base, data: k === 0 ? base.data : perturb(base.data, person * 100 + k) } });
  });
  const thumbs = slices.map((s) => thumbnail(s.image));
  const pairs = nearPairs(thumbs, 5);
  const samePerson = pairs.filter((p) => slices[p.a]!.person === slices[p.b]!.person).length;
  assert.ok(samePerson >= 0.95 * bases.length * 28, `copies of one slice are near-duplicates (${samePerson})`);
  const pseudo = groupPseudoSubjects(slices.length, pairs);
  const crossTrainVal = (splits: string[]) =>
    pairs.filter((p) => new Set([splits[p.a], splits[p.b]]).size === 2 && [splits[p.a], splits[p.b]].includes('train') && [splits[p.a], splits[p.b]].includes('val')).length;
  const imageByImage = assignSplits(slices.map((s, i) => ({ label: s.label, group: `item:${i}` })), { seed: 2 });
  const grouped = assignSplits(slices.map((s, i) => ({ label: s.label, group: `pseudo:${pseudo.group[i]}` })), { seed: 2 });
  const before = crossTrainVal(imageByImage);
  const after = crossTrainVal(grouped);
  assert.ok(before > 50, `an image-by-image split leaks many pairs (${before})`);
  assert.ok(after <= 0.1 * before, `grouping leaves ${after} of ${before} train/val near-duplicate pairs`);
  assert.ok(pseudo.sizes.length <= bases.length && pseudo.sizes.length >= bases.length / 4, `${pseudo.sizes.length} groups`);
});
