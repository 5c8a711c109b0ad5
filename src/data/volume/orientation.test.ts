import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { multiply4 } from './affine-math.js';
import { axialSlice, sliceIndices } from './axial-slices.js';
import { intensityWindow } from './intensity-window.js';
import { axcodes, ioOrientation } from './orientation.js';
import { readVolume } from './read-volume.js';
import { niftiBytes } from '../../testing/test-volumes.js';
import { tempDir } from '../../testing/data-helpers.js';

const PERMUTATIONS = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

test('every one of the 48 axis orders and flips of a volume gives the same canonical array, affine and axial slices', async () => {
  const dir = await tempDir();
  // A RAS+ "brain": 7x6x5 voxels of distinct values, 1.5 x 2 x 2.5 mm, origin somewhere.
  const shape = [7, 6, 5];
  const data = Float32Array.from({ length: 210 }, (_, i) => ((i * 37) % 211) - 20);
  const affine = [1.5, 0, 0, -4, 0, 2, 0, 5, 0, 0, 2.5, -6, 0, 0, 0, 1];
  const window = intensityWindow(data);
  const [z0, z1] = sliceIndices({ from: 0.3, to: 0.7 }, shape[2]!);
  const slices = Array.from({ length: z1 - z0 }, (_, z) => axialSlice(data, shape, z0 + z, window));
  const seen = new Set<string>();
  for (const perm of PERMUTATIONS) {
    for (let flips = 0; flips < 8; flips++) {
      // Stored axis a is canonical axis perm[a], reversed when flip bit a is set.
      const flip = [0, 1, 2].map((a) => (flips >> a) & 1);
      const storedShape = perm.map((c) => shape[c]!);
      const stored = new Float32Array(210);
      for (let k = 0; k < storedShape[2]!; k++) {
        for (let j = 0; j < storedShape[1]!; j++) {
          for (let i = 0; i < storedShape[0]!; i++) {
            const index = [i, j, k].map((v, a) => (flip[a] ? storedShape[a]! - 1 - v : v));
            const canonical = [0, 0, 0];
            perm.forEach((c, a) => (canonical[c] = index[a]!));
            stored[i + storedShape[0]! * (j + storedShape[1]! * k)] = data[canonical[0]! + 7 * (canonical[1]! + 6 * canonical[2]!)]!;
          }
        }
      }
      // The stored voxel -> canonical voxel map, so the world position of every voxel is kept.
      const toCanonical = new Array<number>(16).fill(0);
      toCanonical[15] = 1;
      perm.forEach((c, a) => {
        toCanonical[4 * c + a] = flip[a] ? -1 : 1;
        toCanonical[4 * c + 3] = flip[a] ? storedShape[a]! - 1 : 0;
      });
      const storedAffine = multiply4(affine, toCanonical);
      const name = `p${perm.join('')}f${flips}.nii`;
      await writeFile(join(dir, name), niftiBytes({ shape: storedShape, data: stored, affine: storedAffine }));
      const v = await readVolume(join(dir, name));
      seen.add(v.sourceAxcodes);
      assert.equal(v.sourceAxcodes, axcodes(ioOrientation(storedAffine)));
      assert.deepEqual(v.shape, shape, name);
      assert.deepEqual(v.data, data, name);
      assert.deepEqual(v.affine, affine, name);
      assert.deepEqual(v.spacing, [1.5, 2, 2.5]);
      const w = intensityWindow(v.data);
      assert.deepEqual(w, window);
      for (let z = z0; z < z1; z++) assert.deepEqual(axialSlice(v.data, v.shape, z, w), slices[z - z0], `${name} z=${z}`);
    }
  }
  assert.equal(seen.size, 48);
});

test('io_orientation of oblique affines takes the closest axes, greedily (nibabel examples)', () => {
  // Values from nibabel 5.0: a 45° in-plane rotation ties, and np.argmax takes the first axis.
  const c = Math.SQRT1_2;
  assert.deepEqual(ioOrientation([c, -c, 0, 0, c, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), [
    [0, 1],
    [1, 1],
    [2, 1],
  ]);
  assert.equal(axcodes(ioOrientation([0, 0, -1.2, 0, -0.9, 0.1, 0, 0, 0.1, 1, 0, 0, 0, 0, 0, 1])), 'PSL');
  assert.throws(() => ioOrientation([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), /voxel axis 1 maps to no world axis/);
});

test('the intensity window ignores voxels flagged as non-finite', () => {
  const data = Float32Array.from({ length: 1000 }, (_, i) => (i < 600 ? 0 : i));
  const mask = Uint8Array.from({ length: 1000 }, (_, i) => (i < 600 ? 1 : 0));
  // 400 finite values 600..999: ranks floor(0.005 * 399) = 1 and ceil(0.995 * 399) = 398.
  assert.deepEqual(intensityWindow(data, mask), [601, 998]);
  assert.deepEqual(intensityWindow(data), [0, 995]);
  assert.deepEqual(intensityWindow(new Float32Array(5).fill(3)), [3, 4]);
});
