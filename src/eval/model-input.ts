import type { Tensor } from '../torch/tensor.js';

/**
 * Turns a batch of 8-bit slices [N, 1, H, W] into the model's input: float32 in [0, 1]. Training,
 * evaluation and prediction all go through here so they agree on the scale. (Per-image
 * standardization is left to the models' batch norm.)
 *
 * @param uint8Batch `[N, 1, H, W]` uint8 pixels 0..255 (not changed). Pass uint8: a float32 tensor would be
 * returned by `to` as itself and divided in place.
 * @returns a new float32 tensor of the same shape, values pixel / 255
 * @throws Error from libtorch when the tensor was disposed.
 */
export function toModelInput(uint8Batch: Tensor): Tensor {
  return uint8Batch.to('float32').div_(255);
}
