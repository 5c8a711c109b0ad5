import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manualSeed, memoryStats, noGrad, tensor } from '../torch/index.js';
import { getModel } from '../models/registry.js';
import { toModelInput } from './model-input.js';
import { predictSlices } from './tta.js';

test('predictSlices: flip TTA is the mean of the slice and its mirror, so a slice and its mirror agree', () => {
  const before = memoryStats().tensors;
  manualSeed(3);
  const model = getModel('simple_cnn', { widths: [4, 8], numClasses: 2, dropout: 0 });
  model.eval();
  const [h, w] = [16, 12];
  const slice = Uint8Array.from({ length: h * w }, (_, i) => (i * 37 + (i % w) * 11) % 256);
  const mirror = Uint8Array.from({ length: h * w }, (_, i) => slice[Math.floor(i / w) * w + (w - 1 - (i % w))]!);
  const pixels = new Uint8Array(2 * h * w);
  pixels.set(slice, 0);
  pixels.set(mirror, h * w);
  const forward = (p: Uint8Array) =>
    noGrad(() => {
      const input = tensor(p, { shape: [1, 1, h, w] });
      const x = toModelInput(input);
      const logits = model.forward(x);
      const probabilities = logits.softmax(1);
      const out = probabilities.toArray() as Float32Array;
      for (const t of [input, x, logits, probabilities]) t.dispose();
      return out;
    });
  const [a, b] = [forward(slice), forward(mirror)];
  const plain = predictSlices(model, pixels, 2, [h, w], 'none');
  const flipped = predictSlices(model, pixels, 2, [h, w], 'flip');
  for (let k = 0; k < 2; k++) {
    assert.ok(Math.abs(plain[0]!.probabilities[k]! - a[k]!) < 1e-6, 'none: the forward pass itself');
    assert.ok(Math.abs(flipped[0]!.probabilities[k]! - (a[k]! + b[k]!) / 2) < 1e-6, 'flip: the mean over the two views');
    assert.ok(Math.abs(flipped[0]!.probabilities[k]! - flipped[1]!.probabilities[k]!) < 1e-6, 'a slice and its mirror agree');
  }
  assert.ok(Math.abs(a[0]! - b[0]!) > 1e-4, 'the untrained model is not mirror-symmetric, so the test can fail');
  assert.equal(flipped[0]!.predicted, flipped[0]!.probabilities[0]! >= flipped[0]!.probabilities[1]! ? 0 : 1);
  model.dispose();
  assert.equal(memoryStats().tensors, before);
});
