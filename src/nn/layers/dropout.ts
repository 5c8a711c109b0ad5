import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { dropout, dropout2d, dropout3d } from '../functional.js';

function checkRate(p: number, layer: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${layer}: dropout probability has to be between 0 and 1, but got ${p}`);
}

/** torch.nn.Dropout: active in train mode only. */
export class Dropout extends Module {
  /**
   * @param p probability of zeroing each element, in [0, 1]; default 0.5
   * @throws RangeError `Dropout: dropout probability has to be between 0 and 1, but got <p>`
   */
  constructor(readonly p = 0.5) {
    super();
    checkRate(p, 'Dropout');
  }
  /**
   * In train mode zeroes each element with probability `p` and scales the rest by 1 / (1 - p); in eval mode
   * returns the input's values.
   *
   * @param x input of any shape
   * @returns a tensor of `x`'s shape
   * @throws Error naming the op and the argument shapes when libtorch rejects the input
   */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training);
  }
}

/** torch.nn.Dropout2d: drops whole channels. */
export class Dropout2d extends Module {
  /**
   * @param p probability of zeroing whole channels, in [0, 1]; default 0.5
   * @throws RangeError `Dropout2d: dropout probability has to be between 0 and 1, but got <p>`
   */
  constructor(readonly p = 0.5) {
    super();
    checkRate(p, 'Dropout2d');
  }
  /**
   * In train mode zeroes whole channels with probability `p` and scales the rest by 1 / (1 - p); in eval mode
   * returns the input's values.
   *
   * @param x `[N, C, H, W]`; each (sample, channel) map is kept or zeroed whole
   * @returns a tensor of `x`'s shape
   * @throws Error naming the op and the argument shapes when libtorch rejects the input
   */
  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training);
  }
}

/** torch.nn.Dropout3d: drops whole channels of NCDHW volumes. */
export class Dropout3d extends Module {
  /**
   * @param p probability of zeroing whole channels, in [0, 1]; default 0.5
   * @throws RangeError `Dropout3d: dropout probability has to be between 0 and 1, but got <p>`
   */
  constructor(readonly p = 0.5) {
    super();
    checkRate(p, 'Dropout3d');
  }
  /**
   * In train mode zeroes whole channels with probability `p` and scales the rest by 1 / (1 - p); in eval mode
   * returns the input's values.
   *
   * @param x `[N, C, D, H, W]`; each (sample, channel) volume is kept or zeroed whole
   * @returns a tensor of `x`'s shape
   * @throws Error naming the op and the argument shapes when libtorch rejects the input
   */
  forward(x: Tensor): Tensor {
    return dropout3d(x, this.p, this.training);
  }
}
