import type { Tensor } from '../torch/tensor.js';

/**
 * Turns a batch of 8-bit slices [N, 1, H, W] into the model's input: float32 in [0, 1]. Training,
 * evaluation and prediction all go through here so they agree on the scale. (Per-image
 * standardization is left to the models' batch norm.)
 */
export function toModelInput(uint8Batch: Tensor): Tensor {
  return uint8Batch.to('float32').div_(255);
}
