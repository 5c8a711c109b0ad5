/**
 * The end of a training epoch once validation has run, shared by the slice trainer (trainer.ts)
 * and the volume runs (volume-run.ts): whether the model collapsed onto one class, whether it is
 * the best so far by the selection metric, the epoch's line for metrics.jsonl, and the trainer
 * state the checkpoint stores.
 */
import type { TrainerState } from '../models/checkpoint.js';
import { isCollapsed } from '../eval/collapse.js';
import { headline, type Metrics } from '../eval/metrics.js';
import type { TrainConfig } from './config.js';
import type { EpochRecord } from './events.js';

/** What the epoch's training loop counted. */
export interface EpochTraining {
  readonly epoch: number;
  /** Learning rate the epoch trained with. */
  readonly lr: number;
  /** Sum over the epoch's samples of their loss (mean loss x batch size per batch). */
  readonly lossSum: number;
  /** Correctly classified training samples. */
  readonly correct: number;
  /** Training samples seen. */
  readonly seen: number;
  /** `performance.now()` when the epoch started (ms). */
  readonly started: number;
  /** Seconds spent in the training batches. */
  readonly trainSeconds: number;
}

/**
 * Value of the selection metric (`config.selectMetric`), oriented so that larger is better; a
 * NaN metric ranks last.
 *
 * @param config the run's settings
 * @param m validation metrics
 * @returns the score (`-loss` for `loss`)
 */
export function selectionScore(config: Pick<TrainConfig, 'selectMetric'>, m: Metrics): number {
  const value = config.selectMetric === 'loss' ? -m.loss : m[config.selectMetric];
  return Number.isFinite(value) ? value : -Infinity;
}

/**
 * Closes an epoch after validation: the collapse check, best-so-far by the selection metric
 * (strictly better than the best; ties keep the earlier epoch), the epoch record and the next
 * trainer state (epoch, best, epochs without improvement for early stopping, history).
 *
 * @param config the run's settings (`selectMetric`, `collapseThreshold`)
 * @param classes class names, in label order
 * @param training what the epoch's training loop counted
 * @param val validation metrics and the seconds validation took
 * @param state the trainer state before this epoch
 * @returns the record (for metrics.jsonl and the plots), whether the model collapsed on validation, and the next state
 */
export function validatedEpoch(
  config: Pick<TrainConfig, 'selectMetric' | 'collapseThreshold'>,
  classes: readonly string[],
  training: EpochTraining,
  val: { readonly metrics: Metrics; readonly seconds: number },
  state: TrainerState,
): { record: EpochRecord; collapsed: boolean; state: TrainerState } {
  const { epoch, seen, trainSeconds } = training;
  const m = val.metrics;
  const collapsed = isCollapsed(m, config.collapseThreshold);
  const score = selectionScore(config, m);
  const isBest = state.best === null || score > state.best.value;
  const record: EpochRecord = {
    epoch,
    lr: training.lr,
    trainLoss: training.lossSum / seen,
    trainAccuracy: training.correct / seen,
    val: { ...headline(m), confusion: m.confusion, predictedShare: classes.map((c) => m.perClass[c]!.predictedShare) },
    collapsed,
    best: isBest,
    // Training and validation; the checkpoint write after this is not counted.
    seconds: (performance.now() - training.started) / 1000,
    trainSeconds,
    imagesPerSecond: seen / trainSeconds,
    valSeconds: val.seconds,
  };
  const next: TrainerState = {
    epoch,
    best: isBest ? { epoch, value: score } : state.best,
    badEpochs: isBest ? 0 : state.badEpochs + 1,
    history: [...state.history, record],
  };
  return { record, collapsed, state: next };
}
