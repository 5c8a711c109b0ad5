import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { adaptiveAvgPool3d, avgPool3d, maxPool3d, type Pool3dOptions, type Size3 } from '../functional.js';

/** torch.nn.MaxPool3d on NCDHW volumes. */
export class MaxPool3d extends Module {
  constructor(
    readonly kernelSize: Size3,
    readonly options: Pool3dOptions & { dilation?: Size3 } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool3d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AvgPool3d on NCDHW volumes. */
export class AvgPool3d extends Module {
  constructor(
    readonly kernelSize: Size3,
    readonly options: Pool3dOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool3d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AdaptiveAvgPool3d: any volume size to a fixed output size (global pooling with 1). */
export class AdaptiveAvgPool3d extends Module {
  constructor(readonly outputSize: Size3) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool3d(x, this.outputSize);
  }
}
