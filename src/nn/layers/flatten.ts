import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';

/** torch.nn.Flatten: flattens dimensions startDim..endDim (default all but the batch). */
export class Flatten extends Module {
  /**
   * Source: PyTorch `torch.nn.Flatten`.
   *
   * @param startDim first dimension to merge (default 1, keeping the batch dimension)
   * @param endDim last dimension to merge, inclusive (default -1)
   */
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  /**
   * Flattens `x`, e.g. `[N, C, H, W]` into `[N, C·H·W]` with the defaults.
   *
   * @param x a tensor with more than `startDim` dimensions
   * @returns a tensor (a view when possible) with dimensions startDim..endDim merged
   * @throws Error `aten::flatten.using_ints(...) failed: ...` when a dimension is out of range.
   */
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}
