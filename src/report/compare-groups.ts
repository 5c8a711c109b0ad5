/**
 * The cross-validation view of a comparison: runs linked by `runGroup` (train --folds/--repeats,
 * sweeps with folds/repeats) are pooled per configuration into mean ± SD and a 95 % t interval
 * over folds and seeds, per slice and per subject, and each configuration is paired with the
 * baseline configuration on the same (fold, seed) by the corrected resampled t-test (Nadeau &
 * Bengio 2003; Bouckaert & Frank 2004), Holm-adjusted over the comparisons.
 */
import { correctedResampledTTest, spread, type Spread } from '../eval/group-summary.js';
import type { StoredRun } from '../store/types.js';
import { holm } from './holm.js';
import { finiteOrNull } from '../util/finite-or-null.js';

/** One configuration over its folds and seeds. */
export interface GroupRow {
  readonly group: string;
  /** The configuration's differing settings (the comparison's columns), as in its runs. */
  readonly params: Record<string, string>;
  readonly runs: number;
  readonly folds: number;
  readonly seeds: number[];
  /** Runs flagged collapsed, diverged or failed. */
  readonly flagged: number;
  readonly perSlice: { readonly balancedAccuracy: Spread; readonly auc: Spread };
  /** Null when the runs have no subject-level results. */
  readonly perSubject: { readonly balancedAccuracy: Spread; readonly auc: Spread } | null;
  /** Corrected resampled t-test of balanced accuracy against the baseline configuration, paired by (fold, seed). */
  readonly paired: {
    readonly unit: 'subject' | 'slice';
    readonly n: number;
    readonly meanDifference: number;
    readonly pValue: number;
    readonly pHolm: number;
    readonly testTrainRatio: number;
  } | null;
  readonly verdict: string;
}

const balanced = (r: StoredRun, unit: 'subject' | 'slice'): number | null => {
  const best = r.test?.best;
  const v = unit === 'subject' ? best?.subject?.metrics?.balancedAccuracy : best?.metrics?.balancedAccuracy;
  return finiteOrNull(v);
};

/** n_test / n_train slices of a run's split (the correction's ratio), from run.json's split counts. */
function testTrainRatio(r: StoredRun): number | null {
  const counts = (r.split as { counts?: Record<string, Record<string, number>> } | null)?.counts;
  if (!counts?.train || !counts.test) return null;
  const sum = (o: Record<string, number>) => Object.values(o).reduce((s, v) => s + v, 0);
  const train = sum(counts.train);
  return train > 0 ? sum(counts.test) / train : null;
}

const key = (r: StoredRun) => `${(r.config.fold as number | null | undefined) ?? '-'}/${(r.config.seed as number | undefined) ?? 0}`;

/**
 * Configurations of the runs that carry a `runGroup` (null when none does). `params` gives each
 * run's differing settings; fold, seed and the group id are dropped from them.
 */
export function compareGroups(runs: readonly StoredRun[], params: readonly Record<string, string>[]): GroupRow[] | null {
  const grouped = new Map<string, number[]>();
  runs.forEach((r, i) => {
    const g = r.config.runGroup as string | null | undefined;
    if (g) (grouped.get(g) ?? grouped.set(g, []).get(g)!).push(i);
  });
  if (grouped.size === 0) return null;
  const drop = new Set(['fold', 'seed', 'runGroup']);
  const groups = [...grouped.entries()].map(([group, idx]) => {
    const members = idx.map((i) => runs[i]!);
    const tested = members.filter((r) => r.test);
    const subjectLevel = tested.length > 0 && tested.every((r) => balanced(r, 'subject') !== null);
    const pick = (unit: 'subject' | 'slice', metric: 'balancedAccuracy' | 'auc') =>
      spread(
        tested.map((r) => {
          const best = r.test?.best;
          return (unit === 'subject' ? best?.subject?.metrics?.[metric] : best?.metrics?.[metric]) ?? null;
        }),
      );
    return {
      group,
      params: Object.fromEntries(Object.entries(params[idx[0]!]!).filter(([k]) => !drop.has(k))),
      members,
      runs: members.length,
      folds: new Set(members.map((r) => r.config.fold)).size,
      seeds: [...new Set(members.map((r) => (r.config.seed as number | undefined) ?? 0))].sort((a, b) => a - b),
      flagged: members.filter((r) => r.status !== 'done' || r.test?.best.collapsed).length,
      perSlice: { balancedAccuracy: pick('slice', 'balancedAccuracy'), auc: pick('slice', 'auc') },
      perSubject: subjectLevel ? { balancedAccuracy: pick('subject', 'balancedAccuracy'), auc: pick('subject', 'auc') } : null,
    };
  });
  const score = (g: (typeof groups)[number]) => (g.perSubject ?? g.perSlice).balancedAccuracy.mean;
  const baseline = [...groups].sort((a, b) => (Number.isFinite(score(b)) ? score(b) : -1) - (Number.isFinite(score(a)) ? score(a) : -1))[0]!;
  const tests = groups.map((g) => {
    if (g === baseline) return null;
    const unit: 'subject' | 'slice' = g.perSubject && baseline.perSubject ? 'subject' : 'slice';
    const base = new Map(baseline.members.map((r) => [key(r), r]));
    const diffs: number[] = [];
    const ratios: number[] = [];
    for (const r of g.members) {
      const b = base.get(key(r));
      const x = balanced(r, unit);
      const y = b ? balanced(b, unit) : null;
      if (x === null || y === null) continue;
      diffs.push(x - y);
      const ratio = testTrainRatio(r);
      if (ratio !== null) ratios.push(ratio);
    }
    if (diffs.length < 2) return null;
    const ratio = ratios.length ? ratios.reduce((s, v) => s + v, 0) / ratios.length : 0;
    return { unit, ...correctedResampledTTest(diffs, ratio) };
  });
  const adjusted = holm(tests.filter((t) => t !== null).map((t) => t!.pValue));
  let j = 0;
  return groups.map((g, i) => {
    const t = tests[i];
    const paired = t
      ? { unit: t.unit, n: t.n, meanDifference: t.meanDifference, pValue: t.pValue, pHolm: adjusted[j++]!, testTrainRatio: t.testTrainRatio }
      : null;
    let verdict = '';
    if (g === baseline) verdict = 'baseline configuration (best mean balanced accuracy)';
    else if (!paired) verdict = 'no paired runs (same folds and seeds) with the baseline';
    else if (paired.pHolm < 0.05)
      verdict = `${paired.meanDifference >= 0 ? 'better' : 'worse'} than the baseline (corrected t-test p=${paired.pValue.toFixed(3)}, Holm ${paired.pHolm.toFixed(3)})`;
    else
      verdict = `not significantly different from the baseline (corrected t-test p=${paired.pValue.toFixed(3)}; ${paired.n} paired ${paired.unit}-level results)`;
    const { members: _m, ...rest } = g;
    return { ...rest, paired, verdict };
  });
}
