/**
 * Statistics over cross-validation folds and repeated seeds: mean, standard deviation and a
 * t-based 95 % confidence interval of a metric per configuration, and the paired comparison of two
 * configurations on the same folds and seeds by the corrected resampled t-test (Nadeau & Bengio
 * 2003, "Inference for the Generalization Error", Machine Learning 52; for repeated K-fold
 * cross-validation as in Bouckaert & Frank 2004, "Evaluating the Replicability of Significance
 * Tests for Comparing Learning Algorithms", PAKDD). Fold results share training data, so the plain
 * paired t-test is far too optimistic; the correction inflates the variance by n_test / n_train.
 */
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** Mean, sample SD (n - 1) and the 95 % t interval of the mean over folds/seeds. */
export interface Spread {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1 denominator); NaN for one value. */
  readonly sd: number;
  /** mean -/+ t(0.975, n-1) * sd / sqrt(n); NaN bounds for one value. */
  readonly low: number;
  readonly high: number;
}

/**
 * Spread of finite values (non-finite ones, e.g. AUC of a fold with one class, are left out).
 * The interval is Student's t (quantile from @stdlib/stats-base-dists-t-quantile), as scipy.stats.t.interval.
 *
 * @param values one metric per fold/seed; null, undefined, NaN and infinities are skipped
 * @param level confidence level of the interval; default 0.95
 * @returns n, mean (NaN for n = 0), sample SD and the interval bounds (NaN for n < 2)
 *
 * @example
 * spread([0.7, 0.8, 0.75]); // { n: 3, mean: 0.75, sd: 0.05, low: 0.626, high: 0.874 }
 */
export function spread(values: readonly (number | null | undefined)[], level = 0.95): Spread {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const n = xs.length;
  const mean = n ? xs.reduce((s, v) => s + v, 0) / n : NaN;
  const sd = n > 1 ? Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  const half = n > 1 ? tQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n)) : NaN;
  return { n, mean, sd, low: mean - half, high: mean + half };
}

/** Result of {@link correctedResampledTTest}. */
export interface PairedTest {
  /** Paired results (folds x seeds). */
  readonly n: number;
  /** Mean difference A - B. */
  readonly meanDifference: number;
  readonly statistic: number;
  readonly df: number;
  /** Two-sided p-value. */
  readonly pValue: number;
  /** n_test / n_train used in the correction. */
  readonly testTrainRatio: number;
  readonly method: string;
}

/**
 * Corrected resampled (repeated K-fold) t-test of paired differences d_i = A_i - B_i over the same
 * folds and seeds: t = mean(d) / sqrt((1/n + n_test/n_train) * var(d)), n - 1 degrees of freedom,
 * two-sided. For K-fold cross-validation n_test/n_train = 1/(K-1). Identical results (var 0)
 * give p = 1 (no evidence of a difference), and a constant nonzero difference p = 0.
 *
 * @param differences paired differences A_i - B_i of one metric over the same folds and seeds
 * @param testTrainRatio n_test / n_train of one fold, e.g. 1 / (K - 1) for K-fold cross-validation
 * @returns n, mean difference, t statistic, n - 1 degrees of freedom, two-sided p-value (NaN for n < 2) and the
 *   method name
 *
 * @example
 * correctedResampledTTest([0.05, 0.02, 0.04, 0.01, 0.03], 1 / 4).pValue; // 0.26
 */
export function correctedResampledTTest(differences: readonly number[], testTrainRatio: number): PairedTest {
  const n = differences.length;
  const mean = n ? differences.reduce((s, v) => s + v, 0) / n : NaN;
  const variance = n > 1 ? differences.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : NaN;
  const df = n - 1;
  let statistic: number;
  let pValue: number;
  if (n < 2) {
    statistic = NaN;
    pValue = NaN;
  } else if (variance === 0) {
    statistic = mean === 0 ? 0 : Math.sign(mean) * Infinity;
    pValue = mean === 0 ? 1 : 0;
  } else {
    statistic = mean / Math.sqrt((1 / n + testTrainRatio) * variance);
    pValue = 2 * (1 - tCdf(Math.abs(statistic), df));
  }
  return {
    n,
    meanDifference: mean,
    statistic,
    df,
    pValue,
    testTrainRatio,
    method: 'corrected resampled t-test (Nadeau & Bengio 2003; Bouckaert & Frank 2004)',
  };
}

/** What a run's test.json offers to a group summary (test.json as read back, or the test phase's report). */
type Figures = { readonly balancedAccuracy?: number | null; readonly accuracy?: number | null; readonly auc?: number | null };
interface TestLike {
  readonly best: { readonly metrics: Figures; readonly subject?: { readonly metrics: Figures } | null };
}

/** Spread over the runs of a group, per slice and per subject. */
export interface GroupSummary {
  readonly runs: number;
  readonly perSlice: Record<'balancedAccuracy' | 'accuracy' | 'auc', Spread>;
  /** Null when no run had subject-level results. */
  readonly perSubject: Record<'balancedAccuracy' | 'accuracy' | 'auc', Spread> | null;
  /** Human-readable lines. */
  readonly lines: string[];
}

const fmt = (s: Spread) =>
  s.n > 1 ? `${s.mean.toFixed(3)} ± ${s.sd.toFixed(3)} SD [95 % CI ${s.low.toFixed(3)}, ${s.high.toFixed(3)}] (n=${s.n})` : `${s.mean.toFixed(3)} (n=${s.n})`;

/**
 * Mean ± SD and 95 % CI over a group's runs (folds and seeds) of the selected models' test metrics.
 *
 * @param tests each run's test.json (null for runs without one, which are left out)
 * @returns the number of runs counted, {@link spread} of balanced accuracy, accuracy and AUC per slice and per
 *   subject (null when no run has subject-level results), and printable lines
 */
export function summarizeGroup(tests: readonly (TestLike | null)[]): GroupSummary {
  const done = tests.filter((t): t is TestLike => t !== null);
  const keys = ['balancedAccuracy', 'accuracy', 'auc'] as const;
  const perSlice = Object.fromEntries(keys.map((k) => [k, spread(done.map((t) => t.best.metrics[k]))])) as GroupSummary['perSlice'];
  const withSubjects = done.filter((t) => t.best.subject);
  const perSubject = withSubjects.length
    ? (Object.fromEntries(keys.map((k) => [k, spread(withSubjects.map((t) => t.best.subject!.metrics[k]))])) as GroupSummary['perSubject'])
    : null;
  const lines = [
    `over ${done.length} run(s) (folds x seeds), mean ± SD [95 % t interval of the mean]:`,
    `  per slice:   balanced accuracy ${fmt(perSlice.balancedAccuracy)}; AUC ${fmt(perSlice.auc)}`,
  ];
  if (perSubject) lines.push(`  per subject: balanced accuracy ${fmt(perSubject.balancedAccuracy)}; AUC ${fmt(perSubject.auc)}`);
  return { runs: done.length, perSlice, perSubject, lines };
}
