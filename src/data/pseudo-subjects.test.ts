import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryStats } from '../torch/memory.js';
import { adjustedRandScore, clusterPurity } from './cluster-agreement.js';
import { decodeImage } from './decode-image.js';
import { linkScans, medianRunLength, reconstructSubjects } from './pseudo-subjects.js';
import { seededRandom } from './seeded-shuffle.js';
import { sliceSignature } from './slice-signature.js';
import { generateDataset } from './synth/generate.js';
import { hasSample, SAMPLE_DIR, syntheticPixels, tempDir } from '../testing/data-helpers.js';
import type { Raster } from '../preprocess/raster.js';

test('a slice the greedy pass skipped is spliced in between its neighbours', () => {
  // 0-1-2 along a scan, but 0 and 2 are closer to each other than to the noisy slice 1.
  const pairs = [
    { a: 0, b: 2, distance: 0.01 },
    { a: 0, b: 1, distance: 0.02 },
    { a: 1, b: 2, distance: 0.02 },
    { a: 2, b: 3, distance: 0.03 },
  ];
  assert.deepEqual(linkScans(4, pairs, 0.1, 10).sizes, [4]);
  // The cap still holds.
  assert.deepEqual(linkScans(4, pairs, 0.1, 3).sizes, [3, 1]);
});

test('links form chains: each slice has at most two links, no group exceeds the cap, no loops', () => {
  // Slice 0 is close to everything (a "similar brain"): a near-duplicate graph would make one component.
  const pairs = [1, 2, 3, 4, 5].map((b) => ({ a: 0, b, distance: 0.01 * b }));
  pairs.push({ a: 1, b: 2, distance: 0.001 }, { a: 3, b: 4, distance: 0.002 }, { a: 4, b: 5, distance: 0.003 });
  const g = linkScans(6, pairs, 1, 3);
  assert.deepEqual(g.group, [0, 0, 0, 1, 1, 1]);
  assert.deepEqual(linkScans(6, pairs, 1, 10).sizes, [6]);
  assert.deepEqual(linkScans(6, pairs, 0.0015, 10).sizes, [1, 2, 1, 1, 1]);
  assert.equal(medianRunLength([1, 1, 1, 1, 4, 4, 30]), 30);
  assert.equal(medianRunLength([1, 1]), 1);
});

/**
 * `steps - 1` slices between two real slices, like the slices a scan holds between them: a linear
 * blend plus pixel noise inside the head (a plain blend is smoother than a real slice, so blends
 * would rather link to each other than to the real slice between them).
 */
function between(a: Raster, b: Raster, steps: number, seed: number): Raster[] {
  const random = seededRandom(seed, 'between');
  return Array.from({ length: steps - 1 }, (_, k) => {
    const t = (k + 1) / steps;
    return {
      ...a,
      data: a.data.map((v, i) => {
        const m = (1 - t) * v + t * b.data[i]!;
        return m < 16 ? Math.round(m) : Math.max(0, Math.min(255, Math.round(m + 28 * (random() - 0.5))));
      }),
    };
  });
}

async function moderatePeople(): Promise<Raster[][]> {
  if (!hasSample) {
    const fake = (seed: number) => ({ width: 64, height: 72, channels: 1 as const, data: syntheticPixels(seed) });
    return [[1, 8, 15, 22].map(fake), [4, 11, 18, 25].map(fake)];
  }
  // The sample's ModerateDemented files are every 7th of the class's train files: numbers 2-23 show
  // one person's scan from low to high, 30-51 the other's (the Kaggle class holds two people).
  const read = (n: number) => decodeImage(join(SAMPLE_DIR, 'ModerateDemented', `moderateDem${n}.jpg`));
  return [await Promise.all([2, 9, 16, 23].map(read)), await Promise.all([30, 37, 44, 51].map(read))];
}

test('the two-person ModerateDemented pattern comes out as 2 groups', async () => {
  const tensors = memoryStats().tensors;
  const people = await moderatePeople();
  const slices: Array<{ person: number; image: Raster }> = [];
  people.forEach((scan, person) => {
    scan.forEach((image, k) => {
      slices.push({ person, image });
      if (k + 1 < scan.length) for (const b of between(image, scan[k + 1]!, 7, person * 10 + k)) slices.push({ person, image: b });
    });
  });
  // Shuffled, as a folder listing would give them, so the order must come from the images.
  const order = slices.map((_, i) => i).sort((x, y) => ((x * 7919) % 53) - ((y * 7919) % 53));
  const shuffled = order.map((i) => slices[i]!);
  const result = reconstructSubjects(shuffled.map((s) => sliceSignature(s.image)));
  const truth = shuffled.map((s) => s.person);
  assert.deepEqual(result.sizes, [22, 22]);
  assert.equal(adjustedRandScore(truth, result.group), 1);
  assert.equal(clusterPurity(truth, result.group), 1);
  assert.ok(result.slicesPerScan >= 22 && result.slicesPerScan <= 30, `estimated ${result.slicesPerScan} slices per scan`);
  assert.equal(memoryStats().tensors, tensors);
});

test('pseudo-subjects of synthetic scans agree with the true subjects (ARI, purity)', async () => {
  const root = await tempDir();
  await generateDataset({ out: root, subjects: 8, seed: 5 });
  const rows = (await readFile(join(root, 'subjects.csv'), 'utf8'))
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const images = await Promise.all(rows.map((r) => decodeImage(join(root, r[0]!))));
  const signatures = images.map(sliceSignature);
  const truth = rows.map((r) => r[1]!);
  // As prepareDataset does: never across class folders.
  const result = reconstructSubjects(signatures, { labels: rows.map((r) => r[2]!) });
  const ari = adjustedRandScore(truth, result.group);
  const purity = clusterPurity(truth, result.group);
  assert.ok(ari >= 0.9, `ARI ${ari}`);
  assert.ok(purity >= 0.95, `purity ${purity}`);
  assert.ok(result.slicesPerScan >= 30 && result.slicesPerScan <= 40, `estimated ${result.slicesPerScan} slices per scan for 32`);
  assert.ok(Math.max(...result.sizes) <= result.slicesPerScan);
  // Without the class labels the chains still mostly follow people.
  const blind = reconstructSubjects(signatures);
  assert.ok(adjustedRandScore(truth, blind.group) >= 0.85, `ARI without labels ${adjustedRandScore(truth, blind.group)}`);
  assert.throws(() => reconstructSubjects(signatures, { labels: ['a'] }), /256 slices but 1 labels/);
});
