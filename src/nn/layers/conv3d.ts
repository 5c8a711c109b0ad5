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

  forward(x: Tensor): Tensor {
    if (x.ndim !== 5) throw new RangeError(`Conv3d: expected 5-D input [N, C, D, H, W] (got ${x.describe()})`);
    return conv3d(x, this.weight, this.bias, this.options);
  }
}
