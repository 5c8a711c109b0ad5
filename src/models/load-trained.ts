import type { Module } from '../nn/module.js';
import { getModel } from './registry.js';
import { parseChain, type Chain } from '../preprocess/chain-spec.js';
import { AlzbenchError } from '../util/errors.js';
import { disposeCheckpoint, loadCheckpoint } from './checkpoint.js';
import { resolveCheckpointPath } from '../run-folder/run-folder.js';

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
    if (!config.model || !Array.isArray(config.classes) || !Array.isArray(config.imageSize)) {
      throw new AlzbenchError(`Checkpoint ${path} does not record its model, classes and image size`, { exitCode: 2 });
    }
    const model = getModel(config.model, {
      inChannels: 1,
      numClasses: config.classes.length,
      ...(config.dropout === null ? {} : { dropout: config.dropout }),
      ...(config.widths === null ? {} : { widths: [...config.widths] }),
    });
    model.loadStateDict(checkpoint.model);
    if (options.device && options.device !== 'cpu') model.to(options.device);
    model.eval();
    return {
      model,
      config,
      classes: config.classes,
      chain: parseChain(config.pipeline),
      imageSize: config.imageSize as [number, number],
      checkpoint: path,
      epoch: checkpoint.trainer.epoch,
    };
  } finally {
    disposeCheckpoint(checkpoint);
  }
}
