/**
 * `alzbench sweep file.yaml --db postgres://...`: creates the sweep's runs in the store (as a
 * local sweep does) and puts one job per queued run into the store's queue for
 * `alzbench worker`s; `--follow` then watches the store until every run has ended.
 */
import { resolve } from 'node:path';
import type { RunStatus, RunStore, StoredSweep } from '../store/types.js';
import { planSweep } from '../sweep/run-sweep.js';
import type { SweepSpec } from '../sweep/spec.js';
import type { RunQueue } from './run-queue.js';
import { runEnded } from './worker.js';

/** What {@link enqueueSweep} did. */
export interface EnqueueSummary {
  readonly sweep: StoredSweep;
  readonly runs: number;
  /** Runs that had ended before (finished, or failed for good): not sent again. */
  readonly skipped: number;
  /** Runs queued now (jobs created; a run with a pending job is not sent twice). */
  readonly enqueued: number;
  /** Jobs created now. */
  readonly jobsCreated: number;
}

/**
 * Plans the sweep in the store and enqueues its queued runs.
 *
 * @example
 * const summary = await enqueueSweep(store, queue, readSweepFile('grid.yaml'), { runsDir: '/mnt/shared/runs' });
 */
export async function enqueueSweep(
  store: RunStore,
  queue: RunQueue,
  spec: SweepSpec,
  options: { runsDir?: string; maxAttempts?: number } = {},
): Promise<EnqueueSummary> {
  const { sweep, runs } = await planSweep(store, spec, resolve(options.runsDir ?? 'runs'));
  const queued = runs.filter((r) => r.status === 'queued');
  const jobsCreated = await queue.enqueue(
    queued.map((r) => ({ runId: r.id, sweepId: sweep.id, ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) })),
  );
  return { sweep, runs: runs.length, skipped: runs.filter(runEnded).length, enqueued: queued.length, jobsCreated };
}

/**
 * Waits until every run of the sweep has ended, reporting each change of status (with the worker
 * and device that took the run). Resolves to the final count per status.
 */
export async function followSweep(
  store: RunStore,
  sweepId: string,
  options: { pollMs?: number; log?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<Partial<Record<RunStatus, number>>> {
  const seen = new Map<string, string>();
  for (;;) {
    const runs = await store.listRuns({ sweepId });
    for (const r of runs) {
      const state = `${r.status}|${r.worker ?? ''}|${r.attempts}`;
      if (seen.get(r.id) !== state) {
        seen.set(r.id, state);
        options.log?.(
          `${r.id}: ${r.status}${r.worker ? ` (${r.worker}, ${r.device ?? '?'}, attempt ${r.attempts})` : ''}${r.reason && r.status !== 'running' ? `: ${r.reason}` : ''}`,
        );
      }
    }
    if (runs.every(runEnded) || options.signal?.aborted) {
      const statuses: Partial<Record<RunStatus, number>> = {};
      for (const r of runs) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      return statuses;
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
}
