/**
 * The slices-vs-volumes table (issue 14, `experiments/slices-vs-volumes.yaml`): from the runs of
 * one sweep on one BIDS set, three rows that count different things:
 *   1. the 2-D slice model per slice (every test slice counts; its CI still resamples subjects);
 *   2. the same runs per subject (a person's slice probabilities pooled by the run's rule, mean by
 *      default; each test person counts once);
 *   3. the 3-D volume model per subject (a person's volumes pooled the same way; one each here).
 * Each row gives the first run's (lowest seed's) value with its 95 % subject-bootstrap CI, the mean
 * ± SD over all its runs (seeds or folds), the test people and samples, and the mean run time.
 * Rows 2 and 3 count the same people and are the comparable pair (Wen et al. 2020); row 1 is what
 * slice-level papers report.
 */
import { spread, type Spread } from '../eval/group-summary.js';
import type { StoredRun } from '../store/types.js';
import type { TestReportRead } from '../run-folder/test-report.js';

type Interval = { readonly value: number; readonly low: number; readonly high: number };

/** One row of the table. */
export interface SlicesVsVolumesRow {
  readonly label: string;
  /** What one count is: a test slice or a test person. */
  readonly unit: 'slice' | 'subject';
  readonly input: 'slice' | 'volume';
  /** Runs pooled (seeds or folds) and how many of them were flagged collapsed. */
  readonly runs: number;
  readonly collapsed: number;
  /** Seed of the run whose CIs are shown (the lowest). */
  readonly seed: number | null;
  readonly balancedAccuracy: Interval | null;
  readonly auc: Interval | null;
  /** Over the runs: mean ± SD (n = runs). */
  readonly overRuns: { readonly balancedAccuracy: Spread; readonly auc: Spread };
  /** Test people and test samples (slices or volumes) of the first run. */
  readonly subjects: number | null;
  readonly samples: number | null;
  /** Mean wall time of one run, seconds (start to finish: data, training, test phase). */
  readonly seconds: number | null;
}

/** The table and what it was made from. */
export interface SlicesVsVolumesTable {
  readonly rows: SlicesVsVolumesRow[];
  readonly notes: string[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const interval = (value: unknown, ci: { low: number | null; high: number | null } | undefined): Interval | null => {
  const v = num(value);
  if (v === null) return null;
  const low = num(ci?.low);
  const high = num(ci?.high);
  return low !== null && high !== null ? { value: v, low, high } : { value: v, low: NaN, high: NaN };
};
const bestOf = (run: StoredRun): TestReportRead['best'] | null => run.test?.best ?? null;
const seedOf = (run: StoredRun): number | null => num(run.config.seed);
const secondsOf = (run: StoredRun): number | null => (run.startedAt && run.finishedAt ? (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000 : null);

function row(label: string, input: 'slice' | 'volume', unit: 'slice' | 'subject', runs: readonly StoredRun[]): SlicesVsVolumesRow {
  const sorted = [...runs].sort((a, b) => (seedOf(a) ?? 0) - (seedOf(b) ?? 0));
  // Per subject: the run's subject-level figures (a slice run's slices, or a volume run's sessions,
  // pooled per person); a volume run without them has one volume per person, its own figures.
  const figures = (run: StoredRun) => {
    const best = bestOf(run);
    const pooled = unit === 'subject' && (input === 'slice' || !!best?.subject?.metrics);
    return {
      balancedAccuracy: pooled ? best?.subject?.metrics?.balancedAccuracy : best?.metrics?.balancedAccuracy,
      auc: pooled ? best?.subject?.metrics?.auc : best?.metrics?.auc,
      ci: (pooled ? best?.subject?.ci : best?.ci) ?? undefined,
    };
  };
  const first = sorted[0];
  const f = first ? figures(first) : null;
  const times = sorted.map(secondsOf).filter((s): s is number => s !== null);
  const firstTest = first?.test;
  return {
    label,
    unit,
    input,
    runs: sorted.length,
    collapsed: sorted.filter((r) => r.status === 'collapsed' || bestOf(r)?.collapsed).length,
    seed: first ? seedOf(first) : null,
    balancedAccuracy: f ? interval(f.balancedAccuracy, f.ci?.balancedAccuracy) : null,
    auc: f ? interval(f.auc, f.ci?.auc) : null,
    overRuns: {
      balancedAccuracy: spread(sorted.map((r) => num(figures(r).balancedAccuracy))),
      auc: spread(sorted.map((r) => num(figures(r).auc))),
    },
    subjects: first ? num(bestOf(first)?.subject?.subjects) : null,
    samples: num(firstTest?.samples),
    seconds: times.length ? times.reduce((s, t) => s + t, 0) / times.length : null,
  };
}

/**
 * The three rows from a sweep's runs: runs with `config.input` `volume` make row 3, the others
 * rows 1 and 2. Runs without a test result (failed, running) are left out and counted in a note.
 *
 * @throws Error when there is no tested slice run or no tested volume run
 * @example
 * const table = slicesVsVolumesTable(await store.listRuns({ sweepId }));
 * table.rows.map((r) => r.label); // slice model per slice, ... per subject, 3-D model per subject
 */
export function slicesVsVolumesTable(runs: readonly StoredRun[]): SlicesVsVolumesTable {
  const tested = runs.filter((r) => bestOf(r)?.metrics);
  const slices = tested.filter((r) => r.config.input !== 'volume');
  const volumes = tested.filter((r) => r.config.input === 'volume');
  if (slices.length === 0 || volumes.length === 0)
    throw new Error(
      `slices vs volumes: expected tested slice and volume runs but found ${slices.length} slice and ${volumes.length} volume run(s) with a test result`,
    );
  const rule = (bestOf(slices[0]!)?.subject?.rule as string | undefined) ?? 'mean';
  const rows = [
    row(`2-D ${slices[0]!.model ?? 'slice model'}, per slice`, 'slice', 'slice', slices),
    row(`2-D ${slices[0]!.model ?? 'slice model'}, per subject (${rule} of slice probabilities)`, 'slice', 'subject', slices),
    row(`3-D ${volumes[0]!.model ?? 'volume model'}, per subject (whole volumes)`, 'volume', 'subject', volumes),
  ];
  const notes = [
    'CIs: 95 % percentile bootstrap over test subjects (a slice row resamples people with all their slices), for the lowest seed; "over runs" is mean ± SD over seeds or folds.',
    'Rows 2 and 3 count the same held-out people once each; row 1 counts slices, as slice-level papers do.',
  ];
  const left = runs.length - tested.length;
  if (left > 0) notes.push(`${left} run(s) without a test result left out.`);
  // Rows 1 and 2 are the same runs: count them once.
  const collapsed = rows[0]!.collapsed + rows[2]!.collapsed;
  if (collapsed > 0) notes.push(`${collapsed} run(s) flagged collapsed (one class for >= 95 % of test samples): their figures say little.`);
  return { rows, notes };
}

const f3 = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '-');
const withCi = (i: Interval | null) => (i ? (Number.isFinite(i.low) ? `${f3(i.value)} [${f3(i.low)}, ${f3(i.high)}]` : f3(i.value)) : '-');
const meanSd = (s: Spread) => (s.n === 0 ? '-' : s.n === 1 ? f3(s.mean) : `${f3(s.mean)} ± ${f3(s.sd)}`);

/** The table as Markdown (the demo prints it; BENCHMARKS.md quotes it). */
export function slicesVsVolumesMarkdown(table: SlicesVsVolumesTable): string {
  const lines = [
    '| figures | balanced accuracy (95 % CI) | AUC (95 % CI) | bal. acc. over runs | AUC over runs | runs | test subjects | test samples | s per run |',
    '|---|---|---|---|---|---|---|---|---|',
    ...table.rows.map(
      (r) =>
        `| ${r.label} | ${withCi(r.balancedAccuracy)} | ${withCi(r.auc)} | ${meanSd(r.overRuns.balancedAccuracy)} | ${meanSd(r.overRuns.auc)} | ${r.runs}${r.collapsed ? ` (${r.collapsed} collapsed)` : ''} | ${r.subjects ?? '-'} | ${r.samples ?? '-'} ${r.input === 'volume' ? 'volumes' : 'slices'} | ${r.seconds === null ? '-' : r.seconds.toFixed(0)} |`,
    ),
  ];
  return `${lines.join('\n')}\n\n${table.notes.map((n) => `- ${n}`).join('\n')}\n`;
}
