import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { empty } from '../../torch/creation.js';
import { linear } from '../functional.js';
import { defaultLayerInit } from '../init.js';

/** torch.nn.Linear: `weight` [out, in], `bias` [out]. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  /**
   * Makes `weight` [outFeatures, inFeatures] and `bias` [outFeatures], initialised as PyTorch does
   * (kaiming_uniform_(a=√5) and U(±1/√in), from the global generator).
   *
   * Source: PyTorch `torch.nn.Linear` (https://pytorch.org/docs/stable/generated/torch.nn.Linear.html).
   *
   * @param inFeatures size of the input's last dimension
   * @param outFeatures size of the output's last dimension
   * @param bias learn an additive bias (default true)
   */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    bias = true,
  ) {
    super();
    this.weight = this.registerParameter('weight', empty([outFeatures, inFeatures]));
    this.bias = this.registerParameter('bias', bias ? empty([outFeatures]) : null);
    defaultLayerInit(this.weight, this.bias);
  }

  /**
   * `x W^T + b`.
   *
   * @param x `[..., inFeatures]`
   * @returns `[..., outFeatures]`
   * @throws Error `aten::linear(<argument shapes>) failed: ...` when `x`'s last dimension is not `inFeatures`.
   */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
