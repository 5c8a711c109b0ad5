/**
 * The call contract of every volume transform, after MONAI's (monai/transforms/transform.py):
 * one call shape `apply(sample) -> sample` on a channel-first image [C, X, Y, Z] (array axes in
 * RAS+ order after canonical reading) and its voxel-to-world affine; random transforms draw all
 * their randomness from a per-instance seeded stream ({@link Randomizable.setRandomState}), and
 * {@link Compose} seeds its children from its own seed, so a pipeline repeats exactly. Errors are
 * re-raised naming the transform and the input's shape, as MONAI's `apply_transform`.
 */
import type { Tensor } from '../../torch/tensor.js';
import { AlzbenchError } from '../../util/errors.js';
import { createRng, type Rng } from '../synth/rng.js';

/** One volume on its way to a model. */
export interface VolumeSample {
  /** Channel-first float image [C, X, Y, Z]. */
  readonly image: Tensor;
  /** Voxel index (i, j, k, 1) to world mm (RAS+), 4x4 row-major, kept in step with every crop and resample. */
  readonly affine: readonly number[];
}

/** A deterministic transform: same input, same output. */
export interface VolumeTransform {
  /** Name used in error messages (MONAI's class name). */
  readonly name: string;
  /** Returns a new sample; the input's tensor is left as it was (the caller disposes it). */
  apply(sample: VolumeSample): VolumeSample;
}

/** A transform with its own seeded random stream. */
export interface Randomizable {
  /** Restarts the stream from `seed`: the same seed repeats the same draws. */
  setRandomState(seed: number): this;
}

/**
 * Whether a transform has its own seeded stream (a `setRandomState` method), as MONAI's `isinstance(t, Randomizable)`.
 *
 * @param t a transform
 * @returns true when `t.setRandomState` is a function
 */
export function isRandomizable(t: object): t is Randomizable {
  return typeof (t as Partial<Randomizable>).setRandomState === 'function';
}

/** Raised by {@link applyTransform}: names the transform, the input's shape and the cause. */
export class VolumeTransformError extends AlzbenchError {
  /**
   * The message is `applying transform <name> to an image of shape [<shape>]: <cause's message>`; exit code and hint
   * are the cause's when it is an AlzbenchError (else exit 1).
   *
   * @param transform the failing transform's name
   * @param inputShape the shape of the image it was given
   * @param cause the error the transform threw
   */
  constructor(
    readonly transform: string,
    readonly inputShape: readonly number[],
    cause: unknown,
  ) {
    super(`applying transform ${transform} to an image of shape [${inputShape.join(', ')}]: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      exitCode: cause instanceof AlzbenchError ? cause.exitCode : 1,
      ...(cause instanceof AlzbenchError && cause.hint !== undefined ? { hint: cause.hint } : {}),
    });
    this.name = 'VolumeTransformError';
  }
}

/**
 * Runs `transform` on `sample`, re-raising any error as a {@link VolumeTransformError} (MONAI's `apply_transform`).
 *
 * @param transform the transform to run
 * @param sample the input sample (not disposed)
 * @returns the transform's output sample
 * @throws VolumeTransformError naming the transform, the input's shape and the cause (passed through unchanged when
 *   it already is one, e.g. from a nested {@link Compose})
 */
export function applyTransform(transform: VolumeTransform, sample: VolumeSample): VolumeSample {
  try {
    return transform.apply(sample);
  } catch (error) {
    if (error instanceof VolumeTransformError) throw error;
    throw new VolumeTransformError(transform.name, sample.image.shape, error);
  }
}

/**
 * Checks that the image is channel-first 3-D ([C, X, Y, Z]); the message says what came.
 *
 * @param image the sample's image tensor
 * @returns its shape [C, X, Y, Z]
 * @throws RangeError `expected a channel-first volume [C, X, Y, Z], got <n> dimensions`
 */
export function expectVolumeImage(image: Tensor): [number, number, number, number] {
  if (image.ndim !== 4) throw new RangeError(`expected a channel-first volume [C, X, Y, Z], got ${image.ndim} dimensions`);
  return image.shape as [number, number, number, number];
}

/** Base of random transforms: a seeded stream (seed 0 until set). */
export abstract class RandomTransform implements VolumeTransform, Randomizable {
  abstract readonly name: string;
  protected rng: Rng = createRng(0, 'volume-transform');
  /**
   * Restarts the transform's stream (keyed by its name) from `seed`.
   *
   * @param seed any safe integer
   * @returns this, for chaining
   */
  setRandomState(seed: number): this {
    this.rng = createRng(seed, 'volume-transform', this.name);
    return this;
  }
  /**
   * Applies one random draw to a sample.
   *
   * @param sample channel-first image [C, X, Y, Z] and its voxel-to-world affine (mm); not changed
   * @returns a new sample
   */
  abstract apply(sample: VolumeSample): VolumeSample;
}

/**
 * Applies transforms in order, disposing intermediate images. Seeding a Compose seeds each random
 * child with its own seed drawn from the Compose's stream (as MONAI's `Compose.set_random_state`).
 *
 * @example
 * const pipeline = new Compose([new CropForeground(), new NormalizeIntensity(), new ResizeWithPadOrCrop([96, 112, 96])]).setRandomState(7);
 */
export class Compose implements VolumeTransform, Randomizable {
  readonly name = 'Compose';
  /**
   * @param transforms the transforms, applied in order
   */
  constructor(readonly transforms: readonly VolumeTransform[]) {}

  /**
   * Seeds each random child with its own seed drawn (`int(2^31)`) from a stream started at `seed`.
   *
   * @param seed any safe integer
   * @returns this, for chaining
   */
  setRandomState(seed: number): this {
    const rng = createRng(seed, 'compose');
    for (const t of this.transforms) if (isRandomizable(t)) t.setRandomState(rng.int(2 ** 31));
    return this;
  }

  /**
   * Runs every transform in order; intermediate images are disposed, the input's is not.
   *
   * @param sample channel-first image [C, X, Y, Z] and its voxel-to-world affine (mm); not changed
   * @returns the last transform's output (the input sample itself when there are no transforms)
   * @throws VolumeTransformError naming the first transform that failed and the shape it was given
   */
  apply(sample: VolumeSample): VolumeSample {
    let current = sample;
    for (const t of this.transforms) {
      const next = applyTransform(t, current);
      if (current !== sample && next.image !== current.image) current.image.dispose();
      current = next;
    }
    return current;
  }
}
