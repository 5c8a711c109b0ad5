import type { Tensor } from '../torch/tensor.js';
import { noGrad } from '../torch/autograd.js';
import { tidy } from '../torch/scope.js';
import type { Module } from '../nn/module.js';
import { crossEntropy } from '../nn/functional.js';
import { toModelInput } from './model-input.js';

/** Class probabilities of a set of images, and the mean loss when labels were given. */
export interface Inference {
  /** Row-major n x C softmax probabilities. */
  readonly probabilities: Float32Array;
  /** Mean (unweighted) cross-entropy over the samples; NaN without labels. */
  readonly loss: number;
  readonly seconds: number;
}

/**
 * Runs a model in eval mode without gradients over 8-bit images [N, 1, H, W] in batches and
 * returns softmax probabilities (and the mean cross-entropy against `labels`, int64 [N]). The
 * model's train/eval mode is restored afterwards.
 *
 * @param model a slice classifier mapping float `[B, 1, H, W]` in [0, 1] to logits `[B, C]`
 * @param images uint8 `[N, 1, H, W]` pixels 0..255 (divided by 255 per batch, see {@link toModelInput})
 * @param labels int64 `[N]` class indices for the loss, or null for none
 * @param batchSize images per forward pass; default 64
 * @returns row-major N x C softmax probabilities (float32), the mean cross-entropy (nats; NaN without labels or for
 *   N = 0) and the wall time in seconds
 * @throws Error naming the op and the argument shapes when libtorch rejects the input (wrong shape or channel
 *   count for the model, a label outside [0, C))
 *
 * @example
 * const { probabilities, loss } = inferProbabilities(model, images, labels, 64);
 */
export function inferProbabilities(model: Module, images: Tensor, labels: Tensor | null, batchSize = 64): Inference {
  return inferInBatches(model, images, labels, batchSize, toModelInput);
}

/**
 * The batch loop under {@link inferProbabilities} and `inferVolumes`: eval mode and no gradients,
 * `batchSize` samples per forward pass, each batch passed through `prepare` first; the model's
 * train/eval mode is restored afterwards.
 *
 * @param model a classifier mapping a prepared batch [B, ...] to logits [B, C]
 * @param inputs [N, ...] samples on the model's device
 * @param labels int64 [N] class indices for the loss, or null for none
 * @param batchSize samples per forward pass
 * @param prepare turns a batch of `inputs` into the model's input (e.g. {@link toModelInput} for 8-bit slices)
 * @returns row-major N x C float32 softmax probabilities, the mean cross-entropy (nats; NaN without labels or for
 *   N = 0) and the wall time in seconds
 * @throws Error naming the op and the argument shapes when libtorch rejects the input
 */
export function inferInBatches(model: Module, inputs: Tensor, labels: Tensor | null, batchSize: number, prepare: (batch: Tensor) => Tensor): Inference {
  const start = performance.now();
  const n = inputs.size(0);
  const wasTraining = model.training;
  model.eval();
  const chunks: Float32Array[] = [];
  let lossSum = 0;
  try {
    noGrad(() => {
      for (let i = 0; i < n; i += batchSize) {
        const size = Math.min(batchSize, n - i);
        tidy(() => {
          const logits = model.forward(prepare(inputs.narrow(0, i, size)));
          chunks.push(logits.softmax(1).to('cpu').to('float32').toArray() as Float32Array);
          if (labels) lossSum += crossEntropy(logits, labels.narrow(0, i, size), { reduction: 'sum' }).item();
        });
      }
    });
  } finally {
    model.train(wasTraining);
  }
  const probabilities = new Float32Array(chunks.reduce((s, c) => s + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    probabilities.set(c, offset);
    offset += c.length;
  }
  return { probabilities, loss: labels && n > 0 ? lossSum / n : NaN, seconds: (performance.now() - start) / 1000 };
}
