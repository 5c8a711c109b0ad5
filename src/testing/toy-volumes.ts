// Test helper: a tiny BIDS folder of whole volumes (participants.tsv with group and split), two
// classes told apart by the size of a dark "ventricle" inside a bright ellipsoid "brain", with
// seeded noise: enough for a 3-D model to train on in a second or two.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './data-helpers.js';
import { niftiBytes } from './test-volumes.js';

/** One toy volume, x fastest: an ellipsoid of ~100 with a central hole of radius `hole` (voxels), plus noise from `seed`. */
export function toyVolume(size: number, hole: number, seed: number): Float32Array {
  const data = new Float32Array(size * size * size);
  let state = (seed * 2654435761) >>> 0 || 1;
  const noise = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 4294967296 - 0.5) * 20;
  };
  const c = (size - 1) / 2;
  for (let z = 0; z < size; z++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const r = Math.hypot((x - c) / (0.42 * size), (y - c) / (0.45 * size), (z - c) / (0.4 * size));
        const inner = Math.hypot(x - c, y - c, z - c);
        data[x + size * (y + size * z)] = r > 1 ? 0 : inner < hole ? 20 + noise() : 100 + noise();
      }
  return data;
}

/**
 * Writes `subjectsPerClass` people per class (NonDemented: small hole, MildDemented: large hole)
 * as `sub-XX/anat/sub-XX_T1w.nii`, a third of each class in the test split, and returns the folder.
 */
export async function writeToyVolumeDataset(options: { subjectsPerClass?: number; size?: number } = {}): Promise<string> {
  const root = await tempDir('alzbench-toy-volumes-');
  const { subjectsPerClass = 9, size = 16 } = options;
  const rows = ['participant_id\tgroup\tsplit'];
  const affine = [2, 0, 0, -size, 0, 2, 0, -size, 0, 0, 2, -size, 0, 0, 0, 1];
  let n = 0;
  for (const [group, hole] of [
    ['NonDemented', 1.5],
    ['MildDemented', 4],
  ] as const) {
    for (let s = 0; s < subjectsPerClass; s++) {
      const id = `sub-${String(++n).padStart(2, '0')}`;
      await mkdir(join(root, id, 'anat'), { recursive: true });
      await writeFile(join(root, id, 'anat', `${id}_T1w.nii`), niftiBytes({ shape: [size, size, size], data: toyVolume(size, hole, n), affine }));
      rows.push(`${id}\t${group}\t${s % 3 === 0 ? 'test' : 'train'}`);
    }
  }
  await writeFile(join(root, 'participants.tsv'), `${rows.join('\n')}\n`);
  return root;
}
