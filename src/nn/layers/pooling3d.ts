import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { adaptiveAvgPool3d, avgPool3d, maxPool3d, type Pool3dOptions, type Size3 } from '../functional.js';

/** torch.nn.MaxPool3d on NCDHW volumes. */
export class MaxPool3d extends Module {
  /**
   * @param kernelSize window in pixels/voxels: one number for every axis, or one per axis
   * @param options `stride` (default: the kernel size), `padding` (default 0, at most half the kernel), `dilation`
   *   (default 1), `ceilMode` (default false)
   */
  constructor(
    readonly kernelSize: Size3,
    readonly options: Pool3dOptions & { dilation?: Size3 } = {},
  ) {
    super();
  }
  /**
   * @param x `[N, C, D, H, W]`
   * @returns `[N, C, D', H', W']`, each axis `floor((L + 2·pad − dil·(k − 1) − 1) / stride) + 1`
   * @throws Error naming the op and the argument shapes when libtorch rejects the call (wrong rank, window larger
   *   than the padded input, padding over half the kernel)
   */
  forward(x: Tensor): Tensor {
    return maxPool3d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AvgPool3d on NCDHW volumes. */
export class AvgPool3d extends Module {
  /**
   * @param kernelSize window in pixels/voxels: one number for every axis, or one per axis
   * @param options `stride` (default: the kernel size), `padding` (default 0, at most half the kernel), `ceilMode`
   *   (default false), `countIncludePad` (default true)
   */
  constructor(
    readonly kernelSize: Size3,
    readonly options: Pool3dOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
  }
  /**
   * @param x `[N, C, D, H, W]`
   * @returns `[N, C, D', H', W']`, each axis `floor((L + 2·pad − k) / stride) + 1`
   * @throws Error naming the op and the argument shapes when libtorch rejects the call (wrong rank, window larger
   *   than the padded input, padding over half the kernel)
   */
  forward(x: Tensor): Tensor {
    return avgPool3d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AdaptiveAvgPool3d: any volume size to a fixed output size (global pooling with 1). */
export class AdaptiveAvgPool3d extends Module {
  /**
   * @param outputSize the output's spatial size, one number per axis or one for all (1: global average pooling)
   */
  constructor(readonly outputSize: Size3) {
    super();
  }
  /**
   * @param x `[N, C, D, H, W]`
   * @returns `[N, C, d, h, w]` with `[d, h, w]` = `outputSize`
   * @throws Error naming the op and the argument shapes when libtorch rejects the input (wrong rank, a zero-sized axis)
   */
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool3d(x, this.outputSize);
  }
}
