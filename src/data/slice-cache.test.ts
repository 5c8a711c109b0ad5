import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseChain } from '../preprocess/chain-spec.js';
import { applyChain } from '../preprocess/chain.js';
import { decodeImage } from './decode-image.js';
import { openDataset } from './open-dataset.js';
import { cacheInputs, preprocessWithCache } from './slice-cache.js';
import { syntheticPixels, tempDir, writeImage } from '../testing/data-helpers.js';

test('the slice cache hits on the second run and misses after a changed file or chain', async () => {
  const root = await tempDir();
  const cacheDir = join(await tempDir(), 'cache');
  for (let i = 0; i < 4; i++) await writeImage(join(root, i % 2 ? 'NonDemented' : 'MildDemented', `${i}.png`), syntheticPixels(i));
  const chain = parseChain('open(k=3)|clahe(clip=2,tile=7)|invert');
  const first = await preprocessWithCache(await cacheInputs(await openDataset(root)), chain, { cacheDir });
  assert.equal(first.hit, false);
  const second = await preprocessWithCache(await cacheInputs(await openDataset(root)), chain, { cacheDir });
  assert.equal(second.hit, true);
  assert.equal(second.key, first.key);
  assert.deepEqual(
    second.images.map((i) => [...i.data]),
    first.images.map((i) => [...i.data]),
  );
  // The cached pixels are the chain's output.
  const dataset = await openDataset(root);
  const direct = applyChain(chain, await decodeImage((dataset.items[0]!.source as { path: string }).path));
  assert.deepEqual([...second.images[0]!.data], [...direct.data]);

  const otherChain = await preprocessWithCache(await cacheInputs(dataset), parseChain('open(k=3)|clahe(clip=3,tile=7)|invert'), { cacheDir });
  assert.equal(otherChain.hit, false);
  assert.notEqual(otherChain.key, first.key);

  await writeImage(join(root, 'NonDemented', '1.png'), syntheticPixels(99));
  const changed = await preprocessWithCache(await cacheInputs(await openDataset(root)), chain, { cacheDir });
  assert.equal(changed.hit, false);
  assert.notEqual(changed.key, first.key);
});

test('a cache hit gives each slice its own pixels when the inputs come in another order', async () => {
  const root = await tempDir();
  const cacheDir = join(await tempDir(), 'cache');
  for (let i = 0; i < 4; i++) await writeImage(join(root, i % 2 ? 'NonDemented' : 'MildDemented', `${i}.png`), syntheticPixels(i));
  const chain = parseChain('clahe(clip=2,tile=4)');
  const inputs = await cacheInputs(await openDataset(root));
  const first = await preprocessWithCache(inputs, chain, { cacheDir });
  const reversed = await preprocessWithCache([...inputs].reverse(), chain, { cacheDir });
  assert.equal(reversed.hit, true);
  assert.deepEqual(
    reversed.images.map((i) => [...i.data]),
    [...first.images].reverse().map((i) => [...i.data]),
  );
});
