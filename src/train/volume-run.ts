/**
 * `alzbench train --input volume`: the run-folder training loop for whole volumes, one sample per
 * scan session of a BIDS folder, split by person (data/volume-dataset.ts). It writes the same run
 * folder as slice runs (run.json, config.json, split.json, metrics.jsonl, checkpoints with their
 * checksums, test.json with subject-bootstrap CIs, predictions.csv per session, plots, Grad-CAM),
 * so `runs`, `show`, `compare`, the store and the dashboard read it unchanged. In the order things
 * happen: settings, data, model/optimizer/schedule (or their checkpointed state on resume), then
 * per epoch shuffle, augment, step, recompute batch-norm statistics, validate, select, checkpoint
 * and log; at the end the test evaluation of the best and last epochs.
 */
import type { Tensor } from '../torch/tensor.js';
import { tensor, zeros } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { manualSeed, setRngState } from '../torch/random.js';
import { cudaDeviceCount, getNumThreads, setNumThreads, torchVersion } from '../torch/memory.js';
import { crossEntropy } from '../nn/functional.js';
import type { Module } from '../nn/module.js';
import { getModel, getModelSpec, resolveModelOptions } from '../models/registry.js';
import { createRng } from '../data/synth/rng.js';
import { RandVolumeAugment } from '../data/volume-transforms/index.js';
import {
  loadVolumeSplit,
  openVolumeDataset,
  parseVolumeShape,
  volumeManifest,
  volumePipeline,
  volumePreprocessing,
  type VolumeDataset,
} from '../data/volume-dataset.js';
import { AlzbenchError, invalid } from '../util/errors.js';
import { computeMetrics } from '../eval/metrics.js';
import { inferVolumes } from '../eval/infer-volumes.js';
import type { TrainConfig } from './config.js';
import { disposeCheckpoint, loadCheckpoint, type TrainerState } from '../models/checkpoint.js';
import { StopSignals } from './stop-signals.js';
import { validatedEpoch } from './validated-epoch.js';
import { trainEpochBatches } from './epoch-batches.js';
import { checkSplitSizes } from './split-sizes.js';
import { endedRun, interruptedRun } from './run-end.js';
import type { EpochRecord } from './events.js';
import type { TrainOptions, TrainResult } from './trainer.js';
import { makeOptimizer, makeSchedule, resolvedLr, resolvedWeightDecay } from './optimizer-factory.js';
import { machineInfo } from '../run-folder/run-folder.js';
import type { RunRecorder } from './run-recorder.js';
import { balancedClassWeights, epochOrder } from './sampling.js';
import { recalibrateBatchNorm } from './recalibrate-bn.js';
import { checkSplitUnchanged } from './check-split.js';
import { writeVolumeTestArtifacts, type VolumeSplits } from './volume-test-phase.js';
import type { TestReport } from './test-phase.js';

/** Random augmentation of one batch, drawn from a stream keyed by (seed, epoch, batch) so that resume repeats it. */
function batchAugment(seed: number, epoch: number, batch: number): RandVolumeAugment {
  const state = Math.floor(createRng(seed, 'volume-augment', epoch, batch).next() * 0x100000000);
  return new RandVolumeAugment({ rotateRange: [0.05, 0.05, 0.05], scaleRange: 0.05, flipProb: [0.5, 0, 0] }).setRandomState(state);
}

/**
 * Trains a volume run in an existing run folder (fresh or resumed): the volume counterpart of the
 * slice trainer's loop, called by `train()` and `resumeRun()` when `config.input` is `volume`.
 */
export async function runVolumeTraining(run: RunRecorder, given: TrainConfig, resuming: boolean, options: TrainOptions): Promise<TrainResult> {
  run.start();
  const { paths, record: before } = run;
  const signals = options.handleSignals === false ? null : new StopSignals();
  const emit = options.onEvent ?? (() => undefined);
  const log = (text: string) => emit({ type: 'message', text });
  // Each split's tensors as soon as they exist, so the finally block frees them when a later split
  // fails to load or a move to the device fails part way.
  const loaded: Partial<VolumeSplits> = {};
  let sets: VolumeSplits | undefined;
  let model: Module | undefined;
  let optimizer: ReturnType<typeof makeOptimizer> | undefined;
  let classWeights: Tensor | null = null;
  try {
    // ---- settings that need the machine or the data ------------------------------------------
    if (given.threads !== null) setNumThreads(given.threads);
    if (given.device.startsWith('cuda') && cudaDeviceCount() === 0) {
      throw invalid(
        'a device this libtorch has (cpu; no CUDA device found)',
        'device',
        given.device,
        'build the addon against a CUDA libtorch (README "Another libtorch")',
      );
    }
    const spec = getModelSpec(given.model);
    const shape = given.volumeShape === null ? (spec.defaultInputSize as [number, number, number]) : parseVolumeShape(given.volumeShape, 'volumeShape');
    const preprocessing = volumePreprocessing(shape, given.spacing);
    const started = performance.now();
    const data: VolumeDataset = openVolumeDataset(given.data, {
      ...(given.task === 'auto' ? {} : { task: given.task }),
      diagnosisColumn: given.diagnosisColumn,
      splitSeed: given.splitSeed,
      ...(given.folds >= 2 ? { crossValidation: { folds: given.folds, fold: given.fold!, seed: given.splitSeed } } : {}),
    });
    for (const note of data.notes) log(`data: ${note}`);
    const classes = data.classes;
    const bySplit = (split: 'train' | 'val' | 'test') => data.samples.filter((s) => s.split === split);
    const samples = { train: bySplit('train'), val: bySplit('val'), test: bySplit('test') };
    const people = (split: 'train' | 'val' | 'test') => new Set(samples[split].map((s) => s.subject)).size;
    const noTest = checkSplitSizes({
      samples: { train: samples.train.length, val: samples.val.length, test: samples.test.length },
      groups: { train: people('train'), val: people('val'), test: people('test') },
      sampleNoun: 'sessions',
      groupNoun: 'people',
      source: data.splitSource,
    });
    if (resuming && before.dataset && before.dataset.fingerprint !== data.fingerprint) {
      throw new AlzbenchError(
        `The data set changed since run ${before.id} started (fingerprint ${data.fingerprint.slice(0, 12)} vs ${before.dataset.fingerprint.slice(0, 12)})`,
        { hint: 'resume needs the same files; start a new run instead' },
      );
    }
    const manifest = volumeManifest(data, given.splitSeed);
    if (resuming) await checkSplitUnchanged(paths.split, manifest, before.id);
    const pipeline = volumePipeline(preprocessing);
    for (const split of ['train', 'val', 'test'] as const) {
      // An empty test split (allowed, split-sizes.ts) is an empty batch of the prepared shape.
      loaded[split] =
        samples[split].length === 0
          ? { x: zeros([0, 1, ...preprocessing.shape]), y: tensor([], { dtype: 'int64' }) }
          : await loadVolumeSplit(samples[split], pipeline);
    }
    sets = loaded as VolumeSplits;
    const seconds = (performance.now() - started) / 1000;
    const modelRequest = {
      inChannels: 1,
      numClasses: classes.length,
      inputShape: shape,
      ...(given.dropout === null ? {} : { dropout: given.dropout }),
      ...(given.widths === null ? {} : { widths: given.widths }),
    };
    const modelOptions = resolveModelOptions(given.model, modelRequest);
    const config: TrainConfig = {
      ...given,
      task: data.task,
      volumeShape: shape.join('x'),
      lr: resolvedLr(given),
      weightDecay: resolvedWeightDecay(given),
      dropout: modelOptions.dropout,
      widths: spec.family === 'simple_cnn_3d' ? modelOptions.widths : null,
      threads: getNumThreads(),
      channelsLast: false,
    };
    const counts: Record<string, Record<string, number>> = {};
    for (const split of ['train', 'val', 'test'] as const) {
      counts[split] = Object.fromEntries(classes.map((c, k) => [c, samples[split].filter((s) => s.label === k).length]));
    }
    await run.describe(config, manifest, {
      input: 'volume',
      device: config.device,
      task: config.task,
      classes,
      machine: { ...machineInfo(), threads: config.threads!, libtorch: torchVersion() },
      dataset: { root: data.root, layout: 'bids-volumes', fingerprint: data.fingerprint, slices: 0, volumes: data.samples.length },
      preprocessing: { chain: preprocessing.chain, backend: 'none', opencv: null, cache: null, slices: 0, seconds, volume: preprocessing },
      split: {
        grouping: 'subject',
        seed: config.splitSeed,
        counts,
        groups: { unit: 'session', source: data.splitSource, people: { train: people('train'), val: people('val'), test: people('test') } },
      },
    });
    log(
      `run ${before.id}: ${config.model} on ${config.task} (${classes.join(', ')}), volumes ${shape.join('x')}${config.spacing === null ? '' : ` at ${config.spacing} mm`}, ` +
        `train ${samples.train.length} / val ${samples.val.length} / test ${samples.test.length} sessions (split by person, ${data.splitSource}), ${config.threads} threads, ${config.device}`,
    );
    if (noTest) log(noTest);

    // ---- model, optimizer, schedule: fresh, or as checkpointed --------------------------------
    manualSeed(config.seed);
    model = getModel(config.model, { ...modelRequest, ...(config.weights ? { weights: config.weights } : {}) });
    if (config.device !== 'cpu') {
      model.to(config.device);
      // One tensor at a time, each replaced as soon as it is moved: a failed move leaves every
      // tensor once in `loaded`, for the finally block.
      for (const set of Object.values(sets)) {
        const x = set.x.to(config.device);
        set.x.dispose();
        set.x = x;
        const y = set.y.to(config.device);
        set.y.dispose();
        set.y = y;
      }
    }
    optimizer = makeOptimizer(config, model.parameters());
    const schedule = makeSchedule(config, optimizer);
    const trainLabels = samples.train.map((s) => s.label);
    if (config.balance === 'weights') classWeights = tensor(balancedClassWeights(trainLabels, classes.length), { device: config.device });
    let state: TrainerState = { epoch: 0, best: null, badEpochs: 0, history: [] };
    if (resuming && run.hasLastCheckpoint()) {
      const checkpoint = loadCheckpoint(paths.last);
      try {
        model.loadStateDict(checkpoint.model);
        if (checkpoint.optimizer) optimizer.loadStateDict(checkpoint.optimizer);
        if (schedule && checkpoint.scheduler) schedule.loadStateDict(checkpoint.scheduler);
        for (const [device, rng] of checkpoint.rng) setRngState(rng, device);
        state = checkpoint.trainer;
      } finally {
        disposeCheckpoint(checkpoint);
      }
      log(`resuming after epoch ${state.epoch}`);
    }
    if (resuming) run.resumed(state.epoch);
    run.restoreMetrics(state.history);
    const history = [...state.history] as unknown as EpochRecord[];
    const collapsedEpochs = history.filter((r) => r.collapsed).map((r) => r.epoch);

    // ---- epochs -------------------------------------------------------------------------------
    const train = sets.train;
    const nTrain = trainLabels.length;
    const inferBatch = Math.max(1, Math.min(config.batchSize, 8));
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
      const order = epochOrder(trainLabels, epoch, config.seed, config.balance === 'sampling' ? 'sampling' : 'shuffle');
      model.train();
      const batches = await trainEpochBatches(
        // The loss is read back every batch (--log-every is not yet for volume runs).
        { epoch, epochs: config.epochs, order, batchSize: config.batchSize, logEvery: 1, lr, started: epochStart, signals, emit },
        (b, index, readback) =>
          tidy(() => {
            const idx = tensor(index, { dtype: 'int64', device: config.device });
            const x0 = train.x.indexSelect(0, idx);
            const x = config.volumeAugment ? batchAugment(config.seed, epoch, b).apply(x0) : x0;
            const y = train.y.indexSelect(0, idx);
            optimizer!.zeroGrad();
            const logits = model!.forward(x);
            const lossTensor = crossEntropy(logits, y, { weight: classWeights, labelSmoothing: config.labelSmoothing });
            lossTensor.backward();
            optimizer!.step();
            readback.push(lossTensor, logits.argmax(1).eq(y).sum(), index.length);
          }),
      );
      const { lossSum, correct, seen } = batches;
      diverged = batches.diverged;
      if (diverged || signals?.received) break;
      const trainSeconds = (performance.now() - epochStart) / 1000;
      if (config.bnRecalibration > 0) {
        // Fresh batch-norm statistics for this epoch's weights from un-augmented training volumes
        // (few volumes per batch make the running averages lag; see the slice trainer).
        const chosen = order.slice(0, Math.min(nTrain, config.bnRecalibration));
        const groups: number[][] = [];
        for (let s = 0; s < chosen.length; s += config.batchSize) groups.push(chosen.slice(s, s + config.batchSize));
        if (groups.length > 1 && groups.at(-1)!.length < 2) groups[groups.length - 2]!.push(...groups.pop()!);
        recalibrateBatchNorm(
          model,
          groups.map((g) => () => train.x.indexSelect(0, tensor(g, { dtype: 'int64', device: config.device }))),
        );
      }
      const valLabels = samples.val.map((s) => s.label);
      const val = inferVolumes(model, sets.val.x, sets.val.y, inferBatch);
      const valMetrics = computeMetrics(valLabels, val.probabilities, classes, { loss: val.loss });
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
      state = closed.state;
      run.saveCheckpoint(
        {
          model,
          optimizer,
          scheduler: schedule,
          config: { ...config, classes },
          trainer: state,
          rngDevices: config.device === 'cpu' ? ['cpu'] : ['cpu', config.device],
        },
        isBest,
      );
      history.push(record);
      run.epochDone(record, history, { bestEpoch: state.best?.epoch ?? null, collapsedEpochs });
      emit({ type: 'epoch', epochs: config.epochs, record });
      if (options.haltAfterEpoch === epoch) {
        return { id: before.id, dir: paths.dir, status: 'running', epochsDone: epoch, bestEpoch: state.best?.epoch ?? null, history, test: null };
      }
    }
    if (signals?.received) return interruptedRun(run, signals.received, state, history, log);
    if (stoppedEarly) log(`early stopping: no improvement of ${config.selectMetric} for ${config.patience} epochs (best epoch ${state.best?.epoch})`);
    if (diverged) log(`DIVERGED: ${diverged}`);

    // ---- test ---------------------------------------------------------------------------------
    let test: TestReport | null = null;
    if (run.hasBestCheckpoint() && !noTest) {
      test = await writeVolumeTestArtifacts({
        run,
        config,
        model,
        classes,
        sets,
        test: samples.test,
        lastEpoch: diverged ? null : (history.at(-1)?.epoch ?? null),
        batchSize: inferBatch,
        log,
      });
    }
    return endedRun(run, { diverged, collapsedEpochs, test, noTest, samples: 'sessions', collapseThreshold: config.collapseThreshold }, state, history, log);
  } catch (error) {
    run.fail(error);
    throw error;
  } finally {
    signals?.dispose();
    classWeights?.dispose();
    optimizer?.disposeState();
    model?.dispose();
    for (const set of Object.values(loaded)) {
      set.x.dispose();
      set.y.dispose();
    }
  }
}
