/**
 * The run folder's bookkeeping while a model trains, in one object: run.json and its status
 * transitions, config.json, split.json, metrics.jsonl, the checkpoints, the plots, the test
 * report, predictions and Grad-CAM files, and the interruption marking. The trainer calls it at a few points and never touches a run file itself.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type SplitManifest, writeManifest } from '../data/manifest.js';
import { type CheckpointInput, copyCheckpoint, saveCheckpoint } from '../models/checkpoint.js';
import { readRunRecord } from '../run-folder/run-files.js';
import {
  appendMetricsLine,
  codeVersion,
  createRunFolder,
  findRunFolder,
  machineInfo,
  processAlive,
  type RunPaths,
  type RunRecord,
  type RunStatus,
  updateRunRecord,
  writeFileAtomic,
  writeJsonAtomic,
} from '../run-folder/run-folder.js';
import { AlzbenchError } from '../util/errors.js';
import type { EpochRecord } from './events.js';
import { lineChartSvg } from './plots.js';
import type { TestReportWrite } from '../run-folder/test-report.js';

/** What a new run's run.json starts with (the rest is filled in as the run learns it). */
export interface NewRun {
  /** Folder under which `<id>/` is created. */
  readonly runsDir: string;
  readonly id: string;
  readonly name: string | null;
  /** The settings as the user gave them (before defaults), kept under run.json `flags`. */
  readonly flags: Record<string, unknown>;
  /** The recipe with its resolved values and the keys the user overrode, if one was used. */
  readonly recipe?: RunRecord['recipe'];
  /** The resolved settings, written to config.json (rewritten by {@link RunRecorder.describe}). */
  readonly config: object;
}

/** Where the run stands after an epoch, for run.json. */
export interface EpochProgress {
  /** Best epoch so far by the selection metric, null before the first. */
  readonly bestEpoch: number | null;
  /** Every epoch so far whose model collapsed onto one class on validation. */
  readonly collapsedEpochs: readonly number[];
}

/** How a run ended, for run.json. */
export interface RunEnd {
  readonly status: Exclude<RunStatus, 'queued' | 'running' | 'interrupted' | 'failed'>;
  /** Why it diverged or collapsed. */
  readonly reason?: string;
  readonly collapsedEpochs: readonly number[];
  /** Whether the selected model collapsed (on test, else on validation). */
  readonly finalCollapsed: boolean;
  /** Headline test metrics of the selected model, for listings. */
  readonly test?: Record<string, number>;
}

/**
 * One training run's folder `<runsDir>/<id>/` (contract in src/run-folder/RUN_FOLDER.md), written
 * only through these calls, in this order:
 *
 * 1. {@link RunRecorder.create} (a new run: run.json `queued`, config.json, empty metrics.jsonl) or
 *    {@link RunRecorder.reopen} (resume: finds the folder, refuses ended or live runs);
 * 2. {@link RunRecorder.start} (`running`, this pid), then {@link RunRecorder.describe} once the
 *    data is known (resolved config.json, split.json, the data set's run.json fields);
 * 3. on resume, {@link RunRecorder.resumed} with the checkpoint's epoch, and
 *    {@link RunRecorder.restoreMetrics} with its history (metrics.jsonl = the checkpointed epochs);
 * 4. per epoch {@link RunRecorder.saveCheckpoint} then {@link RunRecorder.epochDone} (metrics line,
 *    plots, run.json progress): a kill between them loses only the epoch's log lines, which resume
 *    rewrites from the checkpoint;
 * 5. one of {@link RunRecorder.finish} (done, diverged, collapsed), {@link RunRecorder.interrupt}
 *    (SIGINT/SIGTERM after the last checkpoint) or {@link RunRecorder.fail} (an error).
 *
 * Another trainer (e.g. one over whole volumes) uses it the same way: create with its own resolved
 * settings as `config`, `describe` with its split manifest and the run.json fields it knows (see
 * {@link RunRecord}: `task`, `classes`, `dataset`, `split`, ...), `saveCheckpoint` with its model
 * and optimizer, and `epochDone` with an {@link EpochRecord} per epoch, so that `alzbench runs`,
 * `show`, `compare`, the store and the dashboard read its runs like slice runs. The test phase
 * writes through it too: {@link RunRecorder.writeTestReport}, {@link RunRecorder.writePredictions},
 * {@link RunRecorder.writePlot} and {@link RunRecorder.camFile}.
 */
export class RunRecorder {
  /** run.json as it was when {@link RunRecorder.start} ran (before this process touched it). */
  private startRecord: RunRecord;

  private constructor(
    /** The run folder's files. */
    readonly paths: RunPaths,
    record: RunRecord,
  ) {
    this.startRecord = record;
  }

  /**
   * Creates the run folder with run.json (status `queued`), config.json and an empty metrics.jsonl.
   *
   * @throws AlzbenchError (exit 2) when `runsDir` is a file or the run folder exists already.
   */
  static create(run: NewRun): RunRecorder {
    const paths = createRunFolder(run.runsDir, run.id);
    const record: RunRecord = {
      format: 'alzbench-run',
      version: 1,
      id: run.id,
      name: run.name,
      status: 'queued',
      flags: run.flags,
      ...(run.recipe ? { recipe: run.recipe } : {}),
      created: new Date().toISOString(),
      code: codeVersion(),
      machine: machineInfo(),
    };
    writeJsonAtomic(paths.record, record);
    writeJsonAtomic(paths.config, run.config);
    writeFileSync(paths.metrics, '');
    return new RunRecorder(paths, record);
  }

  /**
   * Opens an existing run to continue it.
   *
   * @param ref run folder path (or a file in it) or run id under `runsDir`.
   * @throws AlzbenchError (exit 2) when no run folder matches, the run has ended (done, collapsed,
   *   diverged), or another live process is running it.
   */
  static reopen(ref: string, runsDir?: string): RunRecorder {
    const paths = findRunFolder(ref, runsDir);
    const record = readRunRecord(paths.record);
    if (record.status === 'done' || record.status === 'collapsed' || record.status === 'diverged') {
      throw new AlzbenchError(`Run ${record.id} has already ended (status ${record.status}); nothing to resume`, { exitCode: 2 });
    }
    if (record.status === 'running' && record.pid !== undefined && record.pid !== process.pid && processAlive(record.pid)) {
      throw new AlzbenchError(`Run ${record.id} is still running in process ${record.pid}`, { hint: 'stop that process first, or wait for it', exitCode: 2 });
    }
    return new RunRecorder(paths, record);
  }

  /** The run's id. */
  get id(): string {
    return this.startRecord.id;
  }

  /** run.json as read when the run was created, reopened or (last) started. */
  get record(): RunRecord {
    return this.startRecord;
  }

  /** Where the EMA's training weights are kept beside the checkpoints (for resume). */
  get emaPath(): string {
    return join(this.paths.checkpoints, 'ema-training-weights.safetensors');
  }

  /** The command that continues this run after an interruption. */
  get resumeCommand(): string {
    return `alzbench train --resume ${this.id} --runs-dir ${dirname(this.paths.dir)}`;
  }

  /** Resume from scratch: drops both checkpoints and sets the finished-epoch count back to 0. */
  dropCheckpoints(): void {
    rmSync(this.paths.last, { force: true });
    rmSync(this.paths.best, { force: true });
    this.startRecord = updateRunRecord(this.paths, { epochsDone: 0, bestEpoch: null });
  }

  /**
   * Marks the run `running` in this process (keeping the first start time). A resumed run's old
   * end (`reason` of the interruption or failure, `finished`) is cleared: it is no longer how the run ended.
   */
  start(): void {
    this.startRecord = readRunRecord(this.paths.record);
    updateRunRecord(this.paths, {
      status: 'running',
      pid: process.pid,
      started: this.startRecord.started ?? new Date().toISOString(),
      reason: undefined,
      finished: undefined,
    });
  }

  /**
   * Records what the run trains on, once the data is prepared: the resolved settings (config.json),
   * the split manifest (split.json, checked on resume) and run.json's data fields.
   */
  async describe(config: object, manifest: SplitManifest, fields: Partial<RunRecord>): Promise<void> {
    writeJsonAtomic(this.paths.config, config);
    await writeManifest(this.paths.split, manifest);
    updateRunRecord(this.paths, fields);
  }

  /** Notes in run.json that this process continues the run after epoch `fromEpoch` (the checkpoint's). */
  resumed(fromEpoch: number): void {
    updateRunRecord(this.paths, { resumed: [...(this.startRecord.resumed ?? []), { at: new Date().toISOString(), fromEpoch, pid: process.pid }] });
  }

  /**
   * Rewrites metrics.jsonl to exactly the checkpointed epochs: a line written after the last
   * checkpoint, by a process killed just then, is dropped and redone.
   */
  restoreMetrics(history: readonly object[]): void {
    writeFileAtomic(this.paths.metrics, history.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  /**
   * Writes the epoch's checkpoint (last.ckpt, copied to best.ckpt when it is the best so far) and,
   * with an EMA of the weights, the training weights beside it ({@link RunRecorder.emaPath}).
   */
  saveCheckpoint(contents: CheckpointInput, isBest: boolean, ema?: { save(path: string): void } | null): void {
    saveCheckpoint(this.paths.last, contents);
    if (isBest) copyCheckpoint(this.paths.last, this.paths.best);
    ema?.save(this.emaPath); // the training weights, for resume (the checkpoint holds the average)
  }

  /** Whether a best checkpoint exists (the test phase evaluates it). */
  hasBestCheckpoint(): boolean {
    return existsSync(this.paths.best);
  }

  /** Whether a last checkpoint exists (resume continues from it). */
  hasLastCheckpoint(): boolean {
    return existsSync(this.paths.last);
  }

  /**
   * Logs a finished epoch: its metrics line, the redrawn plots (loss, validation metrics) from
   * `history` (every epoch so far, this one included) and run.json's progress.
   */
  epochDone(record: EpochRecord, history: readonly EpochRecord[], progress: EpochProgress): void {
    appendMetricsLine(this.paths, record);
    writePlots(this.paths, history);
    updateRunRecord(this.paths, {
      epochsDone: record.epoch,
      bestEpoch: progress.bestEpoch,
      collapse: { epochs: [...progress.collapsedEpochs], final: false },
    });
  }

  /**
   * Marks the run `interrupted` (stopped by a signal after epoch `epoch`, its last checkpoint).
   *
   * @returns the reason written to run.json.
   */
  interrupt(signal: string, epoch: number): string {
    const reason = `stopped by ${signal} after epoch ${epoch} (its last checkpoint)`;
    updateRunRecord(this.paths, { status: 'interrupted', pid: undefined, reason });
    return reason;
  }

  /** Writes predictions.csv (the selected model's test predictions, see run-folder/predictions-csv.ts). */
  writePredictions(csv: string): void {
    writeFileAtomic(this.paths.predictions, csv);
  }

  /** Writes `plots/<name>` (an SVG chart). */
  writePlot(name: string, svg: string): void {
    writeFileAtomic(join(this.paths.plots, name), svg);
  }

  /** Where a Grad-CAM image named `name` goes: its path, and the path relative to the run folder (for test.json). */
  camFile(name: string): { path: string; relative: string } {
    return { path: join(this.paths.cam, name), relative: join('cam', name) };
  }

  /** Writes test.json (the test phase's report). */
  writeTestReport(report: TestReportWrite): void {
    writeJsonAtomic(this.paths.test, report);
  }

  /** Marks the run ended: done, diverged or collapsed, with the reason and test headline. */
  finish(end: RunEnd): void {
    updateRunRecord(this.paths, {
      status: end.status,
      pid: undefined,
      finished: new Date().toISOString(),
      collapse: { epochs: [...end.collapsedEpochs], final: end.finalCollapsed },
      ...(end.reason ? { reason: end.reason } : {}),
      ...(end.test ? { test: end.test } : {}),
    });
  }

  /** Marks the run `failed` with the error's message (the caller rethrows it). */
  fail(error: unknown): void {
    updateRunRecord(this.paths, { status: 'failed', pid: undefined, finished: new Date().toISOString(), reason: (error as Error).message });
  }
}

/** plots/loss.svg and plots/val-metrics.svg from the epochs so far. */
function writePlots(paths: RunPaths, history: readonly EpochRecord[]): void {
  const series = (label: string, pick: (r: EpochRecord) => number) => ({ label, points: history.map((r) => [r.epoch, pick(r)] as const) });
  writeFileAtomic(
    join(paths.plots, 'loss.svg'),
    lineChartSvg('loss', 'epoch', [series('train loss', (r) => r.trainLoss), series('val loss', (r) => r.val.loss)]),
  );
  writeFileAtomic(
    join(paths.plots, 'val-metrics.svg'),
    lineChartSvg('validation metrics', 'epoch', [
      series('accuracy', (r) => r.val.accuracy),
      series('balanced acc.', (r) => r.val.balancedAccuracy),
      series('sensitivity', (r) => r.val.sensitivity),
      series('specificity', (r) => r.val.specificity),
      series('AUC', (r) => r.val.auc),
    ]),
  );
}
