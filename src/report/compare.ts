/**
 * Comparison of runs in the study's table shape (preprocessing, invert, dropout, batch,
 * optimizer, sensitivity, accuracy, loss, seconds/epoch) plus specificity, AUC, balanced
 * accuracy, 95 % CIs, best vs last epoch, status flags and McNemar p-values against a baseline,
 * with notes on which differences the data cannot tell apart. Only parameters that differ between
 * the compared runs become columns.
 */
import { describeLeak, leakFinding } from './leak-flag.js';
import { mcnemarFromCorrectness } from '../eval/mcnemar.js';
import { holm } from './holm.js';
import { compareGroups, type GroupRow } from './compare-groups.js';
export { holm } from './holm.js';
import { AlzbenchError } from '../util/errors.js';
import { deviceLabel, deviceSpeedNote, speedByDevice, type DeviceSpeed } from './device-speed.js';
import type { RunStore, StoredEpoch, StoredPrediction, StoredRun } from '../store/types.js';
import type { ComparisonRow, RowMetrics, SubjectRowMetrics } from './comparison-row.js';
import { finiteOrNull } from '../util/finite-or-null.js';

/** A comparison, ready for any output format. */
export interface Comparison {
  readonly title: string;
  readonly baseline: string | null;
  readonly columns: string[];
  readonly rows: ComparisonRow[];
  /** General honesty notes (CI method, multiple comparisons, collapsed runs...). */
  readonly notes: string[];
  /** Seconds/epoch per device (src/report/device-speed.ts). */
  readonly speedByDevice: DeviceSpeed[];
  /** Configurations over cross-validation folds and seeds (runs with a runGroup); null when none. */
  readonly groups: GroupRow[] | null;
  /** Per run: curves and predictions for plots. */
  readonly details: Record<
    string,
    { epochs: StoredEpoch[]; predictions: StoredPrediction[]; classes: readonly string[]; confusion: number[][] | null; label: string }
  >;
}

/** Settings that never explain a difference in results (bookkeeping). */
const IGNORED = new Set(['name', 'runsDir', 'threads', 'camSamples', 'onBad']);
/** The study's column order first. */
const STUDY_ORDER = ['model', 'pipeline', 'invert', 'merge', 'augment', 'dropout', 'batchSize', 'optimizer', 'lr', 'epochs', 'imageSize'];

function display(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(value.every((v) => typeof v === 'number') ? 'x' : ',');
  if (typeof value === 'boolean') return value ? 'T' : 'F';
  return String(value);
}

function metricsOf(entry: { epoch: number; metrics: Record<string, unknown> } | null | undefined): RowMetrics | null {
  if (!entry?.metrics) return null;
  const m = entry.metrics;
  return {
    epoch: finiteOrNull(entry.epoch),
    sensitivity: finiteOrNull(m.sensitivity),
    specificity: finiteOrNull(m.specificity),
    accuracy: finiteOrNull(m.accuracy),
    balancedAccuracy: finiteOrNull(m.balancedAccuracy),
    auc: finiteOrNull(m.auc),
    loss: finiteOrNull(m.loss),
  };
}

/** Which parameters differ between runs, as display values per run, in the study's column order. */
export function differingParams(runs: readonly StoredRun[]): { columns: string[]; values: Record<string, string>[] } {
  // Sweep runs compare by their axes' labels (e.g. invert=T), other runs by resolved settings.
  const allSweep = runs.length > 0 && runs.every((r) => Object.keys(r.point).length > 0);
  const tables = runs.map((r) => {
    if (allSweep) return { ...r.point };
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.config)) if (!IGNORED.has(k)) out[k] = display(v);
    return out;
  });
  const keys = [...new Set(tables.flatMap((t) => Object.keys(t)))];
  const columns = keys.filter((k) => new Set(tables.map((t) => t[k] ?? '-')).size > 1);
  const rank = (k: string) => (STUDY_ORDER.includes(k) ? STUDY_ORDER.indexOf(k) : STUDY_ORDER.length);
  columns.sort((a, b) => rank(a) - rank(b) || keys.indexOf(a) - keys.indexOf(b));
  return { columns, values: tables.map((t) => Object.fromEntries(columns.map((c) => [c, t[c] ?? '-']))) };
}

/**
 * Loads runs (ids, names, prefixes, or one sweep name) and builds the comparison.
 *
 * @param baselineRef the run others are tested against (default: the best finished run by
 *   balanced accuracy)
 * @example
 * const comparison = await compareRuns(store, ['vgg19-grid-small']);
 */
export async function compareRuns(store: RunStore, refs: readonly string[], options: { baseline?: string } = {}): Promise<Comparison> {
  if (refs.length === 0)
    throw new AlzbenchError('Expected runs or a sweep to compare but received none', {
      hint: 'alzbench compare <sweep> or alzbench compare <run> <run>...',
      exitCode: 2,
    });
  let runs: StoredRun[] = [];
  let title: string;
  const sweep = refs.length === 1 ? await store.getSweep(refs[0]!) : undefined;
  if (sweep) {
    runs = await store.listRuns({ sweepId: sweep.id });
    title = `sweep ${sweep.id}`;
  } else {
    for (const ref of refs) runs.push(await store.resolveRun(ref));
    title = `${runs.length} runs`;
  }
  if (runs.length === 0) throw new AlzbenchError(`Nothing to compare: ${refs.join(', ')} has no runs`, { exitCode: 2 });
  const details: Comparison['details'] = {};
  for (const run of runs) {
    details[run.id] = {
      epochs: await store.getEpochs(run.id),
      predictions: await store.getPredictions(run.id),
      classes: run.classes,
      confusion: run.test?.best.metrics.confusion ?? null,
      label: '',
    };
  }
  const { columns, values } = differingParams(runs);
  runs.forEach((r, i) => (details[r.id]!.label = columns.length > 0 ? columns.map((c) => `${c}=${values[i]![c]}`).join(' ') : (r.name ?? r.id)));

  let baseline: StoredRun | undefined;
  if (options.baseline) {
    const chosen = await store.resolveRun(options.baseline);
    baseline = runs.find((r) => r.id === chosen.id);
    if (!baseline) throw new AlzbenchError(`Baseline ${chosen.id} is not among the compared runs`, { exitCode: 2 });
  } else {
    // The best finished run; when every run collapsed or failed, the best of those with a test result.
    const byScore = (a: StoredRun, b: StoredRun) => b.testBalancedAccuracy! - a.testBalancedAccuracy!;
    const tested = runs.filter((r) => r.testBalancedAccuracy !== null);
    baseline = tested.filter((r) => r.status === 'done').sort(byScore)[0] ?? tested.sort(byScore)[0];
  }
  const baseCorrect = baseline ? new Map(details[baseline.id]!.predictions.map((p) => [p.file, p.predicted === p.label])) : null;
  const raw: { id: string; p: number | null; method: string; onlyThis: number; onlyBaseline: number; samples: number }[] = runs.map((run) => {
    if (!baseline || !baseCorrect || run.id === baseline.id) return { id: run.id, p: null, method: '', onlyThis: 0, onlyBaseline: 0, samples: 0 };
    const preds = details[run.id]!.predictions;
    const paired = preds.filter((p) => baseCorrect.has(p.file));
    if (paired.length === 0 || paired.length !== baseCorrect.size) return { id: run.id, p: null, method: 'unpaired', onlyThis: 0, onlyBaseline: 0, samples: 0 };
    const result = mcnemarFromCorrectness(
      paired.map((p) => p.predicted === p.label),
      paired.map((p) => baseCorrect.get(p.file)!),
    );
    return { id: run.id, p: result.pValue, method: result.method, onlyThis: result.table.onlyA, onlyBaseline: result.table.onlyB, samples: paired.length };
  });
  const tested = raw.filter((r) => r.p !== null);
  const adjusted = holm(tested.map((r) => r.p!));
  const pHolm = new Map(tested.map((r, i) => [r.id, adjusted[i]!]));

  const baseBest = baseline ? metricsOf(baseline.test?.best) : null;
  const rows: ComparisonRow[] = runs.map((run, i) => {
    const test = run.test;
    const best = metricsOf(test?.best) ?? { epoch: null, sensitivity: null, specificity: null, accuracy: null, balancedAccuracy: null, auc: null, loss: null };
    const last = metricsOf(test?.last);
    const ci = test?.best.ci ?? null;
    const epochs = details[run.id]!.epochs;
    const seconds = epochs.map((e) => e.seconds).filter((s): s is number => s !== null);
    const flags: string[] = [];
    if (run.status !== 'done') flags.push(run.status);
    if (run.status !== 'collapsed' && test?.best.collapsed) flags.push('collapsed');
    if (leakFinding(run.leakage)) flags.push('leak');
    if (!test && (run.status === 'done' || run.status === 'collapsed')) flags.push('no-test');
    const m = raw[i]!;
    const mcnemar =
      m.p === null
        ? null
        : { pValue: m.p, pHolm: pHolm.get(run.id)!, method: m.method, onlyThis: m.onlyThis, onlyBaseline: m.onlyBaseline, samples: m.samples };
    let verdict = '';
    if (baseline && run.id === baseline.id) verdict = 'baseline';
    else if (flags.includes('collapsed')) verdict = 'collapsed to one class: its accuracy is the class share, not skill';
    // A finished run without a test report: its reason says why (e.g. a damaged test.json).
    else if (!test) verdict = flags.includes('no-test') && run.reason ? `no test result: ${run.reason}` : 'no test result';
    else if (mcnemar && baseBest?.balancedAccuracy !== null && baseBest?.balancedAccuracy !== undefined) {
      const diff = (best.balancedAccuracy ?? NaN) - baseBest.balancedAccuracy;
      const inCi = ci?.balancedAccuracy
        ? baseBest.balancedAccuracy >= (ci.balancedAccuracy.low ?? NaN) && baseBest.balancedAccuracy <= (ci.balancedAccuracy.high ?? NaN)
        : false;
      const sig = mcnemar.pHolm < 0.05;
      verdict = sig
        ? `${diff >= 0 ? 'better' : 'worse'} than the baseline (McNemar p=${fmtP(mcnemar.pValue)}, Holm ${fmtP(mcnemar.pHolm)})`
        : `not significantly different from the baseline (McNemar p=${fmtP(mcnemar.pValue)}${mcnemar.pHolm !== mcnemar.pValue ? `, Holm ${fmtP(mcnemar.pHolm)}` : ''})${inCi ? '; the baseline lies within its 95 % CI' : ''}`;
    } else if (m.method === 'unpaired') verdict = 'not on the same test slices as the baseline: no paired test';
    const sub = test?.best;
    const subject: SubjectRowMetrics | null = sub?.subject?.metrics
      ? {
          rule: sub.subject.rule ?? 'mean',
          subjects: sub.subject.subjects ?? 0,
          reconstructed: sub.subject.reconstructed ?? false,
          balancedAccuracy: finiteOrNull(sub.subject.metrics.balancedAccuracy),
          sensitivity: finiteOrNull(sub.subject.metrics.sensitivity),
          specificity: finiteOrNull(sub.subject.metrics.specificity),
          accuracy: finiteOrNull(sub.subject.metrics.accuracy),
          auc: finiteOrNull(sub.subject.metrics.auc),
          ci: sub.subject.ci ?? null,
        }
      : null;
    return {
      id: run.id,
      name: run.name,
      status: run.status,
      flags,
      params: values[i]!,
      best,
      last,
      ci,
      subject,
      secondsPerEpoch: seconds.length ? seconds.reduce((a, b) => a + b, 0) / seconds.length : null,
      device: deviceLabel(run),
      epochsDone: run.epochsDone,
      mcnemar,
      verdict,
    };
  });

  const notes: string[] = [];
  const withSubjects = rows.filter((r) => r.subject);
  if (withSubjects.length) {
    const rules = [...new Set(withSubjects.map((r) => r.subject!.rule))].join('/');
    const reconstructed = withSubjects.some((r) => r.subject!.reconstructed);
    notes.push(
      `"per subject": each test subject${reconstructed ? ' (or pseudo-subject reconstructed from the images)' : ''} counts once, its slices pooled by ${rules} of probabilities; its 95 % CIs resample subjects. "per slice" counts every slice, as most published tables do.`,
    );
  }
  // Volume runs (train --input volume) have one sample per scan session, not per slice.
  const volumeRuns = runs.filter((r) => (r.config as Record<string, unknown>).input === 'volume').length;
  if (volumeRuns > 0)
    notes.push(
      `${volumeRuns} volume run(s) (input: volume): their "per slice" columns count whole volumes, one per scan session (= per subject with one session each); their split is by subject by construction.`,
    );
  const groups = compareGroups(runs, values);
  const units = [...new Set(rows.map((r) => r.ci?.unit).filter(Boolean))];
  if (units.length)
    notes.push(
      `95 % CIs: percentile bootstrap over test ${units.join('/')}s (${[...new Set(rows.map((r) => r.ci?.resamples).filter(Boolean))].join('/')} resamples).`,
    );
  if (baseline)
    notes.push(
      `Baseline: ${baseline.id}${options.baseline ? '' : ' (best balanced accuracy; pass --baseline to choose)'}. McNemar's test on the paired test slices (exact below 25 discordant pairs); Holm-adjusted over ${tested.length} comparison(s).`,
    );
  const notSig = rows.filter((r) => r.mcnemar && r.mcnemar.pHolm >= 0.05).length;
  if (notSig > 0)
    notes.push(`${notSig} of ${tested.length} run(s) are not significantly different from the baseline: their ranking in this table is within noise.`);
  const collapsed = rows.filter((r) => r.flags.includes('collapsed')).length;
  if (collapsed > 0)
    notes.push(
      `${collapsed} run(s) collapsed (one class for >= 95 % of slices); the study reported such runs (sensitivity 1.000 / accuracy 0.486) as results.`,
    );
  const leaks = runs.flatMap((run) => {
    const finding = leakFinding(run.leakage);
    return finding ? [describeLeak(run.id, finding)] : [];
  });
  if (leaks.length > 0)
    notes.push(
      `"leak": the run's leakage audit found the same person in train and test (a test subject with a twin in train) or identical slices across splits; those results are inflated (${leaks.join('; ')}).`,
    );
  const slices = rows.find((r) => r.ci?.unit === 'slice');
  if (slices) notes.push('Slice-level CIs assume independent slices; slices of one subject are not, so the true uncertainty is larger.');
  // Speed per device (device-speed.ts): kept apart from the metrics above.
  const speeds = speedByDevice(rows);
  const deviceNote = deviceSpeedNote(speeds);
  if (deviceNote) notes.push(deviceNote);
  if (groups) {
    notes.push(
      'Configurations over folds/seeds: mean ± SD and the 95 % t interval of the mean over the runs of each configuration; configurations are paired with the best one on the same (fold, seed) by the corrected resampled t-test (Nadeau & Bengio 2003; Bouckaert & Frank 2004: variance x (1/n + n_test/n_train)), Holm-adjusted. Runs on different folds have different test slices, so their per-run McNemar tests are not paired.',
    );
  }
  return { title, baseline: baseline?.id ?? null, columns, rows, notes, speedByDevice: speeds, groups, details };
}

/** A p-value for tables: 3 significant digits, `<0.001` below that. */
export function fmtP(p: number): string {
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}
