import type { Tensor } from '../torch/tensor.js';
import { invalid } from '../util/errors.js';
import { foreachAddList, foreachAddList_, foreachMulScalar_, foreachNeg } from './foreach.js';
import { Optimizer, type ParamGroup, type ParamState } from './optimizer.js';

/** Hyper-parameters of {@link SGD}; defaults as torch.optim.SGD. */
export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
  /**
   * Multi-tensor update (`_foreach_*` ops: a few calls per step instead of several per
   * parameter), as torch.optim's `foreach=True`; same numbers. Default true.
   */
  foreach: boolean;
}

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, with
 * torch.optim.SGD's update rule (the momentum buffer starts as a copy of the first gradient).
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  /**
   * Source: torch.optim.SGD (Nesterov momentum: Sutskever et al. 2013).
   *
   * @param params the parameters to optimize: one list (one group), or groups `{ params, ...overrides }` whose
   *   fields override `options` for that group (as torch.optim's param groups)
   * @param options hyper-parameters as {@link SGDOptions}; `lr` is required; defaults momentum 0, dampening 0,
   *   weightDecay 0, nesterov false, maximize false, foreach true
   * @throws AlzbenchError for momentum < 0, weight decay < 0, nesterov without momentum > 0 and dampening 0
   *   (`Expected momentum > 0 and dampening 0 for nesterov ...`), or lr < 0 (from {@link Optimizer})
   * @throws Error `some parameters appear in more than one parameter group`
   */
  constructor(params: Tensor[] | (Partial<SGDOptions> & { params: Tensor[] })[], options: Partial<SGDOptions> & { lr: number }) {
    const defaults: SGDOptions = { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, foreach: true, ...options };
    if (defaults.momentum < 0) throw invalid('a non-negative number', 'momentum', defaults.momentum);
    if (defaults.weightDecay < 0) throw invalid('a non-negative number', 'weight decay', defaults.weightDecay);
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) {
      throw invalid('momentum > 0 and dampening 0', 'nesterov', defaults.nesterov);
    }
    super(params, defaults);
  }

  protected override updateGroup(g: ParamGroup<SGDOptions>, params: Tensor[], grads: Tensor[], states: ParamState[]): void {
    if (!g.foreach) return super.updateGroup(g, params, grads, states);
    // torch.optim.sgd's _multi_tensor_sgd, step for step.
    let d = g.maximize ? foreachNeg(grads) : grads;
    if (g.weightDecay !== 0) d = foreachAddList(d, params, g.weightDecay);
    if (g.momentum !== 0) {
      const fresh = states.map((s) => s.momentum_buffer === undefined);
      if (fresh.every((f) => !f)) {
        const bufs = states.map((s) => s.momentum_buffer as Tensor);
        foreachMulScalar_(bufs, g.momentum);
        foreachAddList_(bufs, d, 1 - g.dampening);
        d = g.nesterov ? foreachAddList(d, bufs, g.momentum) : bufs;
      } else {
        // First step (or parameters that joined later): the buffer starts as a copy of d.
        d = d.map((di, i) => {
          const state = states[i]!;
          if (fresh[i]) {
            state.momentum_buffer = di.clone().detach();
          } else {
            (state.momentum_buffer as Tensor).mul_(g.momentum).add_(di, 1 - g.dampening);
          }
          const buf = state.momentum_buffer as Tensor;
          return g.nesterov ? di.add(buf, g.momentum) : buf;
        });
      }
    }
    foreachAddList_(params, d, -g.lr);
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
