import { join } from 'node:path';
import type { Tensor } from '../torch/tensor.js';
import { tidy } from '../torch/scope.js';
import type { Module } from '../nn/module.js';
import { getModelSpec } from '../models/registry.js';
import { disposeCheckpoint, loadCheckpoint } from '../models/checkpoint.js';
import type { VolumeSample } from '../data/volume-dataset.js';
import { computeMetrics, headline } from '../eval/metrics.js';
import { inferVolumes } from '../eval/infer-volumes.js';
import { subjectLevelReport } from '../eval/subject-aggregate.js';
import { calibration, ECE_METHOD } from '../eval/calibration.js';
import { reliabilityDiagramSvg } from '../eval/reliability-diagram.js';
import { bootstrapMetrics } from '../eval/bootstrap.js';
import { isCollapsed } from '../eval/collapse.js';
import { gradCam3d } from '../eval/grad-cam-3d.js';
import { writeCam3dPng } from '../eval/cam-overlay-3d.js';
import { formatPredictionsCsv } from '../run-folder/predictions-csv.js';
import { writeFileAtomic, writeJsonAtomic, type RunPaths } from '../run-folder/run-folder.js';
import type { TrainConfig } from './config.js';
import { camChoice, type TestEvaluation, type TestReport } from './test-phase.js';

/** The prepared volumes of a run's three splits: [N, 1, X, Y, Z] float32 and int64 labels. */
export type VolumeSplits = Record<'train' | 'val' | 'test', { x: Tensor; y: Tensor }>;

function evaluate(
  model: Module,
  x: Tensor,
  y: Tensor,
  test: readonly VolumeSample[],
  classes: readonly string[],
  config: TrainConfig,
  epoch: number,
  resamples: number,
  batchSize: number,
): TestEvaluation & { probabilities: Float32Array } {
  const labels = test.map((s) => s.label);
  const inference = inferVolumes(model, x, y, batchSize);
  const metrics = computeMetrics(labels, inference.probabilities, classes, { loss: inference.loss });
  // One sample per session: sessions of one person are pooled (mean) for the per-person figures.
  const subject = subjectLevelReport(
    labels,
    inference.probabilities,
    test.map((s) => s.subject),
    classes,
    { rule: 'mean', resamples, seed: config.seed },
  );
  return {
    epoch,
    metrics,
    headline: headline(metrics),
    collapsed: isCollapsed(metrics, config.collapseThreshold),
    subject,
    probabilities: inference.probabilities,
  };
}

/**
 * The end of a volume run: evaluates the last epoch's model (in memory) and the best epoch's (from
 * best.ckpt, left loaded in `model`) on the held-out sessions, with bootstrap CIs over people,
 * and writes test.json, predictions.csv (one row per session), plots/reliability.svg and 3-D
 * Grad-CAM images (three orthogonal planes through the peak) in the slice runs' formats.
 */
export async function writeVolumeTestArtifacts(args: {
  paths: RunPaths;
  config: TrainConfig;
  model: Module;
  classes: readonly string[];
  sets: VolumeSplits;
  test: readonly VolumeSample[];
  lastEpoch: number | null;
  batchSize: number;
  log: (text: string) => void;
}): Promise<TestReport> {
  const { paths, config, model, classes, test } = args;
  const { x, y } = args.sets.test;
  const labels = test.map((s) => s.label);
  const subjects = test.map((s) => s.subject);
  const last = args.lastEpoch === null ? null : evaluate(model, x, y, test, classes, config, args.lastEpoch, 0, args.batchSize);
  const checkpoint = loadCheckpoint(paths.best);
  try {
    model.loadStateDict(checkpoint.model);
  } finally {
    disposeCheckpoint(checkpoint);
  }
  const best = evaluate(model, x, y, test, classes, config, checkpoint.trainer.epoch, config.bootstrap, args.batchSize);
  const ci =
    config.bootstrap > 0 ? bootstrapMetrics(labels, best.probabilities, classes, { resamples: config.bootstrap, seed: config.seed, groups: subjects }) : null;
  const c = classes.length;
  writeFileAtomic(
    paths.predictions,
    formatPredictionsCsv(
      test.map((s, i) => ({ file: s.id, subject: s.subject, label: s.label, probabilities: Array.from(best.probabilities.subarray(i * c, (i + 1) * c)) })),
      classes,
    ),
  );
  const calibrationReport = { method: ECE_METHOD, test: calibration(labels, best.probabilities, c) };
  writeFileAtomic(
    join(paths.plots, 'reliability.svg'),
    reliabilityDiagramSvg([{ label: `test, best epoch ${best.epoch}`, calibration: calibrationReport.test }]),
  );
  const cam: string[] = [];
  const layer = getModelSpec(config.model).gradCamLayer;
  for (const i of camChoice(labels, config.camSamples)) {
    const { result, voxels } = tidy(() => {
      const volume = x.narrow(0, i, 1);
      return { result: gradCam3d(model, layer, volume), voxels: volume.to('cpu').to('float32').contiguous().toArray() as Float32Array };
    });
    const name = `${String(cam.length).padStart(2, '0')}-${classes[labels[i]!]}-as-${classes[result.targetClass]}-${test[i]!.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`;
    await writeCam3dPng(join(paths.cam, name), voxels, result);
    cam.push(join('cam', name));
  }
  const strip = ({ probabilities: _p, ...rest }: TestEvaluation & { probabilities: Float32Array }) => rest;
  const report: TestReport = {
    selectedBy: config.selectMetric,
    samples: test.length,
    best: { ...strip(best), ci },
    last: last ? strip(last) : null,
    calibration: calibrationReport,
    cam,
  };
  writeJsonAtomic(paths.test, report);
  const m = best.metrics;
  const interval = (v: { low: number; high: number } | undefined) => (v ? ` [${v.low.toFixed(3)}, ${v.high.toFixed(3)}]` : '');
  args.log(
    `test (best epoch ${best.epoch}, ${test.length} sessions of ${new Set(subjects).size} people${ci ? `, 95 % CI by ${ci.unit}` : ''}): balanced accuracy ${m.balancedAccuracy.toFixed(3)}${interval(ci?.balancedAccuracy)}  ` +
      `accuracy ${m.accuracy.toFixed(3)}${interval(ci?.accuracy)}  sensitivity ${m.sensitivity.toFixed(3)}${interval(ci?.sensitivity)}  specificity ${m.specificity.toFixed(3)}${interval(ci?.specificity)}  AUC ${m.auc.toFixed(3)}${interval(ci?.auc)}` +
      (last ? `; last epoch ${last.epoch}: accuracy ${last.metrics.accuracy.toFixed(3)}` : ''),
  );
  args.log(`calibration: ${ECE_METHOD} ${calibrationReport.test.ece.toFixed(4)}`);
  return report;
}
