import { test } from 'node:test';
import assert from 'node:assert/strict';
import { syntheticPixels } from '../testing/data-helpers.js';
import { applyChain } from './chain.js';
import { applyChainAsync } from './chain-program.js';
import { parseChain } from './chain-spec.js';
import { nativeImageOps } from './native-image-ops.js';
import { makeRaster } from './raster.js';
import { loadImageOps } from './load-image-ops.js';

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

test('an operation OpenCV refuses rejects with the in-line error naming the step; nothing is retried in line', async () => {
  assert.ok(nativeImageOps, 'the addon has OpenCV');
  const empty = makeRaster(0, 0, 1, new Uint8Array(0));
  const cases: [spec: string, start: string, opencv: RegExp][] = [
    [
      'smooth(median,k=5)',
      'applying step 1 (smooth(method=median,k=5)) to a 0x0x1 image: OpenCV blur on a 0x0x1 image failed: ',
      /!_src0\.empty\(\) in function 'medianBlur'/,
    ],
    [
      'resize(4,4)',
      'applying step 1 (resize(width=4,height=4)) to a 0x0x1 image: OpenCV resize on a 0x0x1 image failed: ',
      /!ssize\.empty\(\) in function 'resize'/,
    ],
    // The second step fails: the error names it, not the first.
    [
      'invert|merge(overlap,smooth=gaussian,k=5)',
      'applying step 2 (merge(mode=overlap,smooth=gaussian,k=5,w1=4,w2=-4,offset=128)) to a 0x0x1 image: OpenCV blur on a 0x0x1 image failed: ',
      /!_src\.empty\(\) in function 'GaussianBlur'/,
    ],
  ];
  for (const [spec, start, opencv] of cases) {
    const chain = parseChain(spec);
    const inline = (() => {
      try {
        applyChain(chain, empty, nativeImageOps);
      } catch (error) {
        return error as Error;
      }
    })();
    assert.ok(inline, spec);
    assert.equal(inline.name, 'AlzbenchError', spec);
    assert.equal(inline.message.slice(0, start.length), start, spec);
    assert.match(inline.message, opencv, spec);
    await assert.rejects(applyChainAsync(chain, empty), (error: Error) => {
      assert.equal(error.name, 'AlzbenchError', spec);
      assert.equal(error.message, inline.message, spec);
      assert.equal((error.cause as { instruction?: number }).instruction, spec.startsWith('invert') ? 1 : 0, 'failed on the pool, not retried in line');
      return true;
    });
  }
});

test('clahe refuses an image without rows or columns on every path (OpenCV 4.6 and opencv.js never return on one)', async () => {
  assert.ok(nativeImageOps, 'the addon has OpenCV');
  const openCvJs = await loadImageOps('opencv.js');
  const chain = parseChain('grayscale|clahe(clip=2,tile=8)');
  for (const [width, height] of [
    [0, 5],
    [5, 0],
    [0, 0],
  ] as const) {
    const image = makeRaster(width, height, 1, new Uint8Array(0));
    const message = `Expected an image with rows and columns for step clahe but received a ${width}x${height} image`;
    const error = { name: 'AlzbenchError', message, hint: 'an image with no pixels cannot be equalized' };
    assert.throws(() => applyChain(chain, image, nativeImageOps), error);
    assert.throws(() => applyChain(chain, image, openCvJs), error);
    await assert.rejects(applyChainAsync(chain, image), error);
  }
});
