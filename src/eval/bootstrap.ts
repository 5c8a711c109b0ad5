import { seededRandom } from '../data/seeded-shuffle.js';
import { computeMetrics, type Metrics } from './metrics.js';
import { quantile } from '../util/quantile.js';

/** A point estimate with its percentile bootstrap interval. */
export interface Interval {
  readonly value: number;
  readonly low: number;
  readonly high: number;
}

/** Options of {@link bootstrapMetrics}. */
export interface BootstrapOptions {
  /** Resamples (default 1000). */
  readonly resamples?: number;
  /** Confidence level (default 0.95). */
  readonly level?: number;
  /** Seed of the resampling (default 0): one seed, one interval. */
  readonly seed?: number;
  /**
   * Group of each sample (subject ID). When given, whole groups are resampled with replacement
   * (a cluster bootstrap), because slices of one person are not independent; otherwise samples.
   */
  readonly groups?: ReadonlyArray<string | undefined>;
  readonly positiveClass?: number;
}

/** Intervals of the metrics that test reports carry, and how they were made. */
export interface BootstrapResult {
  readonly accuracy: Interval;
  readonly balancedAccuracy: Interval;
  readonly sensitivity: Interval;
  readonly specificity: Interval;
  readonly auc: Interval;
  readonly resamples: number;
  readonly level: number;
  readonly seed: number;
  /** `subject` when whole groups were resampled, `slice` otherwise. */
  readonly unit: 'subject' | 'slice';
  /** Number of resampled units (subjects or slices). */
  readonly units: number;
}

const KEYS = ['accuracy', 'balancedAccuracy', 'sensitivity', 'specificity', 'auc'] as const;

/**
 * Percentile bootstrap confidence intervals for accuracy, balanced accuracy, sensitivity,
 * specificity and AUC. Resamples subjects when every sample has a group, slices otherwise.
 * Resamples where a metric is undefined (AUC with one class drawn) are left out of its interval.
 *
 * Source: Efron & Tibshirani 1993, "An Introduction to the Bootstrap" (percentile interval); cluster bootstrap for
 * repeated slices of one subject (Field & Welsh 2007).
 *
 * @example
 * const ci = bootstrapMetrics(labels, probs, classes, { seed: 1, groups: subjects });
 * ci.accuracy; // { value: 0.82, low: 0.74, high: 0.89 }
 *
 * @param labels true class index of each of the n samples
 * @param probabilities n x C class probabilities, row-major
 * @param classes the C class names
 * @param options `resamples` (default 1000), `level` (default 0.95), `seed` (default 0), `groups` (subject of each sample;
 * used only when every sample has one), `positiveClass`
 * @returns for each metric the full-data value and the `[low, high]` percentile interval (NaN when no resample defined
 * it), with the resamples, level, seed, unit (`subject` or `slice`) and number of units
 * @throws RangeError from {@link computeMetrics} when the probabilities are not n x C.
 */
export function bootstrapMetrics(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  classes: readonly string[],
  options: BootstrapOptions = {},
): BootstrapResult {
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const seed = options.seed ?? 0;
  const c = classes.length;
  const n = labels.length;
  const metricOptions = options.positiveClass === undefined ? {} : { positiveClass: options.positiveClass };
  const full = computeMetrics(labels, probabilities, classes, metricOptions);
  const grouped = options.groups !== undefined && n > 0 && options.groups.every((g) => g !== undefined);
  const units: number[][] = [];
  if (grouped) {
    const byGroup = new Map<string, number[]>();
    options.groups!.forEach((g, i) => {
      const list = byGroup.get(g!);
      if (list) list.push(i);
      else byGroup.set(g!, [i]);
    });
    units.push(...byGroup.values());
  } else {
    for (let i = 0; i < n; i++) units.push([i]);
  }
  const random = seededRandom(seed, 'bootstrap');
  const draws: Record<(typeof KEYS)[number], number[]> = { accuracy: [], balancedAccuracy: [], sensitivity: [], specificity: [], auc: [] };
  for (let r = 0; r < resamples; r++) {
    const picked: number[] = [];
    for (let u = 0; u < units.length; u++) picked.push(...units[Math.floor(random() * units.length)]!);
    const sampleLabels = picked.map((i) => labels[i]!);
    const sampleProbs = new Float64Array(picked.length * c);
    picked.forEach((i, j) => {
      for (let k = 0; k < c; k++) sampleProbs[j * c + k] = probabilities[i * c + k]!;
    });
    const m: Metrics = computeMetrics(sampleLabels, sampleProbs, classes, metricOptions);
    for (const key of KEYS) if (Number.isFinite(m[key])) draws[key].push(m[key]);
  }
  const alpha = (1 - level) / 2;
  const interval = (key: (typeof KEYS)[number]): Interval => {
    const sorted = draws[key].sort((a, b) => a - b);
    return { value: full[key], low: quantile(sorted, alpha), high: quantile(sorted, 1 - alpha) };
  };
  return {
    accuracy: interval('accuracy'),
    balancedAccuracy: interval('balancedAccuracy'),
    sensitivity: interval('sensitivity'),
    specificity: interval('specificity'),
    auc: interval('auc'),
    resamples,
    level,
    seed,
    unit: grouped ? 'subject' : 'slice',
    units: units.length,
  };
}
