/**
 * Exact 3-D Euclidean distance transform (Felzenszwalb and Huttenlocher, "Distance Transforms of
 * Sampled Functions", 2012): separable, linear time. The generator uses it once per template to turn
 * masks (ventricles, hippocampi, CSF) into distance maps, so atrophy can move a boundary by a
 * fractional number of millimetres.
 */

/**
 * Distance from every voxel to the nearest voxel where `mask` is non-zero (0 on the mask itself),
 * in voxel units (the templates are on a 1 mm grid). Voxels are x fastest.
 *
 * @param mask non-zero marks the feature voxels
 * @param dims voxel counts along x, y, z
 * @returns Euclidean distances; `Infinity` everywhere if the mask is empty
 * @example
 * const d = distanceToMask(ventricles, [181, 217, 181]);
 */
export function distanceToMask(mask: Uint8Array, dims: readonly [number, number, number]): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(nx * ny * nz);
  const big = (nx + ny + nz) ** 2; // larger than any squared distance inside the volume
  // Pass 1 (x): distance along the row by a forward and a backward scan, stored squared.
  for (let row = 0; row < ny * nz; row++) {
    const base = row * nx;
    let last = -Infinity;
    for (let i = 0; i < nx; i++) {
      if (mask[base + i] !== 0) last = i;
      const d = i - last;
      out[base + i] = d === Infinity ? big : d * d;
    }
    last = Infinity;
    for (let i = nx - 1; i >= 0; i--) {
      if (mask[base + i] !== 0) last = i;
      const d = last - i;
      if (d !== Infinity && d * d < (out[base + i] as number)) out[base + i] = d * d;
    }
  }
  const n = Math.max(nx, ny, nz);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  // Passes 2 (y) and 3 (z): lower envelope of parabolas over the squared distances.
  const pass = (count: number, length: number, stride: number, starts: (line: number) => number): void => {
    for (let line = 0; line < count; line++) {
      const start = starts(line);
      for (let q = 0; q < length; q++) f[q] = out[start + q * stride] as number;
      lowerEnvelope(f, d, v, z, length);
      for (let q = 0; q < length; q++) out[start + q * stride] = d[q] as number;
    }
  };
  pass(nx * nz, ny, nx, (line) => (line % nx) + nx * ny * Math.floor(line / nx));
  pass(nx * ny, nz, nx * ny, (line) => line);
  const empty = (out[0] as number) >= big;
  for (let i = 0; i < out.length; i++) out[i] = empty ? Infinity : Math.sqrt(out[i] as number);
  return out;
}

/** One-dimensional squared distance transform of the sampled function f[0..n). */
function lowerEnvelope(f: Float64Array, d: Float64Array, v: Int32Array, z: Float64Array, n: number): void {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    const fq = (f[q] as number) + q * q;
    // z[0] is -Infinity, so the loop stops at k = 0 at the latest.
    let p = v[k] as number;
    let s = (fq - ((f[p] as number) + p * p)) / (2 * (q - p));
    while (s <= (z[k] as number)) {
      k--;
      p = v[k] as number;
      s = (fq - ((f[p] as number) + p * p)) / (2 * (q - p));
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while ((z[k + 1] as number) < q) k++;
    const p = v[k] as number;
    d[q] = (q - p) * (q - p) + (f[p] as number);
  }
}
