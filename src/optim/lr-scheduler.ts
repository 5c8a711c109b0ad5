import type { Optimizer } from './optimizer.js';

/** Serializable scheduler state for checkpoints. */
export interface SchedulerState {
  lastEpoch: number;
  baseLrs: number[];
  [key: string]: unknown;
}

/**
 * Base of epoch-indexed LR schedules (torch.optim.lr_scheduler): the constructor records each
 * group's initial lr and applies the schedule's epoch-0 value; `step()` advances one epoch.
 * Subclasses give PyTorch's recursive ("chainable") formula, so lrs match it to the last bit.
 */
export abstract class LRScheduler {
  lastEpoch = 0;
  readonly baseLrs: number[];

  /**
   * Records each group's current lr as its base lr.
   *
   * @param optimizer the optimizer whose groups' `lr` the schedule sets
   */
  constructor(readonly optimizer: Optimizer<{ lr: number }>) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** Applies the epoch-0 lr; subclasses call it at the end of their constructor. */
  protected start(): void {
    this.lastEpoch = 0;
    this.apply(this.computeLr());
  }

  /** The lrs for `lastEpoch`, from the groups' current lrs. */
  protected abstract computeLr(): number[];

  private apply(lrs: number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]!));
  }

  /** Advances one epoch (call after the epoch's optimizer steps). */
  step(): void {
    this.lastEpoch += 1;
    this.apply(this.computeLr());
  }

  /** The current lr of each parameter group. */
  get lastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The state to save in a checkpoint.
   *
   * @returns the epoch counter and a copy of the base lrs (one per parameter group)
   */
  stateDict(): SchedulerState {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] };
  }

  /**
   * Restores a state saved by {@link stateDict} (the groups' lrs themselves come from the optimizer's state).
   *
   * @param state the epoch counter and base lrs to resume from
   */
  loadStateDict(state: SchedulerState): void {
    this.lastEpoch = state.lastEpoch;
    this.baseLrs.splice(0, this.baseLrs.length, ...state.baseLrs);
  }
}

/** Multiplies the lr by `gamma` every `stepSize` epochs (torch StepLR). */
export class StepLR extends LRScheduler {
  /**
   * Source: torch.optim.lr_scheduler.StepLR.
   *
   * @param optimizer the optimizer whose groups' lrs are scheduled
   * @param stepSize epochs between decays (a positive integer)
   * @param gamma the multiplicative decay; default 0.1
   */
  constructor(
    optimizer: Optimizer<{ lr: number }>,
    readonly stepSize: number,
    readonly gamma = 0.1,
  ) {
    super(optimizer);
    this.start();
  }
  protected computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
}

/** Cosine annealing from the base lr to `etaMin` over `tMax` epochs (torch CosineAnnealingLR). */
export class CosineAnnealingLR extends LRScheduler {
  /**
   * Source: torch.optim.lr_scheduler.CosineAnnealingLR (Loshchilov & Hutter 2017, SGDR, without restarts).
   *
   * @param optimizer the optimizer whose groups' lrs are scheduled
   * @param tMax the half period in epochs: the lr reaches `etaMin` at epoch `tMax`
   * @param etaMin the minimum lr; default 0
   */
  constructor(
    optimizer: Optimizer<{ lr: number }>,
    readonly tMax: number,
    readonly etaMin = 0,
  ) {
    super(optimizer);
    this.start();
  }
  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const e = this.lastEpoch;
    const T = this.tMax;
    if (e === 0) return groups.map((g) => g.lr);
    if ((e - 1 - T) % (2 * T) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i]! - this.etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - this.etaMin) + this.etaMin);
  }
}

/**
 * Linear warm-up: the lr goes from base*startFactor to base*endFactor over `totalIters` epochs,
 * then stays (torch LinearLR; defaults 1/3, 1, 5).
 */
export class LinearLR extends LRScheduler {
  /**
   * Source: torch.optim.lr_scheduler.LinearLR.
   *
   * @param optimizer the optimizer whose groups' lrs are scheduled
   * @param startFactor the base lr's multiplier at epoch 0; default 1/3
   * @param endFactor the multiplier reached at epoch `totalIters` and kept after; default 1
   * @param totalIters epochs of the linear ramp; default 5
   */
  constructor(
    optimizer: Optimizer<{ lr: number }>,
    readonly startFactor = 1 / 3,
    readonly endFactor = 1,
    readonly totalIters = 5,
  ) {
    super(optimizer);
    this.start();
  }
  protected computeLr(): number[] {
    const lrs = this.optimizer.paramGroups.map((g) => g.lr);
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return lrs;
    const s = this.startFactor;
    const d = this.endFactor - s;
    return lrs.map((lr) => lr * (1 + d / (this.totalIters * s + (this.lastEpoch - 1) * d)));
  }
}
