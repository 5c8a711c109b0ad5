/**
 * Exponential moving average of a model's weights (Polyak averaging; as timm's ModelEmaV2 and
 * torch.optim.swa_utils.AveragedModel with an EMA function): after every optimizer step,
 * shadow = decay * shadow + (1 - decay) * weight, for every parameter and floating-point buffer
 * (batch-norm running statistics included); integer buffers are copied. Validation and test use
 * the averaged weights, which are smoother than the last step's. Early steps use
 * min(decay, (1 + t) / (10 + t)) after t updates (TensorFlow's ExponentialMovingAverage with
 * num_updates; timm's warm-up does the same), so a short run is not averaged with its random
 * initialization: with decay 0.99 and 120 steps, a fixed decay leaves 30 % of the weight on it.
 */
import { existsSync } from 'node:fs';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../torch/tensor.js';
import { noGrad } from '../torch/autograd.js';
import { isFloatingPoint } from '../torch/dtype.js';
import { loadSafetensors, saveSafetensors } from '../nn/safetensors.js';

/** The averaged weights of one model. */
export class WeightEma {
  private readonly shadow = new Map<string, Tensor>();
  private swapped = false;
  /** Updates so far (for the decay warm-up). */
  updates = 0;

  /** Starts the average at the model's current weights. `decay` in [0, 1). */
  constructor(
    model: Module,
    readonly decay: number,
  ) {
    noGrad(() => {
      for (const [key, t] of model.stateDict()) this.shadow.set(key, t.clone()); // under noGrad: no autograd history
    });
  }

  /** One averaging step; call after each optimizer step (while the model holds its training weights). */
  update(model: Module): void {
    if (this.swapped) throw new Error('WeightEma.update while the averaged weights are swapped in: call swapOut first');
    const decay = Math.min(this.decay, (1 + this.updates) / (10 + this.updates));
    this.updates++;
    noGrad(() => {
      for (const [key, t] of model.stateDict()) {
        const s = this.shadow.get(key)!;
        if (isFloatingPoint(t.dtype)) s.mul_(decay).add_(t, 1 - decay);
        else s.copy_(t);
      }
    });
  }

  /** Exchanges the model's weights with the average (in place: the optimizer keeps its tensors). */
  private exchange(model: Module): void {
    noGrad(() => {
      for (const [key, t] of model.stateDict()) {
        const s = this.shadow.get(key)!;
        const held = t.clone();
        t.copy_(s);
        s.copy_(held);
        held.dispose();
      }
    });
  }

  /** Puts the averaged weights into the model (the training weights wait here). */
  swapIn(model: Module): void {
    if (this.swapped) return;
    this.exchange(model);
    this.swapped = true;
  }

  /** Puts the training weights back. */
  swapOut(model: Module): void {
    if (!this.swapped) return;
    this.exchange(model);
    this.swapped = false;
  }

  /**
   * Saves what is not in the model now: the training weights while swapped in (the checkpoint
   * holds the averaged ones then), else the average. {@link restore} reads it back.
   */
  save(path: string): void {
    const onCpu = new Map([...this.shadow].map(([k, t]) => [k, t.to('cpu')]));
    try {
      saveSafetensors(path, onCpu, { holds: this.swapped ? 'training' : 'average', decay: String(this.decay), updates: String(this.updates) });
    } finally {
      for (const [k, t] of onCpu) if (t !== this.shadow.get(k)) t.dispose();
    }
  }

  /**
   * Resume: the model holds what the checkpoint had (the averaged weights, saved swapped in);
   * the file holds the training weights. Afterwards the model holds the training weights and
   * this object the average, as after {@link swapOut}.
   */
  restore(model: Module, path: string): void {
    if (!existsSync(path)) return; // a run killed before its first checkpoint starts fresh
    const { tensors, metadata } = loadSafetensors(path);
    try {
      if (metadata.holds !== 'training')
        throw new Error(`${path} holds ${metadata.holds ?? 'unknown'} weights, expected the training weights saved with the checkpoint`);
      noGrad(() => {
        for (const [key, t] of model.stateDict()) this.shadow.get(key)!.copy_(t);
      });
      model.loadStateDict(tensors);
      this.swapped = false;
      this.updates = Number(metadata.updates ?? 0);
    } finally {
      for (const t of tensors.values()) t.dispose();
    }
  }

  dispose(): void {
    for (const t of this.shadow.values()) t.dispose();
    this.shadow.clear();
  }
}
