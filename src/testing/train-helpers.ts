// Helpers for the training tests: tiny folder data sets written as real PNGs (with subjects.csv),
// and a leak check for async code (expectNoLeaks takes synchronous functions only).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryStats } from '../torch/memory.js';
import { seededRandom } from '../data/seeded-shuffle.js';
import { tempDir, writeImage } from './data-helpers.js';

/** Runs async `fn` and asserts the live tensor count is back where it started. */
export async function expectNoLeaksAsync<T>(fn: () => Promise<T>): Promise<T> {
  const before = memoryStats().tensors;
  const result = await fn();
  assert.equal(memoryStats().tensors, before, 'live tensor count changed: a tensor leaked');
  return result;
}

/**
 * A toy "atrophy" slice: a bright head ellipse with a dark inner ellipse (ventricles) that is
 * larger for MildDemented, plus noise. Deterministic per key.
 */
export function toySlice(size: number, mild: boolean, key: string): Uint8Array {
  const random = seededRandom(1, key);
  const pixels = new Uint8Array(size * size);
  const cx = size / 2 + (random() - 0.5) * 3;
  const cy = size / 2 + (random() - 0.5) * 3;
  const ventricle = (mild ? 0.32 : 0.14) + random() * 0.04;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = ((x - cx) / (size * 0.38)) ** 2 + ((y - cy) / (size * 0.44)) ** 2;
      let v = r < 1 ? 170 : 0;
      if (r < ventricle * ventricle * 4) v = 30;
      pixels[y * size + x] = Math.max(0, Math.min(255, v + (random() - 0.5) * 30));
    }
  }
  return pixels;
}

/**
 * Writes a binary toy data set: `subjectsPerClass` subjects per class (NonDemented, MildDemented),
 * `slices` slices each, `size` pixels square, with subjects.csv. `identical` makes every slice the
 * same gray image (a model can only predict one class: collapse).
 */
export async function writeToyDataset(options: { subjectsPerClass?: number; slices?: number; size?: number; identical?: boolean } = {}): Promise<string> {
  const root = await tempDir('alzbench-train-');
  const { subjectsPerClass = 10, slices = 2, size = 32 } = options;
  const rows = ['file,subject'];
  for (const cls of ['NonDemented', 'MildDemented']) {
    for (let s = 0; s < subjectsPerClass; s++) {
      for (let k = 0; k < slices; k++) {
        const file = `${cls}/${cls}-${s}-${k}.png`;
        const pixels = options.identical ? new Uint8Array(size * size).fill(90) : toySlice(size, cls === 'MildDemented', file);
        await writeImage(join(root, file), pixels, size, size);
        rows.push(`${file},${cls}-${s}`);
      }
    }
  }
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'subjects.csv'), `${rows.join('\n')}\n`);
  return root;
}
