import { invalid } from '../util/errors.js';
import type { Optimizer } from './optimizer.js';

/** Options of {@link ReduceLROnPlateau}; defaults as PyTorch's. */
export interface PlateauOptions {
  /** `min` for a loss, `max` for accuracy-like metrics. */
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLr: number;
  eps: number;
}

/**
 * Cuts the lr by `factor` after `patience` epochs without improvement of a validation metric
 * (torch ReduceLROnPlateau, same improvement test and cooldown).
 */
export class ReduceLROnPlateau {
  readonly options: PlateauOptions;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;

  /**
   * Source: torch.optim.lr_scheduler.ReduceLROnPlateau.
   *
   * @param optimizer the optimizer whose groups' lrs are cut
   * @param options as {@link PlateauOptions}; defaults mode `min`, factor 0.1, patience 10 epochs, threshold
   *   1e-4, thresholdMode `rel`, cooldown 0 epochs, minLr 0, eps 1e-8
   * @throws AlzbenchError `Expected a number below 1 for factor ...` when factor >= 1 (or NaN)
   */
  constructor(
    readonly optimizer: Optimizer<{ lr: number }>,
    options: Partial<PlateauOptions> = {},
  ) {
    this.options = { mode: 'min', factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: 'rel', cooldown: 0, minLr: 0, eps: 1e-8, ...options };
    if (!(this.options.factor < 1)) throw invalid('a number below 1', 'factor', this.options.factor);
    this.best = this.options.mode === 'min' ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { mode, thresholdMode, threshold } = this.options;
    if (mode === 'min') return thresholdMode === 'rel' ? a < this.best * (1 - threshold) : a < this.best - threshold;
    return thresholdMode === 'rel' ? a > this.best * (threshold + 1) : a > this.best + threshold;
  }

  /**
   * Records one epoch's metric and reduces the lr when it has stalled for more than `patience` epochs
   * (new lr = max(lr * factor, minLr), skipped when the change is at most `eps`).
   *
   * @param metric the epoch's validation metric (a loss for mode `min`, e.g. accuracy for `max`)
   */
  step(metric: number): void {
    this.lastEpoch += 1;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.options.patience) {
      for (const g of this.optimizer.paramGroups) {
        const next = Math.max(g.lr * this.options.factor, this.options.minLr);
        if (g.lr - next > this.options.eps) g.lr = next;
      }
      this.cooldownCounter = this.options.cooldown;
      this.numBadEpochs = 0;
    }
  }

  get lastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The state to save in a checkpoint.
   *
   * @returns `best`, `numBadEpochs`, `cooldownCounter` and `lastEpoch`
   */
  stateDict(): Record<string, number> {
    return { best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch };
  }

  /**
   * Restores a state saved by {@link stateDict}.
   *
   * @param state the record {@link stateDict} returned
   */
  loadStateDict(state: Record<string, number>): void {
    this.best = state.best!;
    this.numBadEpochs = state.numBadEpochs!;
    this.cooldownCounter = state.cooldownCounter!;
    this.lastEpoch = state.lastEpoch!;
  }
}
