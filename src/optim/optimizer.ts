import { Tensor } from '../torch/tensor.js';
import { keep, tidy } from '../torch/scope.js';
import { noGrad } from '../torch/autograd.js';
import { invalid } from '../util/errors.js';

/** Per-parameter optimizer state: buffers (tensors) and counters (numbers). */
export type ParamState = Record<string, Tensor | number>;

/** A group of parameters sharing hyper-parameters (the group's `lr` is what schedules change). */
export type ParamGroup<O> = O & { params: Tensor[]; lr: number };

/**
 * Serializable optimizer state in PyTorch's shape: state keyed by the parameter's position over
 * all groups, and the groups' hyper-parameters with parameter positions.
 */
export interface OptimizerState {
  state: Record<number, ParamState>;
  paramGroups: Record<string, unknown>[];
}

/** Exempts new state tensors from the enclosing memory scopes. */
function keepState(state: ParamState): void {
  for (const v of Object.values(state)) if (v instanceof Tensor && !v.kept) keep(v);
}

/**
 * Base of the optimizers (torch.optim.Optimizer): parameter groups, per-parameter state,
 * `zeroGrad`, `step`, state dicts for checkpoints.
 */
export abstract class Optimizer<O extends { lr: number }> {
  readonly paramGroups: ParamGroup<O>[];
  protected readonly state = new Map<Tensor, ParamState>();

  /**
   * @param params the parameters to optimize: one list (one group), or groups `{ params, ...overrides }`
   *   whose fields override `defaults` for that group
   * @param defaults every hyper-parameter of the optimizer, used where a group does not override it
   * @throws AlzbenchError `Expected a non-negative number for lr ...` when `defaults.lr` is negative or NaN
   * @throws Error `some parameters appear in more than one parameter group`
   */
  constructor(params: Tensor[] | (Partial<O> & { params: Tensor[] })[], defaults: O) {
    if (!(defaults.lr >= 0)) throw invalid('a non-negative number', 'lr', defaults.lr);
    const groups = params.length > 0 && !(params[0] instanceof Tensor) ? (params as (Partial<O> & { params: Tensor[] })[]) : [{ params: params as Tensor[] }];
    this.paramGroups = groups.map((g) => ({ ...defaults, ...g }) as ParamGroup<O>);
    const seen = new Set<Tensor>();
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (seen.has(p)) throw new Error('some parameters appear in more than one parameter group');
        seen.add(p);
      }
    }
  }

  /** Updates one parameter from its gradient; called inside no-grad and a memory scope. */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<O>): void;

  /**
   * Updates every parameter of a group that has a gradient (called inside no-grad and one memory
   * scope). This default calls {@link update} per parameter, each in its own scope; optimizers
   * with a multi-tensor (`_foreach_*`) path override it.
   */
  protected updateGroup(group: ParamGroup<O>, params: Tensor[], grads: Tensor[], states: ParamState[]): void {
    params.forEach((param, i) => {
      tidy(() => {
        this.update(param, grads[i]!, states[i]!, group);
        keepState(states[i]!);
      });
    });
  }

  /** One optimization step over every parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        tidy(() => {
          const params: Tensor[] = [];
          const grads: Tensor[] = [];
          const states: ParamState[] = [];
          for (const param of group.params) {
            const grad = param.grad;
            if (!grad) continue;
            let state = this.state.get(param);
            if (!state) {
              state = {};
              this.state.set(param, state);
            }
            params.push(param);
            grads.push(grad);
            states.push(state);
          }
          if (params.length === 0) return;
          this.updateGroup(group, params, grads, states);
          for (const state of states) keepState(state);
        });
      }
    });
  }

  /** Clears the gradients of every parameter (set to none, as PyTorch's default). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.setGrad(null);
  }

  /**
   * The state in PyTorch's layout (torch.optim.Optimizer.state_dict); the tensors are the optimizer's own
   * (clone to snapshot).
   *
   * @returns `state` keyed by the parameter's position over all groups (only parameters that have stepped),
   *   and each group's hyper-parameters with `params` as those positions
   */
  stateDict(): OptimizerState {
    const state: Record<number, ParamState> = {};
    let index = 0;
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...hyper } = group;
      const ids = params.map((p) => {
        const s = this.state.get(p);
        if (s) state[index] = { ...s };
        return index++;
      });
      return { ...hyper, params: ids };
    });
    return { state, paramGroups };
  }

  /**
   * Restores a {@link stateDict}: groups must match in count and size; the groups' hyper-parameters are
   * overwritten, old state tensors freed, and saved tensors copied to each parameter's device.
   *
   * @param saved a state from {@link stateDict} (possibly of another optimizer over the same model)
   * @throws Error `loaded state dict has N parameter groups but the optimizer has M`, `... group i has N
   *   parameters but the optimizer's has M`, or `... has state for parameter K, which the optimizer does not have`
   */
  loadStateDict(saved: OptimizerState): void {
    if (saved.paramGroups.length !== this.paramGroups.length) {
      throw new Error(`loaded state dict has ${saved.paramGroups.length} parameter groups but the optimizer has ${this.paramGroups.length}`);
    }
    const params: Tensor[] = [];
    saved.paramGroups.forEach((g, i) => {
      const group = this.paramGroups[i]!;
      const ids = g.params as number[];
      if (ids.length !== group.params.length) {
        throw new Error(`loaded state dict's group ${i} has ${ids.length} parameters but the optimizer's has ${group.params.length}`);
      }
      const { params: _ignored, ...hyper } = g;
      Object.assign(group, hyper);
      params.push(...group.params);
    });
    this.disposeState();
    noGrad(() => {
      for (const [key, s] of Object.entries(saved.state)) {
        const param = params[Number(key)];
        if (!param) throw new Error(`loaded state dict has state for parameter ${key}, which the optimizer does not have`);
        const copy: ParamState = {};
        for (const [name, v] of Object.entries(s)) copy[name] = v instanceof Tensor ? keep(v.clone().to(param.device)) : v;
        this.state.set(param, copy);
      }
    });
  }

  /** Frees every state tensor. */
  disposeState(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
  }
}
