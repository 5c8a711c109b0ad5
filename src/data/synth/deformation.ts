/**
 * Where each output point of a synthetic subject comes from in the template: a random affine
 * (head size, pose) plus a smooth random displacement field, so every subject has its own anatomy.
 */
import { controlLattice, trilinearCorners, type ControlLattice } from './lattice.js';
import type { Rng } from './rng.js';

/** A map from output space (mm, centred on the slice frame) to template space (MNI mm); the lattice is the displacement field's. */
export interface Deformation extends ControlLattice {
  /** Template point that the output origin maps to (before displacement). */
  readonly centre: readonly [number, number, number];
  /** Row-major 3x3 linear part: rotation times inverse scale. */
  readonly matrix: readonly number[];
  /** Displacements (mm) at the lattice points, 3 per point (x, y, z), x fastest. */
  readonly displacement: Float32Array;
}

/** Options of {@link drawDeformation}. */
export interface DeformationOptions {
  /** Output box to cover, mm: half-extents around the origin along x, y, z. */
  readonly halfExtent: readonly [number, number, number];
  /** Brain centre in the template (MNI mm), mapped to the output origin. */
  readonly templateCentre: readonly [number, number, number];
  /** Lattice spacing, mm (default 32: bends on the scale of lobes, not gyri). */
  readonly latticeSpacing?: number;
  /** Standard deviation of the displacement at each lattice point, mm (default 2.5). */
  readonly displacementSd?: number;
}

/**
 * Draws a random deformation: head scale about 1 ± 3 % (per-axis jitter 1.5 %), rotations of a
 * few degrees (largest in-plane, as in head positioning), shifts of a few mm, and a smooth
 * displacement field. The scale spread is small because OASIS (the Kaggle set's source) slices
 * come from atlas-registered volumes: what is left is residual registration error.
 *
 * @param rng the subject's random stream
 * @param options the output box's half-extents (mm), the template's brain centre (MNI mm), lattice spacing (default 32
 *   mm) and displacement sd (default 2.5 mm)
 * @returns the output-to-template map: centre, 3x3 matrix, and the displacement lattice (mm)
 * @example
 * const d = drawDeformation(rng, { halfExtent: [88, 104, 45], templateCentre: [0, -17, 10] });
 */
export function drawDeformation(rng: Rng, options: DeformationOptions): Deformation {
  const spacing = options.latticeSpacing ?? 32;
  const sd = options.displacementSd ?? 2.5;
  const scale = clamp(rng.normal(1, 0.03), 0.92, 1.08);
  const axisScale = [0, 1, 2].map(() => scale * clamp(rng.normal(1, 0.015), 0.96, 1.04));
  const deg = Math.PI / 180;
  const yaw = rng.normal(0, 4) * deg; // about z: in the slice plane
  const pitch = rng.normal(0, 3) * deg; // about x: tilts the slices front to back
  const roll = rng.normal(0, 2) * deg; // about y: tilts them side to side
  const rotation = multiply(multiply(rotationZ(yaw), rotationX(pitch)), rotationY(roll));
  // Output = scale * template, so the map back divides each column by the axis scale.
  const matrix = rotation.map((v, i) => v / (axisScale[i % 3] as number));
  const centre: [number, number, number] = [
    options.templateCentre[0] + rng.normal(0, 2),
    options.templateCentre[1] + rng.normal(0, 3),
    options.templateCentre[2] + rng.normal(0, 2),
  ];
  const field = controlLattice(options.halfExtent, spacing);
  const [lx, ly, lz] = field.lattice;
  const displacement = new Float32Array(lx * ly * lz * 3);
  for (let i = 0; i < displacement.length; i++) displacement[i] = rng.normal(0, sd);
  return { centre, matrix, ...field, displacement };
}

/**
 * Maps an output point to the template, writing the result into `out`.
 *
 * @param d the subject's deformation
 * @param x output x in mm from the frame centre
 * @param y output y in mm from the frame centre
 * @param z output z in mm from the frame centre
 * @param out receives the template point (MNI mm) in elements 0..2
 *
 * @example
 * const q = new Float64Array(3);
 * mapToTemplate(deformation, 0, 0, 10, q); // template point of the output origin's slice at z = 10
 */
export function mapToTemplate(d: Deformation, x: number, y: number, z: number, out: Float64Array): void {
  const m = d.matrix;
  // Trilinear interpolation of the lattice displacements (clamped at the lattice edge).
  trilinearCorners(d, x, y, z, CORNER_INDEX, CORNER_WEIGHT);
  const disp = d.displacement;
  let dx = 0;
  let dy = 0;
  let dz = 0;
  for (let c = 0; c < 8; c++) {
    const w = CORNER_WEIGHT[c] as number;
    const p = 3 * (CORNER_INDEX[c] as number);
    dx += w * (disp[p] as number);
    dy += w * (disp[p + 1] as number);
    dz += w * (disp[p + 2] as number);
  }
  out[0] = d.centre[0] + (m[0] as number) * x + (m[1] as number) * y + (m[2] as number) * z + dx;
  out[1] = d.centre[1] + (m[3] as number) * x + (m[4] as number) * y + (m[5] as number) * z + dy;
  out[2] = d.centre[2] + (m[6] as number) * x + (m[7] as number) * y + (m[8] as number) * z + dz;
}

// Scratch for trilinearCorners: mapToTemplate runs once per voxel.
const CORNER_INDEX = new Int32Array(8);
const CORNER_WEIGHT = new Float64Array(8);

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function rotationX(a: number): number[] {
  const c = Math.cos(a);
  const s = Math.sin(a);
  return [1, 0, 0, 0, c, -s, 0, s, c];
}

function rotationY(a: number): number[] {
  const c = Math.cos(a);
  const s = Math.sin(a);
  return [c, 0, s, 0, 1, 0, -s, 0, c];
}

function rotationZ(a: number): number[] {
  const c = Math.cos(a);
  const s = Math.sin(a);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

function multiply(a: number[], b: number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c] = (out[r * 3 + c] as number) + (a[r * 3 + k] as number) * (b[k * 3 + c] as number);
  return out;
}
