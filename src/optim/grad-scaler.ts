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

  constructor(
    initScale = 2 ** 16,
    readonly growthFactor = 2,
    readonly backoffFactor = 0.5,
    readonly growthInterval = 2000,
  ) {
    this.scale = initScale;
  }

  /** The loss times the current scale (call backward on this). */
  scaleLoss(loss: Tensor): Tensor {
    return loss.mul(this.scale);
  }

  /**
   * Divides the gradients by the scale in place and reports whether all are finite; when they are
   * not, the caller skips the optimizer step. Then updates the scale.
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

  stateDict(): GradScalerState {
    return { scale: this.scale, growthTracker: this.growthTracker };
  }

  loadStateDict(state: GradScalerState): void {
    this.scale = state.scale;
    this.growthTracker = state.growthTracker;
  }
}
