import type { Module } from '../nn/module.js';
import { getModel } from './registry.js';
import { parseChain, type Chain } from '../preprocess/chain-spec.js';
import { AlzbenchError } from '../util/errors.js';
import { disposeCheckpoint, loadCheckpoint } from './checkpoint.js';
import { resolveCheckpointPath } from '../run-folder/run-folder.js';
import { parseVolumeShape, volumePreprocessing, type VolumePreprocessing } from '../data/volume-dataset.js';

/**
 * The settings a checkpoint records that loading and evaluating need (a subset of the trainer's
 * resolved config, which the checkpoint holds whole; the other settings are kept as they were).
 */
export interface TrainedModelConfig {
  readonly model: string;
  readonly task: string;
  readonly classes: readonly string[];
  readonly imageSize: readonly number[];
  readonly pipeline: string;
  readonly dropout: number | null;
  readonly widths: readonly number[] | null;
  readonly collapseThreshold?: number;
  readonly [setting: string]: unknown;
}

/** A trained model ready for inference, with what its inputs must look like. */
export interface TrainedModel {
  readonly model: Module;
  readonly config: TrainedModelConfig;
  readonly classes: readonly string[];
  readonly chain: Chain;
  readonly imageSize: [number, number];
  readonly checkpoint: string;
  readonly epoch: number;
  /** What one sample is: a 2-D slice, or a whole volume (`train --input volume`). */
  readonly input: 'slice' | 'volume';
  /** Volume runs: the spacing, shape and chain each volume goes through before the model; null for slice runs. */
  readonly volume: VolumePreprocessing | null;
}

/**
 * Loads a trained model from a checkpoint file, a run folder (its best checkpoint) or a run id
 * under `runsDir`, in eval mode on the CPU (or `device`).
 *
 * @example
 * const { model, classes, chain, imageSize } = loadTrainedModel('runs/20250101-120000-simple_cnn-1a2b3c');
 */
export function loadTrainedModel(ref: string, options: { runsDir?: string; device?: string } = {}): TrainedModel {
  const path = resolveCheckpointPath(ref, options.runsDir);
  const checkpoint = loadCheckpoint(path);
  try {
    const config = checkpoint.config as unknown as TrainedModelConfig;
    const input = config.input === 'volume' ? 'volume' : 'slice';
    if (!config.model || !Array.isArray(config.classes) || (input === 'slice' ? !Array.isArray(config.imageSize) : typeof config.volumeShape !== 'string')) {
      throw new AlzbenchError(`Checkpoint ${path} does not record its model, classes and ${input === 'slice' ? 'image size' : 'volume shape'}`, {
        exitCode: 2,
      });
    }
    // Volume runs: the shape and spacing the run prepared its volumes with (eval and predict repeat them).
    const volume =
      input === 'volume'
        ? volumePreprocessing(
            parseVolumeShape(config.volumeShape as string, `volumeShape in ${path}`),
            typeof config.spacing === 'number' ? config.spacing : null,
          )
        : null;
    const model = getModel(config.model, {
      inChannels: 1,
      numClasses: config.classes.length,
      ...(config.dropout === null ? {} : { dropout: config.dropout }),
      ...(config.widths === null ? {} : { widths: [...config.widths] }),
      ...(volume ? { inputShape: volume.shape } : {}),
    });
    model.loadStateDict(checkpoint.model);
    if (options.device && options.device !== 'cpu') model.to(options.device);
    model.eval();
    return {
      model,
      config,
      classes: config.classes,
      chain: parseChain(config.pipeline),
      imageSize: (volume ? [0, 0] : config.imageSize) as [number, number],
      checkpoint: path,
      epoch: checkpoint.trainer.epoch,
      input,
      volume,
    };
  } finally {
    disposeCheckpoint(checkpoint);
  }
}
