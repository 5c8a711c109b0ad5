/** Small 4x4 affine helpers (row-major arrays of 16 numbers). */

/**
 * The matrix product a · b of two 4x4 matrices (numpy `a @ b`).
 *
 * @param a left 4x4 matrix, row-major array of 16 numbers
 * @param b right 4x4 matrix, row-major array of 16 numbers
 * @returns a new row-major array of 16 numbers
 */
export function multiply4(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) out[4 * r + c]! += a[4 * r + k]! * b[4 * k + c]!;
  return out;
}

/**
 * The inverse of an affine [[M, t], [0, 1]]: [[M⁻¹, -M⁻¹t], [0, 1]] (M⁻¹ by cofactors; numpy.linalg.inv up to
 * rounding). The bottom row of `a` is taken as [0, 0, 0, 1].
 *
 * @param a 4x4 voxel-to-world affine (mm), row-major array of 16 numbers
 * @returns the inverse (world mm to voxel), row-major array of 16 numbers
 * @throws Error `affine is singular (determinant <det>)` when det(M) is 0 or not finite
 */
export function invertAffine(a: readonly number[]): number[] {
  const [m00, m01, m02, , m10, m11, m12, , m20, m21, m22] = a as number[];
  const c00 = m11! * m22! - m12! * m21!;
  const c01 = m02! * m21! - m01! * m22!;
  const c02 = m01! * m12! - m02! * m11!;
  const det = m00! * c00 + m10! * c01 + m20! * c02;
  if (!det || !Number.isFinite(det)) throw new Error(`affine is singular (determinant ${det})`);
  const inv = [
    c00,
    c01,
    c02,
    m12! * m20! - m10! * m22!,
    m00! * m22! - m02! * m20!,
    m02! * m10! - m00! * m12!,
    m10! * m21! - m11! * m20!,
    m01! * m20! - m00! * m21!,
    m00! * m11! - m01! * m10!,
  ].map((v) => v / det);
  const t = [a[3]!, a[7]!, a[11]!];
  const out = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[4 * r + c] = inv[3 * r + c]!;
    out[4 * r + 3] = -(inv[3 * r]! * t[0]! + inv[3 * r + 1]! * t[1]! + inv[3 * r + 2]! * t[2]!);
  }
  return out;
}

/**
 * The world point of voxel (i, j, k): M · p + t (nibabel `apply_affine`).
 *
 * @param a 4x4 voxel-to-world affine (mm), row-major array of 16 numbers
 * @param p voxel coordinates [i, j, k] (may be fractional)
 * @returns world coordinates [x, y, z] in mm
 */
export function applyAffine(a: readonly number[], p: readonly number[]): [number, number, number] {
  return [0, 1, 2].map((r) => a[4 * r]! * p[0]! + a[4 * r + 1]! * p[1]! + a[4 * r + 2]! * p[2]! + a[4 * r + 3]!) as [number, number, number];
}
