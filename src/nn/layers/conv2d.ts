import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { empty } from '../../torch/creation.js';
import { conv2d, type Size2 } from '../functional.js';
import { defaultLayerInit } from '../init.js';

/** Options of {@link Conv2d}; defaults as torch.nn.Conv2d. */
export interface Conv2dLayerOptions {
  stride?: Size2;
  padding?: Size2 | 'same' | 'valid';
  dilation?: Size2;
  groups?: number;
  /** Default true. */
  bias?: boolean;
}

/** torch.nn.Conv2d: parameters `weight` [out, in/groups, kh, kw] and `bias` [out]. */
export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  /**
   * Makes `weight` [outChannels, inChannels/groups, kH, kW] and `bias` [outChannels], initialised as PyTorch does
   * (kaiming_uniform_(a=√5) and U(±1/√fan_in), from the global generator).
   *
   * Source: PyTorch `torch.nn.Conv2d` (https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html).
   *
   * @param inChannels C_in of the input `[N, C_in, H, W]`
   * @param outChannels C_out of the output
   * @param kernelSize kH = kW when one number, else `[kH, kW]`
   * @param options `stride` (default 1), `padding` (default 0, or `same`/`valid`), `dilation` (default 1),
   * `groups` (default 1), `bias` (default true)
   * @throws RangeError `Conv2d: in_channels (<n>) and out_channels (<m>) must be divisible by groups (<g>)`.
   */
  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: Size2,
    readonly options: Conv2dLayerOptions = {},
  ) {
    super();
    const groups = options.groups ?? 1;
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`Conv2d: in_channels (${inChannels}) and out_channels (${outChannels}) must be divisible by groups (${groups})`);
    }
    const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    this.weight = this.registerParameter('weight', empty([outChannels, inChannels / groups, kh, kw]));
    this.bias = this.registerParameter('bias', options.bias === false ? null : empty([outChannels]));
    defaultLayerInit(this.weight, this.bias);
  }

  /**
   * Convolves `x` (see `conv2d` in nn/functional for the output size).
   *
   * @param x `[N, C_in, H, W]`
   * @returns `[N, C_out, H_out, W_out]`
   * @throws Error `aten::conv2d(<argument shapes>) failed: ...` when `x` does not have C_in channels or is smaller than the kernel.
   */
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.options);
  }
}
