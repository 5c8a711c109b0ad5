import { Tensor } from '../torch/tensor.js';
import { invalid } from '../util/errors.js';
import { Optimizer, type ParamGroup, type ParamState } from './optimizer.js';

/** Hyper-parameters of {@link SGD}; defaults as torch.optim.SGD. */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, with
 * torch.optim.SGD's update rule (the momentum buffer starts as a copy of the first gradient).
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Tensor[] | (Partial<SGDOptions> & { params: Tensor[] })[], options: Partial<SGDOptions> & { lr: number }) {
    const defaults: SGDOptions = { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options };
    if (defaults.momentum < 0) throw invalid('a non-negative number', 'momentum', defaults.momentum);
    if (defaults.weightDecay < 0) throw invalid('a non-negative number', 'weight decay', defaults.weightDecay);
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) {
      throw invalid('momentum > 0 and dampening 0', 'nesterov', defaults.nesterov);
    }
    super(params, defaults);
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<SGDOptions>): void {
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) d = d.add(param, g.weightDecay);
    if (g.momentum !== 0) {
      let buf = state.momentum_buffer as Tensor | undefined;
      if (!buf) {
        buf = d.clone().detach();
        state.momentum_buffer = buf;
      } else {
        buf.mul_(g.momentum).add_(d, 1 - g.dampening);
      }
      d = g.nesterov ? d.add(buf, g.momentum) : buf;
    }
    param.add_(d, -g.lr);
  }
}
