import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticPixels } from '../testing/data-helpers.js';
import { applyChain } from './chain.js';
import { applyChainAsync } from './chain-program.js';
import { parseChain } from './chain-spec.js';
import { nativeImageOps } from './native-image-ops.js';
import { makeRaster } from './raster.js';

const gray = makeRaster(40, 36, 1, syntheticPixels(3, 40, 36));
const rgb = makeRaster(40, 36, 3, new Uint8Array([...syntheticPixels(4, 40, 36 * 3)]));

const chains = [
  'grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert',
  'open(k=3,shape=ellipse,iter=2)|smooth(median,k=5)|normalize(min=10,max=240)',
  'merge(multiply,smooth=gaussian,k=11)|resize(32,24)',
  'merge(overlap,smooth=average,k=4)|open(k=3,shape=cross,iter=1)',
  'resize(50,30)|clahe(clip=3,tile=4)',
];

test('a chain run as one program on the thread pool gives the same pixels as applyChain with native OpenCV', async () => {
  assert.ok(nativeImageOps, 'the addon has OpenCV');
  for (const spec of chains) {
    const chain = parseChain(spec);
    for (const image of spec.startsWith('grayscale') ? [gray, rgb] : [gray]) {
      const want = applyChain(chain, image, nativeImageOps);
      const got = await applyChainAsync(chain, image);
      assert.deepEqual([got.width, got.height, got.channels], [want.width, want.height, want.channels], spec);
      assert.deepEqual(got.data, want.data, spec);
    }
  }
  // Many at once (the loader runs 8 in flight) still each get their own pixels.
  const chain = parseChain(chains[0]!);
  const images = Array.from({ length: 12 }, (_, i) => makeRaster(40, 36, 1, syntheticPixels(10 + i, 40, 36)));
  const all = await Promise.all(images.map((image) => applyChainAsync(chain, image)));
  all.forEach((got, i) => assert.deepEqual(got.data, applyChain(chain, images[i]!, nativeImageOps).data));
});

test('a chain that passes the image through returns it; a step check fails as in line', async () => {
  assert.equal(await applyChainAsync(parseChain('grayscale'), gray), gray);
  const chain = parseChain('clahe(clip=2,tile=4)');
  const inline = (() => {
    try {
      applyChain(chain, rgb, nativeImageOps);
    } catch (error) {
      return error as Error;
    }
  })();
  assert.ok(inline);
  await assert.rejects(applyChainAsync(chain, rgb), { name: inline.name, message: inline.message });
  assert.match(inline.message, /Expected 1-channel image for step clahe but received 3 channels/);
});

test('the thread-pool program reads its own copy: the caller transferring and zeroing the slice right after the call changes nothing', async () => {
  assert.ok(nativeImageOps, 'the addon has OpenCV');
  const chain = parseChain(chains[0]!);
  const source = makeRaster(176, 208, 1, syntheticPixels(21, 176, 208));
  const want = applyChain(chain, source, nativeImageOps);
  // Big programs queued first keep every pool thread busy, so the programs under test are still
  // waiting in the queue when their slices are zeroed (without them a pool thread could finish first).
  const big = makeRaster(1024, 1024, 1, syntheticPixels(22, 1024, 1024));
  const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const blockers = Array.from({ length: poolSize }, () => applyChainAsync(chain, big));
  const images = Array.from({ length: 3 }, () => makeRaster(176, 208, 1, new Uint8Array(source.data)));
  const pending = images.map((image) => applyChainAsync(chain, image)); // each records and queues its program at once
  for (const image of images) {
    // As postMessage(data.buffer, [data.buffer]) does: the buffer moves and its new owner refills it.
    const moved = structuredClone(image.data.buffer as ArrayBuffer, { transfer: [image.data.buffer as ArrayBuffer] });
    new Uint8Array(moved).fill(0);
    assert.equal(image.data.byteLength, 0, 'detached');
  }
  for (const [i, got] of (await Promise.all(pending)).entries()) assert.deepEqual(got.data, want.data, `copy ${i}`);
  await Promise.all(blockers);
});
