import { HttpError } from './http-error.js';

/**
 * Runs jobs one at a time, in arrival order, with at most `maxWaiting` waiting: the dashboard's
 * predictions each load and run a model (a volume one decodes up to 256 MiB of voxels), so several
 * at once would pile up memory on a small server; beyond the queue a request is told to retry (503).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  /** Jobs queued and not yet settled: the running one and those waiting. */
  private pending = 0;

  /**
   * @param maxWaiting jobs that may wait while one runs; more are refused
   * @param what what a job is, for the refusal (e.g. `volume predictions`)
   */
  constructor(
    private readonly maxWaiting: number,
    private readonly what: string,
  ) {}

  /** Jobs admitted and waiting for the running one (0 when at most one job is queued). */
  get waiting(): number {
    return Math.max(0, this.pending - 1);
  }

  /**
   * Runs `job` after every job queued before it has settled.
   *
   * @returns what `job` returns
   * @throws HttpError 503 when `maxWaiting` jobs are already waiting (nothing of `job` runs)
   */
  run<T>(job: () => Promise<T>): Promise<T> {
    if (this.pending > this.maxWaiting)
      return Promise.reject(
        new HttpError(
          503,
          `The server is busy: one of its ${this.what} is running and ${this.pending - 1} more are waiting (at most ${this.maxWaiting})`,
          'try again in a minute',
        ),
      );
    this.pending++;
    const result = this.tail.then(job);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.pending--;
    });
  }
}
