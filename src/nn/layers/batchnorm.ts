import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { ones, zeros, scalarTensor } from '../../torch/creation.js';
import { noGrad } from '../../torch/autograd.js';
import { batchNorm } from '../functional.js';

/** Options of the batch-norm layers; defaults as torch.nn.BatchNorm2d / BatchNorm3d. */
export interface BatchNormOptions {
  eps?: number;
  /** Running-average factor; null for a cumulative average. Default 0.1. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/** What {@link BatchNorm.batchArguments} returns: the arguments of `F.batchNorm` after the input. */
export interface BatchNormArguments {
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  weight: Tensor | null;
  bias: Tensor | null;
  training: boolean;
  momentum: number;
  eps: number;
}

/**
 * What BatchNorm2d and BatchNorm3d share (PyTorch's `_BatchNorm`): `weight`, `bias`, and buffers
 * `running_mean`, `running_var`, `num_batches_tracked` (int64), under PyTorch's names. Subclasses
 * fix the input rank.
 */
export abstract class BatchNorm extends Module {
  readonly eps: number;
  /** Running-average factor (null: cumulative average); mutable for BN recalibration. */
  momentum: number | null;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  /** Rank of the inputs this layer takes (4: NCHW, 5: NCDHW). */
  protected abstract readonly inputRank: number;

  /**
   * Source: torch.nn.BatchNorm2d / BatchNorm3d (Ioffe & Szegedy 2015).
   *
   * @param numFeatures C, the number of channels of the input
   * @param options `eps` (default 1e-5), `momentum` (default 0.1; null for a cumulative average), `affine`
   *   (learnable `weight` [C] = 1 and `bias` [C] = 0; default true), `trackRunningStats` (buffers
   *   `running_mean` [C] = 0, `running_var` [C] = 1, `num_batches_tracked`; default true)
   */
  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    const affine = options.affine ?? true;
    const track = options.trackRunningStats ?? true;
    this.weight = this.registerParameter('weight', affine ? ones([numFeatures]) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numFeatures]) : null);
    this.runningMean = this.registerBuffer('running_mean', track ? zeros([numFeatures]) : null);
    this.runningVar = this.registerBuffer('running_var', track ? ones([numFeatures]) : null);
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', track ? scalarTensor(0, { dtype: 'int64' }) : null);
  }

  /**
   * Normalizes each channel: with batch statistics in train mode (and updates the running ones), with the
   * running statistics in eval mode (batch statistics when there are none).
   *
   * @param x `[N, C, H, W]` for BatchNorm2d, `[N, C, D, H, W]` for BatchNorm3d, C = `numFeatures`
   * @returns a tensor of `x`'s shape
   * @throws RangeError `<layer>: expected 4D input (got ...)` (5D for BatchNorm3d) for another rank
   * @throws Error `aten::batch_norm(...) failed: ...` when the channel count is not `numFeatures`
   */
  forward(x: Tensor): Tensor {
    if (x.ndim !== this.inputRank) throw new RangeError(`${this.typeName}: expected ${this.inputRank}D input (got ${x.describe()})`);
    const a = this.batchArguments();
    return batchNorm(x, a.runningMean, a.runningVar, a.weight, a.bias, a.training, a.momentum, a.eps);
  }

  /**
   * The arguments of {@link batchNorm} for this layer's next batch, as `forward` passes them; in
   * train mode it counts the batch in `num_batches_tracked` first, so call it once per batch (the
   * fused kernels of `src/nn/fused.ts` call it instead of `forward`).
   *
   * Source: PyTorch `_BatchNorm.forward` (`exponential_average_factor`, `bn_training`).
   *
   * @returns the running statistics to read or update (null: none), `weight`, `bias`, whether to
   *   normalize with the batch's statistics (`training`: train mode, or eval mode without running
   *   statistics), the running-average factor (`momentum`, or 1 / batches so far when it is null)
   *   and `eps`
   */
  batchArguments(): BatchNormArguments {
    let factor = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      noGrad(() => this.numBatchesTracked!.add_(1));
      if (this.momentum === null) factor = 1 / this.numBatchesTracked.item();
    }
    return {
      // Without running statistics, eval mode normalizes with batch statistics too (as PyTorch).
      runningMean: !this.training || this.runningMean ? this.runningMean : null,
      runningVar: !this.training || this.runningVar ? this.runningVar : null,
      weight: this.weight,
      bias: this.bias,
      training: this.training || this.runningMean === null,
      momentum: factor,
      eps: this.eps,
    };
  }
}
