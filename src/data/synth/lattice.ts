/**
 * The control lattice under the generator's smooth random fields (the bias field in
 * appearance.ts, the displacement field in deformation.ts): a regular grid of points over the
 * output box, and the trilinear lookup between its points.
 */

/** A regular grid of control points over the output box (mm from the frame centre); values are stored x fastest. */
export interface ControlLattice {
  /** Lattice points along x, y, z. */
  readonly lattice: readonly [number, number, number];
  /** Output-space position (mm) of lattice point (0, 0, 0). */
  readonly latticeOrigin: readonly [number, number, number];
  /** Lattice spacing, mm. */
  readonly latticeSpacing: number;
}

/**
 * A lattice covering the box `±halfExtent` (mm) with points every `spacing` mm, one point beyond
 * the box on each side, centred on the box.
 *
 * @param halfExtent the box's half-extents along x, y, z, mm
 * @param spacing the distance between lattice points, mm
 * @returns points per axis, the position of point (0, 0, 0) and the spacing
 */
export function controlLattice(halfExtent: readonly [number, number, number], spacing: number): ControlLattice {
  const lattice = halfExtent.map((h) => Math.ceil((2 * h) / spacing) + 2) as [number, number, number];
  const latticeOrigin = halfExtent.map((h, a) => -h - (spacing * ((lattice[a] as number) - 1) - 2 * h) / 2) as [number, number, number];
  return { lattice, latticeOrigin, latticeSpacing: spacing };
}

/**
 * The 8 lattice points around (x, y, z) and their trilinear weights; points outside the lattice
 * take its edge values (the position is clamped). Written into the caller's arrays, since the
 * generator asks this for every voxel.
 *
 * @param l the lattice
 * @param x output x in mm from the frame centre
 * @param y output y in mm from the frame centre
 * @param z output z in mm from the frame centre
 * @param index receives the 8 points' flat indices (x fastest), corner c = (c & 1, c >> 1 & 1, c >> 2)
 * @param weight receives the 8 weights (they sum to 1)
 */
export function trilinearCorners(l: ControlLattice, x: number, y: number, z: number, index: Int32Array, weight: Float64Array): void {
  const [lx, ly, lz] = l.lattice;
  const gx = clampToLattice((x - l.latticeOrigin[0]) / l.latticeSpacing, lx);
  const gy = clampToLattice((y - l.latticeOrigin[1]) / l.latticeSpacing, ly);
  const gz = clampToLattice((z - l.latticeOrigin[2]) / l.latticeSpacing, lz);
  const ix = Math.floor(gx);
  const iy = Math.floor(gy);
  const iz = Math.floor(gz);
  const fx = gx - ix;
  const fy = gy - iy;
  const fz = gz - iz;
  for (let c = 0; c < 8; c++) {
    const cx = c & 1;
    const cy = (c >> 1) & 1;
    const cz = c >> 2;
    weight[c] = (cx ? fx : 1 - fx) * (cy ? fy : 1 - fy) * (cz ? fz : 1 - fz);
    index[c] = ix + cx + lx * (iy + cy + ly * (iz + cz));
  }
}

/** A lattice coordinate clamped into [0, n - 1): the upper neighbour of the last cell still exists. */
function clampToLattice(g: number, n: number): number {
  return g < 0 ? 0 : g > n - 1.000001 ? n - 1.000001 : g;
}
