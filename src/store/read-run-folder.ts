/**
 * Reads a run folder (the trainer's `runs/<id>/`, see src/run-folder/RUN_FOLDER.md) into a
 * {@link RunSnapshot} the store can hold. Tolerates a folder caught mid-write: a partial last
 * metrics line is skipped, files not written yet are absent (the trainer writes the others
 * atomically).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { argmax } from '../util/argmax.js';
import { readPredictionsCsv } from '../run-folder/predictions-csv.js';
import { runPaths, type RunRecord } from '../run-folder/run-folder.js';
import { parseMetricsText, readRunConfig, readRunRecord } from '../run-folder/run-files.js';
import { readTestReport, type TestReportRead } from '../run-folder/test-report.js';
import { warn } from '../util/warn.js';
import { processRunning } from './process-running.js';
import { AlzbenchError } from '../util/errors.js';
import type { RunSnapshot, StoredArtifact, StoredEpoch, StoredPrediction } from './types.js';
import { finiteOrNull } from '../util/finite-or-null.js';

/**
 * The run's test.json, or null when there is none yet. A damaged one is not thrown (the run is
 * still listed): its named error comes back as `problem`, and a warning says it.
 */
function readTestFile(path: string): { test: TestReportRead | null; problem: string | null } {
  if (!existsSync(path)) return { test: null, problem: null };
  try {
    return { test: readTestReport(path), problem: null };
  } catch (error) {
    if (!(error instanceof AlzbenchError)) throw error;
    const problem = error.hint ? `${error.message} (${error.hint})` : error.message;
    warn(`${problem}; the run is listed without test results`);
    return { test: null, problem };
  }
}

/** One metrics.jsonl line (the trainer's EpochRecord) as a stored epoch. */
export function epochFromRecord(record: Record<string, unknown>): StoredEpoch {
  const val = (record.val ?? {}) as Record<string, unknown>;
  return {
    epoch: Number(record.epoch),
    lr: finiteOrNull(record.lr),
    trainLoss: finiteOrNull(record.trainLoss),
    trainAccuracy: finiteOrNull(record.trainAccuracy),
    valLoss: finiteOrNull(val.loss),
    valAccuracy: finiteOrNull(val.accuracy),
    valBalancedAccuracy: finiteOrNull(val.balancedAccuracy),
    valSensitivity: finiteOrNull(val.sensitivity),
    valSpecificity: finiteOrNull(val.specificity),
    valAuc: finiteOrNull(val.auc),
    collapsed: record.collapsed === true,
    best: record.best === true,
    seconds: finiteOrNull(record.seconds),
    record,
  };
}

/** The complete lines of a metrics.jsonl text (a line cut off by a kill is left out). */
export function parseMetricsLines(text: string, source = 'metrics.jsonl'): StoredEpoch[] {
  // Damaged lines (e.g. cut by a killed writer) are skipped with a counted warning.
  return parseMetricsText(text, source).map(epochFromRecord);
}

/** What kind of artifact a file of a run folder is, from its path. */
export function artifactKind(path: string): string {
  const p = path.split(sep).join('/');
  if (p.startsWith('checkpoints/')) return 'checkpoint';
  if (p.startsWith('plots/')) return 'plot';
  if (p.startsWith('cam/')) return 'cam';
  const named: Record<string, string> = {
    'run.json': 'record',
    'config.json': 'config',
    'split.json': 'split',
    'metrics.jsonl': 'metrics',
    'test.json': 'test',
    'predictions.csv': 'predictions',
  };
  return named[p] ?? 'other';
}

/** Every file under a folder, as paths relative to it (sorted; temp files of atomic writes left out). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile() && !/\.tmp-\d+$/.test(name)) out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/**
 * A cheap fingerprint of a run folder's state: size and modification time of the files the
 * trainer rewrites as a run goes on. Equal stamps mean the stored rows are current.
 */
export function folderStamp(dir: string): string {
  const paths = runPaths(dir);
  return [paths.record, paths.config, paths.metrics, paths.test, paths.predictions, paths.best, paths.last]
    .map((p) => {
      const s = statSync(p, { throwIfNoEntry: false });
      return s ? `${s.size}:${Math.round(s.mtimeMs)}` : '-';
    })
    .join('|');
}

/**
 * Whether a run folder's `running` status is stale: the record names this host and a process
 * that no longer exists (it was killed). Other hosts' processes cannot be checked from here.
 */
export function isStaleRunning(record: Pick<RunRecord, 'status' | 'pid' | 'machine'>): boolean {
  return record.status === 'running' && record.pid !== undefined && record.machine?.hostname === hostname() && !processRunning(record.pid);
}

/**
 * Reads a run folder. A run whose process was killed (`running` in run.json, its process gone)
 * reads as `failed`, with a reason that says it can be resumed.
 *
 * @example
 * const snapshot = readRunFolder('runs/20250101-120000-simple_cnn-1a2b3c');
 * await store.putRun(snapshot);
 */
export function readRunFolder(dirGiven: string): RunSnapshot {
  const dir = resolve(dirGiven);
  const paths = runPaths(dir);
  const stamp = folderStamp(dir);
  if (!existsSync(paths.record)) throw new AlzbenchError(`${dir} is not a run folder (no run.json)`, { exitCode: 2 });
  const record = readRunRecord(paths.record);
  const config = existsSync(paths.config) ? readRunConfig(paths.config) : {};
  const { test, problem } = readTestFile(paths.test);
  const epochs = existsSync(paths.metrics) ? parseMetricsLines(readFileSync(paths.metrics, 'utf8'), paths.metrics) : [];
  let predictions: StoredPrediction[] = [];
  let classes = record.classes ?? [];
  if (existsSync(paths.predictions)) {
    const read = readPredictionsCsv(paths.predictions);
    if (classes.length === 0) classes = read.classes;
    predictions = read.predictions.map((p, index) => ({
      index,
      file: p.file,
      subject: p.subject,
      label: p.label,
      predicted: argmax(p.probabilities),
      probabilities: p.probabilities,
    }));
  }
  const artifacts: StoredArtifact[] = listFiles(dir).map((path) => ({ path, kind: artifactKind(path), bytes: statSync(join(dir, path)).size }));
  const stale = isStaleRunning(record);
  const status = stale ? 'failed' : record.status;
  const ownReason = stale
    ? `process ${record.pid} on ${record.machine.hostname} ended while the run was running (killed?); resume it with: alzbench train --resume ${record.id}`
    : (record.reason ?? null);
  const reason = problem === null ? ownReason : ownReason === null ? problem : `${ownReason}; ${problem}`;
  return {
    id: record.id,
    name: record.name ?? null,
    status,
    reason,
    config,
    flags: record.flags ?? {},
    model: typeof config.model === 'string' ? config.model : null,
    task: record.task ?? (typeof config.task === 'string' ? config.task : null),
    classes,
    datasetFingerprint: record.dataset?.fingerprint ?? null,
    dataset: (record.dataset as Record<string, unknown> | undefined) ?? null,
    split: (record.split as Record<string, unknown> | undefined) ?? null,
    splitManifest: existsSync(paths.split) ? readFileSync(paths.split, 'utf8') : null,
    leakage: (record.leakage as Record<string, unknown> | undefined) ?? null,
    codeVersion: record.code?.version ?? null,
    machine: record.machine ? { ...record.machine, ...(record.device ? { device: record.device } : {}) } : null,
    device: record.device ?? (typeof config.device === 'string' ? config.device : null),
    createdAt: record.created,
    startedAt: record.started ?? null,
    finishedAt: record.finished ?? null,
    epochsDone: record.epochsDone ?? epochs.length,
    bestEpoch: record.bestEpoch ?? null,
    test,
    epochs,
    predictions,
    artifacts,
    dir,
    pid: status === 'running' ? (record.pid ?? null) : null,
    folderStamp: stamp,
  };
}
