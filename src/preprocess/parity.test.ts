// Every module's output against cv2 4.6 (Debian python3-opencv) on real slices: the fixtures were
// made once by fixtures/make_fixtures.py and are compared pixel by pixel here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeImage, rgbToGray } from '../data/decode-image.js';
import { applyChain } from './chain.js';
import { parseChain } from './chain-spec.js';
import { loadImageOps } from './load-image-ops.js';
import type { Raster } from './raster.js';

const fixtures = new URL('../../src/preprocess/fixtures/', import.meta.url);
const at = (name: string) => fileURLToPath(new URL(name, fixtures));

interface Case {
  name: string;
  input: string;
  pipeline: string;
  output: string;
  maxDiff: number;
}
const { cases, inputSums } = JSON.parse(readFileSync(at('cases.json'), 'utf8')) as {
  cases: Case[];
  inputSums: Record<string, number>;
};

/** Largest absolute pixel difference and how many pixels differ. */
function compare(actual: Raster, expected: Raster): { maxDiff: number; differing: number } {
  assert.deepEqual([actual.width, actual.height, actual.channels], [expected.width, expected.height, expected.channels]);
  let maxDiff = 0;
  let differing = 0;
  for (let i = 0; i < actual.data.length; i++) {
    const d = Math.abs(actual.data[i]! - expected.data[i]!);
    if (d > 0) differing++;
    if (d > maxDiff) maxDiff = d;
  }
  return { maxDiff, differing };
}

test('every module of the study has a cv2 parity case', () => {
  const covered = new Set(cases.flatMap((c) => parseChain(c.pipeline).steps.map((s) => s.definition.name)));
  assert.deepEqual([...covered].sort(), ['clahe', 'grayscale', 'invert', 'merge', 'normalize', 'open', 'resize', 'smooth']);
  assert.ok(cases.some((c) => c.pipeline.includes('overlap')) && cases.some((c) => c.pipeline.includes('multiply')));
});

// Both backends must equal cv2: native OpenCV (the default) and opencv.js (the fallback).
for (const backend of ['native', 'opencv.js'] as const) {
  for (const c of cases) {
    test(`${backend}: ${c.pipeline} equals cv2 (max difference ${c.maxDiff})`, async () => {
      const ops = await loadImageOps(backend);
      assert.equal(ops.backend, backend);
      const input = await decodeImage(at(c.input), { keepColor: true });
      const expected = await decodeImage(at(c.output));
      const actual = applyChain(parseChain(c.pipeline), input, ops);
      const { maxDiff, differing } = compare(actual, expected);
      assert.ok(maxDiff <= c.maxDiff, `${c.name}: max difference ${maxDiff} over ${differing} pixels`);
    });
  }
}

test('a colour image kept in colour and made gray equals cv2.cvtColor(RGB2GRAY); decoded straight to gray it is cv2.imread(IMREAD_GRAYSCALE), within 1 level', async () => {
  const colour = await decodeImage(at('input-rgb.png'), { keepColor: true });
  const expected = await decodeImage(at('grayscale.png'));
  const converted = { ...colour, channels: 1 as const, data: rgbToGray(colour.data, colour.width * colour.height) };
  assert.equal(compare(converted, expected).maxDiff, 0);
  // libpng's own RGB-to-gray inside cv2.imread rounds differently from cvtColor.
  const gray = await decodeImage(at('input-rgb.png'));
  assert.equal(gray.channels, 1);
  assert.ok(compare(gray, expected).maxDiff <= 1);
});

test('the PNG inputs decode to the pixels cv2 wrote (pixel sums)', async () => {
  for (const [name, sum] of Object.entries(inputSums)) {
    const image = await decodeImage(at(name), { keepColor: true });
    assert.equal(
      image.data.reduce((a, b) => a + b, 0),
      sum,
      name,
    );
  }
  assert.equal((await decodeImage(at('input-rgb.png'), { keepColor: true })).channels, 3);
});
