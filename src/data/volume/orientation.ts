/**
 * Voxel-axis orientation of an affine and reorientation to RAS+ "closest canonical", as nibabel's
 * `orientations.io_orientation`, `ornt2axcodes`, `apply_orientation` and `inv_ornt_aff` (used by
 * `as_closest_canonical`): the array is only permuted and flipped, never interpolated.
 */
import { Matrix, SingularValueDecomposition } from 'ml-matrix';

/** For each voxel axis: which world axis (0 = x/R, 1 = y/A, 2 = z/S) it runs along, and in which direction (+1 or -1). */
export type Orientation = ReadonlyArray<readonly [axis: number, direction: 1 | -1]>;

/** RAS+: voxel axes already along +x, +y, +z. */
export const RAS: Orientation = [
  [0, 1],
  [1, 1],
  [2, 1],
];

/**
 * nibabel's `io_orientation`: the world axis each voxel axis is closest to, from the polar
 * decomposition of the affine's 3x3 part with column scales removed (SVD; rank kept above
 * `max(S) * 3 * eps`), choosing axes greedily in voxel-axis order. Throws when a voxel axis maps
 * to no world axis (a zero column: nibabel cannot reorient that either).
 *
 * @param affine 4x4 voxel-to-world affine (mm), row-major array of 16 numbers
 * @returns for each voxel axis its world axis (0 = x, 1 = y, 2 = z) and direction (+1 or -1)
 * @throws Error `voxel axis <i> maps to no world axis (affine column <i> is zero or degenerate)`
 */
export function ioOrientation(affine: readonly number[]): Orientation {
  const RS = new Matrix(3, 3);
  for (let c = 0; c < 3; c++) {
    let zoom = Math.hypot(affine[c]!, affine[4 + c]!, affine[8 + c]!);
    if (zoom === 0) zoom = 1;
    for (let r = 0; r < 3; r++) RS.set(r, c, affine[4 * r + c]! / zoom);
  }
  const svd = new SingularValueDecomposition(RS, { autoTranspose: false });
  const S = svd.diagonal;
  const tol = Math.max(...S) * 3 * Number.EPSILON;
  const P = svd.leftSingularVectors;
  const Q = svd.rightSingularVectors;
  // R = P[:, keep] · Q[:, keep]ᵀ: the closest matrix to RS without shears or zooms.
  const R = [0, 1, 2].map((r) => [0, 1, 2].map((c) => S.reduce((sum, s, k) => (s > tol ? sum + P.get(r, k) * Q.get(c, k) : sum), 0)));
  const result: Array<readonly [number, 1 | -1]> = [];
  for (let inAxis = 0; inAxis < 3; inAxis++) {
    const column = R.map((row) => row[inAxis]!);
    // np.allclose(col, 0): every |value| <= 1e-8.
    if (column.every((v) => Math.abs(v) <= 1e-8)) {
      throw new Error(`voxel axis ${inAxis} maps to no world axis (affine column ${inAxis} is zero or degenerate)`);
    }
    let outAxis = 0;
    // np.argmax takes the first of equal values; 1e-12 absorbs SVD rounding so exact ties (45°) do too.
    for (let r = 1; r < 3; r++) if (Math.abs(column[r]!) > Math.abs(column[outAxis]!) + 1e-12) outAxis = r;
    result.push([outAxis, column[outAxis]! < 0 ? -1 : 1]);
    // This world axis is taken: later voxel axes choose among the others.
    R[outAxis] = [0, 0, 0];
  }
  return result;
}

const LABELS = [
  ['L', 'R'],
  ['P', 'A'],
  ['I', 'S'],
] as const;

/**
 * nibabel's `ornt2axcodes`: the direction each voxel axis points to, e.g. `LAS`.
 *
 * @param orientation as {@link ioOrientation} returns
 * @returns three letters from L/R, P/A, I/S
 */
export function axcodes(orientation: Orientation): string {
  return orientation.map(([axis, direction]) => LABELS[axis]![direction === 1 ? 1 : 0]).join('');
}

/**
 * nibabel's `aff2axcodes`: the axis codes of an affine's voxel axes, e.g. `RAS` for a canonical volume.
 *
 * @param affine 4x4 voxel-to-world affine (mm), row-major array of 16 numbers
 * @returns three letters from L/R, P/A, I/S
 * @throws Error when a voxel axis maps to no world axis, as {@link ioOrientation}
 */
export function affineAxcodes(affine: readonly number[]): string {
  return axcodes(ioOrientation(affine));
}

/**
 * The reoriented array's layout: output axis `k` takes input axis `inputAxisOf[k]`, flipped when
 * `flipped[k]`; `shape` is the output shape.
 */
export interface Reorientation {
  readonly inputAxisOf: readonly number[];
  readonly flipped: readonly boolean[];
  readonly shape: [number, number, number];
}

/**
 * Output axes of nibabel's `apply_orientation(arr, ornt)` for an input of `shape`.
 *
 * @param orientation for each input voxel axis, the world axis and direction (from {@link ioOrientation})
 * @param shape the input shape [n0, n1, n2] in voxels
 * @returns for each output axis its input axis and whether it is flipped, and the output shape
 */
export function reorientation(orientation: Orientation, shape: readonly number[]): Reorientation {
  const inputAxisOf = [0, 0, 0];
  const flipped = [false, false, false];
  orientation.forEach(([axis, direction], inAxis) => {
    inputAxisOf[axis] = inAxis;
    flipped[axis] = direction === -1;
  });
  return { inputAxisOf, flipped, shape: [shape[inputAxisOf[0]!]!, shape[inputAxisOf[1]!]!, shape[inputAxisOf[2]!]!] };
}

/**
 * The affine of the reoriented array, `affine · inv_ornt_aff(ornt, shape)` in nibabel: output
 * column k is the input axis's column (negated when flipped), and a flip moves the origin to the
 * input axis's last voxel.
 *
 * @param affine the input's 4x4 voxel-to-world affine (mm), row-major array of 16 numbers
 * @param orientation the orientation the array is reoriented by
 * @param shape the input shape [n0, n1, n2] in voxels
 * @returns the reoriented array's 4x4 voxel-to-world affine (mm), row-major array of 16 numbers
 */
export function reorientedAffine(affine: readonly number[], orientation: Orientation, shape: readonly number[]): number[] {
  const out = [...affine];
  const { inputAxisOf, flipped } = reorientation(orientation, shape);
  for (let r = 0; r < 3; r++) {
    let translation = affine[4 * r + 3]!;
    for (let k = 0; k < 3; k++) {
      const i = inputAxisOf[k]!;
      const column = affine[4 * r + i]!;
      // + 0 turns -0 into 0, as numpy's matrix product does.
      out[4 * r + k] = (flipped[k] ? -column : column) + 0;
      if (flipped[k]) translation += column * (shape[i]! - 1);
    }
    out[4 * r + 3] = translation;
  }
  return out;
}

/**
 * For each output axis, the step in input (Fortran-order) element index and the input index of
 * output voxel (0, 0, 0): the permutation and flips as strides, so one loop can read any
 * orientation in output order.
 *
 * @param r the output layout (from {@link reorientation})
 * @param inputShape the stored shape [n0, n1, n2] in voxels
 * @returns one signed stride per output axis (elements of the input) and the input index of output voxel (0, 0, 0)
 */
export function reorientationStrides(r: Reorientation, inputShape: readonly number[]): { strides: number[]; start: number } {
  const inputStrides = [1, inputShape[0]!, inputShape[0]! * inputShape[1]!];
  let start = 0;
  const strides = [0, 1, 2].map((k) => {
    const i = r.inputAxisOf[k]!;
    if (!r.flipped[k]) return inputStrides[i]!;
    start += (inputShape[i]! - 1) * inputStrides[i]!;
    return -inputStrides[i]!;
  });
  return { strides, start };
}

/**
 * Permutes and flips a Fortran-order (x fastest) 3-D array by `orientation` (nibabel's
 * `apply_orientation`), returning the new array and shape.
 *
 * @param data voxels in Fortran order, `shape[0] * shape[1] * shape[2]` values
 * @param shape [n0, n1, n2] in voxels
 * @param orientation for each voxel axis, the world axis and direction it should be moved to (e.g. from
 *   {@link ioOrientation}, to reach RAS+)
 * @returns a new array in Fortran order and its shape
 */
export function applyOrientation(
  data: Float32Array,
  shape: readonly number[],
  orientation: Orientation,
): { data: Float32Array; shape: [number, number, number] } {
  const r = reorientation(orientation, shape);
  const { strides, start } = reorientationStrides(r, shape);
  const out = new Float32Array(data.length);
  const [n0, n1, n2] = r.shape;
  const [s0, s1, s2] = strides as [number, number, number];
  let o = 0;
  for (let k = 0; k < n2; k++) {
    for (let j = 0; j < n1; j++) {
      let p = start + k * s2 + j * s1;
      for (let i = 0; i < n0; i++, p += s0) out[o++] = data[p]!;
    }
  }
  return { data: out, shape: r.shape };
}
