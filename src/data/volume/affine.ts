/**
 * The voxel-to-world (mm) affine of a volume header, chosen as nibabel's `get_best_affine` does:
 * the sform when sform_code != 0, else the qform when qform_code != 0, else the Analyze/SPM
 * default (diagonal voxel sizes with x flipped, origin from SPM's `originator` or the centre).
 * Matrices are 4x4 row-major arrays of 16 numbers.
 */
import type { VolumeHeader } from './header.js';
import { VolumeError } from './volume-error.js';

/** Which header fields the affine came from. */
export type AffineSource = 'sform' | 'qform' | 'analyze-default';

/**
 * The 4x4 identity, row-major.
 *
 * @returns a new array of 16 numbers
 */
export function identity4(): number[] {
  return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}

/**
 * Rotation matrix of the unit quaternion (b, c, d) with a = sqrt(1 - b² - c² - d²), as nibabel's
 * `quaternions.fillpositive` + `quat2mat` (a slightly negative 1 - |bcd|² from float32 rounding is 0).
 *
 * @param b the header's quatern_b
 * @param c the header's quatern_c
 * @param d the header's quatern_d
 * @param path the file, for the error message; default ''
 * @returns the 3x3 rotation matrix as rows (identity when the quaternion's norm is below float64 epsilon)
 * @throws VolumeError `bad-header` when 1 - (b² + c² + d²) < -3 · 2⁻²³ (norm above 1 beyond float32 rounding)
 */
export function quaternionToMatrix(b: number, c: number, d: number, path = ''): number[][] {
  const w2 = 1 - (b * b + c * c + d * d);
  // nibabel's threshold for float32 header values: 3 float32 epsilons.
  if (w2 < -3 * 2 ** -23) {
    throw new VolumeError('bad-header', path, `qform quaternion (b, c, d) = (${b}, ${c}, ${d}) has norm > 1 (1 - |bcd|² = ${w2})`);
  }
  const w = w2 < 0 ? 0 : Math.sqrt(w2);
  const n = w * w + b * b + c * c + d * d;
  if (n < Number.EPSILON)
    return [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
  const s = 2 / n;
  const [X, Y, Z] = [b * s, c * s, d * s];
  const [wX, wY, wZ] = [w * X, w * Y, w * Z];
  const [xX, xY, xZ] = [b * X, b * Y, b * Z];
  const [yY, yZ, zZ] = [c * Y, c * Z, d * Z];
  return [
    [1 - (yY + zZ), xY - wZ, xZ + wY],
    [xY + wZ, 1 - (xX + zZ), yZ - wX],
    [xZ - wY, yZ + wX, 1 - (xX + yY)],
  ];
}

/**
 * The qform affine (nibabel `Nifti1Header.get_qform`): R(quaternion) · diag(pixdim[1], pixdim[2], qfac·pixdim[3]) + qoffset.
 *
 * @param header a parsed header (pixdim already fixed as nibabel's check_fix)
 * @param path the file, for the error message; default ''
 * @returns the 4x4 voxel-to-world affine (mm), row-major array of 16 numbers
 * @throws VolumeError `bad-header` when the quaternion's norm exceeds 1 (see {@link quaternionToMatrix})
 */
export function qformAffine(header: VolumeHeader, path = ''): number[] {
  const R = quaternionToMatrix(header.quatern[0], header.quatern[1], header.quatern[2], path);
  const zooms = [header.pixdim[1]!, header.pixdim[2]!, header.pixdim[3]! * header.pixdim[0]!];
  const out = identity4();
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[4 * r + c] = R[r]![c]! * zooms[c]!;
    out[4 * r + 3] = header.qoffset[r]!;
  }
  return out;
}

/**
 * The sform affine: srow_x, srow_y, srow_z and [0, 0, 0, 1] (nibabel `Nifti1Header.get_sform`).
 *
 * @param header a parsed header
 * @returns the 4x4 voxel-to-world affine (mm), row-major array of 16 numbers
 */
export function sformAffine(header: VolumeHeader): number[] {
  return [...header.srow, 0, 0, 0, 1];
}

/**
 * The Analyze default (nibabel `Spm99AnalyzeHeader.get_origin_affine`, which `nibabel.load` uses
 * for a `.hdr` without NIfTI magic, and `shape_zoom_affine` for NIfTI with neither code set):
 * diag(-pixdim[1], pixdim[2], pixdim[3]) (x flipped: Analyze is taken as radiological), with the
 * origin at SPM's 1-based `originator` voxel when it is set and inside the volume's range, else at
 * the centre voxel ((n - 1) / 2).
 *
 * @param header a parsed header
 * @param useOriginator take SPM's `originator` when set (Analyze files); false always uses the centre (NIfTI)
 * @returns the 4x4 voxel-to-world affine (mm), row-major array of 16 numbers
 */
export function analyzeAffine(header: VolumeHeader, useOriginator: boolean): number[] {
  const zooms = [-header.pixdim[1]!, header.pixdim[2]!, header.pixdim[3]!];
  const dims = [1, 2, 3].map((i) => (i <= header.dim[0]! ? header.dim[i]! : 1));
  const o = header.origin;
  const originSet = useOriginator && o.some((v) => v !== 0) && o.every((v, i) => v > -dims[i]! && v < dims[i]! * 2);
  const origin = originSet ? o.map((v) => v - 1) : dims.map((n) => (n - 1) / 2);
  const out = identity4();
  for (let i = 0; i < 3; i++) {
    out[5 * i] = zooms[i]!;
    out[4 * i + 3] = -origin[i]! * zooms[i]!;
  }
  return out;
}

/**
 * nibabel's `get_best_affine` for a parsed header, and which fields it came from.
 *
 * @param header a parsed header
 * @param path the file, for the error message; default ''
 * @returns the 4x4 voxel-to-world affine (mm), row-major array of 16 numbers, and `sform`, `qform` or `analyze-default`
 * @throws VolumeError `bad-header` when the qform is used and its quaternion's norm exceeds 1
 */
export function headerAffine(header: VolumeHeader, path = ''): { affine: number[]; source: AffineSource } {
  if (header.format !== 'analyze') {
    if (header.sformCode !== 0) return { affine: sformAffine(header), source: 'sform' };
    if (header.qformCode !== 0) return { affine: qformAffine(header, path), source: 'qform' };
    return { affine: analyzeAffine(header, false), source: 'analyze-default' };
  }
  return { affine: analyzeAffine(header, true), source: 'analyze-default' };
}
