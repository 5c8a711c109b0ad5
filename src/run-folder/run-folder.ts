/**
 * The run folder `runs/<id>/` (contract in RUN_FOLDER.md): atomic JSON writes, the run record and
 * its status transitions, metrics lines, and finding a run by id or path.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus, hostname, availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlzbenchError } from '../util/errors.js';
import { readRunRecord } from './run-files.js';

/**
 * Run states. `running` with a dead pid means the process was killed: resume continues it, as it
 * continues an `interrupted` run (stopped by SIGINT/SIGTERM after its last checkpoint).
 */
export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'diverged' | 'collapsed' | 'interrupted';

/** run.json. Fields not known yet are absent. */
export interface RunRecord {
  readonly format: 'alzbench-run';
  readonly version: 1;
  readonly id: string;
  readonly name: string | null;
  status: RunStatus;
  /** Process running it while `running`. */
  pid?: number;
  /** The command-line flags or API settings as given (before defaults). */
  readonly flags: Record<string, unknown>;
  /** The recipe (src/train/recipe.ts) with every value it set as resolved, and the keys the user's own settings overrode. */
  readonly recipe?: { readonly name: string; readonly settings: Record<string, unknown>; readonly overridden: string[] };
  readonly created: string;
  started?: string;
  finished?: string;
  /** Why a run failed, diverged or collapsed. */
  reason?: string;
  readonly code: { readonly version: string; readonly package: string };
  readonly machine: { readonly hostname: string; readonly cpu: string; readonly cores: number; readonly threads?: number; readonly libtorch?: string };
  device?: string;
  task?: string;
  classes?: readonly string[];
  /** What one sample was: `slice` (absent in older runs) or `volume` (one whole scan per session, `--input volume`). */
  input?: 'slice' | 'volume';
  /** `volumes`: sessions read, for volume runs (their `slices` is 0). */
  dataset?: { root: string; layout: string; fingerprint: string; slices: number; volumes?: number };
  /** Which OpenCV backend and slice cache preprocessed the data (see src/data/slice-loader.ts). */
  preprocessing?: PreprocessingRecord;
  split?: { grouping: string; seed: number; counts: Record<string, Record<string, number>>; groups: unknown };
  leakage?: {
    exactAcrossSplits: Record<string, number>;
    nearAcrossSplits: Record<string, number>;
    closeToTrain: unknown /** The audit's twin check per held-out subject (data/leakage-audit.ts `TwinCheck`). */;
    twins?: unknown;
  };
  epochsDone?: number;
  bestEpoch?: number | null;
  collapse?: { epochs: number[]; final: boolean };
  resumed?: { at: string; fromEpoch: number; pid: number }[];
  /** Headline test metrics of the selected model, for listings. */
  test?: Record<string, number>;
}

/** Writes a file atomically: a temp file beside it, then rename (readers never see half a file). */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

/** Writes pretty JSON atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a JSON file of the run folder (config.json, split.json); errors name the file. */
export function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new AlzbenchError(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

/** A sortable, unique run id: `20250101-120000-simple_cnn-1a2b3c`. */
export function newRunId(model: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${model.replace(/[^A-Za-z0-9_]/g, '')}-${randomBytes(3).toString('hex')}`;
}

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `git describe --always --dirty` of the code, else the package version. */
export function codeVersion(): { version: string; package: string } {
  const pkg = (() => {
    try {
      return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  })();
  try {
    const described = execFileSync('git', ['describe', '--always', '--dirty', '--tags'], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    }).trim();
    return { version: described || pkg, package: pkg };
  } catch {
    return { version: pkg, package: pkg };
  }
}

/** Host name, CPU model and core count. */
export function machineInfo(): { hostname: string; cpu: string; cores: number } {
  return { hostname: hostname(), cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: availableParallelism() };
}

/** Paths inside a run folder. */
export function runPaths(dir: string) {
  return {
    dir,
    record: join(dir, 'run.json'),
    config: join(dir, 'config.json'),
    split: join(dir, 'split.json'),
    metrics: join(dir, 'metrics.jsonl'),
    test: join(dir, 'test.json'),
    predictions: join(dir, 'predictions.csv'),
    checkpoints: join(dir, 'checkpoints'),
    last: join(dir, 'checkpoints', 'last.ckpt'),
    best: join(dir, 'checkpoints', 'best.ckpt'),
    plots: join(dir, 'plots'),
    cam: join(dir, 'cam'),
  };
}
export type RunPaths = ReturnType<typeof runPaths>;

/** Creates `runsDir/<id>/` with its sub-folders; an existing folder is an error. */
export function createRunFolder(runsDir: string, id: string): RunPaths {
  const parent = resolve(runsDir);
  if (existsSync(parent) && !statSync(parent).isDirectory()) {
    throw new AlzbenchError(`Expected a folder for runsDir but ${parent} is a file`, {
      exitCode: 2,
      hint: 'pass --runs-dir <a folder> (it is created when missing)',
    });
  }
  const dir = resolve(runsDir, id);
  if (existsSync(dir)) throw new AlzbenchError(`Run folder ${dir} already exists`, { exitCode: 2 });
  const paths = runPaths(dir);
  for (const d of [paths.checkpoints, paths.plots, paths.cam]) mkdirSync(d, { recursive: true });
  return paths;
}

/** Reads run.json, applies `patch` and writes it back atomically. */
export function updateRunRecord(paths: RunPaths, patch: Partial<RunRecord>): RunRecord {
  const record = { ...readRunRecord(paths.record), ...patch } as RunRecord;
  for (const [k, v] of Object.entries(patch)) if (v === undefined) delete (record as unknown as Record<string, unknown>)[k];
  writeJsonAtomic(paths.record, record);
  return record;
}

/** Appends one JSON line to metrics.jsonl (one line per epoch). */
export function appendMetricsLine(paths: RunPaths, line: object): void {
  appendFileSync(paths.metrics, `${JSON.stringify(line)}\n`);
}

/** Whether a process with this pid exists (signal 0 probes without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Finds a run folder from a path (a run folder, or a file inside one) or an id under `runsDir`.
 * Errors say what was looked for.
 */
export function findRunFolder(ref: string, runsDir = 'runs'): RunPaths {
  const candidates = [resolve(ref), resolve(runsDir, ref)];
  for (const c of candidates) {
    if (existsSync(c) && statSync(c).isDirectory() && existsSync(join(c, 'run.json'))) return runPaths(c);
  }
  throw new AlzbenchError(`No run folder found for ${JSON.stringify(ref)} (looked for ${candidates.map((c) => join(c, 'run.json')).join(' and ')})`, {
    hint: 'give a run folder path or a run id under --runs-dir',
    exitCode: 2,
  });
}

/**
 * Resolves a model reference for eval/predict: a checkpoint file, a run folder (its best
 * checkpoint) or a run id under `runsDir`.
 */
export function resolveCheckpointPath(ref: string, runsDir = 'runs'): string {
  const direct = resolve(ref);
  if (existsSync(direct) && statSync(direct).isFile()) return direct;
  const run = findRunFolder(ref, runsDir);
  for (const file of [run.best, run.last]) if (existsSync(file)) return file;
  throw new AlzbenchError(`Run ${run.dir} has no checkpoint yet (no ${join('checkpoints', 'best.ckpt')})`, { exitCode: 2 });
}

/** How slices were preprocessed: what run.json records under `preprocessing`. */
export interface PreprocessingRecord {
  readonly chain: string;
  /** `native` (the addon's OpenCV), `opencv.js` (wasm fallback) or `none` (empty chain). */
  readonly backend: 'native' | 'opencv.js' | 'none';
  /** OpenCV version of the native backend, null otherwise. */
  readonly opencv: string | null;
  /** The slice cache used, or null (no cache folder, empty chain, or inputs without hashes). */
  readonly cache: { readonly dir: string; readonly key: string; readonly file: string; readonly hit: boolean } | null;
  readonly slices: number;
  /** Wall time of preprocessing (or reading the cache), seconds. */
  readonly seconds: number;
  /** Volume runs: the voxel spacing, shape and transform chain each volume went through (data/volume-dataset.ts). */
  readonly volume?: { readonly spacing: number | null; readonly shape: readonly number[]; readonly chain: string };
}
