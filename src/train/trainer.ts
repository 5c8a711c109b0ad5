/**
 * The training engine behind `alzbench train`, in the order things happen: settings and run
 * folder, data, model/optimizer/schedule (or their checkpointed state on resume), then per epoch
 * shuffle, augment, step, validate, select, checkpoint and log; at the end the test evaluation of
 * the best and last epochs with confidence intervals, predictions, Grad-CAM images and plots.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tensor } from '../torch/tensor.js';
import { tensor } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { manualSeed, setRngState } from '../torch/random.js';
import { cudaDeviceCount, getNumThreads, setNumThreads, torchVersion } from '../torch/memory.js';
import { crossEntropy } from '../nn/functional.js';
import type { Module } from '../nn/module.js';
import { getModel, getModelSpec, resolveModelOptions } from '../models/registry.js';
import { writeManifest } from '../data/manifest.js';
import { checkSplitUnchanged } from './check-split.js';
import { seededRandom } from '../data/seeded-shuffle.js';
import { AlzbenchError, invalid } from '../util/errors.js';
import { computeMetrics, headline, type Metrics } from '../eval/metrics.js';
import { isCollapsed } from '../eval/collapse.js';
import { toModelInput } from '../eval/model-input.js';
import { augmentBatch } from './augment.js';
import { resolveConfig, validateSettings, type TrainConfig, type TrainConfigInput } from './config.js';
import { CheckpointError, copyCheckpoint, disposeCheckpoint, loadCheckpoint, saveCheckpoint, type TrainerState } from '../models/checkpoint.js';
import { disposeTrainingData, loadTrainingData, sliceCacheDir, type TrainingData } from '../data/data-tensors.js';
import { readRunRecord } from '../run-folder/run-files.js';
import { StopSignals } from './stop-signals.js';
import type { EpochRecord, TrainEvent } from './events.js';
import { makeOptimizer, makeSchedule, resolvedLr, resolvedWeightDecay } from './optimizer-factory.js';
import { writePlots } from './plots.js';
import { runVolumeTraining } from './volume-run.js';
import { checkVolumeSettings } from './volume-settings.js';
import {
  appendMetricsLine,
  codeVersion,
  createRunFolder,
  findRunFolder,
  machineInfo,
  newRunId,
  processAlive,
  readJson,
  updateRunRecord,
  writeFileAtomic,
  writeJsonAtomic,
  type RunPaths,
  type RunRecord,
  type RunStatus,
} from '../run-folder/run-folder.js';
import { balancedClassWeights, epochOrder } from './sampling.js';
import { writeTestArtifacts, type TestReport } from './test-phase.js';
import { recalibrateBatchNorm } from './recalibrate-bn.js';
import { GradScaler } from '../optim/grad-scaler.js';
import { BatchReadback } from './batch-readback.js';
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

/** Value of the selection metric, oriented so that larger is better. */
function selectionScore(config: TrainConfig, m: Metrics): number {
  const value = config.selectMetric === 'loss' ? -m.loss : m[config.selectMetric];
  return Number.isFinite(value) ? value : -Infinity;
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
  const id = options.runId ?? newRunId(config.model);
  const paths = createRunFolder(config.runsDir, id);
  const record: RunRecord = {
    format: 'alzbench-run',
    version: 1,
    id,
    name: config.name,
    status: 'queued',
    flags: options.given ?? (settings as Record<string, unknown>),
    ...(recipe ? { recipe } : {}),
    created: new Date().toISOString(),
    code: codeVersion(),
    machine: machineInfo(),
  };
  writeJsonAtomic(paths.record, record);
  writeJsonAtomic(paths.config, config);
  writeFileSync(paths.metrics, '');
  return config.input === 'volume' ? runVolumeTraining(paths, config, false, options) : runTraining(paths, config, false, options);
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
  const paths = findRunFolder(ref, options.runsDir);
  const record = readRunRecord(paths.record);
  if (record.status === 'done' || record.status === 'collapsed' || record.status === 'diverged') {
    throw new AlzbenchError(`Run ${record.id} has already ended (status ${record.status}); nothing to resume`, { exitCode: 2 });
  }
  if (record.status === 'running' && record.pid !== undefined && record.pid !== process.pid && processAlive(record.pid)) {
    throw new AlzbenchError(`Run ${record.id} is still running in process ${record.pid}`, { hint: 'stop that process first, or wait for it', exitCode: 2 });
  }
  // config.json is read back through the settings' rules: a damaged or edited file is a named error.
  const config = resolveConfig(validateSettings(readJson<Record<string, unknown>>(paths.config), { kind: 'file', file: paths.config }));
  const restart = `alzbench train --resume ${record.id} --from-scratch${options.runsDir ? ` --runs-dir ${options.runsDir}` : ''}`;
  if (options.fromScratch) {
    // Explicitly asked: drop the checkpoints and metrics, train from epoch 1 with the same settings.
    rmSync(paths.last, { force: true });
    rmSync(paths.best, { force: true });
    updateRunRecord(paths, { epochsDone: 0, bestEpoch: null });
  } else if (!existsSync(paths.last)) {
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
  return config.input === 'volume' ? runVolumeTraining(paths, config, true, options) : runTraining(paths, config, true, options);
}

function emit(options: TrainOptions, event: TrainEvent): void {
  options.onEvent?.(event);
}

async function runTraining(paths: RunPaths, given: TrainConfig, resuming: boolean, options: TrainOptions): Promise<TrainResult> {
  const now = () => new Date().toISOString();
  const before = readRunRecord(paths.record);
  updateRunRecord(paths, { status: 'running', pid: process.pid, started: before.started ?? now() });
  const signals = options.handleSignals === false ? null : new StopSignals();
  const log = (text: string) => emit(options, { type: 'message', text });
  let data: TrainingData | undefined;
  let model: Module | undefined;
  let optimizer: ReturnType<typeof makeOptimizer> | undefined;
  let classWeights: Tensor | null = null;
  let ema: WeightEma | null = null;
  try {
    // ---- settings that need the machine or the data ------------------------------------------
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
    const spec = getModelSpec(given.model);
    // This trainer feeds 2-D slices; a volume model would fail on its first batch.
    if (spec.input === 'volume') {
      throw invalid(
        'a slice model (this trainer feeds 2-D slices)',
        'model',
        given.model,
        `${given.model} takes whole 3-D volumes: train it with --input volume (README "Whole volumes")`,
      );
    }
    data = await loadTrainingData({
      ...given,
      cacheDir: sliceCacheDir(given),
      log,
      ...(given.folds >= 2 ? { crossValidation: { folds: given.folds, fold: given.fold!, seed: given.splitSeed } } : {}),
    });
    const { prepared, splits } = data;
    const classes = prepared.task.classes;
    if (resuming && before.dataset && before.dataset.fingerprint !== prepared.fingerprint) {
      throw new AlzbenchError(
        `The data set changed since run ${before.id} started (fingerprint ${prepared.fingerprint.slice(0, 12)} vs ${before.dataset.fingerprint.slice(0, 12)})`,
        {
          hint: 'resume needs the same files; start a new run instead',
        },
      );
    }
    if (resuming) await checkSplitUnchanged(paths.split, prepared.manifest, before.id);
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
    if (splits.train.labelList.length === 0 || splits.val.labelList.length === 0) {
      throw new AlzbenchError(`The split left ${splits.train.labelList.length} training and ${splits.val.labelList.length} validation slices`, {
        hint: 'a larger data set is needed (validation selects the best epoch)',
        exitCode: 2,
      });
    }
    writeJsonAtomic(paths.config, config);
    await writeManifest(paths.split, prepared.manifest);
    const counts: Record<string, Record<string, number>> = {};
    for (const split of ['train', 'val', 'test'] as const) {
      counts[split] = Object.fromEntries(classes.map((c, k) => [c, splits[split].labelList.filter((l) => l === k).length]));
    }
    updateRunRecord(paths, {
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
    });
    log(
      `run ${before.id}: ${config.model} on ${config.task} (${classes.join(', ')}), ${h}x${w}, ` +
        `train ${splits.train.labelList.length} / val ${splits.val.labelList.length} / test ${splits.test.labelList.length} slices (${prepared.grouping} grouping), ${config.threads} threads, ${config.device}`,
    );
    for (const t of prepared.audit.twins.bySplit) {
      if (t.withTwinInTrain > 0)
        log(
          `leakage audit: ${t.withTwinInTrain} of ${t.subjects} ${t.split} ${prepared.audit.twins.unit === 'slice' ? 'slices' : `${prepared.audit.twins.unit}s`} have a twin in train (the same person on both sides)`,
        );
    }

    // ---- model, optimizer, schedule: fresh, or as checkpointed --------------------------------
    manualSeed(config.seed);
    model = getModel(config.model, { ...modelRequest, ...(config.weights ? { weights: config.weights } : {}) });
    if (config.device !== 'cpu') model.to(config.device);
    // NHWC weights make oneDNN pick its faster channels-last convolutions (measured 1.3-1.4x per
    // step on CPU, BENCHMARKS.md); inputs follow the weights' layout inside each conv.
    if (config.channelsLast) model.toMemoryFormat('channelsLast');
    optimizer = makeOptimizer(config, model.parameters());
    if (config.ema > 0) ema = new WeightEma(model, config.ema);
    const emaPath = join(paths.dir, 'checkpoints', 'ema-training-weights.safetensors');
    const schedule = makeSchedule(config, optimizer);
    if (config.balance === 'weights') {
      classWeights = tensor(balancedClassWeights(splits.train.labelList, classes.length), { device: config.device });
    }
    let state: TrainerState = { epoch: 0, best: null, badEpochs: 0, history: [] };
    const scaler = config.amp === 'fp16' ? new GradScaler() : null;
    const autocastType = config.device.startsWith('cuda') ? 'cuda' : 'cpu';
    if (resuming && existsSync(paths.last)) {
      const checkpoint = loadCheckpoint(paths.last);
      try {
        model.loadStateDict(checkpoint.model);
        if (checkpoint.optimizer) optimizer.loadStateDict(checkpoint.optimizer);
        if (schedule && checkpoint.scheduler) schedule.loadStateDict(checkpoint.scheduler);
        for (const [device, rng] of checkpoint.rng) setRngState(rng, device);
        state = checkpoint.trainer;
        if (scaler && state.scaler) scaler.loadStateDict(state.scaler);
      } finally {
        disposeCheckpoint(checkpoint);
      }
      ema?.restore(model, emaPath);
      log(`resuming after epoch ${state.epoch}`);
    }
    // The epoch this resume really continues from: the checkpoint's, not the record's count.
    if (resuming) updateRunRecord(paths, { resumed: [...(before.resumed ?? []), { at: now(), fromEpoch: state.epoch, pid: process.pid }] });
    // metrics.jsonl holds exactly the checkpointed epochs (a line written after the last
    // checkpoint, by a process killed just then, is dropped and redone).
    writeFileAtomic(paths.metrics, state.history.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const history = [...state.history] as unknown as EpochRecord[];
    const collapsedEpochs = history.filter((r) => r.collapsed).map((r) => r.epoch);

    // ---- epochs -------------------------------------------------------------------------------
    const train = splits.train;
    const nTrain = train.labelList.length;
    const batches = Math.ceil(nTrain / config.batchSize);
    const augmentSettings = config;
    let diverged: string | undefined;
    let stoppedEarly = false;
    let interrupted: string | undefined;
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
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      // Losses and hits stay on the device until the logging interval ends (see BatchReadback).
      const readback = new BatchReadback();
      for (let b = 0; b < batches; b++) {
        const index = order.slice(b * config.batchSize, (b + 1) * config.batchSize);
        tidy(() => {
          const idx = tensor(index, { dtype: 'int64', device: config.device });
          const x = augmentBatch(toModelInput(train.images.indexSelect(0, idx)), augmentSettings, seededRandom(config.seed, `augment:${epoch}:${b}`));
          const y = train.labels.indexSelect(0, idx);
          optimizer!.zeroGrad();
          // Forward and loss under autocast when asked (backward runs outside it, as in PyTorch).
          const forward = () => {
            const out = model!.forward(x);
            return { logits: out, lossTensor: crossEntropy(out, y, { weight: classWeights, labelSmoothing: config.labelSmoothing }) };
          };
          const { logits, lossTensor } = config.amp === 'none' ? forward() : autocast(autocastType, config.amp === 'bf16' ? 'bfloat16' : 'float16', forward);
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
        if (readback.length < config.logEvery && b < batches - 1) continue;
        const first = b + 1 - readback.length;
        const { losses, hits, sizes } = readback.read();
        const bad = losses.findIndex((loss) => !Number.isFinite(loss));
        if (bad >= 0) {
          // Read back at the end of the interval: later batches of it have stepped already, but
          // a non-finite loss ends the run as diverged either way.
          diverged = `training loss was ${losses[bad]} at epoch ${epoch}, batch ${first + bad + 1} of ${batches} (lr ${lr})`;
          break;
        }
        // Let a pending SIGINT/SIGTERM handler run (the batch loop is otherwise synchronous).
        if (signals) await signals.poll();
        if (signals?.received) break;
        losses.forEach((loss, k) => {
          lossSum += loss * sizes[k]!;
          correct += hits[k]!;
          seen += sizes[k]!;
        });
        const elapsed = (performance.now() - epochStart) / 1000;
        const rate = seen / elapsed;
        emit(options, {
          type: 'batch',
          epoch,
          epochs: config.epochs,
          done: seen,
          total: nTrain,
          imagesPerSecond: rate,
          etaSeconds: (nTrain - seen) / rate + (config.epochs - epoch) * (nTrain / rate),
          loss: lossSum / seen,
        });
      }
      readback.dispose();
      if (diverged || signals?.received) break;
      const trainSeconds = (performance.now() - epochStart) / 1000;
      ema?.swapIn(model); // validate (and checkpoint) the averaged weights
      if (config.bnRecalibration > 0) {
        // Fresh batch-norm statistics for this epoch's weights, from un-augmented training slices
        // in this epoch's shuffled order (a class-sorted prefix would bias them).
        const chosen = order.slice(0, Math.min(nTrain, config.bnRecalibration));
        const groups: number[][] = [];
        for (let s = 0; s < chosen.length; s += config.batchSize) groups.push(chosen.slice(s, s + config.batchSize));
        if (groups.length > 1 && groups.at(-1)!.length < 2) groups[groups.length - 2]!.push(...groups.pop()!); // BN needs 2+ per batch
        recalibrateBatchNorm(
          model,
          groups.map((g) => () => toModelInput(train.images.indexSelect(0, tensor(g, { dtype: 'int64', device: config.device })))),
        );
      }

      const val = inferWithTta(model, splits.val.images, splits.val.labels, Math.max(64, config.batchSize), config.tta, splits.val.labelList);
      const valMetrics = computeMetrics(splits.val.labelList, val.probabilities, classes, { loss: val.loss });
      const collapsed = isCollapsed(valMetrics, config.collapseThreshold);
      if (collapsed) collapsedEpochs.push(epoch);
      schedule?.step(val.loss);
      const score = selectionScore(config, valMetrics);
      const isBest = state.best === null || score > state.best.value;
      const record: EpochRecord = {
        epoch,
        lr,
        trainLoss: lossSum / seen,
        trainAccuracy: correct / seen,
        val: { ...headline(valMetrics), confusion: valMetrics.confusion, predictedShare: classes.map((c) => valMetrics.perClass[c]!.predictedShare) },
        collapsed,
        best: isBest,
        // Training and validation; the checkpoint write after this is not counted.
        seconds: (performance.now() - epochStart) / 1000,
        trainSeconds,
        imagesPerSecond: seen / trainSeconds,
        valSeconds: val.seconds,
      };
      state = {
        epoch,
        best: isBest ? { epoch, value: score } : state.best,
        badEpochs: isBest ? 0 : state.badEpochs + 1,
        history: [...history, record],
        ...(scaler ? { scaler: scaler.stateDict() } : {}),
      };
      saveCheckpoint(paths.last, {
        model,
        optimizer,
        scheduler: schedule,
        config: { ...config, classes },
        trainer: state,
        rngDevices: config.device === 'cpu' ? ['cpu'] : ['cpu', config.device],
      });
      if (isBest) copyCheckpoint(paths.last, paths.best);
      if (ema) {
        ema.save(emaPath); // the training weights, for resume (the checkpoint holds the average)
        ema.swapOut(model);
      }
      history.push(record);
      appendMetricsLine(paths, record);
      writePlots(paths, history);
      updateRunRecord(paths, { epochsDone: epoch, bestEpoch: state.best?.epoch ?? null, collapse: { epochs: collapsedEpochs, final: false } });
      emit(options, { type: 'epoch', epochs: config.epochs, record });
      if (options.haltAfterEpoch === epoch) {
        return { id: before.id, dir: paths.dir, status: 'running', epochsDone: epoch, bestEpoch: state.best?.epoch ?? null, history, test: null };
      }
    }
    if (signals?.received) {
      interrupted = `stopped by ${signals.received} after epoch ${state.epoch} (its last checkpoint)`;
      updateRunRecord(paths, { status: 'interrupted', pid: undefined, reason: interrupted });
      log(`INTERRUPTED: ${interrupted}; continue with: alzbench train --resume ${before.id} --runs-dir ${dirname(paths.dir)}`);
      return {
        id: before.id,
        dir: paths.dir,
        status: 'interrupted',
        reason: interrupted,
        epochsDone: state.epoch,
        bestEpoch: state.best?.epoch ?? null,
        history,
        test: null,
      };
    }
    if (stoppedEarly) log(`early stopping: no improvement of ${config.selectMetric} for ${config.patience} epochs (best epoch ${state.best?.epoch})`);
    if (diverged) log(`DIVERGED: ${diverged}`);

    // ---- test ---------------------------------------------------------------------------------
    let test: TestReport | null = null;
    ema?.swapIn(model); // the last epoch is evaluated with its averaged weights, as validated
    if (existsSync(paths.best) && splits.test.labelList.length > 0) {
      test = await writeTestArtifacts({
        paths,
        config,
        model,
        data,
        lastEpoch: diverged ? null : (history.at(-1)?.epoch ?? null),
        bestEpoch: state.best?.epoch ?? null,
        log,
      });
    }
    if (splits.test.labelList.length === 0) log('no test slices in the split: test metrics, predictions and Grad-CAM skipped');
    const finalCollapsed = test?.best.collapsed ?? history.find((r) => r.epoch === state.best?.epoch)?.collapsed ?? false;
    const status: RunStatus = diverged ? 'diverged' : finalCollapsed ? 'collapsed' : 'done';
    const reason =
      diverged ??
      (finalCollapsed
        ? `the selected model (epoch ${state.best?.epoch}) predicts one class for at least ${config.collapseThreshold * 100} % of ${test ? 'test' : 'validation'} slices`
        : undefined);
    updateRunRecord(paths, {
      status,
      pid: undefined,
      finished: now(),
      collapse: { epochs: collapsedEpochs, final: finalCollapsed },
      ...(reason ? { reason } : {}),
      ...(test ? { test: test.best.headline } : {}),
    });
    if (finalCollapsed) log(`COLLAPSED: ${reason}`);
    return {
      id: before.id,
      dir: paths.dir,
      status,
      ...(reason ? { reason } : {}),
      epochsDone: history.at(-1)?.epoch ?? 0,
      bestEpoch: state.best?.epoch ?? null,
      history,
      test,
    };
  } catch (error) {
    updateRunRecord(paths, { status: 'failed', pid: undefined, finished: now(), reason: (error as Error).message });
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
