/**
 * `alzbench sweep`: creates a sweep's runs in the store (once: a restarted sweep finds them),
 * recovers runs whose worker died, and trains the queued ones with N local workers, each a
 * training process with its share of the CPU threads.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import { processRunning } from '../store/process-running.js';
import { AlzbenchError } from '../util/errors.js';
import type { NewRun, RunStatus, RunStore, StoredRun, StoredSweep } from '../store/types.js';
import { executeRun, settleRun, type RunOutcome } from './execute-run.js';
import { pointKey, stableJson, type SweepSpec } from './spec.js';

/** Options of {@link runSweep}. */
export interface SweepOptions {
  /** Worker processes at once (default 1). */
  readonly workers?: number;
  /** Folder of the run folders (default `runs`). */
  readonly runsDir?: string;
  /** Attempts per run in all (default 2: one retry after a killed worker). */
  readonly maxAttempts?: number;
  /** Trainer module for the training processes (tests: the fixture trainer). */
  readonly trainer?: string;
  readonly pollMs?: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
  /** Only create the runs; train nothing. */
  readonly createOnly?: boolean;
}

/** What a sweep invocation did. */
export interface SweepSummary {
  readonly sweep: StoredSweep;
  readonly runs: number;
  /** Runs already finished when it started (skipped). */
  readonly skipped: number;
  /** Attempts made now, with how each ended. */
  readonly attempts: RunOutcome[];
  /** Final count per status over the sweep's runs. */
  readonly statuses: Partial<Record<RunStatus, number>>;
  readonly seconds: number;
  readonly workers: number;
  readonly threadsPerWorker: number;
}

/** The sweep's id in the store: its name (scale included). */
export function sweepId(spec: SweepSpec): string {
  return spec.name;
}

function newPointRunId(spec: SweepSpec, index: number): string {
  return `${spec.name}-${String(index + 1).padStart(3, '0')}-${randomBytes(3).toString('hex')}`;
}

/**
 * Settings as the sweep file asked, without those a worker adds: its folder, thread share, and
 * device (a queue worker's `--device` picks it; it changes speed, not what the run means).
 */
function requested(settings: Record<string, unknown>): Record<string, unknown> {
  const { runsDir: _r, threads: _t, device: _d, ...rest } = settings;
  return rest;
}

/**
 * Creates the sweep and its queued runs, or checks a stored sweep against the file: points
 * already stored keep their runs (finished ones are skipped later); new points are added; a point
 * whose settings changed is an error (its result would not match the file any more).
 */
export async function planSweep(store: RunStore, spec: SweepSpec, runsDir: string): Promise<{ sweep: StoredSweep; runs: StoredRun[] }> {
  const sweep = await store.putSweep({
    id: sweepId(spec),
    name: spec.name,
    scale: spec.scale,
    file: spec.file === null ? null : resolve(spec.file),
    spec: { axes: spec.axes, base: spec.base, description: spec.description, points: spec.points.map((p) => p.point) },
    createdAt: new Date().toISOString(),
  });
  const existing = await store.listRuns({ sweepId: sweep.id });
  const byPoint = new Map(existing.map((r) => [pointKey(r.point), r]));
  const fresh: NewRun[] = [];
  spec.points.forEach((p, index) => {
    const key = pointKey(p.point);
    const stored = byPoint.get(key);
    // Data paths are made absolute so that workers started elsewhere read the same folder.
    const settings = { ...p.settings, ...(typeof p.settings.data === 'string' ? { data: resolve(p.settings.data) } : {}) } as Record<string, unknown>;
    if (stored) {
      if (stableJson(requested(stored.flags)) !== stableJson(requested(settings))) {
        throw new AlzbenchError(
          `Sweep ${sweep.id} already has point ${key} with other settings (stored ${stableJson(requested(stored.flags))}, file ${stableJson(requested(settings))})`,
          {
            hint: 'a stored result must match its sweep file: give the changed sweep another name, or delete the old runs (alzbench runs delete)',
            exitCode: 2,
          },
        );
      }
      return;
    }
    const id = newPointRunId(spec, index);
    fresh.push({
      id,
      name: `${spec.name} ${key}`,
      sweepId: sweep.id,
      point: p.point,
      pointIndex: index,
      config: settings,
      model: typeof settings.model === 'string' ? settings.model : null,
      dir: resolve(runsDir, id),
    });
  });
  await store.createRuns(fresh);
  return { sweep, runs: await store.listRuns({ sweepId: sweep.id }) };
}

/**
 * Settles runs left `running` by a sweep process that is gone (killed with its workers, or a
 * crashed machine): a run whose training process still runs here is waited for; the others are
 * stored from their folders and re-queued, or failed when out of attempts.
 */
export async function recoverSweep(
  store: RunStore,
  sweep: StoredSweep,
  options: { owner: string; maxAttempts: number; log: (line: string) => void; staleAfterMs?: number },
): Promise<Promise<RunOutcome>[]> {
  const waits: Promise<RunOutcome>[] = [];
  for (const run of await store.listRuns({ sweepId: sweep.id, status: ['running'] })) {
    const [host, pidText] = (run.owner ?? '').split('/');
    const ownerPid = Number(pidText);
    if (run.owner === options.owner) continue;
    if (host === hostname()) {
      if (Number.isFinite(ownerPid) && processRunning(ownerPid)) continue; // another live sweep process here holds it
    } else if (run.heartbeatAt && Date.now() - Date.parse(run.heartbeatAt) < (options.staleAfterMs ?? 10 * 60_000)) {
      continue; // a worker on another machine that was alive recently
    }
    if (run.pid !== null && host === hostname() && processRunning(run.pid)) {
      // Its training process outlived the sweep process: take the run over and wait for it.
      options.log(`${run.id}: training process ${run.pid} still runs; waiting for it`);
      await store.updateRun(run.id, { owner: options.owner }, { status: ['running'] });
      const pid = run.pid;
      waits.push(
        (async () => {
          while (processRunning(pid)) await new Promise((r) => setTimeout(r, 500));
          return settleRun(store, { ...run, owner: options.owner }, { owner: options.owner, maxAttempts: options.maxAttempts, exit: 'adopted process ended' });
        })(),
      );
      continue;
    }
    const outcome = await settleRun(store, run, { owner: null, maxAttempts: options.maxAttempts, exit: `its sweep process ${run.owner ?? '?'} is gone` });
    options.log(`${run.id}: recovered after a stopped sweep -> ${outcome.status}`);
  }
  return waits;
}

/** Whether a run owner (`host/pid`) is a live process on this host. */
function heldByLiveProcessHere(owner: string | null): boolean {
  if (!owner) return false;
  const slash = owner.lastIndexOf('/');
  const pid = Number(owner.slice(slash + 1));
  return owner.slice(0, slash) === hostname() && Number.isSafeInteger(pid) && processRunning(pid);
}

/**
 * Runs a sweep to the end: every point trained once, finished runs skipped.
 *
 * @example
 * const summary = await runSweep(store, readSweepFile('experiments/vgg19-grid.yaml', { scale: 'small' }), { workers: 2 });
 */
export async function runSweep(store: RunStore, spec: SweepSpec, options: SweepOptions = {}): Promise<SweepSummary> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const workers = Math.max(1, options.workers ?? 1);
  const threadsPerWorker = Math.max(1, Math.floor(availableParallelism() / workers));
  const maxAttempts = options.maxAttempts ?? 2;
  const runsDir = resolve(options.runsDir ?? 'runs');
  const owner = `${hostname()}/${process.pid}`;
  const { sweep, runs } = await planSweep(store, spec, runsDir);
  const skipped = runs.filter((r) => (['done', 'diverged', 'collapsed'] as RunStatus[]).includes(r.status)).length;
  log(`sweep ${sweep.id}: ${runs.length} runs, ${skipped} already finished; ${workers} worker(s) x ${threadsPerWorker} thread(s)`);
  const attempts: RunOutcome[] = [];
  if (!options.createOnly) {
    const adopted = await recoverSweep(store, sweep, { owner, maxAttempts, log });
    const children = new Set<ChildProcess>();
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping the workers; their runs stay queued and resume on the next start`);
      for (const child of children) {
        child.killedBySweep = true;
        child.kill('SIGTERM');
      }
    };
    const onSignal = (signal: NodeJS.Signals) => stop(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const worker = async (slot: number) => {
        while (!stopping) {
          const run = await store.claimNextRun(sweep.id, owner);
          if (!run) return;
          log(`[w${slot}] ${run.id} (${pointKey(run.point)}) attempt ${run.attempts}`);
          const outcome = await executeRun(store, run, {
            runsDir,
            owner,
            threads: threadsPerWorker,
            maxAttempts,
            log,
            ...(options.trainer ? { trainer: options.trainer } : {}),
            ...(options.pollMs ? { pollMs: options.pollMs } : {}),
            onSpawn: (child) => {
              children.add(child);
              child.on('exit', () => children.delete(child));
            },
          });
          attempts.push(outcome);
          log(`[w${slot}] ${run.id}: ${outcome.status}${outcome.reason ? ` (${outcome.reason})` : ''} in ${outcome.seconds.toFixed(1)} s`);
        }
      };
      await Promise.all([...Array.from({ length: workers }, (_, i) => worker(i + 1)), ...adopted.map(async (p) => attempts.push(await p))]);
      // Runs another live sweep process on this host holds: wait for them (named once), so
      // that the summary and exit code describe finished runs, not a race between two sweeps.
      let named = false;
      for (;;) {
        if (stopping) break;
        const held = (await store.listRuns({ sweepId: sweep.id })).filter((r) => r.status === 'running' && r.owner !== owner && heldByLiveProcessHere(r.owner));
        if (held.length === 0) break;
        if (!named) log(`waiting for ${held.length} run(s) another process is training: ${held.map((r) => `${r.id} (${r.owner})`).join(', ')}`);
        named = true;
        await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  const final = await store.listRuns({ sweepId: sweep.id });
  const statuses: Partial<Record<RunStatus, number>> = {};
  for (const r of final) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return { sweep, runs: final.length, skipped, attempts, statuses, seconds: (performance.now() - started) / 1000, workers, threadsPerWorker };
}
