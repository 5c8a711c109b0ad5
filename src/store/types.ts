/**
 * What the run store holds and the interface every backend (SQLite file, PostgreSQL server)
 * implements. A run is a run folder (`runs/<id>/`, written by the trainer) plus its rows here;
 * the rows make runs listable, comparable and shareable without reading every folder.
 */
import type { RunStatus } from '../run-folder/run-folder.js';
import type { TestReportRead } from '../run-folder/test-report.js';

export type { RunStatus };

/** Every status a run can have, in lifecycle order. */
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'done', 'failed', 'diverged', 'collapsed', 'interrupted'];

/** Statuses after which a run never changes again (a sweep skips these when restarted). */
export const FINISHED_STATUSES: readonly RunStatus[] = ['done', 'diverged', 'collapsed'];

/** One epoch as the store keeps it: the headline numbers as columns, the whole record as JSON. */
export interface StoredEpoch {
  readonly epoch: number;
  readonly lr: number | null;
  readonly trainLoss: number | null;
  readonly trainAccuracy: number | null;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
  readonly valBalancedAccuracy: number | null;
  readonly valSensitivity: number | null;
  readonly valSpecificity: number | null;
  readonly valAuc: number | null;
  readonly collapsed: boolean;
  readonly best: boolean;
  readonly seconds: number | null;
  /** The epoch's line of metrics.jsonl, as written by the trainer. */
  readonly record: Record<string, unknown>;
}

/** One test sample's prediction (predictions.csv row). */
export interface StoredPrediction {
  readonly index: number;
  readonly file: string;
  readonly subject: string;
  /** True class index (into the run's classes). */
  readonly label: number;
  readonly predicted: number;
  readonly probabilities: readonly number[];
}

/** A file of a run folder, by path relative to the folder. */
export interface StoredArtifact {
  readonly path: string;
  /** checkpoint, plot, cam, record, config, split, metrics, test, predictions or other. */
  readonly kind: string;
  readonly bytes: number;
}

/** A run's row: identity, status, everything needed to repeat it, and its headline results. */
export interface StoredRun {
  readonly id: string;
  readonly name: string | null;
  readonly status: RunStatus;
  /** Why it failed, diverged or collapsed, or what a retry was for. */
  readonly reason: string | null;
  readonly sweepId: string | null;
  /** The sweep grid point: axis name -> value label (empty outside sweeps). */
  readonly point: Record<string, string>;
  /** Position of the point in its sweep (the order runs are claimed in). */
  readonly pointIndex: number | null;
  /** The resolved config (config.json: every default written out); the settings asked for while queued. */
  readonly config: Record<string, unknown>;
  /** The flags or settings as given, before defaults. */
  readonly flags: Record<string, unknown>;
  readonly model: string | null;
  readonly task: string | null;
  readonly classes: readonly string[];
  readonly datasetFingerprint: string | null;
  /** Data set root, layout, fingerprint and slice count. */
  readonly dataset: Record<string, unknown> | null;
  /** Split summary: grouping, seed, per-split class counts. The full manifest: {@link RunStore.getSplitManifest}. */
  readonly split: Record<string, unknown> | null;
  readonly leakage: Record<string, unknown> | null;
  readonly codeVersion: string | null;
  readonly machine: Record<string, unknown> | null;
  readonly device: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly updatedAt: string;
  readonly epochsDone: number;
  readonly bestEpoch: number | null;
  /**
   * test.json, checked by its schema: best epoch with CIs, last epoch beside it. Null until the
   * test phase ran, or when the file does not read (then `reason` says why).
   */
  readonly test: TestReportRead | null;
  /** Headline test metrics of the selected model (null until tested). */
  readonly testAccuracy: number | null;
  readonly testBalancedAccuracy: number | null;
  readonly testSensitivity: number | null;
  readonly testSpecificity: number | null;
  readonly testAuc: number | null;
  readonly testLoss: number | null;
  /** Absolute path of the run folder. */
  readonly dir: string | null;
  /** Worker that holds the run while running: `host/pid` of the sweep process. */
  readonly owner: string | null;
  /** Process id of the training process while running. */
  readonly pid: number | null;
  /** How many times a worker has started it. */
  readonly attempts: number;
  readonly heartbeatAt: string | null;
  /** Queue worker (`alzbench worker` name) that took the run last; kept after it ends. */
  readonly worker: string | null;
  /** The queue job (pg-boss id) the run was last taken with. */
  readonly jobId: string | null;
  readonly tags: readonly string[];
}

/**
 * Everything a run folder holds, read in one go (see `readRunFolder`), ready to store: the
 * {@link StoredRun} fields a folder records, plus the split manifest, epochs, predictions and files.
 */
export interface RunSnapshot
  extends Pick<
    StoredRun,
    | 'id'
    | 'name'
    | 'status'
    | 'reason'
    | 'config'
    | 'flags'
    | 'model'
    | 'task'
    | 'classes'
    | 'datasetFingerprint'
    | 'dataset'
    | 'split'
    | 'leakage'
    | 'codeVersion'
    | 'machine'
    | 'device'
    | 'createdAt'
    | 'startedAt'
    | 'finishedAt'
    | 'epochsDone'
    | 'bestEpoch'
    | 'test'
    | 'dir'
    | 'pid'
  > {
  /** The split manifest (split.json) as written, for {@link RunStore.getSplitManifest}. */
  readonly splitManifest: string | null;
  readonly epochs: readonly StoredEpoch[];
  readonly predictions: readonly StoredPrediction[];
  readonly artifacts: readonly StoredArtifact[];
  /** A cheap fingerprint of the folder's state (file sizes and times): unchanged means nothing to re-read. */
  readonly folderStamp: string | null;
}

/** A run to create before it starts (a sweep's grid point). */
export interface NewRun {
  readonly id: string;
  readonly name: string | null;
  readonly sweepId: string | null;
  readonly point: Record<string, string>;
  readonly pointIndex: number | null;
  /** The settings it will train with (validated, before the trainer's defaults). */
  readonly config: Record<string, unknown>;
  readonly model: string | null;
  readonly dir: string | null;
}

/** A sweep: a named set of runs made from one sweep file. */
export interface StoredSweep {
  readonly id: string;
  readonly name: string;
  readonly scale: string;
  readonly file: string | null;
  /** The resolved sweep (base settings, axes, points) as created. */
  readonly spec: Record<string, unknown>;
  readonly createdAt: string;
}

/** Filters of {@link RunStore.listRuns}; all given ones must hold. */
export interface RunFilter {
  readonly sweepId?: string;
  readonly status?: readonly RunStatus[];
  readonly tag?: string;
  readonly ids?: readonly string[];
}

/** Fields of a run that workers and commands change after it was stored. */
export interface RunPatch {
  readonly status?: RunStatus;
  readonly reason?: string | null;
  readonly name?: string | null;
  readonly owner?: string | null;
  readonly pid?: number | null;
  readonly heartbeatAt?: string | null;
  readonly startedAt?: string | null;
  readonly finishedAt?: string | null;
  readonly dir?: string | null;
  readonly worker?: string | null;
  readonly jobId?: string | null;
  readonly device?: string | null;
}

/** A queue worker as registered in the store (see src/queue/worker.ts). */
export interface StoredWorker {
  /** Unique per process: `host/pid`; the owner it writes on the runs it holds. */
  readonly id: string;
  /** `--name`, default the host name. */
  readonly name: string;
  readonly host: string;
  readonly pid: number;
  readonly device: string;
  readonly concurrency: number;
  /** running, draining, stopped; `lost` is derived by readers from an old heartbeat. */
  readonly state: 'running' | 'draining' | 'stopped';
  /** Asked to drain (by `alzbench worker drain`): finish its runs, take no new one, stop. */
  readonly drain: boolean;
  readonly runsDone: number;
  readonly startedAt: string;
  readonly heartbeatAt: string;
}

/** How {@link RunStore.putRun} treats a run that is already stored. */
export interface PutOptions {
  /**
   * Keep the stored status unless the snapshot's is finished (done, diverged, collapsed). Sweeps
   * own the status of their runs (queued for a retry, failed after the last try); a folder only
   * overrides that with a final result.
   */
  readonly keepStatusUnlessFinished?: boolean;
}

/**
 * The run store. Every method is atomic: a reader sees a run either before or after a write,
 * never half of one, and concurrent writers from several processes lose no update.
 *
 * Implementations: SQLite file (default) and PostgreSQL, both in `kysely-store.ts`, opened by
 * `openStore`.
 */
export interface RunStore {
  /** `sqlite` or `postgres`. */
  readonly kind: 'sqlite' | 'postgres';
  /** The file path or the server URL without its password. */
  readonly location: string;

  /** Inserts or replaces a whole run (row, epochs, predictions, artifacts) in one transaction. Name and tags already stored are kept. */
  putRun(snapshot: RunSnapshot, options?: PutOptions): Promise<void>;
  /** Creates queued runs; ids already stored are left alone. */
  createRuns(runs: readonly NewRun[]): Promise<void>;
  /** The run with this id, or undefined. */
  getRun(id: string): Promise<StoredRun | undefined>;
  /**
   * Finds a run by id, unique id prefix, or name (a unique one). Throws an AlzbenchError naming
   * the candidates when the reference is ambiguous or matches nothing.
   */
  resolveRun(ref: string): Promise<StoredRun>;
  /** Runs, newest first (sweep runs in point order when filtered by sweep). */
  listRuns(filter?: RunFilter): Promise<StoredRun[]>;
  /**
   * Changes fields of a run. With `expect`, only when the run's status is one of `expect.status`
   * (and its owner is `expect.owner` when given): a compare-and-set. Resolves to whether it changed.
   */
  updateRun(id: string, patch: RunPatch, expect?: { status?: readonly RunStatus[]; owner?: string | null }): Promise<boolean>;
  /** Inserts or replaces epochs of a run (by epoch number) and raises its epochs-done count. */
  putEpochs(id: string, epochs: readonly StoredEpoch[]): Promise<void>;
  getEpochs(id: string): Promise<StoredEpoch[]>;
  getPredictions(id: string): Promise<StoredPrediction[]>;
  getArtifacts(id: string): Promise<StoredArtifact[]>;
  /** The split manifest (split.json text) of a run, or null. */
  getSplitManifest(id: string): Promise<string | null>;
  /** The folder stamp stored by the last {@link putRun}, or null. */
  getFolderStamp(id: string): Promise<string | null>;
  addTags(id: string, tags: readonly string[]): Promise<void>;
  removeTags(id: string, tags: readonly string[]): Promise<void>;
  /** Deletes a run's rows (not its folder; see `deleteRunWithArtifacts`). Resolves to whether it existed. */
  deleteRun(id: string): Promise<boolean>;

  /** Creates a sweep row, or returns the stored one with this id. */
  putSweep(sweep: StoredSweep): Promise<StoredSweep>;
  getSweep(idOrName: string): Promise<StoredSweep | undefined>;
  listSweeps(): Promise<StoredSweep[]>;
  /**
   * Atomically takes the first queued run of a sweep (in point order) for `owner`: status
   * running, attempts + 1. Two workers never get the same run. Undefined when none is queued.
   */
  claimNextRun(sweepId: string, owner: string): Promise<StoredRun | undefined>;
  /**
   * Atomically takes one queued run for `owner` (a compare-and-set on status queued): status
   * running, attempts + 1, with the given fields. Undefined when the run is not queued.
   */
  claimRun(id: string, owner: string, patch?: RunPatch): Promise<StoredRun | undefined>;

  /** Inserts or replaces a queue worker's row. */
  putWorker(worker: StoredWorker): Promise<void>;
  /** Heartbeat and state of a worker; resolves to its row after the change (undefined if unknown). */
  updateWorker(id: string, patch: { state?: StoredWorker['state']; heartbeatAt?: string; runsDone?: number }): Promise<StoredWorker | undefined>;
  listWorkers(): Promise<StoredWorker[]>;
  /** Asks workers to drain: those whose id or name is in `refs`, or every running one with 'all'. Resolves to the ids asked. */
  drainWorkers(refs: readonly string[] | 'all'): Promise<string[]>;

  close(): Promise<void>;
}
