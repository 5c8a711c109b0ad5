/** What the trainer reports while it runs (the CLI draws progress from these; the API passes them on). */
import type { Metrics } from '../eval/metrics.js';

/** One epoch's line of metrics.jsonl. */
export interface EpochRecord {
  readonly epoch: number;
  /** Learning rate used during the epoch (first parameter group). */
  readonly lr: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  /** Validation headline metrics and the confusion matrix. */
  readonly val: Pick<Metrics, 'loss' | 'accuracy' | 'balancedAccuracy' | 'sensitivity' | 'specificity' | 'precision' | 'f1' | 'auc' | 'confusion'> & {
    /** Share of validation predictions per class. */
    readonly predictedShare: number[];
  };
  /** The model predicted one class for at least the collapse threshold of validation samples. */
  readonly collapsed: boolean;
  /** Best epoch so far by the selection metric. */
  readonly best: boolean;
  /** Wall time of the whole epoch (training, validation, checkpoint). */
  readonly seconds: number;
  /** Wall time of the training phase (batches, augmentation, steps, running metrics). */
  readonly trainSeconds: number;
  /** Training images per second over the training phase. */
  readonly imagesPerSecond: number;
  readonly valSeconds: number;
}

export type TrainEvent =
  | { readonly type: 'message'; readonly text: string }
  | {
      readonly type: 'batch';
      readonly epoch: number;
      readonly epochs: number;
      readonly done: number;
      readonly total: number;
      readonly imagesPerSecond: number;
      readonly etaSeconds: number;
      readonly loss: number;
    }
  | { readonly type: 'epoch'; readonly epochs: number; readonly record: EpochRecord };
