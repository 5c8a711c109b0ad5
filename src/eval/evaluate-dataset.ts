import { tensor } from '../torch/creation.js';
import { openDataset } from '../data/open-dataset.js';
import { prepareDataset } from '../data/prepare.js';
import type { SplitName } from '../data/dataset.js';
import { preprocessSlices } from '../data/data-tensors.js';
import type { TrainedModel } from '../models/load-trained.js';
import { AlzbenchError } from '../util/errors.js';
import { bootstrapMetrics, type BootstrapResult } from './bootstrap.js';
import { isCollapsed } from './collapse.js';
import { inferProbabilities } from './evaluate.js';
import { computeMetrics, type Metrics } from './metrics.js';
import type { Prediction } from '../run-folder/predictions-csv.js';
import { subjectLevelReport, type AggregateRule, type SubjectLevelReport } from './subject-aggregate.js';
import { calibration, ECE_METHOD, type Calibration } from './calibration.js';
import { inferWithTta } from './tta.js';

/** Result of {@link evaluateDataset}. */
export interface DatasetEvaluation {
  readonly data: string;
  readonly split: SplitName | 'all';
  readonly samples: number;
  readonly metrics: Metrics;
  readonly ci: BootstrapResult | null;
  readonly collapsed: boolean;
  /** Metrics per subject (slices pooled with `rule`), CIs by subject bootstrap; null without subjects. */
  readonly subject: SubjectLevelReport | null;
  /** {@link ECE_METHOD} of the slice probabilities. */
  readonly calibration: Calibration & { readonly method: string };
  readonly predictions: Prediction[];
}

/**
 * Re-evaluates a trained model on a data set folder: reads it with the model's task (the classes
 * must match), runs the model's preprocessing chain at its input size, and computes every metric
 * with bootstrap CIs (by subject when the data set has subject IDs). `split` picks the data set's
 * own train/val/test folder; default all slices.
 *
 * @param trained a model from `loadTrainedModel` (models/load-trained) (its config gives task, classes, chain, input size, TTA)
 * @param dir the data set folder (any layout {@link openDataset} reads)
 * @param options `split` (default `all`), `bootstrap` resamples (default 1000; 0 = no CIs), `seed` of the bootstrap
 *   (default 0), `batchSize` (default 64), `log` for progress lines, `aggregate` (subject pooling rule; default the
 *   run's, else `mean`), `grouping` (`pseudo` rebuilds subjects when the data set has no IDs; default `none`)
 * @returns slice-level metrics with bootstrap CIs (resampling subjects when known), collapse flag (threshold the
 *   run's `collapseThreshold`, default 0.95), subject-level report (null without subjects), calibration (ECE) and
 *   one prediction per slice
 * @throws AlzbenchError (exit 2) `The data set's classes under task <task> (...) differ from the model's (...)`, or
 *   `No slices to evaluate in <dir> ...` when the split is empty
 * @throws AlzbenchError (exit 2) from opening and preparing the data set (folder not found, unknown layout), or
 *   EmptyDataError when no slice is readable (unreadable images are otherwise left out and reported)
 *
 * @example
 * const result = await evaluateDataset(loadTrainedModel('runs/x'), 'other-data', { split: 'test' });
 */
export async function evaluateDataset(
  trained: TrainedModel,
  dir: string,
  options: {
    split?: SplitName | 'all';
    bootstrap?: number;
    seed?: number;
    batchSize?: number;
    log?: (m: string) => void;
    /** Pooling rule of subject-level metrics (default the run's `aggregate`, else mean). */
    aggregate?: AggregateRule;
    /** `pseudo` reconstructs subjects from the images when the data set has no IDs (default none: IDs only). */
    grouping?: 'none' | 'pseudo';
  } = {},
): Promise<DatasetEvaluation> {
  const split = options.split ?? 'all';
  const dataset = await openDataset(dir);
  // Grouping 'none': the split is not used here, and pseudo-subject grouping costs time.
  const hasIds = dataset.items.length > 0 && dataset.items.every((i) => i.subject !== undefined);
  const grouping = options.grouping === 'pseudo' && !hasIds ? 'pseudo' : 'none';
  const prepared = await prepareDataset(dataset, {
    task: trained.config.task,
    grouping,
    allowMissingClasses: true,
    ...(options.log ? { onProgress: options.log } : {}),
  });
  if (prepared.task.classes.join(',') !== trained.classes.join(',')) {
    throw new AlzbenchError(
      `The data set's classes under task ${trained.config.task} (${prepared.task.classes.join(', ')}) differ from the model's (${trained.classes.join(', ')})`,
      { exitCode: 2 },
    );
  }
  const items = prepared.items.filter((it) => split === 'all' || it.item.sourceSplit === split);
  if (items.length === 0) throw new AlzbenchError(`No slices to evaluate in ${dir}${split === 'all' ? '' : ` (no ${split}/ folder items)`}`, { exitCode: 2 });
  const { pixels, size } = await preprocessSlices(
    items.map((it) => it.image),
    trained.chain,
    trained.imageSize,
  );
  const labels = items.map((it) => it.label);
  const images = tensor(pixels, { shape: [items.length, 1, size[0], size[1]] });
  const labelTensor = tensor(labels, { dtype: 'int64' });
  try {
    const tta = (trained.config as { tta?: 'none' | 'flip' }).tta ?? 'none';
    const inference =
      tta === 'none'
        ? inferProbabilities(trained.model, images, labelTensor, options.batchSize ?? 64)
        : inferWithTta(trained.model, images, labelTensor, options.batchSize ?? 64, tta, labels);
    const metrics = computeMetrics(labels, inference.probabilities, trained.classes, { loss: inference.loss });
    const subjects = items.map((it) => it.item.subject ?? it.group);
    const resamples = options.bootstrap ?? 1000;
    const ci =
      resamples > 0 ? bootstrapMetrics(labels, inference.probabilities, trained.classes, { resamples, seed: options.seed ?? 0, groups: subjects }) : null;
    const c = trained.classes.length;
    const predictions = items.map((it, i) => ({
      file: it.item.id,
      subject: it.item.subject ?? it.group ?? '',
      label: it.label,
      probabilities: Array.from(inference.probabilities.subarray(i * c, (i + 1) * c)),
    }));
    const rule = options.aggregate ?? (trained.config as { aggregate?: AggregateRule }).aggregate ?? 'mean';
    const subject = subjectLevelReport(labels, inference.probabilities, subjects, trained.classes, { rule, resamples, seed: options.seed ?? 0 });
    const calib = { method: ECE_METHOD, ...calibration(labels, inference.probabilities, c) };
    return {
      data: dir,
      split,
      samples: items.length,
      metrics,
      ci,
      collapsed: isCollapsed(metrics, trained.config.collapseThreshold ?? 0.95),
      subject,
      calibration: calib,
      predictions,
    };
  } finally {
    images.dispose();
    labelTensor.dispose();
  }
}
