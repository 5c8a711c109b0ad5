/**
 * The intensity window used to turn a volume into 8-bit slices: the 0.5th and 99.5th percentiles
 * of its finite voxels (lower: element floor(0.005 (n - 1)) of the sorted values; upper: element
 * ceil(0.995 (n - 1))), so a few hot voxels do not darken every slice and NaN/Inf background
 * (already 0 in the data, flagged in `exclude`) does not move it.
 */

/** k-th smallest value of `values[0..n)` (0-based), reordering `values` in place (Hoare quickselect). */
function select(values: Float32Array, k: number, from = 0, to = values.length - 1): number {
  let left = from;
  let right = to;
  while (right > left) {
    // Median of three as pivot keeps sorted and constant runs linear.
    const mid = (left + right) >>> 1;
    const a = values[left]!;
    const b = values[mid]!;
    const c = values[right]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k]!;
  }
  return values[k]!;
}

/**
 * The [low, high] window of `data` (0.5th and 99.5th percentiles of the voxels not flagged in
 * `exclude`); `high` is `low + 1` when all voxels are equal, and [0, 1] when none is left.
 *
 * @param data the volume's voxels (not changed: a copy is reordered)
 * @param exclude a mask of `data`'s length; voxels flagged 1 (non-finite in the file) are left out; default none
 * @returns [low, high] in the volume's intensity units, high > low
 *
 * @example
 * intensityWindow(volume.data, volume.nonFiniteMask); // [2, 255]
 */
export function intensityWindow(data: Float32Array, exclude?: Uint8Array): [number, number] {
  let values: Float32Array;
  if (exclude) {
    values = new Float32Array(data.length);
    let n = 0;
    for (let i = 0; i < data.length; i++) if (!exclude[i]) values[n++] = data[i]!;
    values = values.subarray(0, n);
  } else values = Float32Array.from(data);
  if (values.length === 0) return [0, 1];
  const n = values.length;
  const lowRank = Math.floor(0.005 * (n - 1));
  const highRank = Math.ceil(0.995 * (n - 1));
  const low = select(values, lowRank);
  // After selecting lowRank, everything above it is in (lowRank, n): select there.
  const high = highRank > lowRank ? select(values, highRank, lowRank + 1, n - 1) : low;
  return high > low ? [low, high] : [low, low + 1];
}
