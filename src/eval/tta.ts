/**
 * Test-time augmentation: the model sees each slice and its left-right mirror, and the class
 * probabilities of the two are averaged (the "flip" TTA of most image-classification recipes).
 * Brains are nearly left-right symmetric, so the mirror is a plausible second view.
 */
import type { Module } from '../nn/module.js';
import type { Tensor } from '../torch/tensor.js';
import { tensor } from '../torch/creation.js';
import { inferProbabilities, type Inference } from './evaluate.js';

/** Test-time augmentations: none, or the mean over the image and its horizontal flip. */
export type TestTimeAugmentation = 'none' | 'flip';

/**
 * {@link inferProbabilities} with test-time augmentation. With `flip`, probabilities are the mean
 * of those of the images [N, 1, H, W] and of their mirrors (flipped along W), and the loss is the
 * mean negative log-likelihood of the averaged probabilities.
 *
 * @param model a slice classifier, as {@link inferProbabilities}
 * @param images uint8 `[N, 1, H, W]` pixels 0..255
 * @param labels int64 `[N]` class indices for the loss of the plain pass (used as the result's loss with `none`)
 * @param batchSize images per forward pass
 * @param tta `none` (one pass) or `flip` (mean with the W-flipped images)
 * @param labelList the same labels as numbers, for the loss of the averaged probabilities with `flip`; without it
 *   the loss is NaN
 * @returns row-major N x C probabilities, the loss (nats) and the wall time in seconds of both passes
 * @throws Error naming the op and the argument shapes when libtorch rejects the input, as {@link inferProbabilities}
 */
export function inferWithTta(
  model: Module,
  images: Tensor,
  labels: Tensor | null,
  batchSize: number,
  tta: TestTimeAugmentation,
  labelList?: readonly number[],
): Inference {
  const plain = inferProbabilities(model, images, labels, batchSize);
  if (tta === 'none') return plain;
  const mirrored = images.flip([3]);
  let flipped: Inference;
  try {
    flipped = inferProbabilities(model, mirrored, null, batchSize);
  } finally {
    mirrored.dispose();
  }
  const probabilities = new Float32Array(plain.probabilities.length);
  for (let i = 0; i < probabilities.length; i++) probabilities[i] = (plain.probabilities[i]! + flipped.probabilities[i]!) / 2;
  let loss = NaN;
  if (labelList && labelList.length > 0) {
    const c = probabilities.length / labelList.length;
    loss = -labelList.reduce((s, l, i) => s + Math.log(Math.max(probabilities[i * c + l]!, 1e-45)), 0) / labelList.length;
  }
  return { probabilities, loss, seconds: plain.seconds + flipped.seconds };
}

/**
 * Class probabilities of preprocessed slices with a run's test-time augmentation, as the test
 * phase and `eval` compute them: what `predict` and the dashboard's upload show, so that a slice
 * gets the same numbers everywhere.
 *
 * @param model the run's slice classifier (float [B, 1, H, W] in [0, 1] to logits [B, C]), run in eval mode
 * @param pixels `count` gray slices of `height x width`, row-major, uint8 (the run's preprocessing applied)
 * @param count slices in `pixels` (`pixels.length` must be `count * height * width`)
 * @param size [height, width] of each slice in pixels: the model's input size
 * @param tta the run's `tta` setting (`none` for runs made before it existed)
 * @returns per slice: its class probabilities (a view into one buffer) and the index of the largest (the first
 *   among ties); forward passes of 64 slices
 * @throws Error naming the op and the argument shapes when libtorch rejects the input, as {@link inferProbabilities}
 */
export function predictSlices(
  model: Module,
  pixels: Uint8Array,
  count: number,
  [height, width]: readonly [number, number],
  tta: TestTimeAugmentation,
): Array<{ probabilities: Float32Array; predicted: number }> {
  const batch = tensor(pixels, { shape: [count, 1, height, width] });
  let all: Float32Array;
  try {
    all = inferWithTta(model, batch, null, 64, tta).probabilities;
  } finally {
    batch.dispose();
  }
  const classes = all.length / count;
  return Array.from({ length: count }, (_, i) => {
    const probabilities = all.subarray(i * classes, (i + 1) * classes);
    let predicted = 0;
    for (let k = 1; k < classes; k++) if (probabilities[k]! > probabilities[predicted]!) predicted = k;
    return { probabilities, predicted };
  });
}
