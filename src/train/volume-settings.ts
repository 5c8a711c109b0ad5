/**
 * Which settings go with which input: a volume run (`--input volume`) takes no slice-only setting
 * and a slice run no volume-only one, so a flag that would be silently ignored is a named error.
 */
import { getModelSpec, resolveModelOptions } from '../models/registry.js';
import { parseVolumeShape } from '../data/volume-dataset.js';
import { AlzbenchError, invalid } from '../util/errors.js';
import { flagName } from '../util/schema.js';
import type { TrainConfig, TrainConfigInput } from './config.js';

/** Settings that only mean something for 2-D slices: given with `--input volume`, a named error. */
const SLICE_ONLY = [
  'pipeline',
  'imageSize',
  'augment',
  'zoom',
  'rotate',
  'shift',
  'flipProbability',
  'grouping',
  'subjectPattern',
  'slices',
  'aggregate',
  'tta',
  'channelsLast',
  'cacheDir',
  'recipe',
] as const;

/**
 * Settings of slice runs that volume runs do not support yet: a named error rather than a silent
 * no-op. Only when given: their defaults (absent from the settings as given) pass.
 */
const NOT_YET = ['calibrate', 'ema', 'amp', 'prefetch', 'logEvery', 'memoryBudget'] as const;

/** Settings that only mean something for volumes. */
const VOLUME_ONLY = ['volumeShape', 'volumeAugment'] as const;

/** Defaults that differ for volumes when the user gave none. */
const VOLUME_DEFAULT_MODEL = 'simple_cnn_3d';

/**
 * Checks the settings as given against the run's input and returns the config to run with: a
 * volume run takes no slice-only setting (`--pipeline`, `--image-size`, ...), needs a volume model
 * (default simple_cnn_3d) and a valid `--volume-shape`; a slice run takes no volume-only setting.
 *
 * @throws AlzbenchError (exit 2) naming the flag, the input and what to do instead
 */
export function checkVolumeSettings(given: TrainConfigInput, config: TrainConfig): TrainConfig {
  const named = (keys: readonly string[]) => keys.filter((k) => given[k as keyof TrainConfigInput] !== undefined);
  if (config.input !== 'volume') {
    const extra = named(VOLUME_ONLY);
    if (extra.length > 0) {
      throw new AlzbenchError(
        `${extra.map((k) => `--${flagName(k)}`).join(', ')} ${extra.length > 1 ? 'are settings' : 'is a setting'} of --input volume; this run's input is slice`,
        {
          exitCode: 2,
          hint: 'add --input volume to train on whole volumes, or drop the flag',
        },
      );
    }
    return config;
  }
  const sliceOnly = named(SLICE_ONLY);
  if (sliceOnly.length > 0) {
    throw new AlzbenchError(
      `${sliceOnly.map((k) => `--${flagName(k)}`).join(', ')} ${sliceOnly.length > 1 ? 'are slice settings' : 'is a slice setting'}; --input volume does not take ${sliceOnly.length > 1 ? 'them' : 'it'}`,
      {
        exitCode: 2,
        hint: 'volumes are prepared by --spacing and --volume-shape (crop to the brain, z-score, crop/pad) and augmented by --volume-augment',
      },
    );
  }
  const notYet = named(NOT_YET).filter((k) => !(k === 'amp' && given.amp === 'none') && given[k as keyof TrainConfigInput] !== null);
  if (notYet.length > 0) {
    throw new AlzbenchError(`${notYet.map((k) => `--${flagName(k)}`).join(', ')}: not yet for --input volume`, {
      exitCode: 2,
      hint: 'train volume runs without it (--folds and --repeats work), or use --input slice',
    });
  }
  const resolved = { ...config, model: given.model === undefined ? VOLUME_DEFAULT_MODEL : config.model };
  if (getModelSpec(resolved.model).input !== 'volume') {
    throw invalid(
      'a volume model for --input volume (alzbench models marks them)',
      'model',
      resolved.model,
      'e.g. --model simple_cnn_3d, resnet18_3d, conv5_fc3',
    );
  }
  // The shape must suit the model (DenseNet needs 29 voxels per axis): said before any data is read.
  if (resolved.volumeShape !== null) resolveModelOptions(resolved.model, { inputShape: parseVolumeShape(resolved.volumeShape, '--volume-shape') });
  return resolved;
}
