/**
 * Subject-level training on whole volumes (one sample per scan session, split by person): reads a
 * BIDS folder, prepares every volume with the volume transforms, trains a registered volume model
 * with Adam and random 3-D augmentation on the device, picks the epoch with the best validation
 * balanced accuracy, ties to the lower validation loss (BN statistics recomputed on the training people first), and reports the held-out
 * people's metrics with subject-level bootstrap CIs, without a run folder. `alzbench train --input
 * volume` (volume-run.ts) is the run-folder path over the same data set code (README "Whole volumes").
 */
import type { Tensor } from '../torch/tensor.js';
import { tensor } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { noGrad } from '../torch/autograd.js';
import { manualSeed } from '../torch/random.js';
import { crossEntropy } from '../nn/functional.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/index.js';
import { getModel, getModelSpec } from '../models/registry.js';
import { createRng } from '../data/synth/rng.js';
import { RandVolumeAugment, type VolumeAugmentSettings } from '../data/volume-transforms/index.js';
import { loadVolumeSplit, openVolumeDataset, volumePipeline, volumePreprocessing, type VolumeDataset } from '../data/volume-dataset.js';
import { computeMetrics, headline } from '../eval/metrics.js';
import { bootstrapMetrics, type BootstrapResult } from '../eval/bootstrap.js';
import { invalid } from '../util/errors.js';
import { recalibrateBatchNorm } from './recalibrate-bn.js';

/** Options of {@link trainVolumeModel}. */
export interface VolumeTrainOptions {
  /** BIDS folder (participants.tsv + sub-* /anat/*_T1w.nii[.gz]), e.g. from `alzbench synth --volumes`. */
  readonly data: string;
  /** A registered volume model (`alzbench models`). */
  readonly model: string;
  /** Voxels [x, y, z] every volume is cropped or padded to after cropping to the brain. */
  readonly inputShape: readonly [number, number, number];
  /** Resample to this voxel size (mm) first; default: keep the volumes' own. */
  readonly spacing?: number;
  readonly classes?: string[];
  /** Default 10. */
  readonly epochs?: number;
  /** Default 4. */
  readonly batchSize?: number;
  /** Adam learning rate, default 1e-3. */
  readonly lr?: number;
  /** Seeds weights, order, augmentation, the validation draw and the bootstrap. Default 0. */
  readonly seed?: number;
  /** Random augmentation; null turns it off. Default: small rotations, scaling, left-right flips. */
  readonly augment?: VolumeAugmentSettings | null;
  /** Share of the training people held out for validation when the data set has no val split (default 0.2). */
  readonly valFraction?: number;
  /** Model options beyond classes and input shape (dropout, widths for simple_cnn_3d). */
  readonly widths?: number[];
  readonly dropout?: number;
  readonly log?: (line: string) => void;
}

/** What {@link trainVolumeModel} measured. */
export interface VolumeTrainResult {
  readonly classes: string[];
  /** People (= volumes here, one session each) per split. */
  readonly counts: { train: number; val: number; test: number };
  readonly splitSource: VolumeDataset['splitSource'];
  readonly history: { epoch: number; trainLoss: number; valBalancedAccuracy: number; valLoss: number }[];
  readonly bestEpoch: number;
  /** Held-out people: headline metrics and subject-level 95 % bootstrap intervals. */
  readonly test: { metrics: ReturnType<typeof headline>; intervals: BootstrapResult; probabilities: number[]; labels: number[]; subjects: string[] };
}

function probabilitiesOf(model: Module, x: Tensor, batchSize: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.size(0); i += batchSize) {
    out.push(
      ...noGrad(() =>
        tidy(() =>
          model
            .forward(x.narrow(0, i, Math.min(batchSize, x.size(0) - i)))
            .softmax(1)
            .toNumbers(),
        ),
      ),
    );
  }
  return out;
}

/**
 * Trains and evaluates a volume model, one volume per session, split by person.
 *
 * @throws AlzbenchError for a slice model, an empty split, or bad data (named by the BIDS reader)
 * @example
 * const result = await trainVolumeModel({ data: 'demo-volumes', model: 'simple_cnn_3d', inputShape: [80, 96, 48], epochs: 20 });
 * result.test.intervals.balancedAccuracy; // { value, low, high } over held-out people
 */
export async function trainVolumeModel(options: VolumeTrainOptions): Promise<VolumeTrainResult> {
  const spec = getModelSpec(options.model);
  if (spec.input !== 'volume') throw invalid('a volume model (alzbench models marks them)', 'model', options.model);
  const seed = options.seed ?? 0;
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 4;
  const log = options.log ?? (() => undefined);
  // The data set as `train --input volume` reads it: one sample per session, split by person,
  // validation people drawn from the training people (data/volume-dataset.ts).
  const data = openVolumeDataset(options.data, {
    task: options.classes ? `map:${options.classes.map((c) => `${c}=${c}`).join(',')}` : 'folders',
    splitSeed: seed,
    ...(options.valFraction === undefined ? {} : { valFraction: options.valFraction }),
  });
  const train = data.samples.filter((s) => s.split === 'train');
  const val = data.samples.filter((s) => s.split === 'val');
  const test = data.samples.filter((s) => s.split === 'test');
  for (const [name, split] of [
    ['train', train],
    ['val', val],
    ['test', test],
  ] as const) {
    if (split.length === 0)
      throw invalid(`people in the ${name} split`, `data set ${options.data}`, 0, 'more people are needed (validation picks the epoch, test is held out)');
  }
  const pipeline = volumePipeline(volumePreprocessing(options.inputShape, options.spacing ?? null));
  log(`volumes: ${train.length} train / ${val.length} val / ${test.length} test people (${data.splitSource} split), ${data.classes.join(' vs ')}`);
  const sets = { train: await loadVolumeSplit(train, pipeline), val: await loadVolumeSplit(val, pipeline), test: await loadVolumeSplit(test, pipeline) };
  manualSeed(seed);
  const model = getModel(options.model, {
    numClasses: data.classes.length,
    inputShape: options.inputShape,
    ...(options.widths ? { widths: options.widths } : {}),
    ...(options.dropout === undefined ? {} : { dropout: options.dropout }),
  });
  const opt = new Adam(model.parameters(), { lr: options.lr ?? 1e-3 });
  const augment =
    options.augment === null
      ? null
      : new RandVolumeAugment(options.augment ?? { rotateRange: [0.05, 0.05, 0.05], scaleRange: 0.05, flipProb: [0.5, 0, 0] }).setRandomState(seed);
  const order = createRng(seed, 'volume-order');
  const history: VolumeTrainResult['history'] = [];
  let best: { epoch: number; score: number; loss: number; state: Map<string, Tensor> } | null = null;
  const n = train.length;
  const batches = (): (() => Tensor)[] =>
    Array.from({ length: Math.ceil(n / batchSize) }, (_, b) => () => sets.train.x.narrow(0, b * batchSize, Math.min(batchSize, n - b * batchSize)));
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      model.train();
      const indices = order.shuffle(Array.from({ length: n }, (_, i) => i));
      let lossSum = 0;
      for (let b = 0; b < n; b += batchSize) {
        tidy(() => {
          const idx = tensor(indices.slice(b, b + batchSize), { dtype: 'int64' });
          const x0 = sets.train.x.indexSelect(0, idx);
          const x = augment ? augment.apply(x0) : x0;
          opt.zeroGrad();
          const loss = crossEntropy(model.forward(x), sets.train.y.indexSelect(0, idx));
          loss.backward();
          opt.step();
          lossSum += loss.item() * idx.size(0);
        });
      }
      recalibrateBatchNorm(model, batches());
      model.eval();
      const valLabels = sets.val.y.toNumbers();
      const valProbabilities = probabilitiesOf(model, sets.val.x, batchSize);
      const valMetrics = computeMetrics(valLabels, valProbabilities, data.classes);
      const c = data.classes.length;
      const valLoss = valLabels.reduce((sum, label, i) => sum - Math.log(Math.max(valProbabilities[i * c + label]!, 1e-12)), 0) / valLabels.length;
      history.push({ epoch, trainLoss: lossSum / n, valBalancedAccuracy: valMetrics.balancedAccuracy, valLoss });
      log(
        `epoch ${epoch}: train loss ${(lossSum / n).toFixed(4)}, val balanced accuracy ${valMetrics.balancedAccuracy.toFixed(3)}, val loss ${valLoss.toFixed(4)}`,
      );
      // Few validation people make balanced accuracy coarse: ties go to the lower validation loss.
      if (!best || valMetrics.balancedAccuracy > best.score || (valMetrics.balancedAccuracy === best.score && valLoss < best.loss)) {
        best?.state.forEach((t) => t.dispose());
        best = {
          epoch,
          score: valMetrics.balancedAccuracy,
          loss: valLoss,
          state: new Map([...model.stateDict()].map(([k, t]) => [k, noGrad(() => t.clone())])),
        };
      }
    }
    model.loadStateDict(best!.state);
    model.eval();
    const labels = sets.test.y.toNumbers();
    const probabilities = probabilitiesOf(model, sets.test.x, batchSize);
    const subjects = test.map((s) => s.subject);
    const metrics = headline(computeMetrics(labels, probabilities, data.classes));
    const intervals = bootstrapMetrics(labels, probabilities, data.classes, { seed, groups: subjects });
    return {
      classes: [...data.classes],
      counts: { train: n, val: val.length, test: test.length },
      splitSource: data.splitSource,
      history,
      bestEpoch: best!.epoch,
      test: { metrics, intervals, probabilities, labels, subjects },
    };
  } finally {
    best?.state.forEach((t) => t.dispose());
    opt.disposeState();
    model.dispose();
    for (const set of Object.values(sets)) {
      set.x.dispose();
      set.y.dispose();
    }
  }
}
