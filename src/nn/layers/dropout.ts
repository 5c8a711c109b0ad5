import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { dropout, dropout2d, dropout3d } from '../functional.js';

function checkRate(p: number, layer: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${layer}: dropout probability has to be between 0 and 1, but got ${p}`);
}

/** torch.nn.Dropout: active in train mode only. */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkRate(p, 'Dropout');
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}

/** torch.nn.Dropout2d: drops whole channels. */
export class Dropout2d extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkRate(p, 'Dropout2d');
  }
  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training);
  }
}

/** torch.nn.Dropout3d: drops whole channels of NCDHW volumes. */
export class Dropout3d extends Module {
  constructor(readonly p = 0.5) {
    super();
    checkRate(p, 'Dropout3d');
  }
  forward(x: Tensor): Tensor {
    return dropout3d(x, this.p, this.training);
  }
}
