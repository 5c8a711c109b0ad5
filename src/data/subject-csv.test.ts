import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDataset } from './open-dataset.js';
import { syntheticPixels, tempDir, writeImage } from '../testing/data-helpers.js';

test('a subjects.csv beside class folders gives items their subject IDs', async () => {
  const root = await tempDir();
  for (let i = 0; i < 3; i++) await writeImage(join(root, 'train', 'NonDemented', `${i}.png`), syntheticPixels(i));
  await writeImage(join(root, 'test', 'MildDemented', 'a.png'), syntheticPixels(9));
  await writeFile(
    join(root, 'subjects.csv'),
    'file,subject,stage\ntrain/NonDemented/0.png,s1,NonDemented\ntrain/NonDemented/1.png,s1,NonDemented\ntest/MildDemented/a.png,s2,MildDemented\n',
  );
  const dataset = await openDataset(root);
  const subjects = Object.fromEntries(dataset.items.map((it) => [it.id, it.subject]));
  assert.deepEqual(subjects, {
    'test/MildDemented/a.png': 's2',
    'train/NonDemented/0.png': 's1',
    'train/NonDemented/1.png': 's1',
    'train/NonDemented/2.png': undefined,
  });
  await writeFile(join(root, 'subjects.csv'), 'path,id\nx,y\n');
  await assert.rejects(openDataset(root), { message: `Expected columns file and subject in ${join(root, 'subjects.csv')} but received header ["path","id"]` });
});
