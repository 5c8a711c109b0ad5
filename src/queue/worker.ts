/**
 * `alzbench worker`: takes runs from the PostgreSQL store's job queue (pg-boss), trains each in a
 * training process (the sweep's executeRun), writes metrics and the run folder into the store,
 * and heartbeats. Any number of workers on any number of machines can serve one store.
 *
 * What keeps every run trained exactly once to completion:
 * - a job only starts training after the worker claims its run in the store with a
 *   compare-and-set (queued -> running, owner = this worker); a job for a run that is finished or
 *   held by a live worker is completed without training;
 * - the worker heartbeats each run it holds; a run whose heartbeat is older than the lease
 *   (`leaseMs`, default 60 s) belongs to a lost worker (kill -9, machine gone): any other worker
 *   takes it over (compare-and-set on the old owner), stores what its folder holds, queues it
 *   again (or fails it after its attempts) and fails its job through pg-boss, which delivers the
 *   job again. The next worker resumes from the last checkpoint when the run folders are shared
 *   (`--runs-dir` on a shared file system), and restarts the run otherwise;
 * - a worker that finds its run taken over, or cannot reach the store for half the lease, kills
 *   its training process at once, so a cut-off worker stops before anyone takes its run.
 *
 * Draining (SIGTERM, SIGINT, or `alzbench worker drain` through the store): take no new job,
 * finish the runs in hand, stop. A second SIGINT stops now: the runs are queued again and
 * continue elsewhere.
 */
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { openStore } from '../store/open-store.js';
import { FINISHED_STATUSES, type StoredRun, type StoredWorker } from '../store/types.js';
import { executeRun, settleRun, type RunOutcome } from '../sweep/execute-run.js';
import { openRunQueue, type RunJob, type RunQueue } from './run-queue.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** The PostgreSQL store (`postgres://...`): runs and queue. */
  readonly url: string;
  /** Name shown in listings and recorded on runs (default the host name). */
  readonly name?: string;
  /** Device its runs train on: cpu, cuda, cuda:N (default cpu). */
  readonly device?: string;
  /** Runs at once (default 1). */
  readonly concurrency?: number;
  /** libtorch threads per run (default the machine's cores / concurrency). */
  readonly threads?: number;
  /** Folder of run folders (default `runs`); shared between machines, runs resume after a lost worker. */
  readonly runsDir?: string;
  /** Attempts per run when a job does not say (default 2). */
  readonly maxAttempts?: number;
  /** A run whose heartbeat is older than this belongs to a lost worker, ms (default 60000). */
  readonly leaseMs?: number;
  /** Heartbeat, metrics and queue poll interval, ms (default 1000). */
  readonly pollMs?: number;
  /** Trainer module for the training processes (tests: the fixture trainer). */
  readonly trainer?: string;
  /** Stop once no run in the store is queued or running (benchmarks, CI); default: wait for work. */
  readonly exitWhenIdle?: boolean;
  readonly log?: (line: string) => void;
}

/** What a worker did, when it stopped. */
export interface WorkerSummary {
  readonly id: string;
  readonly name: string;
  readonly device: string;
  /** Every training attempt it made, with how it ended. */
  readonly attempts: RunOutcome[];
  /** Runs of lost workers it took over (and queued again or settled). */
  readonly takenOver: string[];
  /** Jobs it completed without training (run finished, or held by a live worker). */
  readonly skippedJobs: number;
  readonly seconds: number;
}

/** A started worker. */
export interface WorkerHandle {
  readonly id: string;
  /** Take no new run; resolve `done` once the runs in hand ended. */
  drain(why: string): void;
  /** Stop the training processes now; their runs are queued again. */
  stopNow(why: string): void;
  readonly done: Promise<WorkerSummary>;
}

const ageMs = (iso: string | null) => (iso ? Date.now() - Date.parse(iso) : Infinity);

/**
 * Starts a worker: registers it in the store, then runs `concurrency` slots that take jobs until
 * it is drained.
 *
 * @example
 * const worker = await startWorker({ url: 'postgres://lab@db/alzbench', device: 'cuda', runsDir: '/mnt/shared/runs' });
 * process.on('SIGTERM', () => worker.drain('SIGTERM'));
 * const summary = await worker.done;
 */
export async function startWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const threads = options.threads ?? Math.max(1, Math.floor(availableParallelism() / concurrency));
  const device = options.device ?? 'cpu';
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 1000;
  const runsDir = resolve(options.runsDir ?? 'runs');
  const id = `${hostname()}/${process.pid}`;
  const name = options.name ?? hostname();
  // Pool: one connection per slot's heartbeat and metrics, plus the reaper and registry.
  const store = await openStore(options.url, { poolSize: concurrency + 2 });
  let queue: RunQueue;
  try {
    queue = await openRunQueue(options.url);
  } catch (error) {
    await store.close();
    throw error;
  }
  const now = () => new Date().toISOString();
  const attempts: RunOutcome[] = [];
  const takenOver: string[] = [];
  let skippedJobs = 0;
  let runsDone = 0;
  let draining = false;
  let stoppingNow = false;
  const children = new Set<ChildProcess>();
  const wakers = new Set<() => void>();
  const nap = (ms: number) =>
    new Promise<void>((wake) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        wake();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });

  const record: StoredWorker = {
    id,
    name,
    host: hostname(),
    pid: process.pid,
    device,
    concurrency,
    state: 'running',
    drain: false,
    runsDone: 0,
    startedAt: now(),
    heartbeatAt: now(),
  };
  await store.putWorker(record);
  log(`worker ${name} (${id}): ${concurrency} slot(s) x ${threads} thread(s) on ${device}, runs in ${runsDir}, lease ${leaseMs / 1000} s`);

  const drain = (why: string) => {
    if (draining) return;
    draining = true;
    log(`draining (${why}): no new runs; finishing the ${children.size} in hand`);
    for (const wake of [...wakers]) wake();
  };
  const stopNow = (why: string) => {
    drain(why);
    if (stoppingNow) return;
    stoppingNow = true;
    log(`stopping now (${why}): the runs in hand are queued again`);
    for (const child of children) {
      child.killedBySweep = true;
      child.kill('SIGTERM');
    }
  };

  /** Takes over a run of a lost worker: settles it (queued again or final) and fails or completes its job. */
  const takeOver = async (run: StoredRun): Promise<void> => {
    const reaper = `${id} (taking over from ${run.owner ?? '?'})`;
    if (!(await store.updateRun(run.id, { owner: reaper }, { status: ['running'], owner: run.owner }))) return; // another worker was first
    const maxAttempts = (run.jobId ? (await queue.jobData(run.jobId))?.maxAttempts : undefined) ?? options.maxAttempts ?? 2;
    const exit = `worker ${run.worker ?? run.owner ?? '?'} lost: no heartbeat for ${(ageMs(run.heartbeatAt) / 1000).toFixed(0)} s`;
    const outcome = await settleRun(store, { ...run, owner: reaper }, { owner: reaper, maxAttempts, exit });
    takenOver.push(run.id);
    log(`${run.id}: ${exit} -> ${outcome.status}`);
    if (run.jobId) {
      if (outcome.status === 'queued') await queue.retry(run.jobId, outcome.reason ?? exit);
      else await queue.complete(run.jobId, { status: outcome.status, by: id });
    }
  };

  /** Finds runs whose worker stopped heartbeating. Only queue runs (with a job): local sweeps recover their own. */
  const reap = async () => {
    for (const run of await store.listRuns({ status: ['running'] })) {
      if (run.jobId === null || run.owner === id || ageMs(run.heartbeatAt) <= leaseMs) continue;
      await takeOver(run);
    }
  };

  const handle = async (job: RunJob, slot: number): Promise<void> => {
    let run = await store.getRun(job.data.runId);
    if (run?.status === 'running' && run.owner !== id && ageMs(run.heartbeatAt) > leaseMs) {
      await takeOver(run);
      run = await store.getRun(job.data.runId);
    }
    if (run?.status !== 'queued') {
      // Finished, failed for good, deleted, or held by a live worker (this is a second job for it).
      skippedJobs++;
      await queue.complete(job.id, { skipped: run ? `${run.status}${run.owner ? ` by ${run.owner}` : ''}` : 'no such run' });
      return;
    }
    const claimed = await store.claimRun(run.id, id, { worker: name, jobId: job.id, device });
    if (!claimed) {
      skippedJobs++;
      await queue.complete(job.id, { skipped: 'claimed by another worker' });
      return;
    }
    const maxAttempts = job.data.maxAttempts ?? options.maxAttempts ?? 2;
    log(`[${slot}] ${run.id} attempt ${claimed.attempts} of ${maxAttempts}`);
    const outcome = await executeRun(store, claimed, {
      runsDir,
      owner: id,
      threads,
      maxAttempts,
      device,
      leaseMs,
      pollMs,
      log,
      ...(options.trainer ? { trainer: options.trainer } : {}),
      onSpawn: (child) => {
        children.add(child);
        child.on('exit', () => children.delete(child));
        if (stoppingNow) {
          child.killedBySweep = true;
          child.kill('SIGTERM');
        }
      },
    });
    attempts.push(outcome);
    log(`[${slot}] ${run.id}: ${outcome.lost ? 'lost' : outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''} in ${outcome.seconds.toFixed(1)} s`);
    if (outcome.lost) return; // the run and its job are another worker's now
    if (outcome.status === 'queued') await queue.retry(job.id, outcome.reason ?? 'queued again');
    else {
      await queue.complete(job.id, { status: outcome.status, worker: name });
      runsDone++;
    }
  };

  const slot = async (n: number) => {
    while (!draining) {
      try {
        const job = await queue.fetch();
        if (job) {
          await handle(job, n);
          continue;
        }
        // Idle means nothing left anywhere: a run of a lost worker still counts (its job comes back once taken over).
        if (options.exitWhenIdle && (await store.listRuns({ status: ['queued', 'running'] })).length === 0) return;
      } catch (error) {
        // The store or the queue is unreachable for a moment: keep going; held runs fence themselves.
        log(`[${n}] ${(error as Error).message}`);
      }
      await nap(pollMs);
    }
  };

  // Registry heartbeat (and the drain flag set by `alzbench worker drain`) and the reaper.
  let beating = Promise.resolve();
  let lastReap = 0;
  const beat = setInterval(() => {
    beating = beating
      .then(async () => {
        const row = await store.updateWorker(id, { heartbeatAt: now(), runsDone: runsDone, state: draining ? 'draining' : 'running' });
        if (row?.drain) drain('asked through the store');
        if (!draining && Date.now() - lastReap >= Math.min(leaseMs / 4, 10_000)) {
          lastReap = Date.now();
          await reap();
        }
      })
      .catch((error: Error) => log(`heartbeat: ${error.message}`));
  }, pollMs);

  const done = (async (): Promise<WorkerSummary> => {
    try {
      await Promise.all(Array.from({ length: concurrency }, (_, i) => slot(i + 1)));
    } finally {
      clearInterval(beat);
      await beating;
      await store.updateWorker(id, { state: 'stopped', heartbeatAt: now(), runsDone: runsDone }).catch(() => undefined);
      await queue.close().catch(() => undefined);
      await store.close().catch(() => undefined);
    }
    log(`worker ${name} stopped: ${runsDone} run(s) ended here`);
    return { id, name, device, attempts, takenOver, skippedJobs, seconds: (performance.now() - started) / 1000 };
  })();
  return { id, drain, stopNow, done };
}

/** Whether a stored run has ended for good (finished, or failed after its attempts). */
export function runEnded(run: StoredRun): boolean {
  return FINISHED_STATUSES.includes(run.status) || run.status === 'failed';
}
