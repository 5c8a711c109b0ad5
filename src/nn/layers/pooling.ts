import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type Pool2dOptions, type Size2 } from '../functional.js';

/** torch.nn.MaxPool2d. */
export class MaxPool2d extends Module {
  /**
   * @param kernelSize window in pixels/voxels: one number for every axis, or one per axis
   * @param options `stride` (default: the kernel size), `padding` (default 0, at most half the kernel), `dilation`
   *   (default 1), `ceilMode` (default false)
   */
  constructor(
    readonly kernelSize: Size2,
    readonly options: Pool2dOptions & { dilation?: Size2 } = {},
  ) {
    super();
  }
  /**
   * @param x `[N, C, H, W]` (or `[C, H, W]`)
   * @returns `[N, C, H_out, W_out]`, `H_out = floor((H + 2·pad − dil·(kH − 1) − 1) / stride) + 1`
   *   (ceil with `ceilMode`)
   * @throws Error naming the op and the argument shapes when libtorch rejects the call (wrong rank, window larger
   *   than the padded input, padding over half the kernel)
   */
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AvgPool2d. */
export class AvgPool2d extends Module {
  /**
   * @param kernelSize window in pixels/voxels: one number for every axis, or one per axis
   * @param options `stride` (default: the kernel size), `padding` (default 0, at most half the kernel), `ceilMode`
   *   (default false), `countIncludePad` (default true)
   */
  constructor(
    readonly kernelSize: Size2,
    readonly options: Pool2dOptions & { countIncludePad?: boolean } = {},
  ) {
    super();
  }
  /**
   * @param x `[N, C, H, W]` (or `[C, H, W]`)
   * @returns `[N, C, H_out, W_out]`, `H_out = floor((H + 2·pad − kH) / stride) + 1` (ceil with `ceilMode`)
   * @throws Error naming the op and the argument shapes when libtorch rejects the call (wrong rank, window larger
   *   than the padded input, padding over half the kernel)
   */
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AdaptiveAvgPool2d: any input size to a fixed output size (global pooling with 1). */
export class AdaptiveAvgPool2d extends Module {
  /**
   * @param outputSize the output's spatial size, one number per axis or one for all (1: global average pooling)
   */
  constructor(readonly outputSize: Size2) {
    super();
  }
  /**
   * @param x `[N, C, H, W]` (or `[C, H, W]`)
   * @returns `[N, C, h, w]` with `[h, w]` = `outputSize`
   * @throws Error naming the op and the argument shapes when libtorch rejects the input (wrong rank, a zero-sized axis)
   */
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}
