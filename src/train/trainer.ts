/**
 * The training engine behind `alzbench train`, read top to bottom like nanoGPT's train.py:
 * set-up (the machine, the data and its split, the model, optimizer and schedule, or their
 * checkpointed state on resume), the epoch loop (shuffle, augment, step; validate and select;
 * checkpoint and log) and the finish (the test evaluation of the best and last epochs with
 * confidence intervals, predictions, Grad-CAM images, and the run's end state). Every file of the
 * run folder is written through one {@link RunRecorder}.
 */
import type { Tensor } from '../torch/tensor.js';
import { tensor } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { manualSeed, setRngState } from '../torch/random.js';
import { cudaDeviceCount, getNumThreads, setNumThreads, torchVersion } from '../torch/memory.js';
import { crossEntropy } from '../nn/functional.js';
import type { Module } from '../nn/module.js';
import { getModel, getModelSpec, resolveModelOptions } from '../models/registry.js';
import { checkSplitUnchanged } from './check-split.js';
import { seededRandom } from '../data/seeded-shuffle.js';
import { AlzbenchError, invalid } from '../util/errors.js';
import { computeMetrics } from '../eval/metrics.js';
import { augmentBatch } from './augment.js';
import { resolveConfig, validateSettings, type TrainConfig, type TrainConfigInput } from './config.js';
import { CheckpointError, disposeCheckpoint, loadCheckpoint, type TrainerState } from '../models/checkpoint.js';
import { disposeTrainingData, loadTrainingData, sliceCacheDir, type TrainingData } from '../data/data-tensors.js';
import { BatchPrefetcher, type BatchSource } from '../data/batch-prefetch.js';
import { StopSignals } from './stop-signals.js';
import { validatedEpoch } from './validated-epoch.js';
import { endedRun, interruptedRun } from './run-end.js';
import { checkSplitSizes, type SplitSizes } from './split-sizes.js';
import type { EpochRecord, TrainEvent } from './events.js';
import { makeOptimizer, makeSchedule, resolvedLr, resolvedWeightDecay } from './optimizer-factory.js';
import { machineInfo, newRunId, readJson, type RunRecord, type RunStatus } from '../run-folder/run-folder.js';
import { RunRecorder } from './run-recorder.js';
import { runVolumeTraining } from './volume-run.js';
import { checkVolumeSettings } from './volume-settings.js';
import { balancedClassWeights, epochOrder } from './sampling.js';
import { writeTestArtifacts, type TestReport } from './test-phase.js';
import { recalibrateBatchNorm } from './recalibrate-bn.js';
import { GradScaler } from '../optim/grad-scaler.js';
import { trainEpochBatches, type EpochBatchesResult } from './epoch-batches.js';
import { autocast } from '../torch/autocast.js';
import { applyRecipe, recipeRecord } from './recipe.js';
import { WeightEma } from './ema.js';
import { inferWithTta } from '../eval/tta.js';

/** Options of {@link train} and {@link resumeRun}. */
export interface TrainOptions {
  /** Progress and summaries (see `stderrReporter`). */
  readonly onEvent?: (event: TrainEvent) => void;
  /** Settings as the user gave them, for run.json (default: the input object). */
  readonly given?: Record<string, unknown>;
  /** Run id to use instead of a generated one. */
  readonly runId?: string;
  /**
   * Testing aid: return after this epoch's checkpoint as if the process had been killed there
   * (run.json stays `running`), so resume can be checked against an uninterrupted run.
   */
  readonly haltAfterEpoch?: number;
  /**
   * Stop at the next batch on SIGINT/SIGTERM, marking the run `interrupted` (default true). The
   * last checkpoint stays; `alzbench train --resume <id>` continues from it.
   */
  readonly handleSignals?: boolean;
}

/** What a finished (or stopped) run reports. */
export interface TrainResult {
  readonly id: string;
  readonly dir: string;
  readonly status: RunStatus;
  readonly reason?: string;
  readonly epochsDone: number;
  readonly bestEpoch: number | null;
  readonly history: readonly EpochRecord[];
  readonly test: TestReport | null;
}

/**
 * Trains a model from settings (any subset of {@link TrainConfig}; `data` is required) and writes
 * the run folder `<runsDir>/<id>/`. Resolves when the run ends (done, diverged, collapsed);
 * throws after marking the run `failed` on errors.
 *
 * @example
 * const result = await train({ data: 'demo-data', task: 'binary', model: 'simple_cnn', epochs: 5 }, { onEvent: stderrReporter() });
 * result.test?.best.metrics.balancedAccuracy;
 */
export async function train(settings: TrainConfigInput, options: TrainOptions = {}): Promise<TrainResult> {
  const validated = validateSettings(settings as Record<string, unknown>);
  const config = checkVolumeSettings(validated, resolveConfig(applyRecipe(validated)));
  const recipe = recipeRecord(validated, config as unknown as Record<string, unknown>);
  if (config.folds >= 2 && config.fold === null)
    throw invalid(`a test fold 0..${config.folds - 1} for one run (train --folds and sweeps make one run per fold)`, 'fold', null);
  if (config.folds === 1) throw invalid('0 (no cross-validation) or at least 2 folds', 'folds', 1);
  const run = RunRecorder.create({
    runsDir: config.runsDir,
    id: options.runId ?? newRunId(config.model),
    name: config.name,
    flags: options.given ?? (settings as Record<string, unknown>),
    ...(recipe ? { recipe } : {}),
    config,
  });
  return config.input === 'volume' ? runVolumeTraining(run, config, false, options) : runTraining(run, config, false, options);
}

/**
 * Continues a run that was killed or failed, from its last checkpoint (or from the start when it
 * died before the first one). With the same machine and thread count the continued epochs equal
 * those of an uninterrupted run: shuffling and augmentation are keyed by (seed, epoch), and the
 * checkpoint restores model, optimizer, schedule and the RNG.
 *
 * @param ref run folder path or run id under `runsDir`
 */
export async function resumeRun(ref: string, options: TrainOptions & { runsDir?: string; fromScratch?: boolean } = {}): Promise<TrainResult> {
  const run = RunRecorder.reopen(ref, options.runsDir);
  const { paths, record } = run;
  // config.json is read back through the settings' rules: a damaged or edited file is a named error.
  const config = resolveConfig(validateSettings(readJson<Record<string, unknown>>(paths.config), { kind: 'file', file: paths.config }));
  const restart = `alzbench train --resume ${record.id} --from-scratch${options.runsDir ? ` --runs-dir ${options.runsDir}` : ''}`;
  if (options.fromScratch) {
    // Explicitly asked: drop the checkpoints and metrics, train from epoch 1 with the same settings.
    run.dropCheckpoints();
  } else if (!run.hasLastCheckpoint()) {
    if ((record.epochsDone ?? 0) > 0) {
      throw new CheckpointError(
        `Run ${record.id} recorded ${record.epochsDone} finished epoch(s) but its checkpoint ${paths.last} is missing; resuming would silently start over`,
        {
          exitCode: 2,
          hint: `restore the file, or restart the run from epoch 1 with: ${restart}`,
        },
      );
    }
  } else {
    // Verify the checkpoint (format, version, tensor checksum) before loading any data.
    try {
      disposeCheckpoint(loadCheckpoint(paths.last));
    } catch (error) {
      if (error instanceof AlzbenchError)
        throw new CheckpointError(error.message, { exitCode: 2, hint: `restore the file, or restart the run from epoch 1 with: ${restart}` });
      throw error;
    }
  }
  return config.input === 'volume' ? runVolumeTraining(run, config, true, options) : runTraining(run, config, true, options);
}

function emit(options: TrainOptions, event: TrainEvent): void {
  options.onEvent?.(event);
}

async function runTraining(run: RunRecorder, given: TrainConfig, resuming: boolean, options: TrainOptions): Promise<TrainResult> {
  run.start();
  const signals = options.handleSignals === false ? null : new StopSignals();
  const log = (text: string) => emit(options, { type: 'message', text });
  let data: TrainingData | undefined;
  let model: Module | undefined;
  let optimizer: ReturnType<typeof makeOptimizer> | undefined;
  let classWeights: Tensor | null = null;
  let ema: WeightEma | null = null;
  try {
    // ---- set-up: the machine, the data and its split, the settings that depend on them -------
    checkMachine(given);
    data = await loadTrainingData({
      ...given,
      cacheDir: sliceCacheDir(given),
      memoryBudgetBytes: given.memoryBudget === null ? null : given.memoryBudget * 2 ** 20,
      log,
      ...(given.folds >= 2 ? { crossValidation: { folds: given.folds, fold: given.fold!, seed: given.splitSeed } } : {}),
    });
    const { prepared, splits } = data;
    const classes = prepared.task.classes;
    if (resuming) await checkSameData(run, data);
    const { config, modelRequest, noTest } = resolveForData(given, data);
    await run.describe(config, prepared.manifest, dataFields(config, data));
    logSetup(log, run.id, config, data);
    if (noTest) log(noTest);

    // ---- model, optimizer, schedule: fresh, or as checkpointed --------------------------------
    manualSeed(config.seed);
    model = getModel(config.model, { ...modelRequest, ...(config.weights ? { weights: config.weights } : {}) });
    if (config.device !== 'cpu') model.to(config.device);
    // NHWC weights make oneDNN pick its faster channels-last convolutions (measured 1.3-1.4x per
    // step on CPU, BENCHMARKS.md); inputs follow the weights' layout inside each conv.
    if (config.channelsLast) model.toMemoryFormat('channelsLast');
    optimizer = makeOptimizer(config, model.parameters());
    if (config.ema > 0) ema = new WeightEma(model, config.ema);
    const schedule = makeSchedule(config, optimizer);
    if (config.balance === 'weights') {
      classWeights = tensor(balancedClassWeights(splits.train.labelList, classes.length), { device: config.device });
    }
    let state: TrainerState = { epoch: 0, best: null, badEpochs: 0, history: [] };
    const scaler = config.amp === 'fp16' ? new GradScaler() : null;
    const autocastType = config.device.startsWith('cuda') ? 'cuda' : 'cpu';
    if (resuming && run.hasLastCheckpoint()) {
      state = restoreTraining(run.paths.last, { model, optimizer, schedule, scaler });
      ema?.restore(model, run.emaPath);
      log(`resuming after epoch ${state.epoch}`);
    }
    // The epoch this resume really continues from: the checkpoint's, not the record's count.
    if (resuming) run.resumed(state.epoch);
    run.restoreMetrics(state.history);
    const history = [...state.history] as unknown as EpochRecord[];
    const collapsedEpochs = history.filter((r) => r.collapsed).map((r) => r.epoch);

    // ---- epochs: train, validate, checkpoint, log ---------------------------------------------
    const train = splits.train;
    const augmentSettings = config;
    let diverged: string | undefined;
    let stoppedEarly = false;
    for (let epoch = state.epoch + 1; epoch <= config.epochs; epoch++) {
      if (signals?.received) break;
      if (config.patience > 0 && state.badEpochs >= config.patience) {
        stoppedEarly = true;
        break;
      }
      const epochStart = performance.now();
      const lr = optimizer.paramGroups[0]!.lr;
      const order = epochOrder(train.labelList, epoch, config.seed, config.balance === 'sampling' ? 'sampling' : 'shuffle');
      model.train();
      // Batch b+1 is assembled on the thread pool while batch b trains (data/batch-prefetch.ts).
      const prefetch = new BatchPrefetcher(train.batches, order, config.batchSize, { prefetch: config.prefetch });
      let batches: EpochBatchesResult;
      // The prefetched batches are freed however the loop ends (a step or a batch read that throws included).
      try {
        batches = await trainEpochBatches(
          {
            epoch,
            epochs: config.epochs,
            order,
            batchSize: config.batchSize,
            logEvery: config.logEvery,
            lr,
            started: epochStart,
            signals,
            emit: (e) => emit(options, e),
          },
          async (b, index, readback) => {
            const input = await prefetch.next();
            try {
              tidy(() => {
                const idx = tensor(index, { dtype: 'int64', device: config.device });
                const x = augmentBatch(input, augmentSettings, seededRandom(config.seed, `augment:${epoch}:${b}`));
                const y = train.labels.indexSelect(0, idx);
                optimizer!.zeroGrad();
                // Forward and loss under autocast when asked (backward runs outside it, as in PyTorch).
                const forward = () => {
                  const out = model!.forward(x);
                  return { logits: out, lossTensor: crossEntropy(out, y, { weight: classWeights, labelSmoothing: config.labelSmoothing }) };
                };
                const { logits, lossTensor } =
                  config.amp === 'none' ? forward() : autocast(autocastType, config.amp === 'bf16' ? 'bfloat16' : 'float16', forward);
                if (scaler) {
                  scaler.scaleLoss(lossTensor).backward();
                  if (scaler.unscaleAndUpdate(model!.parameters())) optimizer!.step(); // an overflowed step is skipped
                } else {
                  lossTensor.backward();
                  optimizer!.step();
                }
                ema?.update(model!);
                readback.push(lossTensor, logits.argmax(1).eq(y).sum(), index.length);
              });
            } finally {
              input.dispose();
            }
          },
        );
      } finally {
        await prefetch.dispose();
      }
      const { lossSum, correct, seen } = batches;
      diverged = batches.diverged;
      if (diverged || signals?.received) break;
      const trainSeconds = (performance.now() - epochStart) / 1000;

      // Validate (and checkpoint) the averaged weights, after fresh batch-norm statistics if asked.
      ema?.swapIn(model);
      if (config.bnRecalibration > 0) recalibrate(model, train.batches, order, config);
      const val = inferWithTta(model, splits.val.images, splits.val.labels, Math.max(64, config.batchSize), config.tta, splits.val.labelList);
      const valMetrics = computeMetrics(splits.val.labelList, val.probabilities, classes, { loss: val.loss });
      const closed = validatedEpoch(
        config,
        classes,
        { epoch, lr, lossSum, correct, seen, started: epochStart, trainSeconds },
        { metrics: valMetrics, seconds: val.seconds },
        state,
      );
      const { record, collapsed } = closed;
      const isBest = record.best;
      if (collapsed) collapsedEpochs.push(epoch);
      schedule?.step(val.loss);
      state = scaler ? { ...closed.state, scaler: scaler.stateDict() } : closed.state;

      // Checkpoint, then log: metrics.jsonl never holds an epoch the checkpoint lacks.
      const rngDevices = config.device === 'cpu' ? ['cpu'] : ['cpu', config.device];
      run.saveCheckpoint({ model, optimizer, scheduler: schedule, config: { ...config, classes }, trainer: state, rngDevices }, isBest, ema);
      ema?.swapOut(model);
      history.push(record);
      run.epochDone(record, history, { bestEpoch: state.best?.epoch ?? null, collapsedEpochs });
      emit(options, { type: 'epoch', epochs: config.epochs, record });
      if (options.haltAfterEpoch === epoch) {
        return { id: run.id, dir: run.paths.dir, status: 'running', epochsDone: epoch, bestEpoch: state.best?.epoch ?? null, history, test: null };
      }
    }

    // ---- finish: interrupted, or the test phase and the run's end -----------------------------
    if (signals?.received) return interruptedRun(run, signals.received, state, history, log);
    if (stoppedEarly) log(`early stopping: no improvement of ${config.selectMetric} for ${config.patience} epochs (best epoch ${state.best?.epoch})`);
    if (diverged) log(`DIVERGED: ${diverged}`);
    let test: TestReport | null = null;
    ema?.swapIn(model); // the last epoch is evaluated with its averaged weights, as validated
    if (run.hasBestCheckpoint() && !noTest) {
      test = await writeTestArtifacts({
        run,
        config,
        model,
        data,
        lastEpoch: diverged ? null : (history.at(-1)?.epoch ?? null),
        bestEpoch: state.best?.epoch ?? null,
        log,
      });
    }
    return endedRun(run, { diverged, collapsedEpochs, test, noTest, samples: 'slices', collapseThreshold: config.collapseThreshold }, state, history, log);
  } catch (error) {
    run.fail(error);
    throw error;
  } finally {
    signals?.dispose();
    classWeights?.dispose();
    ema?.dispose();
    optimizer?.disposeState();
    model?.dispose();
    if (data) disposeTrainingData(data);
  }
}

/** Refuses settings this machine or this trainer cannot run, before any data is read. */
function checkMachine(given: TrainConfig): void {
  if (given.threads !== null) setNumThreads(given.threads);
  if (given.amp === 'fp16' && !given.device.startsWith('cuda')) {
    throw invalid('none or bf16 on the CPU (CPU autocast has no float16)', 'amp', given.amp, 'use --amp bf16, or --device cuda');
  }
  if (given.device.startsWith('cuda') && cudaDeviceCount() === 0) {
    throw invalid(
      'a device this libtorch has (cpu; no CUDA device found)',
      'device',
      given.device,
      'build the addon against a CUDA libtorch (README "Another libtorch")',
    );
  }
  // This trainer feeds 2-D slices; a volume model would fail on its first batch.
  if (getModelSpec(given.model).input === 'volume') {
    throw invalid(
      'a slice model (this trainer feeds 2-D slices)',
      'model',
      given.model,
      `${given.model} takes whole 3-D volumes: train it with --input volume (README "Whole volumes")`,
    );
  }
}

/** On resume: the data set and its split must be the ones the run started with. */
async function checkSameData(run: RunRecorder, data: TrainingData): Promise<void> {
  const { prepared } = data;
  const before = run.record;
  if (before.dataset && before.dataset.fingerprint !== prepared.fingerprint) {
    throw new AlzbenchError(
      `The data set changed since run ${before.id} started (fingerprint ${prepared.fingerprint.slice(0, 12)} vs ${before.dataset.fingerprint.slice(0, 12)})`,
      {
        hint: 'resume needs the same files; start a new run instead',
      },
    );
  }
  await checkSplitUnchanged(run.paths.split, prepared.manifest, before.id);
}

/**
 * The settings as this run uses them (task, image size, learning rate, weight decay, dropout,
 * widths and threads resolved against the data and the model) and the model's constructor
 * options, and the note that the split has no test slices (null when it has); refuses images too
 * small for the model, one-class tasks and empty training or validation splits (split-sizes.ts).
 */
function resolveForData(given: TrainConfig, data: TrainingData) {
  const { prepared } = data;
  const classes = prepared.task.classes;
  const spec = getModelSpec(given.model);
  const modelRequest = {
    inChannels: 1,
    numClasses: classes.length,
    ...(given.dropout === null ? {} : { dropout: given.dropout }),
    ...(given.widths === null ? {} : { widths: given.widths }),
  };
  const modelOptions = resolveModelOptions(given.model, modelRequest);
  const config: TrainConfig = {
    ...given,
    task: prepared.task.name,
    imageSize: data.imageSize,
    lr: resolvedLr(given),
    weightDecay: resolvedWeightDecay(given),
    dropout: modelOptions.dropout,
    widths: spec.family === 'simple_cnn' ? modelOptions.widths : null,
    threads: getNumThreads(),
  };
  const [h, w] = data.imageSize;
  if (Math.min(h, w) < spec.minInputSize)
    throw invalid(`image size of at least ${spec.minInputSize} pixels per side for ${config.model}`, 'imageSize', `${h}x${w}`);
  if (classes.length < 2)
    throw new AlzbenchError(`Task ${config.task} has ${classes.length} class(es) in this data set; training needs at least 2`, { exitCode: 2 });
  const noTest = checkSplitSizes(sliceSplitSizes(data));
  return { config, modelRequest, noTest };
}

/** The slice run's split sizes for {@link checkSplitSizes}: slices, and the units of its grouping (subjects, pseudo-subjects, or the slices). */
function sliceSplitSizes(data: TrainingData): SplitSizes {
  const { prepared, splits } = data;
  const units = (split: 'train' | 'val' | 'test') => new Set(prepared.items.filter((it) => it.split === split).map((it) => it.group ?? it.item.id)).size;
  const samples = { train: splits.train.labelList.length, val: splits.val.labelList.length, test: splits.test.labelList.length };
  const groupNoun = { subject: 'subjects', pseudo: 'pseudo-subjects', none: 'slices' }[prepared.grouping];
  return {
    samples,
    groups: { train: units('train'), val: units('val'), test: units('test') },
    sampleNoun: 'slices',
    groupNoun,
    source: `${prepared.grouping} grouping`,
  };
}

/** run.json's fields about the data: device, task, machine, data set, preprocessing, split counts, leakage audit. */
function dataFields(config: TrainConfig, data: TrainingData): Partial<RunRecord> {
  const { prepared, splits } = data;
  const classes = prepared.task.classes;
  const counts: Record<string, Record<string, number>> = {};
  for (const split of ['train', 'val', 'test'] as const) {
    counts[split] = Object.fromEntries(classes.map((c, k) => [c, splits[split].labelList.filter((l) => l === k).length]));
  }
  return {
    device: config.device,
    task: config.task,
    classes,
    machine: { ...machineInfo(), threads: config.threads!, libtorch: torchVersion() },
    dataset: { root: prepared.dataset.root, layout: prepared.dataset.layout, fingerprint: prepared.fingerprint, slices: prepared.items.length },
    preprocessing: data.preprocessing,
    split: { grouping: prepared.grouping, seed: config.splitSeed, counts, groups: prepared.groups },
    leakage: {
      exactAcrossSplits: prepared.audit.exact.acrossSplits,
      nearAcrossSplits: prepared.audit.near.acrossSplits,
      closeToTrain: prepared.audit.closeToTrain,
      twins: prepared.audit.twins,
    },
  };
}

/** The run's first lines: what trains on what, and any person with slices on both sides of the split. */
function logSetup(log: (text: string) => void, id: string, config: TrainConfig, data: TrainingData): void {
  const { prepared, splits } = data;
  const [h, w] = data.imageSize;
  log(
    `run ${id}: ${config.model} on ${config.task} (${prepared.task.classes.join(', ')}), ${h}x${w}, ` +
      `train ${splits.train.labelList.length} / val ${splits.val.labelList.length} / test ${splits.test.labelList.length} slices (${prepared.grouping} grouping), ${config.threads} threads, ${config.device}`,
  );
  for (const t of prepared.audit.twins.bySplit) {
    if (t.withTwinInTrain > 0)
      log(
        `leakage audit: ${t.withTwinInTrain} of ${t.subjects} ${t.split} ${prepared.audit.twins.unit === 'slice' ? 'slices' : `${prepared.audit.twins.unit}s`} have a twin in train (the same person on both sides)`,
      );
  }
}

/** Loads model, optimizer, schedule, RNG and loss-scaler state from a checkpoint; returns the trainer's state. */
function restoreTraining(
  path: string,
  into: { model: Module; optimizer: ReturnType<typeof makeOptimizer>; schedule: ReturnType<typeof makeSchedule>; scaler: GradScaler | null },
): TrainerState {
  const checkpoint = loadCheckpoint(path);
  try {
    into.model.loadStateDict(checkpoint.model);
    if (checkpoint.optimizer) into.optimizer.loadStateDict(checkpoint.optimizer);
    if (into.schedule && checkpoint.scheduler) into.schedule.loadStateDict(checkpoint.scheduler);
    for (const [device, rng] of checkpoint.rng) setRngState(rng, device);
    const state = checkpoint.trainer;
    if (into.scaler && state.scaler) into.scaler.loadStateDict(state.scaler);
    return state;
  } finally {
    disposeCheckpoint(checkpoint);
  }
}

/**
 * Fresh batch-norm statistics for this epoch's weights, from up to `config.bnRecalibration`
 * un-augmented training slices in this epoch's shuffled order (a class-sorted prefix would bias them).
 */
function recalibrate(model: Module, batches: BatchSource, order: readonly number[], config: TrainConfig): void {
  const chosen = order.slice(0, Math.min(order.length, config.bnRecalibration));
  const groups: number[][] = [];
  for (let s = 0; s < chosen.length; s += config.batchSize) groups.push(chosen.slice(s, s + config.batchSize));
  if (groups.length > 1 && groups.at(-1)!.length < 2) groups[groups.length - 2]!.push(...groups.pop()!); // BN needs 2+ per batch
  recalibrateBatchNorm(
    model,
    groups.map((g) => () => batches.loadSync(g)),
  );
}
