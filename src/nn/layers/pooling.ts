import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type Pool2dOptions, type Size2 } from '../functional.js';

/** torch.nn.MaxPool2d. */
export class MaxPool2d extends Module {
  constructor(
    readonly kernelSize: Size2,
    readonly options: Pool2dOptions & { dilation?: Size2 } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AvgPool2d. */
export class AvgPool2d extends Module {
  constructor(
    readonly kernelSize: Size2,
    readonly options: Pool2dOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AdaptiveAvgPool2d: any input size to a fixed output size (global pooling with 1). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: Size2) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
