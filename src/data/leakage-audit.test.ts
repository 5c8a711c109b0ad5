import assert from 'node:assert/strict';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryStats } from '../torch/memory.js';
import { decodeImage } from './decode-image.js';
import { auditLeakage, trainTwinPairs } from './leakage-audit.js';
import { candidatePairs } from './nearest-slices.js';
import { openDataset } from './open-dataset.js';
import { prepareDataset } from './prepare.js';
import { seededRandom } from './seeded-shuffle.js';
import { sliceSignature } from './slice-signature.js';
import { generateDataset } from './synth/generate.js';
import { tempDir, writeImage } from '../testing/data-helpers.js';

/** A copy of `pixels` with seeded noise of +-3 gray levels and a brightness shift of up to +-2. */
function perturb(pixels: Uint8Array, seed: number): Uint8Array {
  const random = seededRandom(seed, 'perturb');
  const shift = Math.floor(random() * 5) - 2;
  return pixels.map((v) => Math.max(0, Math.min(255, v + shift + Math.floor(random() * 7) - 3)));
}

/** An ellipse filled with seeded random texture: slices of different seeds are unrelated (unlike syntheticPixels'). */
function texturedSlice(seed: number, width = 64, height = 72): Uint8Array {
  const random = seededRandom(seed, 'texture');
  const noise = Float32Array.from({ length: width * height }, () => random());
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (((x - width / 2) / 26) ** 2 + ((y - height / 2) / 30) ** 2 >= 1) continue;
      let sum = 0;
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) sum += noise[Math.min(height - 1, Math.max(0, y + dy)) * width + Math.min(width - 1, Math.max(0, x + dx))]!;
      out[y * width + x] = Math.max(20, Math.min(255, Math.round(130 + 800 * (sum / 25 - 0.5))));
    }
  }
  return out;
}

test('a planted exact duplicate and a planted near-duplicate across train/test are found', async () => {
  const tensors = memoryStats().tensors;
  const root = await tempDir();
  for (let i = 0; i < 6; i++) {
    await writeImage(join(root, 'train', 'NonDemented', `n${i}.png`), texturedSlice(i * 11 + 1));
    await writeImage(join(root, 'train', 'MildDemented', `m${i}.png`), texturedSlice(i * 11 + 5));
    await writeImage(join(root, 'test', 'NonDemented', `tn${i}.png`), texturedSlice(i * 11 + 100));
    await writeImage(join(root, 'test', 'MildDemented', `tm${i}.png`), texturedSlice(i * 11 + 200));
  }
  await copyFile(join(root, 'train', 'NonDemented', 'n2.png'), join(root, 'test', 'NonDemented', 'copy of n2.png'));
  await writeImage(join(root, 'test', 'MildDemented', 'like m3.png'), perturb(texturedSlice(3 * 11 + 5), 9));
  const prepared = await prepareDataset(await openDataset(root), { seed: 1, grouping: 'none' });
  const { exact, near, closeToTrain, twins } = prepared.audit;
  assert.deepEqual(exact.acrossSplits, { 'train~test': 1 });
  assert.deepEqual(exact.examples[0]!.items.map((i) => i.id).sort(), [join('test', 'NonDemented', 'copy of n2.png'), join('train', 'NonDemented', 'n2.png')]);
  const planted = near.examples.find((e) => e.items.some((i) => i.id === join('test', 'MildDemented', 'like m3.png')));
  assert.ok(planted, 'near-duplicate example lists the planted file');
  assert.ok(planted.items.some((i) => i.id === join('train', 'MildDemented', 'm3.png')));
  const test = closeToTrain.find((c) => c.split === 'test')!;
  assert.deepEqual([test.items, test.withCloseTrainItem], [14, 2]);
  assert.equal(twins.unit, 'slice');
  assert.deepEqual(
    twins.subjects
      .filter((s) => s.twin && s.split === 'test')
      .map((s) => s.subject)
      .sort(),
    [join('test', 'MildDemented', 'like m3.png'), join('test', 'NonDemented', 'copy of n2.png')],
  );
  assert.equal(memoryStats().tensors, tensors);
});

test('the audit flags no test subject of a subject-disjoint synthetic split and finds the leaky one', async () => {
  const tensors = memoryStats().tensors;
  const root = await tempDir();
  await generateDataset({ out: root, subjects: 10, seed: 11, testFraction: 0.3 });
  const rows = (await readFile(join(root, 'subjects.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const signatures = (await Promise.all(rows.map((r) => decodeImage(join(root, r[0]!))))).map(sliceSignature);
  const pairs = candidatePairs(signatures, 6);
  let differentSubjectPairs = { verified: 0, flagged: 0 };
  const audit = (split: (r: string[]) => 'train' | 'test') => {
    const entries = rows.map((r) => ({ id: r[0]!, hash: r[0]!, split: split(r), group: r[1]! }));
    const verified = [...pairs, ...trainTwinPairs(entries, signatures)];
    const result = auditLeakage(entries, verified).twins;
    const across = verified.filter((p) => entries[p.a]!.split !== entries[p.b]!.split && rows[p.a]![1] !== rows[p.b]![1]);
    differentSubjectPairs = { verified: across.length, flagged: across.filter((p) => p.distance <= result.twinDistance).length };
    return result;
  };
  const disjoint = audit((r) => (r[3] === 'test' ? 'test' : 'train'));
  // The bar: at most 1 % of different-subject train~test pairs within the twin distance.
  assert.ok(differentSubjectPairs.verified > 500, `${differentSubjectPairs.verified} different-subject pairs verified`);
  assert.ok(differentSubjectPairs.flagged <= 0.01 * differentSubjectPairs.verified, JSON.stringify(differentSubjectPairs));
  assert.equal(disjoint.distinctRatio, 0.85);
  assert.equal(disjoint.unit, 'subject');
  assert.ok(disjoint.subjects.length >= 2);
  assert.deepEqual(
    disjoint.subjects.filter((s) => s.twin),
    [],
    'different people are not twins',
  );
  // Slice-level split: every subject has its neighbouring slices in train.
  const leaky = audit((r) => (Number(r[4]) % 4 === 1 ? 'test' : 'train'));
  assert.equal(leaky.subjects.length, 10);
  assert.ok(leaky.subjects.filter((s) => s.twin).length >= 9, `${leaky.subjects.filter((s) => s.twin).length} of 10 leaky subjects flagged`);
  // Each twin names its own train subject.
  for (const s of leaky.subjects.filter((x) => x.twin)) assert.equal(s.matchedTrainSubject, s.subject);
  assert.equal(memoryStats().tensors, tensors);
});
