import { Module } from '../module.js';
import { Tensor } from '../../torch/tensor.js';
import { empty } from '../../torch/creation.js';
import { linear } from '../functional.js';
import { defaultLayerInit } from '../init.js';

/** torch.nn.Linear: `weight` [out, in], `bias` [out]. */
export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

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

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
