import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { empty } from '../../torch/creation.js';
import { conv3d, type Size3 } from '../functional.js';
import { defaultLayerInit } from '../init.js';

/** Options of {@link Conv3d}; defaults as torch.nn.Conv3d. */
export interface Conv3dLayerOptions {
  stride?: Size3;
  padding?: Size3 | 'same' | 'valid';
  dilation?: Size3;
  groups?: number;
  /** Default true. */
  bias?: boolean;
}

/**
 * torch.nn.Conv3d on NCDHW volumes: parameters `weight` [out, in/groups, kd, kh, kw] and `bias`
 * [out], initialized as PyTorch's (kaiming_uniform_(a=sqrt(5)), then the bias; same draws).
 *
 * @example
 * const conv = new Conv3d(1, 8, 3, { padding: 1 }); // [N, 1, D, H, W] -> [N, 8, D, H, W]
 */
export class Conv3d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  /**
   * Source: torch.nn.Conv3d.
   *
   * @param inChannels C_in, channels of the input volume
   * @param outChannels C_out, channels (filters) of the output
   * @param kernelSize kernel in voxels: one number for a cube, or `[kd, kh, kw]`
   * @param options `stride` (default 1), `padding` (voxels, `'same'` or `'valid'`; default 0), `dilation`
   *   (default 1), `groups` (default 1), `bias` (default true)
   * @throws RangeError `Conv3d: in_channels (..) and out_channels (..) must be divisible by groups (..)`
   */
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: Size3,
    readonly options: Conv3dLayerOptions = {},
  ) {
    super();
    const groups = options.groups ?? 1;
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`Conv3d: in_channels (${inChannels}) and out_channels (${outChannels}) must be divisible by groups (${groups})`);
    }
    const [kd, kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize, kernelSize] : kernelSize;
    this.weight = this.registerParameter('weight', empty([outChannels, inChannels / groups, kd, kh, kw]));
    this.bias = this.registerParameter('bias', options.bias === false ? null : empty([outChannels]));
    defaultLayerInit(this.weight, this.bias);
  }

  /**
   * @param x `[N, C_in, D, H, W]`
   * @returns `[N, C_out, D', H', W']`, each axis `floor((L + 2·pad − dil·(k − 1) − 1) / stride) + 1`
   * @throws RangeError `Conv3d: expected 5-D input [N, C, D, H, W] (got ...)` for another rank
   * @throws Error `aten::conv3d(...) failed: ...` when the channel count is not `inChannels` or the kernel does
   *   not fit the padded input
   */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 5) throw new RangeError(`Conv3d: expected 5-D input [N, C, D, H, W] (got ${x.describe()})`);
    return conv3d(x, this.weight, this.bias, this.options);
  }
}
