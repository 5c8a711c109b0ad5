/**
 * SIGINT/SIGTERM while training: the first one asks the trainer to stop at the next batch (the
 * run is marked `interrupted` and keeps its last checkpoint); the same signal again ends the
 * process at once with its default action.
 */
export class StopSignals {
  /** The signal received, once one came. */
  received: NodeJS.Signals | undefined;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  constructor(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']) {
    for (const signal of signals) {
      const handler = () => {
        if (this.received) {
          // A second Ctrl-C is the user insisting; a SIGTERM after a SIGINT is usually a parent
          // (a sweep) passing the same stop on, which the batch loop is already honouring.
          if (signal === this.received) {
            this.dispose();
            process.kill(process.pid, signal);
          }
          return;
        }
        this.received = signal;
        process.stderr.write(`\nalzbench: ${signal}: stopping after this batch (again to stop at once)\n`);
      };
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  /** Yields to the event loop so that a pending signal handler runs. */
  poll(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** Removes the handlers (the default actions apply again). */
  dispose(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    this.handlers.clear();
  }
}
