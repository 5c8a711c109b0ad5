/**
 * Batches beside compute: where a split's batches come from (slices held on the device, or read
 * from the slice-cache file when they do not fit the memory budget) and a prefetcher that starts
 * assembling batch i+1 as soon as batch i is handed out, so it is made while batch i trains.
 */
import { native, type TensorHandle } from '../torch/native.js';
import { Tensor } from '../torch/tensor.js';
import { tensor } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { AlzbenchError } from '../util/errors.js';

/** A batch that could not be made: the rows, the source and why (e.g. a cache file changed under a run). */
export class BatchLoadError extends AlzbenchError {}

/** Where the batches of one split come from; every batch is the model's input, float32 pixel / 255. */
export interface BatchSource {
  /** Slices (rows) in the split. */
  readonly rows: number;
  /** `device`: uint8 slices held as one tensor; `cache-file`: read from the slice-cache file per batch. */
  readonly kind: 'device' | 'cache-file';
  /** float32 [n, 1, H, W] of rows `indices` (pixel / 255), made off the JS thread where possible. */
  load(indices: readonly number[]): Promise<Tensor>;
  /** The same batch, made synchronously on the JS thread (in-line loading, batch-norm recalibration). */
  loadSync(indices: readonly number[]): Tensor;
  /** Frees the batches it handed out that are not disposed yet, and closes what it holds open (a file); the slices' tensor belongs to its split. */
  dispose(): void;
}

interface AsyncBatchBinding {
  batchAsync(images: TensorHandle, indices: readonly number[]): Promise<TensorHandle>;
}
const batchAsync = (native as unknown as Partial<AsyncBatchBinding>).batchAsync ?? null;

function toInput(uint8: Tensor): Tensor {
  // The same two ops as eval/model-input.ts's toModelInput (which this layer cannot import).
  return uint8.to('float32').div_(255);
}

/**
 * The batches a source handed out and that are not disposed yet, freed when the source is: a
 * step that threw leaves its batch (and the one made ahead) behind, and the trainer's cleanup
 * frees the sources. A batch that arrives after the source was disposed is freed at once.
 */
export class IssuedBatches {
  private readonly live = new Set<Tensor>();
  private closed = false;

  /**
   * Records a batch just made, so that {@link dispose} frees it if the caller never does. Batches
   * already disposed by their callers are dropped from the record here.
   *
   * @param batch the new batch tensor (float32 [n, 1, H, W]); owned by the caller from now on
   * @param source what made it, for the error message (e.g. `of the device`)
   * @returns `batch` itself
   * @throws BatchLoadError `The batch source <source> was disposed while a batch was being made` (after freeing
   *   the batch) when {@link dispose} ran meanwhile
   */
  add(batch: Tensor, source: string): Tensor {
    if (this.closed) {
      batch.dispose();
      throw new BatchLoadError(`The batch source ${source} was disposed while a batch was being made`);
    }
    for (const t of this.live) if (t.isDisposed) this.live.delete(t);
    this.live.add(batch);
    return batch;
  }

  /** Frees every batch handed out and not disposed; later batches are refused. */
  dispose(): void {
    this.closed = true;
    for (const t of this.live) if (!t.isDisposed) t.dispose();
    this.live.clear();
  }
}

/**
 * Batches of slices held on the device as one uint8 [N, 1, H, W] tensor: `load` gathers and
 * converts the rows on libuv's thread pool (the addon's `batchAsync`, an AsyncWorker running
 * index_select and the cast), `loadSync` does the same two ATen calls on the JS thread; both give
 * bit-identical tensors.
 */
export class DeviceBatches implements BatchSource {
  readonly kind = 'device' as const;
  private readonly issued = new IssuedBatches();
  /**
   * @param images uint8 [N, 1, H, W] slices (pixels 0..255) of one split, on the training device; owned by the
   *   split, not by this source ({@link dispose} leaves it alone)
   */
  constructor(readonly images: Tensor) {}

  get rows(): number {
    return this.images.shape[0]!;
  }

  /**
   * Gathers rows `indices` and converts them to the model's input on libuv's thread pool (the
   * addon's `batchAsync`); falls back to {@link loadSync} on the next microtask when the addon
   * was built without it.
   *
   * @param indices row numbers into `images` (0-based, each < N; repeats allowed), in batch order
   * @returns a new float32 [indices.length, 1, H, W] tensor (pixel / 255) on `images`' device, disposed by the caller
   * @throws BatchLoadError `Cannot assemble a batch of <n> slices from the device: <libtorch message>` (as a
   *   rejection) for an index out of range or a disposed `images`; `The batch source of the device was disposed
   *   while a batch was being made` when {@link dispose} ran meanwhile
   */
  load(indices: readonly number[]): Promise<Tensor> {
    if (!batchAsync) return Promise.resolve().then(() => this.loadSync(indices));
    return batchAsync(this.images.handle, indices).then(
      (handle) => this.issued.add(new Tensor(handle), 'of the device'),
      (error: Error) => {
        throw new BatchLoadError(`Cannot assemble a batch of ${indices.length} slices from the device: ${error.message}`, { cause: error });
      },
    );
  }

  /** Frees the batches handed out and not disposed (the slices' tensor belongs to the split). */
  dispose(): void {
    this.issued.dispose();
  }

  /**
   * {@link load} on the JS thread: `index_select` along dim 0, then cast to float32 and divide by 255.
   *
   * @param indices row numbers into `images` (0-based, each < N), in batch order
   * @returns a new float32 [indices.length, 1, H, W] tensor (pixel / 255), bit-identical to {@link load}'s
   * @throws Error `aten::index_select(<arguments>) failed: <libtorch message>` for an index out of range
   * @throws BatchLoadError `The batch source of the device was disposed while a batch was being made` after
   *   {@link dispose}
   */
  loadSync(indices: readonly number[]): Tensor {
    const batch = tidy(() => toInput(this.images.indexSelect(0, tensor(indices as number[], { dtype: 'int64', device: this.images.device }))));
    return this.issued.add(batch, 'of the device');
  }
}

/** Options of {@link BatchPrefetcher}. */
export interface PrefetchOptions {
  /** Assemble the next batch while the current one trains (default true); false: each batch in line. */
  readonly prefetch?: boolean;
}

/**
 * Hands out the batches of one epoch in `order` (`batchSize` rows each, the last one shorter),
 * starting the next batch's assembly when the current one is handed out. Each batch is a new
 * tensor the caller disposes; {@link dispose} frees one made ahead and not taken. A batch that
 * failed in the background rejects `next()` with its {@link BatchLoadError}.
 *
 * @example
 * const batches = new BatchPrefetcher(split.batches, order, 16);
 * for (let b = 0; b < batches.count; b++) { const x = await batches.next(); try { step(x); } finally { x.dispose(); } }
 * await batches.dispose();
 */
export class BatchPrefetcher {
  /** Batches in the epoch. */
  readonly count: number;
  private nextBatch = 0;
  private pending: Promise<Tensor> | null = null;

  /**
   * Nothing is loaded yet: the first {@link next} starts batch 0 (and batch 1 behind it).
   *
   * @param source where the rows come from ({@link DeviceBatches} or a slice-cache file's batches); not disposed here
   * @param order the epoch's row order (indices into `source`, e.g. a seeded shuffle of 0..rows-1)
   * @param batchSize rows per batch (positive integer); the last batch holds the `order.length % batchSize` left over
   * @param options `prefetch` (default true: one batch assembled ahead, like a PyTorch DataLoader with one worker and
   *   `prefetch_factor=1`; false: each batch made in line by `loadSync` when asked for)
   */
  constructor(
    private readonly source: BatchSource,
    private readonly order: readonly number[],
    private readonly batchSize: number,
    private readonly options: PrefetchOptions = {},
  ) {
    this.count = Math.ceil(order.length / batchSize);
  }

  private rowsOf(b: number): number[] {
    return this.order.slice(b * this.batchSize, (b + 1) * this.batchSize);
  }

  private start(b: number): Promise<Tensor> {
    const promise = this.source.load(this.rowsOf(b));
    // A rejection is reported when next() takes this batch; until then it must not count as unhandled.
    promise.catch(() => undefined);
    return promise;
  }

  /**
   * Hands out the next batch of the epoch and starts assembling the one after it (with `prefetch`).
   *
   * @returns a new float32 [n, 1, H, W] tensor (pixel / 255), n = `batchSize` except for a shorter last batch;
   *   disposed by the caller
   * @throws BatchLoadError `All <count> batches of this epoch were taken already` once {@link count} batches were
   *   handed out, or the source's BatchLoadError when this batch failed in the background
   */
  async next(): Promise<Tensor> {
    const b = this.nextBatch;
    if (b >= this.count) throw new BatchLoadError(`All ${this.count} batches of this epoch were taken already`);
    this.nextBatch++;
    if (this.options.prefetch === false) return this.source.loadSync(this.rowsOf(b));
    const current = this.pending ?? this.start(b);
    this.pending = b + 1 < this.count ? this.start(b + 1) : null;
    return current;
  }

  /** Frees the batch made ahead, if any, once it arrives (awaiting is optional); safe to call more than once. */
  async dispose(): Promise<void> {
    const pending = this.pending;
    this.pending = null;
    await pending?.then(
      (t) => t.dispose(),
      () => undefined,
    );
  }
}
