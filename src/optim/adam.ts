import type { Tensor } from '../torch/tensor.js';
import { zerosLike } from '../torch/creation.js';
import { callOp } from '../torch/tensor.js';
import { invalid } from '../util/errors.js';
import {
  foreachAddcdiv_,
  foreachAddcmul_,
  foreachAddList,
  foreachAddList_,
  foreachAddScalar_,
  foreachDivScalar_,
  foreachMaximumOut,
  foreachMulScalar_,
  foreachNeg,
  foreachSqrt,
} from './foreach.js';
import { Optimizer, type ParamGroup, type ParamState } from './optimizer.js';

/** Hyper-parameters of {@link Adam} and {@link AdamW}; defaults as torch.optim. */
export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /**
   * Multi-tensor update (`_foreach_*` ops: about ten calls per step instead of about ten per
   * parameter), as torch.optim's `foreach=True`; same numbers. Default true.
   */
  foreach: boolean;
}

function check(o: AdamOptions): void {
  if (!(o.eps >= 0)) throw invalid('a non-negative number', 'eps', o.eps);
  if (!(o.betas[0] >= 0 && o.betas[0] < 1)) throw invalid('a number in [0, 1)', 'beta1', o.betas[0]);
  if (!(o.betas[1] >= 0 && o.betas[1] < 1)) throw invalid('a number in [0, 1)', 'beta2', o.betas[1]);
  if (!(o.weightDecay >= 0)) throw invalid('a non-negative number', 'weight decay', o.weightDecay);
}

/**
 * Adam (Kingma & Ba) with torch.optim.Adam's update: L2 weight decay added to the gradient,
 * bias-corrected moments, optional AMSGrad. State: step, exp_avg, exp_avg_sq(, max_exp_avg_sq).
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-4 }); // betas (0.9, 0.999), eps 1e-8
 */
export class Adam extends Optimizer<AdamOptions> {
  /** AdamW decays weights directly instead of through the gradient. */
  protected readonly decoupled: boolean = false;

  /**
   * Source: torch.optim.Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization"; AMSGrad:
   * Reddi et al. 2018).
   *
   * @param params the parameters to optimize: one list (one group), or groups `{ params, ...overrides }` whose
   *   fields override `options` for that group (as torch.optim's param groups)
   * @param options hyper-parameters as {@link AdamOptions}; defaults lr 1e-3, betas [0.9, 0.999], eps 1e-8,
   *   weightDecay `defaultWeightDecay`, amsgrad false, maximize false, foreach true
   * @param defaultWeightDecay weight decay used when `options.weightDecay` is not given (0 for Adam; AdamW
   *   passes 0.01)
   * @throws AlzbenchError (`Expected a non-negative number for eps ...`) for eps < 0, betas outside [0, 1)
   *   (`... for beta1` / `beta2`), weight decay < 0, or lr < 0 (from {@link Optimizer})
   * @throws Error `some parameters appear in more than one parameter group`
   */
  constructor(
    params: Tensor[] | (Partial<AdamOptions> & { params: Tensor[] })[],
    options: Partial<AdamOptions> & { lr?: number } = {},
    defaultWeightDecay = 0,
  ) {
    const defaults: AdamOptions = {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay: defaultWeightDecay,
      amsgrad: false,
      maximize: false,
      foreach: true,
      ...options,
    };
    check(defaults);
    super(params, defaults);
  }

  protected override updateGroup(g: ParamGroup<AdamOptions>, params: Tensor[], grads: Tensor[], states: ParamState[]): void {
    if (!g.foreach) return super.updateGroup(g, params, grads, states);
    states.forEach((state, i) => {
      if (state.step !== undefined) return;
      const param = params[i]!;
      state.step = 0;
      state.exp_avg = zerosLike(param);
      state.exp_avg_sq = zerosLike(param);
      if (g.amsgrad) state.max_exp_avg_sq = zerosLike(param);
    });
    // Bias corrections depend on the step count: parameters are updated in buckets of equal
    // counts (one bucket unless parameters joined the optimizer at different times).
    const buckets = new Map<number, number[]>();
    states.forEach((state, i) => {
      const step = (state.step as number) + 1;
      state.step = step;
      buckets.set(step, [...(buckets.get(step) ?? []), i]);
    });
    for (const [step, members] of buckets) {
      const pick = <T>(xs: T[]) => (members.length === xs.length ? xs : members.map((i) => xs[i]!));
      this.updateBucket(g, step, pick(params), pick(grads), pick(states));
    }
  }

  /** torch.optim.adam's _multi_tensor_adam (capturable=False) for parameters at one step count. */
  private updateBucket(g: ParamGroup<AdamOptions>, step: number, params: Tensor[], grads: Tensor[], states: ParamState[]): void {
    const [beta1, beta2] = g.betas;
    let d = g.maximize ? foreachNeg(grads) : grads;
    if (g.weightDecay !== 0) {
      if (this.decoupled) foreachMulScalar_(params, 1 - g.lr * g.weightDecay);
      else d = foreachAddList(d, params, g.weightDecay);
    }
    const expAvgs = states.map((s) => s.exp_avg as Tensor);
    const expAvgSqs = states.map((s) => s.exp_avg_sq as Tensor);
    foreachMulScalar_(expAvgs, beta1);
    foreachAddList_(expAvgs, d, 1 - beta1);
    foreachMulScalar_(expAvgSqs, beta2);
    foreachAddcmul_(expAvgSqs, d, d, 1 - beta2);
    let second = expAvgSqs;
    if (g.amsgrad) {
      second = states.map((s) => s.max_exp_avg_sq as Tensor);
      foreachMaximumOut(second, expAvgSqs, second);
    }
    const stepSize = g.lr / (1 - beta1 ** step);
    const denom = foreachSqrt(second);
    foreachDivScalar_(denom, Math.sqrt(1 - beta2 ** step));
    foreachAddScalar_(denom, g.eps);
    foreachAddcdiv_(params, expAvgs, denom, -stepSize);
  }

  protected update(param: Tensor, grad: Tensor, state: ParamState, g: ParamGroup<AdamOptions>): void {
    const [beta1, beta2] = g.betas;
    if (state.step === undefined) {
      state.step = 0;
      state.exp_avg = zerosLike(param);
      state.exp_avg_sq = zerosLike(param);
      if (g.amsgrad) state.max_exp_avg_sq = zerosLike(param);
    }
    const step = (state.step as number) + 1;
    state.step = step;
    let d = g.maximize ? grad.neg() : grad;
    if (g.weightDecay !== 0) {
      if (this.decoupled) param.mul_(1 - g.lr * g.weightDecay);
      else d = d.add(param, g.weightDecay);
    }
    const expAvg = state.exp_avg as Tensor;
    const expAvgSq = state.exp_avg_sq as Tensor;
    expAvg.mul_(beta1).add_(d, 1 - beta1);
    expAvgSq.mul_(beta2).addcmul_(d, d, 1 - beta2);
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2 = 1 - beta2 ** step;
    const stepSize = g.lr / biasCorrection1;
    const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
    let second = expAvgSq;
    if (g.amsgrad) {
      const max = state.max_exp_avg_sq as Tensor;
      callOp('aten::maximum.out', [max, expAvgSq, max]);
      second = max;
    }
    const denom = second.sqrt().div_(biasCorrection2Sqrt).add_(g.eps);
    param.addcdiv_(expAvg, denom, -stepSize);
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay (param *= 1 - lr * wd before the
 * update), as torch.optim.AdamW; default weight decay 0.01.
 */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;

  /**
   * Source: torch.optim.AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization").
   *
   * @param params the parameters to optimize: one list (one group), or groups `{ params, ...overrides }` whose
   *   fields override `options` for that group (as torch.optim's param groups)
   * @param options hyper-parameters as {@link AdamOptions}; defaults as {@link Adam} except weightDecay 0.01
   * @throws AlzbenchError for eps < 0, betas outside [0, 1), weight decay < 0 or lr < 0, as {@link Adam}
   * @throws Error `some parameters appear in more than one parameter group`
   */
  constructor(params: Tensor[] | (Partial<AdamOptions> & { params: Tensor[] })[], options: Partial<AdamOptions> & { lr?: number } = {}) {
    super(params, options, 0.01);
  }
}
