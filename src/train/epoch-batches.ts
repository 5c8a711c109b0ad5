/**
 * The training batches of one epoch, shared by slice runs (trainer.ts) and volume runs
 * (volume-run.ts): each batch's step is the caller's (how a batch is made, augmented and
 * stepped differs); the bookkeeping around it is one: losses and hits held on the device and read
 * back once per logging interval ({@link BatchReadback}), a non-finite loss ends the epoch as
 * diverged, a pending SIGINT/SIGTERM stops it, and a progress event per interval.
 */
import { BatchReadback } from './batch-readback.js';
import type { TrainEvent } from './events.js';
import type { StopSignals } from './stop-signals.js';

/** What {@link trainEpochBatches} needs besides the step. */
export interface EpochBatches {
  readonly epoch: number;
  /** Epochs of the run, for the progress events' ETA. */
  readonly epochs: number;
  /** The epoch's sample order (indices into the training split); batch b is `order[b * batchSize, (b + 1) * batchSize)`. */
  readonly order: readonly number[];
  readonly batchSize: number;
  /** Batches per readback and progress event (the last batch always ends one). */
  readonly logEvery: number;
  /** Learning rate of the epoch, for the divergence message. */
  readonly lr: number;
  /** `performance.now()` when the epoch started (ms). */
  readonly started: number;
  readonly signals: StopSignals | null;
  readonly emit: (event: TrainEvent) => void;
}

/** What the epoch's batches counted, and why they stopped early, if they did. */
export interface EpochBatchesResult {
  /** Sum over the samples read back of their batch's mean loss. */
  readonly lossSum: number;
  readonly correct: number;
  readonly seen: number;
  /** Why the run diverged (a non-finite loss: which batch, the lr), or undefined. */
  readonly diverged: string | undefined;
}

/**
 * Runs the batches of one epoch. `step` trains batch `b` on the rows `index` and pushes its loss
 * and hit count to the readback (inside its `tidy`); it may be async (a batch read ahead).
 * Stops after the interval holding a non-finite loss (`diverged`), or when a stop signal has
 * arrived (`signals.received`; the caller checks it); the interval's counts are then not added.
 *
 * @param epoch the epoch's order, batch size, logging interval, lr, start time, signals and event sink
 * @param step trains one batch
 * @returns the summed loss, correct predictions and samples seen, and the divergence reason if any
 */
export async function trainEpochBatches(
  epoch: EpochBatches,
  step: (b: number, index: number[], readback: BatchReadback) => void | Promise<void>,
): Promise<EpochBatchesResult> {
  const { order, batchSize, signals } = epoch;
  const total = order.length;
  const batches = Math.ceil(total / batchSize);
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  let diverged: string | undefined;
  // Losses and hits stay on the device until the logging interval ends; they are freed however
  // the loop ends (a step that throws included).
  const readback = new BatchReadback();
  try {
    for (let b = 0; b < batches; b++) {
      const index = order.slice(b * batchSize, (b + 1) * batchSize);
      await step(b, index, readback);
      if (readback.length < epoch.logEvery && b < batches - 1) continue;
      const first = b + 1 - readback.length;
      const { losses, hits, sizes } = readback.read();
      const bad = losses.findIndex((loss) => !Number.isFinite(loss));
      if (bad >= 0) {
        // Read back at the end of the interval: later batches of it have stepped already, but
        // a non-finite loss ends the run as diverged either way.
        diverged = `training loss was ${losses[bad]} at epoch ${epoch.epoch}, batch ${first + bad + 1} of ${batches} (lr ${epoch.lr})`;
        break;
      }
      // Let a pending SIGINT/SIGTERM handler run (the batch loop is otherwise synchronous).
      if (signals) await signals.poll();
      if (signals?.received) break;
      losses.forEach((loss, k) => {
        lossSum += loss * sizes[k]!;
        correct += hits[k]!;
        seen += sizes[k]!;
      });
      const rate = seen / ((performance.now() - epoch.started) / 1000);
      epoch.emit({
        type: 'batch',
        epoch: epoch.epoch,
        epochs: epoch.epochs,
        done: seen,
        total,
        imagesPerSecond: rate,
        etaSeconds: (total - seen) / rate + (epoch.epochs - epoch.epoch) * (total / rate),
        loss: lossSum / seen,
      });
    }
  } finally {
    readback.dispose();
  }
  return { lossSum, correct, seen, diverged };
}
