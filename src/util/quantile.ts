/**
 * The q-th quantile of sorted values, with linear interpolation between order statistics.
 *
 * Source: NumPy `numpy.quantile` (default `method='linear'`).
 *
 * @param sorted the values in ascending order
 * @param q the quantile as a fraction in [0, 1] (0.025 for the 2.5th percentile)
 * @returns the interpolated value, NaN for an empty list
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
