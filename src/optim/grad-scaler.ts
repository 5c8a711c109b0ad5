import type { Tensor } from '../torch/tensor.js';
import { noGrad } from '../torch/autograd.js';
import { tidy } from '../torch/scope.js';

/** The scaler's state, for checkpoints. */
export interface GradScalerState {
  scale: number;
  growthTracker: number;
}

/**
 * Loss scaling for float16 mixed precision, as torch.cuda.amp.GradScaler: the loss is multiplied
 * by `scale` before backward so small gradients survive float16; gradients are divided back before
 * the step; a step whose gradients hold inf/NaN is skipped and the scale halved; after
 * `growthInterval` good steps the scale doubles. bfloat16 has float32's range and needs none.
 */
export class GradScaler {
  scale: number;
  growthTracker = 0;

  /**
   * Defaults as torch.cuda.amp.GradScaler.
   *
   * @param initScale the starting loss scale; default 2^16 = 65536
   * @param growthFactor what the scale is multiplied by after `growthInterval` finite steps; default 2
   * @param backoffFactor what the scale is multiplied by after a step with inf/NaN gradients; default 0.5
   * @param growthInterval number of consecutive finite steps before the scale grows; default 2000
   */
  constructor(
    initScale = 2 ** 16,
    readonly growthFactor = 2,
    readonly backoffFactor = 0.5,
    readonly growthInterval = 2000,
  ) {
    this.scale = initScale;
  }

  /**
   * The loss times the current scale (call backward on this).
   *
   * @param loss the loss, usually a 0-d float tensor
   * @returns a new tensor `loss * scale`, same shape
   */
  scaleLoss(loss: Tensor): Tensor {
    return loss.mul(this.scale);
  }

  /**
   * Divides the gradients by the scale in place and reports whether all are finite; when they are
   * not, the caller skips the optimizer step. Then updates the scale (backoff on inf/NaN, growth after
   * `growthInterval` finite steps), as GradScaler's `unscale_` + `update`.
   *
   * @param params the parameters whose `.grad` is unscaled; those without a gradient are skipped
   * @returns true when every gradient is finite (take the step), false when one holds inf or NaN (skip it)
   */
  unscaleAndUpdate(params: readonly Tensor[]): boolean {
    const inverse = 1 / this.scale;
    const finite = noGrad(() =>
      tidy(() => {
        let ok = true;
        for (const p of params) {
          const g = p.grad;
          if (!g) continue;
          g.mul_(inverse);
          if (ok && !g.isfinite().all().item()) ok = false;
        }
        return ok;
      }),
    );
    if (!finite) {
      this.scale *= this.backoffFactor;
      this.growthTracker = 0;
    } else if (++this.growthTracker === this.growthInterval) {
      this.scale *= this.growthFactor;
      this.growthTracker = 0;
    }
    return finite;
  }

  /**
   * The state to save in a checkpoint.
   *
   * @returns the current scale and the count of finite steps since the last change
   */
  stateDict(): GradScalerState {
    return { scale: this.scale, growthTracker: this.growthTracker };
  }

  /**
   * Restores a state saved by {@link stateDict}.
   *
   * @param state the scale and growth tracker to resume from
   */
  loadStateDict(state: GradScalerState): void {
    this.scale = state.scale;
    this.growthTracker = state.growthTracker;
  }
}
