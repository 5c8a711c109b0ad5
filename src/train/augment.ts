import type { Tensor } from '../torch/tensor.js';
import { tensor } from '../torch/creation.js';
import { affineGrid, gridSample } from '../nn/functional.js';
import type { Augmentation } from './config.js';

/** What the augmentation draws from: the enabled transforms and their ranges. */
export interface AugmentSettings {
  readonly augment: readonly Augmentation[];
  /** Scale in [1 - zoom, 1 + zoom]. */
  readonly zoom: number;
  /** Degrees in [-rotate, rotate]. */
  readonly rotate: number;
  /** Shift as a share of the side, in [-shift, shift]. */
  readonly shift: number;
  readonly flipProbability: number;
}

/**
 * Draws one affine matrix per sample (row-major 2x3, in affine_grid's normalized coordinates):
 * output pixel -> input pixel for a zoom, a rotation (in pixel space, so a non-square slice is
 * rotated, not sheared), a shift and a left-right flip. Every sample takes five draws in a fixed
 * order whatever is enabled, so a stream gives the same geometry when settings change elsewhere.
 */
export function drawAffine(n: number, height: number, width: number, settings: AugmentSettings, random: () => number): number[] {
  const on = new Set(settings.augment);
  const theta: number[] = [];
  for (let i = 0; i < n; i++) {
    const u = [random(), random(), random(), random(), random()] as const;
    const scale = on.has('zoom') ? 1 - settings.zoom + 2 * settings.zoom * u[0] : 1;
    const angle = on.has('rotate') ? ((2 * u[1] - 1) * settings.rotate * Math.PI) / 180 : 0;
    const tx = on.has('shift') ? 2 * (2 * u[2] - 1) * settings.shift : 0;
    const ty = on.has('shift') ? 2 * (2 * u[3] - 1) * settings.shift : 0;
    const flip = on.has('flip') && u[4] < settings.flipProbability ? -1 : 1;
    const c = Math.cos(angle) / scale;
    const s = Math.sin(angle) / scale;
    // D^-1 R D with D = diag(W/2, H/2) keeps the rotation rigid in pixels; the flip negates x.
    theta.push(c * flip, (-s * height) / width, tx, ((s * width) / height) * flip, c, ty);
  }
  return theta;
}

/**
 * Augments a float batch [N, C, H, W] on its own device with affine_grid + grid_sample
 * (bilinear, zero padding: outside the head is background). Returns the input itself when no
 * augmentation is enabled. Labels are untouched: only geometry changes.
 *
 * @example
 * const x2 = augmentBatch(x, { augment: ['zoom', 'rotate'], zoom: 0.1, rotate: 10, shift: 0, flipProbability: 0 }, seededRandom(0, 'augment:1:0'));
 */
export function augmentBatch(x: Tensor, settings: AugmentSettings, random: () => number): Tensor {
  if (settings.augment.length === 0) return x;
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const theta = tensor(Float32Array.from(drawAffine(n, h, w, settings, random)), { shape: [n, 2, 3], device: x.device });
  const grid = affineGrid(theta, [n, c, h, w], false);
  const out = gridSample(x, grid, { mode: 'bilinear', paddingMode: 'zeros', alignCorners: false });
  theta.dispose();
  grid.dispose();
  return out;
}
