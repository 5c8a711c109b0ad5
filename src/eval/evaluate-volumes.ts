import type { SplitName } from '../data/dataset.js';
import { loadVolumeSplit, openVolumeDataset, volumePipeline } from '../data/volume-dataset.js';
import type { TrainedModel } from '../models/load-trained.js';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readManifest } from '../data/manifest.js';
import type { VolumeSample } from '../data/volume-dataset.js';
import { AlzbenchError } from '../util/errors.js';
import { bootstrapMetrics } from './bootstrap.js';
import { calibration, ECE_METHOD } from './calibration.js';
import { isCollapsed } from './collapse.js';
import type { DatasetEvaluation } from './evaluate-dataset.js';
import { inferVolumes } from './infer-volumes.js';
import { computeMetrics } from './metrics.js';
import { subjectLevelReport } from './subject-aggregate.js';

/**
 * Re-evaluates a trained volume model (`train --input volume`) on a BIDS volume folder: reads it
 * with the run's task, label column and split seed (so `split: 'test'` on the run's own data set
 * is the run's held-out people), prepares every session with the run's recorded volume
 * transforms, and computes every metric with bootstrap CIs over people. One sample per session;
 * `subject` pools a person's sessions by mean probability.
 *
 * @param trained a model from `loadTrainedModel` (models/load-trained) of a volume run: its config gives the task,
 *   label column, split seed and collapse threshold, its `volume` record the transforms
 * @param dir the BIDS volume folder (as `openVolumeDataset` reads it)
 * @param options `split` (`train`, `val`, `test` or default `all`), `bootstrap` resamples (default 1000; 0 = no CIs),
 *   `seed` of the bootstrap (default 0), `batchSize` volumes per forward pass (default 4), `log` for progress lines
 * @returns per-session metrics with bootstrap CIs resampling people, collapse flag (threshold the run's
 *   `collapseThreshold`, default 0.95), subject-level report (sessions pooled by mean probability), calibration
 *   (ECE) and one prediction per session
 * @throws AlzbenchError (exit 2) `<checkpoint> is a slice model; volume evaluation needs a run trained with --input
 *   volume`, `The data set's classes under task <task> (...) differ from the model's (...)`, or `No volumes to
 *   evaluate in <dir> ...` when the split is empty
 * @throws AlzbenchError, VolumeError or VolumeTransformError from opening the folder and preparing the volumes, as
 *   `openVolumeDataset` and `loadVolumeSplit`
 * @example
 * const result = await evaluateVolumeDataset(loadTrainedModel('runs/x'), 'demo-volumes', { split: 'test' });
 */
export async function evaluateVolumeDataset(
  trained: TrainedModel,
  dir: string,
  options: { split?: SplitName | 'all'; bootstrap?: number; seed?: number; batchSize?: number; log?: (m: string) => void } = {},
): Promise<DatasetEvaluation> {
  if (!trained.volume)
    throw new AlzbenchError(`${trained.checkpoint} is a slice model; volume evaluation needs a run trained with --input volume`, { exitCode: 2 });
  const split = options.split ?? 'all';
  const config = trained.config as {
    task: string;
    diagnosisColumn?: string | null;
    splitSeed?: number;
    seed?: number;
    folds?: number;
    fold?: number | null;
  };
  // A cross-validation run held out fold F of K: without the same folds, `--split test` would be
  // the data set's own test split, people the model trained on.
  const folds = config.folds ?? 0;
  const data = openVolumeDataset(dir, {
    task: config.task,
    diagnosisColumn: config.diagnosisColumn ?? null,
    ...(config.splitSeed === undefined ? {} : { splitSeed: config.splitSeed }),
    ...(folds >= 2 ? { crossValidation: { folds, fold: config.fold ?? 0, seed: config.splitSeed ?? 42 } } : {}),
    allowMissingClasses: true,
  });
  for (const note of data.notes) options.log?.(note);
  if (data.classes.join(',') !== trained.classes.join(',')) {
    throw new AlzbenchError(
      `The data set's classes under task ${config.task} (${data.classes.join(', ')}) differ from the model's (${trained.classes.join(', ')})`,
      { exitCode: 2 },
    );
  }
  const samples = data.samples.filter((s) => split === 'all' || s.split === split);
  if (split !== 'all') await checkRunSplit(trained.checkpoint, samples, split);
  if (samples.length === 0)
    throw new AlzbenchError(`No volumes to evaluate in ${dir}${split === 'all' ? '' : ` (no session in the ${split} split)`}`, { exitCode: 2 });
  options.log?.(`preparing ${samples.length} volume(s): ${trained.volume.chain}`);
  const { x, y } = await loadVolumeSplit(samples, volumePipeline(trained.volume));
  try {
    const labels = samples.map((s) => s.label);
    const subjects = samples.map((s) => s.subject);
    const inference = inferVolumes(trained.model, x, y, options.batchSize ?? 4);
    const metrics = computeMetrics(labels, inference.probabilities, trained.classes, { loss: inference.loss });
    const resamples = options.bootstrap ?? 1000;
    const seed = options.seed ?? 0;
    const ci = resamples > 0 ? bootstrapMetrics(labels, inference.probabilities, trained.classes, { resamples, seed, groups: subjects }) : null;
    const c = trained.classes.length;
    return {
      data: dir,
      split,
      samples: samples.length,
      metrics,
      ci,
      collapsed: isCollapsed(metrics, trained.config.collapseThreshold ?? 0.95),
      subject: subjectLevelReport(labels, inference.probabilities, subjects, trained.classes, { rule: 'mean', resamples, seed }),
      calibration: { method: ECE_METHOD, ...calibration(labels, inference.probabilities, c) },
      predictions: samples.map((s, i) => ({
        file: s.id,
        subject: s.subject,
        label: s.label,
        probabilities: Array.from(inference.probabilities.subarray(i * c, (i + 1) * c)),
      })),
    };
  } finally {
    x.dispose();
    y.dispose();
  }
}

/**
 * Checks that the sessions chosen for `split` are in that split of the run's saved `split.json`
 * (`<run>/split.json`, beside `checkpoints/`): a session the run trained or selected on must not
 * be scored as held out. Sessions the run never saw (another data set) are not checked; a run
 * folder without split.json (a bare checkpoint) has nothing to compare.
 *
 * @throws AlzbenchError (exit 2) naming how many sessions were in another split of the run, with the first few
 */
async function checkRunSplit(checkpoint: string, samples: readonly VolumeSample[], split: SplitName): Promise<void> {
  const path = join(dirname(dirname(checkpoint)), 'split.json');
  if (!existsSync(path)) return;
  const saved = new Map((await readManifest(path)).entries.map((e) => [`${e.file}\0${e.hash}`, e.split]));
  const moved = samples.filter((s) => {
    const was = saved.get(`${s.id}\0${s.hash}`);
    return was !== undefined && was !== split;
  });
  if (moved.length === 0) return;
  const first = moved.slice(0, 3).map((s) => `${s.id} (${saved.get(`${s.id}\0${s.hash}`)})`);
  throw new AlzbenchError(
    `${moved.length} session(s) of the ${split} split were in another split of the run (${path}): ${first.join(', ')}${moved.length > 3 ? ', ...' : ''}`,
    { hint: "eval reads the data with the run's task, split seed and folds; a changed participants.tsv or data set moves people", exitCode: 2 },
  );
}
