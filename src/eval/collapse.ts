import type { Metrics } from './metrics.js';

/**
 * Whether a model has collapsed to one class: at least `threshold` of its predictions fall in
 * one class while the samples hold two or more classes. (The study reported such models as
 * sensitivity 1.000 / accuracy 0.486, or sensitivity 0 / loss 0.693, without noticing.)
 *
 * @param metrics metrics of one evaluation (per-class `predictedShare` and `support` are read)
 * @param threshold share of predictions in one class that counts as collapse, a fraction (default 0.95)
 * @returns true when collapsed; false for empty sets or sets with one class present
 */
export function isCollapsed(metrics: Metrics, threshold = 0.95): boolean {
  const classes = Object.values(metrics.perClass);
  if (metrics.n === 0 || classes.filter((c) => c.support > 0).length < 2) return false;
  return Math.max(...classes.map((c) => c.predictedShare)) >= threshold;
}
