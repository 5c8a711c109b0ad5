import { Module } from '../module.js';
import { Tensor } from '../../torch/tensor.js';

/** torch.nn.Flatten: flattens dimensions startDim..endDim (default all but the batch). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
}
