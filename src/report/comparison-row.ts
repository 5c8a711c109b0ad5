// The row of a comparison (one run), shared as the JSON shape of the dashboard's `GET /api/compare`
// (src/server/api-types.ts) and the web app: types only, no imports, so the web app's tsconfig can
// follow it without pulling in the report code.

/** A value with its 95 % interval. */
/** A bootstrap interval as test.json stores it (a NaN bound is stored as null). */
type Interval = { readonly value: number | null; readonly low: number | null; readonly high: number | null };

/** Metrics of one evaluated model (best or last epoch) on the test split. */
export interface RowMetrics {
  readonly epoch: number | null;
  readonly sensitivity: number | null;
  readonly specificity: number | null;
  readonly accuracy: number | null;
  readonly balancedAccuracy: number | null;
  readonly auc: number | null;
  readonly loss: number | null;
}

/** One row of a comparison: one run. */
export interface ComparisonRow {
  readonly id: string;
  readonly name: string | null;
  readonly status: string;
  /** collapsed, diverged, failed, running, queued, leak (the leakage audit: a test subject with a twin in train, or identical slices across splits; see report/leak-flag.ts), no-test. */
  readonly flags: string[];
  /** Value of each differing parameter (the comparison's `columns`). */
  readonly params: Record<string, string>;
  readonly best: RowMetrics;
  readonly last: RowMetrics | null;
  /** 95 % bootstrap intervals of the best epoch's metrics (null without bootstrap). */
  readonly ci: {
    readonly sensitivity?: Interval;
    readonly specificity?: Interval;
    readonly accuracy?: Interval;
    readonly balancedAccuracy?: Interval;
    readonly auc?: Interval;
    readonly unit?: string;
    readonly resamples?: number;
  } | null;
  readonly secondsPerEpoch: number | null;
  /** The device it trained on (device-speed.ts deviceLabel): seconds/epoch compare only within one device. */
  readonly device: string;
  readonly epochsDone: number;
  /** McNemar against the baseline on the paired test slices (null for the baseline itself or unpaired runs). */
  readonly mcnemar: {
    readonly pValue: number;
    readonly pHolm: number;
    readonly method: string;
    readonly onlyThis: number;
    readonly onlyBaseline: number;
    readonly samples: number;
  } | null;
  /** What the data can and cannot say about this row against the baseline. */
  readonly verdict: string;
  /** Subject-level test metrics of the best epoch (slice predictions pooled per subject), with subject-bootstrap CIs; null without subjects. */
  readonly subject: SubjectRowMetrics | null;
}

/** A row's subject-level figures (test.json best.subject). */
export interface SubjectRowMetrics {
  readonly rule: string;
  readonly subjects: number;
  readonly reconstructed: boolean;
  readonly balancedAccuracy: number | null;
  readonly sensitivity: number | null;
  readonly specificity: number | null;
  readonly accuracy: number | null;
  readonly auc: number | null;
  readonly ci: {
    readonly balancedAccuracy?: Interval;
    readonly sensitivity?: Interval;
    readonly specificity?: Interval;
    readonly accuracy?: Interval;
    readonly auc?: Interval;
  } | null;
}
