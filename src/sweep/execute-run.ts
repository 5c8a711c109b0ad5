/**
 * Runs one claimed run in a training process (train-child.js) and keeps the store in step: epochs
 * as metrics.jsonl grows, a heartbeat, and at the end the whole run folder. A process that dies
 * without finishing (killed, out of memory) leaves its run queued for another attempt, which
 * resumes from the last checkpoint, or failed when its attempts are used up: never lost.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMetricsLines, readRunFolder } from '../store/read-run-folder.js';
import { FINISHED_STATUSES, type RunStatus, type RunStore, type StoredRun } from '../store/types.js';
import type { RunRecord } from '../run-folder/run-folder.js';
import type { TrainJob } from './train-child.js';
import { allocatorEnv } from '../util/allocator-env.js';
import { readRunRecord } from '../run-folder/run-files.js';

const CHILD = fileURLToPath(new URL('./train-child.js', import.meta.url));

/** Options of {@link executeRun}. */
export interface ExecuteOptions {
  readonly runsDir: string;
  /** Identity of this worker in the store (`host/pid`). */
  readonly owner: string;
  /** libtorch threads for the training process. */
  readonly threads: number;
  /** Attempts a run may take in all (default 2: one retry after a killed process). */
  readonly maxAttempts: number;
  /** Trainer module for the child (tests: the fixture trainer). */
  readonly trainer?: string;
  /** Poll interval for metrics and heartbeat, ms (default 1000). */
  readonly pollMs?: number;
  readonly log: (line: string) => void;
  /** Called with the child process once it started (lets the sweep stop it). */
  readonly onSpawn?: (child: ChildProcess) => void;
  /** Device to train on, replacing the run's setting (a queue worker's `--device`). */
  readonly device?: string;
  /**
   * Lease of a queue worker, ms: when the heartbeat finds the run taken over by another worker,
   * or cannot reach the store for half of this, the training process is stopped (the run is
   * someone else's now, or will be soon) and the run is left alone.
   */
  readonly leaseMs?: number;
}

/** How a run's attempt ended. */
export interface RunOutcome {
  readonly id: string;
  /** Status stored after the attempt (`queued` when it will be retried). */
  readonly status: RunStatus;
  readonly reason: string | null;
  readonly seconds: number;
  /** The lease was lost (queue workers): another worker holds the run; nothing was stored. */
  readonly lost?: boolean;
}

function readRecord(dir: string): RunRecord | null {
  try {
    return readRunRecord(join(dir, 'run.json'));
  } catch {
    return null;
  }
}

/**
 * Stores what a run folder holds after its process ended and decides the run's status: the
 * folder's when it finished or failed cleanly, else queued (another attempt) or failed (none left).
 */
export async function settleRun(
  store: RunStore,
  run: StoredRun,
  options: { owner: string | null; maxAttempts: number; exit: string; interrupted?: boolean },
): Promise<RunOutcome> {
  const dir = run.dir ?? '';
  const record = existsSync(join(dir, 'run.json')) ? readRecord(dir) : null;
  const start = run.startedAt ? Date.parse(run.startedAt) : Date.now();
  const seconds = (Date.now() - start) / 1000;
  const expect = { status: ['running' as const], ...(options.owner !== null ? { owner: options.owner } : {}) };
  if (record) await store.putRun(readRunFolder(dir), { keepStatusUnlessFinished: true });
  if (record && FINISHED_STATUSES.includes(record.status)) {
    await store.updateRun(run.id, { owner: null, pid: null, heartbeatAt: null });
    return { id: run.id, status: record.status, reason: record.reason ?? null, seconds };
  }
  if (record?.status === 'failed' && !options.interrupted) {
    // The trainer caught an error and said so: another attempt would fail the same way.
    const reason = record.reason ?? `failed (${options.exit})`;
    await store.updateRun(run.id, { status: 'failed', reason, owner: null, pid: null, finishedAt: record.finished ?? new Date().toISOString() }, expect);
    return { id: run.id, status: 'failed', reason, seconds };
  }
  if (options.interrupted || run.attempts < options.maxAttempts) {
    const reason = options.interrupted
      ? `interrupted (${options.exit}); continues when the sweep runs again`
      : `attempt ${run.attempts} of ${options.maxAttempts} ended without finishing (${options.exit}); queued again, resumes from its last checkpoint`;
    await store.updateRun(run.id, { status: 'queued', reason, owner: null, pid: null, heartbeatAt: null }, expect);
    return { id: run.id, status: 'queued', reason, seconds };
  }
  const reason = `${options.maxAttempts} attempts ended without finishing (last: ${options.exit})`;
  await store.updateRun(run.id, { status: 'failed', reason, owner: null, pid: null, finishedAt: new Date().toISOString() }, expect);
  return { id: run.id, status: 'failed', reason, seconds };
}

/**
 * Trains one run (already claimed: status running, owner set) in a child process and stores
 * everything it writes. Resolves when the process has ended and the store says what happened.
 */
export async function executeRun(store: RunStore, run: StoredRun, options: ExecuteOptions): Promise<RunOutcome> {
  const runsDir = resolve(options.runsDir);
  const dir = join(runsDir, run.id);
  await store.updateRun(run.id, { dir, startedAt: run.startedAt ?? new Date().toISOString() });
  const settings = { ...(run.flags as Record<string, unknown>) };
  if (settings.threads === undefined || settings.threads === null) settings.threads = options.threads;
  if (options.device !== undefined) settings.device = options.device;
  const job: TrainJob = { runId: run.id, runsDir, settings, ...(options.trainer ? { trainer: options.trainer } : {}) };
  const logsDir = join(runsDir, '.logs');
  mkdirSync(logsDir, { recursive: true });
  const logFile = createWriteStream(join(logsDir, `${run.id}.log`), { flags: 'a' });
  const env = { ...(allocatorEnv() ?? process.env), ALZBENCH_THREADS: String(settings.threads) };
  // The IPC channel closes when this process dies (even by SIGKILL): the child then exits, so a
  // killed worker leaves no orphan training on and writing its run folder.
  const child = spawn(process.execPath, [CHILD, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
  child.stdout!.pipe(logFile, { end: false });
  child.stderr!.pipe(logFile, { end: false });
  options.onSpawn?.(child);
  await store.updateRun(run.id, { pid: child.pid ?? null });
  const claimed = { ...run, dir, startedAt: run.startedAt ?? new Date().toISOString() };
  let stored = 0;
  const poll = async () => {
    const path = join(dir, 'metrics.jsonl');
    if (existsSync(path)) {
      // Only whole lines: the trainer may be writing the last one right now (read on the next poll).
      const text = readFileSync(path, 'utf8');
      const epochs = parseMetricsLines(text.slice(0, text.lastIndexOf('\n') + 1), path);
      if (epochs.length > stored) {
        await store.putEpochs(run.id, epochs.slice(stored));
        // The sweep's progress: one line per finished epoch of each worker's run.
        for (const e of epochs.slice(stored)) {
          const num = (v: number | null) => (v === null ? '-' : v.toFixed(3));
          options.log(
            `${run.id}: epoch ${e.epoch}/${settings.epochs ?? '?'}  train loss ${num(e.trainLoss)}  val bal. acc ${num(e.valBalancedAccuracy)}  ${e.seconds === null ? '' : `${e.seconds.toFixed(1)} s`}${e.collapsed ? '  collapsed' : ''}${e.best ? '  *best' : ''}`,
          );
        }
        stored = epochs.length;
      }
    }
    const held = await store.updateRun(run.id, { heartbeatAt: new Date().toISOString() }, { status: ['running'], owner: options.owner });
    lastBeat = Date.now();
    if (!held && options.leaseMs !== undefined) loseLease('the run was taken over by another worker (this one missed its heartbeat)');
  };
  // Queue workers: a run this worker no longer holds must not go on training here.
  let lost: string | null = null;
  let lastBeat = Date.now();
  const loseLease = (why: string) => {
    if (lost !== null) return;
    lost = why;
    options.log(`${run.id}: lease lost: ${why}; stopping its training process`);
    child.kill('SIGKILL');
  };
  let polling = Promise.resolve();
  const timer = setInterval(() => {
    polling = polling.then(poll).catch((error: Error) => {
      options.log(`store update for ${run.id} failed: ${error.message}`);
      if (options.leaseMs !== undefined && Date.now() - lastBeat > options.leaseMs / 2)
        loseLease(`no heartbeat reached the store for ${((Date.now() - lastBeat) / 1000).toFixed(0)} s`);
    });
  }, options.pollMs ?? 1000);
  const exit = await new Promise<string>((resolveExit) => {
    child.on('error', (error) => resolveExit(`could not start: ${error.message}`));
    child.on('exit', (code, signal) => resolveExit(signal ? `killed by ${signal}` : `exit code ${code}`));
  });
  clearInterval(timer);
  await polling;
  logFile.end();
  if (lost !== null)
    return { id: run.id, status: 'running', reason: `lease lost: ${lost}`, seconds: (Date.now() - Date.parse(claimed.startedAt)) / 1000, lost: true };
  return settleRun(store, claimed, { owner: options.owner, maxAttempts: options.maxAttempts, exit, interrupted: child.killedBySweep === true });
}

declare module 'node:child_process' {
  interface ChildProcess {
    /** Set when the sweep itself stopped the process (Ctrl-C): the run is re-queued, not failed. */
    killedBySweep?: boolean;
  }
}
