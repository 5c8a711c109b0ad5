/**
 * How a synthetic subject's scan looks, apart from its anatomy: tissue contrast (scanner and
 * sequence), a smooth multiplicative bias field (coil sensitivity), and noise.
 */
import { controlLattice, trilinearCorners, type ControlLattice } from './lattice.js';
import type { Rng } from './rng.js';

/** Intensities (0..255) of the three tissue classes. */
export interface TissueLevels {
  readonly csf: number;
  readonly grey: number;
  readonly white: number;
}

/** One subject's appearance; the lattice is the bias field's. */
export interface Appearance extends ControlLattice {
  /** Output intensities of CSF, grey and white matter. */
  readonly levels: TissueLevels;
  /** Natural log of the gain at each lattice point, x fastest. */
  readonly logGain: Float32Array;
  /** Standard deviation of the additive noise inside the brain, in grey levels. */
  readonly noiseSd: number;
}

/**
 * Draws an appearance: white matter at 165-215, grey matter at 55-68 % and CSF at 10-22 % of it
 * (T1 contrast as in OASIS-like slices), a bias field of about ±6 % (sd) varying over ~80 mm, and
 * noise of 1.5-5 grey levels.
 *
 * @param rng the subject's random stream (draws are taken from it in a fixed order)
 * @param halfExtent output box half-extents (mm) the bias field must cover
 * @returns tissue grey levels (0..255 scale), the bias-field lattice (80 mm spacing, log gains) and the noise sd
 *   (grey levels)
 * @example
 * const look = drawAppearance(rng, [88, 104, 45]);
 */
export function drawAppearance(rng: Rng, halfExtent: readonly [number, number, number]): Appearance {
  const white = rng.uniform(165, 215);
  const levels = { white, grey: white * rng.uniform(0.55, 0.68), csf: white * rng.uniform(0.1, 0.22) };
  const bias = controlLattice(halfExtent, 80);
  const [lx, ly, lz] = bias.lattice;
  const logGain = new Float32Array(lx * ly * lz);
  for (let i = 0; i < logGain.length; i++) logGain[i] = rng.normal(0, 0.06);
  return { levels, ...bias, logGain, noiseSd: rng.uniform(1.5, 5) };
}

/**
 * Gain of the bias field at an output point (trilinear in the log domain, so always positive).
 *
 * @param a the subject's appearance (its bias lattice)
 * @param x output x in mm from the frame centre
 * @param y output y in mm from the frame centre
 * @param z output z in mm from the frame centre
 * @returns the multiplicative gain, around 1 (points outside the lattice take its edge values)
 */
export function biasGain(a: Appearance, x: number, y: number, z: number): number {
  trilinearCorners(a, x, y, z, CORNER_INDEX, CORNER_WEIGHT);
  let log = 0;
  for (let c = 0; c < 8; c++) log += (CORNER_WEIGHT[c] as number) * (a.logGain[CORNER_INDEX[c] as number] as number);
  return Math.exp(log);
}

// Scratch for trilinearCorners: biasGain runs once per voxel.
const CORNER_INDEX = new Int32Array(8);
const CORNER_WEIGHT = new Float64Array(8);

/**
 * Builds a lookup from template intensity (0..255, as a float) to output intensity: piecewise
 * linear through (0, 0), (csf, csf'), (grey, grey'), (white, white'), continuing with the last
 * slope above white matter.
 *
 * @param from the template's tissue levels (CSF, grey, white: 0..255)
 * @param to the subject's tissue levels
 * @returns table of 257 output values for integer inputs 0..256; callers interpolate between entries
 */
export function intensityTable(from: TissueLevels, to: TissueLevels): Float32Array {
  const xs = [0, from.csf, from.grey, from.white];
  const ys = [0, to.csf, to.grey, to.white];
  const table = new Float32Array(257);
  for (let v = 0; v <= 256; v++) {
    let k = 0;
    while (k < 2 && v > (xs[k + 1] as number)) k++;
    const x0 = xs[k] as number;
    const x1 = xs[k + 1] as number;
    const y0 = ys[k] as number;
    const y1 = ys[k + 1] as number;
    table[v] = y0 + ((v - x0) * (y1 - y0)) / (x1 - x0);
  }
  return table;
}
