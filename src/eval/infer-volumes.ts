import type { Tensor } from '../torch/tensor.js';
import type { Module } from '../nn/module.js';
import { inferInBatches, type Inference } from './evaluate.js';

/**
 * Runs a volume model in eval mode without gradients over prepared volumes [N, 1, X, Y, Z]
 * (float32, as the volume transforms leave them: no 8-bit scaling, unlike slices) in batches, and
 * returns softmax probabilities and the mean cross-entropy against `labels` (int64 [N]). The
 * model's train/eval mode is restored afterwards.
 *
 * @param model a volume classifier mapping float32 [B, 1, X, Y, Z] to logits [B, C]
 * @param volumes float32 [N, 1, X, Y, Z] prepared volumes (e.g. from `loadVolumeSplit`), on the model's device
 * @param labels int64 [N] class indices for the loss, or null for none
 * @param batchSize volumes per forward pass; default 4 (3-D activations are large)
 * @returns row-major N x C softmax probabilities (float32), the mean cross-entropy (nats; NaN without labels or
 *   for N = 0) and the wall time in seconds
 * @throws Error naming the op and the argument shapes when libtorch rejects the input (wrong shape or channel
 *   count for the model, a label outside [0, C)), as `inferProbabilities`
 * @example
 * const { probabilities, loss } = inferVolumes(model, volumes, labels, 4);
 */
export function inferVolumes(model: Module, volumes: Tensor, labels: Tensor | null, batchSize = 4): Inference {
  return inferInBatches(model, volumes, labels, batchSize, (batch) => batch);
}
