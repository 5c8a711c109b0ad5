/**
 * Turns stored runs into the API's JSON (see `api-types.ts`). This is where identifiers stop:
 * predictions, split manifests and Grad-CAM file names carry slice file names and subject IDs,
 * and none of them is copied into a response.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { leakFinding } from '../report/leak-flag.js';
import { rocPoints } from '../report/svg.js';
import type { StoredEpoch, StoredPrediction, StoredRun } from '../store/types.js';
import type { CamEntry, FigureUnit, HeadlineMetrics, InputKind, RocCurve, RunDetail, RunSummary, VolumeSettings } from './api-types.js';
import { finiteOrNull } from '../util/finite-or-null.js';

const obj = (v: unknown): Record<string, unknown> | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);

/** Files of a run folder the API serves: plots and the settings/metrics files, nothing naming slices. */
const SERVED_FILES = /^(plots\/[\w.-]+\.svg|config\.json|metrics\.jsonl)$/;

/** Whether `path` (relative to a run folder) is one the files endpoint may serve. */
export function isServedFile(path: string): boolean {
  return SERVED_FILES.test(path);
}

/** Warning flags of a run, in the compare command's words (collapsed, leak, no-test). */
export function runFlags(run: StoredRun): string[] {
  const flags: string[] = [];
  const test = run.test;
  if (run.status === 'collapsed' || test?.best.collapsed) flags.push('collapsed');
  if (leakFinding(run.leakage)) flags.push('leak');
  if (!test && (run.status === 'done' || run.status === 'collapsed')) flags.push('no-test');
  return flags;
}

/** Whether the run folder has a checkpoint to predict with. */
export function hasCheckpoint(run: StoredRun): boolean {
  return run.dir !== null && (existsSync(join(run.dir, 'checkpoints', 'best.ckpt')) || existsSync(join(run.dir, 'checkpoints', 'last.ckpt')));
}

/** A run's sample kind: `volume` when its config says `input: volume`, else `slice` (runs before volumes existed). */
export function inputKind(run: StoredRun): InputKind {
  return run.config.input === 'volume' ? 'volume' : 'slice';
}

/**
 * What a run's headline test figures count: slices for a slice run; for a volume run its samples,
 * scan sessions, which are subjects when every test person has one session (test.json: as many
 * samples as subjects).
 */
export function figureUnit(run: StoredRun): FigureUnit {
  if (inputKind(run) !== 'volume') return 'slice';
  const test = run.test;
  const subjects = test?.best.subject?.subjects;
  return typeof subjects === 'number' && subjects === test?.samples ? 'subject' : 'session';
}

/** Volume-only settings shown beside shape and spacing (train/config.ts). */
const OTHER_VOLUME_KEYS = ['volumeAugment', 'widths', 'dropout'];

/** The volume settings of a volume run (null for a slice run): `volumeShape` is recorded as `XxYxZ`. */
export function volumeSettings(run: StoredRun): VolumeSettings | null {
  if (inputKind(run) !== 'volume') return null;
  const c = run.config;
  const shape =
    typeof c.volumeShape === 'string'
      ? c.volumeShape.split('x').map((v) => Number(v.trim()))
      : Array.isArray(c.volumeShape)
        ? (c.volumeShape as number[])
        : null;
  const spacing = c.spacing;
  return {
    shape: shape?.every(Number.isFinite) ? shape : null,
    spacing: typeof spacing === 'number' || Array.isArray(spacing) ? (spacing as number | number[]) : null,
    model: run.model,
    other: Object.fromEntries(OTHER_VOLUME_KEYS.filter((k) => c[k] !== undefined && c[k] !== null).map((k) => [k, c[k]])),
  };
}

/** The runs-table row of a run. */
export function runSummary(run: StoredRun): RunSummary {
  const test: HeadlineMetrics = {
    accuracy: run.testAccuracy,
    balancedAccuracy: run.testBalancedAccuracy,
    sensitivity: run.testSensitivity,
    specificity: run.testSpecificity,
    auc: run.testAuc,
    loss: run.testLoss,
  };
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    reason: run.reason,
    model: run.model,
    task: run.task,
    pipeline: typeof run.config.pipeline === 'string' ? run.config.pipeline : null,
    sweepId: run.sweepId,
    point: run.point,
    tags: run.tags,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    epochsDone: run.epochsDone,
    epochs: finiteOrNull(run.config.epochs),
    bestEpoch: run.bestEpoch,
    test,
    flags: runFlags(run),
    hasCheckpoint: hasCheckpoint(run),
    input: inputKind(run),
    unit: figureUnit(run),
  };
}

/**
 * The Grad-CAM images of a run's test phase, by index. The trainer names them
 * `cam/NN-<true>-as-<predicted>-<file>.png`; the classes are read back by matching the run's
 * class names (which may hold dashes), and the file part is dropped.
 */
export function camEntries(run: StoredRun): CamEntry[] {
  const paths = run.test?.cam ?? [];
  return paths.map((path, index) => {
    const name = path.replace(/^cam\//, '').replace(/^\d+-/, '');
    let trueClass = '?';
    let predictedClass = '?';
    for (const t of run.classes) for (const p of run.classes) if (name.startsWith(`${t}-as-${p}-`)) [trueClass, predictedClass] = [t, p];
    return { index, trueClass, predictedClass, correct: trueClass === predictedClass && trueClass !== '?' };
  });
}

/**
 * ROC curves from stored predictions: the positive class (Alzheimer, index 0) for two classes,
 * one class against the rest for each class otherwise.
 */
export function rocCurves(classes: readonly string[], predictions: readonly StoredPrediction[], perClassAuc: Record<string, unknown> | null): RocCurve[] {
  if (predictions.length === 0 || classes.length < 2) return [];
  const targets = classes.length === 2 ? [0] : classes.map((_, i) => i);
  return targets.map((k) => {
    const points = rocPoints(
      predictions.map((p) => p.probabilities[k] ?? 0),
      predictions.map((p) => p.label === k),
    );
    const auc = finiteOrNull(obj(perClassAuc?.[classes[k]!])?.auc);
    return { label: classes.length === 2 ? `${classes[k]} (positive)` : `${classes[k]} vs rest`, auc, points };
  });
}

/** Everything the run page shows. */
export function runDetail(run: StoredRun, epochs: readonly StoredEpoch[], predictions: readonly StoredPrediction[], files: readonly string[]): RunDetail {
  const test = run.test;
  const dataset = obj(run.dataset);
  const split = obj(run.split);
  const bestMetrics = test?.best.metrics ?? null;
  return {
    ...runSummary(run),
    classes: run.classes,
    config: run.config,
    given: run.flags,
    dataset: dataset
      ? {
          layout: typeof dataset.layout === 'string' ? dataset.layout : null,
          slices: finiteOrNull(dataset.slices),
          volumes: finiteOrNull(dataset.volumes),
          fingerprint: run.datasetFingerprint,
          root: typeof dataset.root === 'string' ? dataset.root : null,
        }
      : null,
    split: split
      ? {
          grouping: typeof split.grouping === 'string' ? split.grouping : null,
          seed: finiteOrNull(split.seed),
          groups: split.groups ?? null,
          counts: (obj(split.counts) ?? {}) as Record<string, Record<string, number>>,
        }
      : null,
    leakage: withoutIdentities(run.leakage),
    codeVersion: run.codeVersion,
    machine: run.machine,
    device: run.device,
    startedAt: run.startedAt,
    updatedAt: run.updatedAt,
    epochRecords: epochs.map((e) => e.record),
    testReport: test
      ? {
          selectedBy: test.selectedBy ?? null,
          samples: finiteOrNull(test.samples),
          best: {
            epoch: test.best.epoch,
            metrics: test.best.metrics,
            collapsed: test.best.collapsed === true,
            ci: test.best.ci ?? null,
            subject: test.best.subject ?? null,
          },
          last: test.last
            ? {
                epoch: test.last.epoch,
                metrics: test.last.metrics,
                collapsed: test.last.collapsed === true,
                subject: test.last.subject ?? null,
              }
            : null,
          // NaN figures were stored as null; the page shows a missing figure as '-'.
          calibration: (test.calibration ?? null) as NonNullable<RunDetail['testReport']>['calibration'],
        }
      : null,
    confusion: bestMetrics?.confusion ?? null,
    roc: rocCurves(run.classes, predictions, obj(bestMetrics?.perClass)),
    cam: camEntries(run),
    volume: volumeSettings(run),
    files: files.filter(isServedFile),
  };
}

/**
 * The leakage record without anything that names a person or a file: the twin check keeps its
 * per-split counts and thresholds, not its per-subject list (subject IDs, train file names).
 */
function withoutIdentities(leakage: unknown): Record<string, unknown> | null {
  if (!leakage || typeof leakage !== 'object') return null;
  const { twins, ...rest } = leakage as { twins?: unknown };
  if (!twins || typeof twins !== 'object') return rest;
  const { subjects: _subjects, ...summary } = twins as { subjects?: unknown };
  return { ...rest, twins: summary };
}
