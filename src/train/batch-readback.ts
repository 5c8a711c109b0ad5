import { stack } from '../torch/creation.js';
import { keep, tidy } from '../torch/scope.js';
import type { Tensor } from '../torch/tensor.js';

/** Per-batch results read back from the device. */
export interface BatchValues {
  /** Mean loss of each batch, in batch order. */
  readonly losses: number[];
  /** Correct predictions of each batch. */
  readonly hits: number[];
  /** Batch sizes. */
  readonly sizes: number[];
}

/**
 * Holds each batch's loss and hit count on the device and reads them back together, once per
 * logging interval instead of once per batch: a read (`item()`) waits for the device to finish
 * every queued op, which on a GPU stalls the step pipeline (nanoGPT reads its loss only at
 * `log_interval` for the same reason). The values are exactly those per-batch `item()` gives.
 *
 * @example
 * const readback = new BatchReadback();
 * readback.push(loss, logits.argmax(1).eq(y).sum(), 16); // inside the step's tidy()
 * if (readback.length >= 20) const { losses } = readback.read();
 */
export class BatchReadback {
  private losses: Tensor[] = [];
  private hits: Tensor[] = [];
  private sizes: number[] = [];

  /** Batches waiting to be read. */
  get length(): number {
    return this.sizes.length;
  }

  /** Keeps a batch's scalar loss (detached) and int hit count until the next {@link read}. */
  push(loss: Tensor, hits: Tensor, size: number): void {
    this.losses.push(keep(loss.detach()));
    this.hits.push(keep(hits));
    this.sizes.push(size);
  }

  /** Reads every waiting batch in one transfer per kind, and frees them. */
  read(): BatchValues {
    if (this.sizes.length === 0) return { losses: [], hits: [], sizes: [] };
    const [losses, hits] = tidy(() => [stack(this.losses).toNumbers(), stack(this.hits).toNumbers()]);
    const out = { losses: losses!, hits: hits!, sizes: this.sizes };
    this.dispose();
    return out;
  }

  /** Frees the waiting tensors without reading them. */
  dispose(): void {
    for (const t of [...this.losses, ...this.hits]) t.dispose();
    this.losses = [];
    this.hits = [];
    this.sizes = [];
  }
}
