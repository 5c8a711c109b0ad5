/**
 * Random 3-D augmentation of a batch on its own device (CPU or GPU), as MONAI's RandAffine +
 * RandFlip + RandScaleIntensity + RandShiftIntensity: per volume a random rotation about the three
 * axes, isotropic-in-voxels scaling and translation applied with one 5-D affine_grid/grid_sample
 * (trilinear, zeros outside), random flips, and a random intensity scale and shift. All draws come
 * from the instance's seeded stream, in one place ({@link RandVolumeAugment.draw}).
 */
import type { Tensor } from '../../torch/tensor.js';
import { stack, tensor } from '../../torch/creation.js';
import { tidy } from '../../torch/scope.js';
import { noGrad } from '../../torch/autograd.js';
import { affineGrid3d, gridSample } from '../../nn/functional.js';
import { createRng, type Rng } from '../synth/rng.js';
import type { Randomizable } from './transform.js';

/** Ranges of {@link RandVolumeAugment}; every draw is uniform in [-range, range]. */
export interface VolumeAugmentSettings {
  /** Probability that a volume gets the affine part (rotation, scale, translation). Default 0.5. */
  affineProb?: number;
  /** Rotation about the X, Y, Z axes, radians. Default [0.1, 0.1, 0.1] (~6 degrees). */
  rotateRange?: readonly [number, number, number];
  /** Relative scale change (0.1: 0.9x..1.1x). Default 0.1. */
  scaleRange?: number;
  /** Shift along each axis in voxels. Default [0, 0, 0]. */
  translateRange?: readonly [number, number, number];
  /** Probability of flipping along each axis (X is left-right in RAS+). Default [0.5, 0, 0]. */
  flipProb?: readonly [number, number, number];
  /** Intensity multiplied by 1 + U(-f, f). Default 0.1. */
  intensityScale?: number;
  /** Intensity shifted by U(-s, s). Default 0.1. */
  intensityShift?: number;
}

/** What was drawn for one volume. */
export interface VolumeAugmentDraw {
  /** 3x4 sampling matrix in grid_sample's normalized coordinates (component order W, H, D = Z, Y, X), row-major. */
  theta: number[];
  flip: [boolean, boolean, boolean];
  scale: number;
  shift: number;
}

/** 3x3 rotation about X, then Y, then Z (R = Rz Ry Rx). */
function rotation(ax: number, ay: number, az: number): number[][] {
  const [cx, sx, cy, sy, cz, sz] = [Math.cos(ax), Math.sin(ax), Math.cos(ay), Math.sin(ay), Math.cos(az), Math.sin(az)];
  const rx = [
    [1, 0, 0],
    [0, cx, -sx],
    [0, sx, cx],
  ];
  const ry = [
    [cy, 0, sy],
    [0, 1, 0],
    [-sy, 0, cy],
  ];
  const rz = [
    [cz, -sz, 0],
    [sz, cz, 0],
    [0, 0, 1],
  ];
  const mul = (a: number[][], b: number[][]) => a.map((row) => [0, 1, 2].map((j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
  return mul(rz, mul(ry, rx));
}

/**
 * Seeded random augmentation of volume batches [N, C, X, Y, Z].
 *
 * @example
 * const augment = new RandVolumeAugment({ rotateRange: [0.1, 0.1, 0.1], flipProb: [0.5, 0, 0] }).setRandomState(run.seed);
 * const x = augment.apply(batch); // same device as batch
 */
export class RandVolumeAugment implements Randomizable {
  readonly name = 'RandVolumeAugment';
  private rng: Rng = createRng(0, 'volume-augment');
  readonly settings: Required<VolumeAugmentSettings>;

  /**
   * Source: MONAI `RandAffine` + `RandFlip` + `RandScaleIntensity` + `RandShiftIntensity`, applied with
   * torch `F.affine_grid` / `F.grid_sample`.
   *
   * @param settings ranges as {@link VolumeAugmentSettings}; defaults affineProb 0.5, rotateRange [0.1, 0.1, 0.1]
   *   rad, scaleRange 0.1, translateRange [0, 0, 0] voxels, flipProb [0.5, 0, 0], intensityScale 0.1, intensityShift 0.1
   * @throws RangeError `RandVolumeAugment: <name> must be a probability in [0, 1], got ...` (affineProb, flipProb),
   *   `... must be a finite number >= 0, got ...` (ranges), or `RandVolumeAugment: scaleRange must be below 1, got ...`
   */
  constructor(settings: VolumeAugmentSettings = {}) {
    this.settings = {
      affineProb: settings.affineProb ?? 0.5,
      rotateRange: settings.rotateRange ?? [0.1, 0.1, 0.1],
      scaleRange: settings.scaleRange ?? 0.1,
      translateRange: settings.translateRange ?? [0, 0, 0],
      flipProb: settings.flipProb ?? [0.5, 0, 0],
      intensityScale: settings.intensityScale ?? 0.1,
      intensityShift: settings.intensityShift ?? 0.1,
    };
    const s = this.settings;
    for (const [name, v] of [['affineProb', s.affineProb], ...s.flipProb.map((p, a) => [`flipProb[${a}]`, p] as const)] as const) {
      if (!(v >= 0 && v <= 1)) throw new RangeError(`RandVolumeAugment: ${name} must be a probability in [0, 1], got ${v}`);
    }
    for (const [name, v] of [
      ['scaleRange', s.scaleRange],
      ['intensityScale', s.intensityScale],
      ['intensityShift', s.intensityShift],
      ...s.rotateRange.map((r, a) => [`rotateRange[${a}]`, r] as const),
      ...s.translateRange.map((r, a) => [`translateRange[${a}]`, r] as const),
    ] as const) {
      if (!(v >= 0 && Number.isFinite(v))) throw new RangeError(`RandVolumeAugment: ${name} must be a finite number >= 0, got ${v}`);
    }
    if (s.scaleRange >= 1) throw new RangeError(`RandVolumeAugment: scaleRange must be below 1, got ${s.scaleRange}`);
  }

  /**
   * Restarts the stream from `seed`: the same seed repeats the same draws.
   *
   * @param seed any safe integer (e.g. the run's seed)
   * @returns this, for chaining
   */
  setRandomState(seed: number): this {
    this.rng = createRng(seed, 'volume-augment');
    return this;
  }

  /**
   * Draws one volume's augmentation (all randomness is here).
   *
   * @param shape the volume's [X, Y, Z] in voxels (translations and grid coordinates are relative to it)
   * @returns the sampling matrix theta (3x4, grid_sample's normalized coordinates), the flips per axis, and the
   *   intensity scale and shift
   */
  draw(shape: readonly [number, number, number]): VolumeAugmentDraw {
    const s = this.settings;
    const u = (r: number) => (r === 0 ? 0 : this.rng.uniform(-r, r));
    const applyAffine = this.rng.next() < s.affineProb;
    const angles = s.rotateRange.map((r) => (applyAffine ? u(r) : 0));
    const zoom = applyAffine ? 1 + u(s.scaleRange) : 1;
    const shiftVoxels = s.translateRange.map((r) => (applyAffine ? u(r) : 0));
    const flip = s.flipProb.map((p) => p > 0 && this.rng.next() < p) as [boolean, boolean, boolean];
    const scale = 1 + u(s.intensityScale);
    const shift = u(s.intensityShift);
    // Output voxel offset from the centre (v) -> input offset: R v / zoom + t, in voxels; grid
    // coordinates are voxels / (size / 2) (align_corners false), in component order Z, Y, X.
    const r = rotation(angles[0]!, angles[1]!, angles[2]!);
    const half = shape.map((n) => n / 2);
    const order = [2, 1, 0];
    const theta: number[] = [];
    for (const i of order) {
      for (const j of order) theta.push((r[i]![j]! * half[j]!) / (zoom * half[i]!));
      theta.push(shiftVoxels[i]! / half[i]!);
    }
    return { theta, flip, scale, shift };
  }

  /**
   * Augments a batch (no gradient), on its device: one draw per volume, trilinear resampling with zeros outside.
   *
   * @param batch float `[N, C, X, Y, Z]` (not changed)
   * @returns a new tensor of the same shape, dtype and device
   * @throws RangeError `applying transform RandVolumeAugment to an image of shape [...]: expected a batch of volumes
   *   [N, C, X, Y, Z]` when the batch is not 5-D
   */
  apply(batch: Tensor): Tensor {
    if (batch.ndim !== 5)
      throw new RangeError(`applying transform ${this.name} to an image of shape [${batch.shape.join(', ')}]: expected a batch of volumes [N, C, X, Y, Z]`);
    const [n, c, x, y, z] = batch.shape as [number, number, number, number, number];
    const draws = Array.from({ length: n }, () => this.draw([x, y, z]));
    return noGrad(() =>
      tidy(() => {
        const theta = tensor(
          draws.flatMap((d) => d.theta),
          { shape: [n, 3, 4], dtype: batch.dtype, device: batch.device },
        );
        const grid = affineGrid3d(theta, [n, c, x, y, z]);
        let out = gridSample(batch, grid, { mode: 'bilinear', paddingMode: 'zeros' });
        const flipped = draws.map((d, i) => {
          const axes = d.flip.flatMap((f, a) => (f ? [a + 1] : []));
          const one = out.select(0, i);
          return axes.length ? one.flip(axes) : one;
        });
        out = stack(flipped, 0);
        const scale = tensor(
          draws.map((d) => d.scale),
          { shape: [n, 1, 1, 1, 1], dtype: batch.dtype, device: batch.device },
        );
        const shift = tensor(
          draws.map((d) => d.shift),
          { shape: [n, 1, 1, 1, 1], dtype: batch.dtype, device: batch.device },
        );
        return out.mul(scale).add(shift);
      }),
    );
  }
}
