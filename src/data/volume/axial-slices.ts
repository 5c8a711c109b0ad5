/**
 * Axial slices of a RAS+ volume as 8-bit gray images: voxels windowed to [low, high] and scaled to
 * 0..255; image rows run from anterior (top) to posterior and columns from the subject's left to
 * right (x increasing to the right: neurological view), so a slice looks the same whatever axis
 * order the file was stored in.
 */

/** Which axial slices to cut: `[from, to)` as voxel indices, or as fractions of the z extent when both are in 0..1. */
export interface SliceRange {
  readonly from: number;
  readonly to: number;
}

/**
 * z indices [z0, z1) of `range` in a volume with `nz` axial slices.
 *
 * @param range `[from, to)`: fractions of the z extent (rounded) when both are at most 1, else voxel indices
 *   (floored)
 * @param nz the number of axial slices (the volume's third axis, voxels)
 * @returns [z0, z1) clamped to [0, nz], with z1 >= z0 (empty when the range is)
 */
export function sliceIndices(range: SliceRange, nz: number): [number, number] {
  const fractions = range.from <= 1 && range.to <= 1;
  const z0 = Math.max(0, fractions ? Math.round(range.from * nz) : Math.floor(range.from));
  const z1 = Math.min(nz, fractions ? Math.round(range.to * nz) : Math.floor(range.to));
  return [z0, Math.max(z0, z1)];
}

/**
 * The axial slice `z` of a volume of `shape` (x fastest) as `nx` x `ny` gray pixels, row-major
 * with +y (anterior) at the top.
 *
 * @param data the volume's voxels, Fortran order (x fastest), RAS+ axes
 * @param shape [nx, ny, nz] in voxels
 * @param z the axial slice index, 0 <= z < nz
 * @param window [low, high] intensities mapped to 0 and 255 (values outside are clipped), e.g. from
 *   `intensityWindow`; high > low
 * @returns `ny` rows x `nx` columns of uint8 pixels, row-major
 */
export function axialSlice(data: Float32Array, shape: readonly number[], z: number, window: readonly [number, number]): Uint8Array {
  const [nx, ny] = shape as [number, number];
  const [lo, hi] = window;
  const pixels = new Uint8Array(nx * ny);
  const base = nx * ny * z;
  for (let y = 0; y < ny; y++) {
    const row = (ny - 1 - y) * nx;
    const from = base + nx * y;
    for (let x = 0; x < nx; x++) {
      const v = (data[from + x]! - lo) / (hi - lo);
      pixels[row + x] = Math.round(255 * (v <= 0 ? 0 : v >= 1 ? 1 : v));
    }
  }
  return pixels;
}
