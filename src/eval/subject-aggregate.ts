/**
 * Subject-level results: a person is diagnosed once, so slice predictions of one subject (or
 * reconstructed pseudo-subject) are pooled into one prediction before metrics are computed.
 * Slices of one person are not independent; counting each as a sample overstates the evidence.
 */
import { argmax } from '../util/argmax.js';
import { computeMetrics, headline, type Metrics } from './metrics.js';
import { bootstrapMetrics, type BootstrapResult } from './bootstrap.js';

/** How slice probabilities of one subject become one prediction. */
export const AGGREGATE_RULES = ['mean', 'median', 'vote'] as const;
export type AggregateRule = (typeof AGGREGATE_RULES)[number];

/** Slice predictions pooled per subject. */
export interface SubjectPredictions {
  /** Subject ids in order of first appearance. */
  readonly subjects: string[];
  /** True class index per subject (the label its slices share). */
  readonly labels: number[];
  /** Row-major subjects x C pooled class probabilities (rows sum to 1). */
  readonly probabilities: Float64Array;
  /** Slices per subject. */
  readonly slices: number[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Pools per-slice class probabilities (row-major n x C) per subject:
 * - `mean` (default): mean probability per class over the subject's slices (soft voting);
 * - `median`: per-class median, renormalized to sum to 1 (robust to a few off slices);
 * - `vote`: share of the subject's slices predicted (argmax) as each class (majority voting;
 *   the argmax of the shares is the majority class, ties to the lower class index as numpy's argmax).
 *
 * @param labels true class index per slice, n values
 * @param probabilities row-major n x C slice probabilities
 * @param subjects subject id per slice (n values)
 * @param classes C, the row length
 * @param rule the pooling rule; default `mean`
 * @returns subjects in order of first appearance with their label, pooled probabilities (rows sum to 1) and slice
 *   counts
 * @throws RangeError `Expected <n> subjects and <n·C> probabilities for <n> slices but received ...`
 * @throws Error `Subject <id> has slices of class <a> and <b>: one person has one diagnosis ...` (a grouping or
 *   labelling error), or `Slice <i> has no subject: ...`
 * @example
 * aggregateBySubject([0, 0, 1], [0.9, 0.1, 0.6, 0.4, 0.2, 0.8], ['a', 'a', 'b'], 2).probabilities; // [0.75, 0.25, 0.2, 0.8]
 */
export function aggregateBySubject(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  subjects: ReadonlyArray<string | undefined>,
  classes: number,
  rule: AggregateRule = 'mean',
): SubjectPredictions {
  const n = labels.length;
  if (subjects.length !== n || probabilities.length !== n * classes) {
    throw new RangeError(`Expected ${n} subjects and ${n * classes} probabilities for ${n} slices but received ${subjects.length} and ${probabilities.length}`);
  }
  const bySubject = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const s = subjects[i];
    if (s === undefined || s === '') throw new Error(`Slice ${i} has no subject: subject-level metrics need a subject (or pseudo-subject) for every slice`);
    const list = bySubject.get(s);
    if (list) list.push(i);
    else bySubject.set(s, [i]);
  }
  const ids = [...bySubject.keys()];
  const out = new Float64Array(ids.length * classes);
  const pooledLabels: number[] = [];
  const slices: number[] = [];
  ids.forEach((id, u) => {
    const rows = bySubject.get(id)!;
    const label = labels[rows[0]!]!;
    const other = rows.find((i) => labels[i] !== label);
    if (other !== undefined)
      throw new Error(`Subject ${id} has slices of class ${label} and ${labels[other]}: one person has one diagnosis (check the subject IDs or the grouping)`);
    pooledLabels.push(label);
    slices.push(rows.length);
    const row = out.subarray(u * classes, (u + 1) * classes);
    if (rule === 'vote') {
      for (const i of rows) row[argmax(probabilities, i * classes, classes)]! += 1 / rows.length;
    } else if (rule === 'median') {
      for (let k = 0; k < classes; k++) row[k] = median(rows.map((i) => probabilities[i * classes + k]!));
      const sum = row.reduce((s, v) => s + v, 0);
      if (sum > 0) for (let k = 0; k < classes; k++) row[k]! /= sum;
    } else {
      for (const i of rows) for (let k = 0; k < classes; k++) row[k]! += probabilities[i * classes + k]! / rows.length;
    }
  });
  return { subjects: ids, labels: pooledLabels, probabilities: out, slices };
}

/** Subject-level test results: pooled metrics and their bootstrap CIs over subjects. */
export interface SubjectLevelReport {
  readonly rule: AggregateRule;
  /** Number of subjects (pseudo-subjects when `reconstructed`). */
  readonly subjects: number;
  /** True when the subjects are pseudo-subjects reconstructed from the images (no IDs given). */
  readonly reconstructed: boolean;
  readonly metrics: Metrics;
  readonly headline: Record<string, number>;
  readonly ci: BootstrapResult | null;
}

/**
 * Subject-level metrics of slice predictions: pools per subject with `rule`, computes every
 * metric with one sample per subject, and a percentile bootstrap over subjects (each resample
 * draws subjects with replacement; `resamples` 0 = no CI). Returns null when any slice lacks a
 * subject (slice-level grouping): no subject-level figure can be honest then.
 *
 * @param labels true class index per slice
 * @param probabilities row-major n x C slice probabilities
 * @param subjects subject id per slice; ids starting `pseudo:` mark reconstructed pseudo-subjects
 * @param classNames the C class names, in label order
 * @param options `rule` (default `mean`), `resamples` of the subject bootstrap (default 1000; 0 = no CI), `seed`
 *   (default 0)
 * @returns the rule, subject count, whether the subjects are reconstructed, metrics with one sample per subject,
 *   the headline figures and their CIs; null for no slices or any slice without a subject
 * @throws Error when a subject's slices carry different labels, as {@link aggregateBySubject}
 */
export function subjectLevelReport(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  subjects: ReadonlyArray<string | undefined>,
  classNames: readonly string[],
  options: { rule?: AggregateRule; resamples?: number; seed?: number } = {},
): SubjectLevelReport | null {
  if (labels.length === 0 || subjects.some((s) => s === undefined || s === '')) return null;
  const rule = options.rule ?? 'mean';
  const pooled = aggregateBySubject(labels, probabilities, subjects, classNames.length, rule);
  const metrics = computeMetrics(pooled.labels, pooled.probabilities, classNames);
  const resamples = options.resamples ?? 1000;
  const ci =
    resamples > 0 ? bootstrapMetrics(pooled.labels, pooled.probabilities, classNames, { resamples, seed: options.seed ?? 0, groups: pooled.subjects }) : null;
  return {
    rule,
    subjects: pooled.subjects.length,
    reconstructed: pooled.subjects.every((s) => s.startsWith('pseudo:')),
    metrics,
    headline: headline(metrics),
    ci,
  };
}
