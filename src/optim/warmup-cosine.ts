import type { Optimizer } from './optimizer.js';
import { LRScheduler } from './lr-scheduler.js';

/**
 * Linear warm-up then cosine annealing, in closed form: what PyTorch users build as
 * `SequentialLR([LinearLR(opt, startFactor, 1, warmup), CosineAnnealingLR(opt, epochs - warmup, minLr)], [warmup])`
 * (Goyal et al. 2017 warm-up; Loshchilov & Hutter 2017 cosine). Epoch e < warmup:
 * base * (startFactor + (1 - startFactor) * e / warmup); then
 * minLr + (base - minLr) * (1 + cos(pi * (e - warmup) / (epochs - warmup))) / 2.
 */
export class WarmupCosineLR extends LRScheduler {
  /**
   * @param optimizer the optimizer whose groups' lrs are scheduled
   * @param warmup warm-up epochs (capped at `epochs - 1`); 0 starts the cosine at once
   * @param epochs total epochs of the run: the lr reaches `minLr` at epoch `epochs` and stays there
   * @param minLr the final lr; default 0
   * @param startFactor the base lr's multiplier at epoch 0 of the warm-up; default 1/3
   */
  constructor(
    optimizer: Optimizer<{ lr: number }>,
    readonly warmup: number,
    readonly epochs: number,
    readonly minLr = 0,
    readonly startFactor = 1 / 3,
  ) {
    super(optimizer);
    this.start();
  }
  protected computeLr(): number[] {
    const e = this.lastEpoch;
    const w = Math.min(this.warmup, this.epochs - 1);
    return this.baseLrs.map((base) => {
      if (e < w) return base * (this.startFactor + ((1 - this.startFactor) * e) / w);
      const span = Math.max(1, this.epochs - w);
      return this.minLr + ((base - this.minLr) * (1 + Math.cos((Math.PI * Math.min(e - w, span)) / span))) / 2;
    });
  }
}
