import { tidy } from '../torch/scope.js';
import type { Module } from '../nn/module.js';
import { getModelSpec } from '../models/registry.js';
import { computeMetrics, headline, type Metrics } from '../eval/metrics.js';
import { inferWithTta } from '../eval/tta.js';
import { subjectLevelReport, type SubjectLevelReport } from '../eval/subject-aggregate.js';
import { applyTemperature, calibration, ECE_METHOD, fitTemperature, type CalibrationReport } from '../eval/calibration.js';
import { reliabilityDiagramSvg } from '../eval/reliability-diagram.js';
import { bootstrapMetrics, type BootstrapResult } from '../eval/bootstrap.js';
import { isCollapsed } from '../eval/collapse.js';
import { gradCam } from '../eval/grad-cam.js';
import { writeCamPng } from '../eval/cam-overlay.js';
import { toModelInput } from '../eval/model-input.js';
import { formatPredictionsCsv } from '../run-folder/predictions-csv.js';
import { disposeCheckpoint, loadCheckpoint } from '../models/checkpoint.js';
import type { TrainConfig } from './config.js';
import type { TrainingData } from '../data/data-tensors.js';
import type { RunRecorder } from './run-recorder.js';

/** One model's test evaluation. */
export interface TestEvaluation {
  readonly epoch: number;
  readonly metrics: Metrics;
  readonly headline: Record<string, number>;
  readonly collapsed: boolean;
  /**
   * Subject-level metrics (slice predictions pooled per subject or pseudo-subject with the
   * config's `aggregate` rule, CIs by subject bootstrap); null when slices have no subject.
   */
  readonly subject: SubjectLevelReport | null;
}

/** test.json: the selected (best) epoch with confidence intervals, and the last epoch beside it. */
export interface TestReport {
  readonly selectedBy: string;
  readonly samples: number;
  readonly best: TestEvaluation & { readonly ci: BootstrapResult | null };
  readonly last: TestEvaluation | null;
  /** Expected calibration error and reliability bins of the best model (plots/reliability.svg). */
  readonly calibration: CalibrationReport;
  /** Grad-CAM images written, relative to the run folder. */
  readonly cam: string[];
}

/** Picks up to `count` samples, one per class in turn, so every class gets a heat map. */
export function camChoice(labels: readonly number[], count: number): number[] {
  const byClass = new Map<number, number[]>();
  labels.forEach((l, i) => (byClass.get(l) ?? byClass.set(l, []).get(l)!).push(i));
  const queues = [...byClass.keys()].sort((a, b) => a - b).map((k) => byClass.get(k)!);
  const out: number[] = [];
  for (let round = 0; out.length < count && queues.some((q) => q.length > round); round++) {
    for (const q of queues) if (q.length > round && out.length < count) out.push(q[round]!);
  }
  return out;
}

/** The subject (or pseudo-subject) of each slice of a split, undefined when ungrouped. */
export function subjectsOf(split: { subjects: (string | undefined)[]; groups: (string | undefined)[] }): (string | undefined)[] {
  return split.subjects.map((s, i) => s ?? split.groups[i]);
}

function evaluate(model: Module, data: TrainingData, config: TrainConfig, epoch: number, resamples: number): TestEvaluation & { probabilities: Float32Array } {
  const test = data.splits.test;
  const inference = inferWithTta(model, test.images, test.labels, Math.max(64, config.batchSize), config.tta ?? 'none', test.labelList);
  const classes = data.prepared.task.classes;
  const metrics = computeMetrics(test.labelList, inference.probabilities, classes, { loss: inference.loss });
  const subject = subjectLevelReport(test.labelList, inference.probabilities, subjectsOf(test), classes, {
    rule: config.aggregate ?? 'mean',
    resamples,
    seed: config.seed,
  });
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
 * The end of a run: evaluates the last epoch's model (in memory) and the best epoch's (from
 * best.ckpt, left loaded in `model`) on the test split, with bootstrap CIs for the best (by subject
 * when the data set has subject IDs), and writes test.json, predictions.csv and Grad-CAM images.
 */
export async function writeTestArtifacts(args: {
  run: RunRecorder;
  config: TrainConfig;
  model: Module;
  data: TrainingData;
  lastEpoch: number | null;
  bestEpoch: number | null;
  log: (text: string) => void;
}): Promise<TestReport> {
  const { run, config, model, data } = args;
  const classes = data.prepared.task.classes;
  const test = data.splits.test;
  const last = args.lastEpoch === null ? null : evaluate(model, data, config, args.lastEpoch, 0);
  const checkpoint = loadCheckpoint(run.paths.best);
  try {
    model.loadStateDict(checkpoint.model);
  } finally {
    disposeCheckpoint(checkpoint);
  }
  const best = evaluate(model, data, config, checkpoint.trainer.epoch, config.bootstrap);
  const ci =
    config.bootstrap > 0
      ? bootstrapMetrics(test.labelList, best.probabilities, classes, { resamples: config.bootstrap, seed: config.seed, groups: test.subjects })
      : null;
  const c = classes.length;
  run.writePredictions(
    formatPredictionsCsv(
      test.labelList.map((label, i) => ({
        file: test.ids[i]!,
        subject: test.subjects[i] ?? test.groups[i] ?? '',
        label,
        probabilities: Array.from(best.probabilities.subarray(i * c, (i + 1) * c)),
      })),
      classes,
    ),
  );
  // Calibration of the selected model; temperature scaling is fitted on validation, never on test.
  let calibrationReport: CalibrationReport = { method: ECE_METHOD, test: calibration(test.labelList, best.probabilities, c) };
  if (config.calibrate === 'temperature') {
    const val = data.splits.val;
    const valInference = inferWithTta(model, val.images, val.labels, Math.max(64, config.batchSize), config.tta ?? 'none', val.labelList);
    const fit = fitTemperature(val.labelList, valInference.probabilities, c);
    const scaled = applyTemperature(best.probabilities, c, fit.temperature);
    calibrationReport = {
      ...calibrationReport,
      temperature: {
        value: fit.temperature,
        fittedOn: 'validation',
        valNllBefore: fit.nllBefore,
        valNllAfter: fit.nllAfter,
        test: calibration(test.labelList, scaled, c),
      },
    };
  }
  run.writePlot(
    'reliability.svg',
    reliabilityDiagramSvg([
      { label: `test, best epoch ${best.epoch}`, calibration: calibrationReport.test },
      ...(calibrationReport.temperature
        ? [
            {
              label: `after temperature scaling (T=${calibrationReport.temperature.value.toFixed(3)}, fitted on validation)`,
              calibration: calibrationReport.temperature.test,
            },
          ]
        : []),
    ]),
  );
  const cam: string[] = [];
  const layer = getModelSpec(config.model).gradCamLayer;
  const [h, w] = data.imageSize;
  for (const i of camChoice(test.labelList, config.camSamples)) {
    const { result, gray } = tidy(() => {
      const image = test.images.narrow(0, i, 1);
      return { result: gradCam(model, layer, toModelInput(image)), gray: image.to('cpu').toArray() as Uint8Array };
    });
    const name = `${String(cam.length).padStart(2, '0')}-${classes[test.labelList[i]!]}-as-${classes[result.targetClass]}-${test.ids[i]!.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`;
    const file = run.camFile(name);
    await writeCamPng(file.path, gray, result.heatmap, w, h);
    cam.push(file.relative);
  }
  const strip = ({ probabilities: _p, ...rest }: TestEvaluation & { probabilities: Float32Array }) => rest;
  const report: TestReport = {
    selectedBy: config.selectMetric,
    samples: test.labelList.length,
    best: { ...strip(best), ci },
    last: last ? strip(last) : null,
    calibration: calibrationReport,
    cam,
  };
  run.writeTestReport(report);
  const m = best.metrics;
  const interval = (x: { low: number; high: number } | undefined) => (x ? ` [${x.low.toFixed(3)}, ${x.high.toFixed(3)}]` : '');
  args.log(
    `test (best epoch ${best.epoch}, ${test.labelList.length} slices${ci ? `, 95 % CI by ${ci.unit}` : ''}): accuracy ${m.accuracy.toFixed(3)}${interval(ci?.accuracy)}  ` +
      `sensitivity ${m.sensitivity.toFixed(3)}${interval(ci?.sensitivity)}  specificity ${m.specificity.toFixed(3)}${interval(ci?.specificity)}  AUC ${m.auc.toFixed(3)}${interval(ci?.auc)}` +
      (last ? `; last epoch ${last.epoch}: accuracy ${last.metrics.accuracy.toFixed(3)}` : ''),
  );
  const sl = best.subject;
  if (sl) {
    const sci = sl.ci;
    args.log(
      `test per subject (${sl.subjects} ${sl.reconstructed ? 'pseudo-subjects' : 'subjects'}, ${sl.rule} of slice probabilities${sci ? ', 95 % CI by subject bootstrap' : ''}): ` +
        `balanced accuracy ${sl.metrics.balancedAccuracy.toFixed(3)}${interval(sci?.balancedAccuracy)}  accuracy ${sl.metrics.accuracy.toFixed(3)}${interval(sci?.accuracy)}  ` +
        `sensitivity ${sl.metrics.sensitivity.toFixed(3)}${interval(sci?.sensitivity)}  specificity ${sl.metrics.specificity.toFixed(3)}${interval(sci?.specificity)}  AUC ${sl.metrics.auc.toFixed(3)}${interval(sci?.auc)}`,
    );
  } else args.log('test per subject: none (the slices have no subjects or pseudo-subjects: grouping none)');
  args.log(
    `calibration: ${ECE_METHOD} ${calibrationReport.test.ece.toFixed(4)}${calibrationReport.temperature ? `; after temperature scaling (T=${calibrationReport.temperature.value.toFixed(3)}, fitted on validation) ${calibrationReport.temperature.test.ece.toFixed(4)}` : ''}`,
  );
  return report;
}
