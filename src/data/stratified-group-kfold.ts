/**
 * Subject-grouped, stratified K-fold cross-validation: scikit-learn's StratifiedGroupKFold
 * algorithm (sklearn/model_selection/_split.py), so folds match what a Python user gets. Every
 * group (subject) lands in exactly one test fold, and class proportions are kept as even across
 * folds as whole groups allow.
 */
import { invalid } from '../util/errors.js';
import type { SplitName } from './dataset.js';
import type { SplitEntry } from './split.js';
import { seededShuffle } from './seeded-shuffle.js';

function std(values: readonly number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
}

/**
 * Test fold (0..k-1) of every sample. As scikit-learn's StratifiedGroupKFold: groups are taken
 * in order of decreasing spread (population standard deviation) of their class counts, stable on
 * ties, and each goes to the fold where the mean over classes of the std across folds of
 * (fold's class count / class total) is lowest, ties to the fold with fewer samples, then the
 * lower index. Without `seed`, groups start in sorted order of their names (sklearn
 * shuffle=False); with a seed they start in a seeded random order (sklearn shuffle=True draws
 * its own order from numpy's RNG, so seeded folds are alike in kind, not identical).
 *
 * @param labels class of each sample
 * @param groups group (subject) of each sample; a group's samples share one fold
 * @param k the number of folds, an integer >= 2
 * @param seed seed of the group order; default none (sorted names, sklearn `shuffle=False`)
 * @returns the test fold (0..k-1) of each sample
 * @throws AlzbenchError (exit 2) `Expected integer >= 2 for folds ...`, or `Expected at least <k> subjects (groups)
 *   for <k> folds ...` when there are fewer groups than folds
 * @throws RangeError `Expected one group per label but received ...` when the lengths differ
 * @example
 * stratifiedGroupKFold(['AD', 'AD', 'CN', 'CN'], ['s1', 's1', 's2', 's3'], 2); // [0, 0, 1, ...]
 */
export function stratifiedGroupKFold(labels: readonly string[], groups: readonly string[], k: number, seed?: number): number[] {
  if (!Number.isSafeInteger(k) || k < 2) throw invalid('integer >= 2', 'folds', k);
  if (labels.length !== groups.length) throw new RangeError(`Expected one group per label but received ${groups.length} groups for ${labels.length} labels`);
  const classes = [...new Set(labels)].sort();
  const names = [...new Set(groups)].sort();
  if (names.length < k) throw invalid(`at least ${k} subjects (groups) for ${k} folds`, 'folds', k, `the data has ${names.length} group(s); use fewer folds`);
  const groupIndex = new Map(names.map((g, i) => [g, i]));
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const counts = names.map(() => new Array<number>(classes.length).fill(0));
  labels.forEach((l, i) => counts[groupIndex.get(groups[i]!)!]![classIndex.get(l)!]!++);
  const classTotal = classes.map((_, c) => counts.reduce((s, row) => s + row[c]!, 0));
  const start =
    seed === undefined
      ? names.map((_, i) => i)
      : seededShuffle(
          names.map((_, i) => i),
          seed,
          'stratified-group-kfold',
        );
  const spread = counts.map(std);
  const order = [...start].sort((a, b) => spread[b]! - spread[a]!); // Array.prototype.sort is stable (mergesort in sklearn)
  const foldCounts = Array.from({ length: k }, () => new Array<number>(classes.length).fill(0));
  const foldOfGroup = new Array<number>(names.length);
  for (const g of order) {
    const row = counts[g]!;
    let best = -1;
    let bestEval = Infinity;
    let bestSamples = Infinity;
    for (let f = 0; f < k; f++) {
      const fold = foldCounts[f]!;
      for (let c = 0; c < row.length; c++) fold[c]! += row[c]!;
      const perClass = classes.map((_, c) => std(foldCounts.map((fc) => fc[c]! / classTotal[c]!)));
      for (let c = 0; c < row.length; c++) fold[c]! -= row[c]!;
      const value = perClass.reduce((s, v) => s + v, 0) / perClass.length;
      const samples = fold.reduce((s, v) => s + v, 0);
      // numpy.isclose(a, b): |a - b| <= 1e-8 + 1e-5 |b|
      const close = Math.abs(value - bestEval) <= 1e-8 + 1e-5 * Math.abs(bestEval);
      if (value < bestEval || (close && samples < bestSamples)) {
        best = f;
        bestEval = value;
        bestSamples = samples;
      }
    }
    for (let c = 0; c < row.length; c++) foldCounts[best]![c]! += row[c]!;
    foldOfGroup[g] = best;
  }
  return groups.map((g) => foldOfGroup[groupIndex.get(g)!]!);
}

/** Which fold a cross-validation run holds out, and how it picks validation. */
export interface FoldChoice {
  /** Number of folds K >= 2. */
  readonly folds: number;
  /** The test fold, 0..K-1. */
  readonly fold: number;
  /** Seed of the fold assignment (the run's split seed): one seed, one set of folds. */
  readonly seed: number;
}

/**
 * Train/val/test for fold `fold` of K over ALL items (the data set's own train/test folders are
 * pooled: cross-validation replaces them). Test = fold `fold` of a subject-grouped stratified
 * K-fold; validation = one fold of a second stratified group K-fold (max(4, K-1) folds, fewer only
 * when there are fewer subjects) over
 * the remaining subjects, so validation is subject-disjoint from both, and no subject is on two
 * sides. Entries' groups are subjects, pseudo-subjects or (ungrouped) the items themselves.
 *
 * @param choice the number of folds K, the test fold (0..K-1) and the seed
 * @returns a split assigner for `prepareDataset`: entries (label, group) to `train`, `val` or `test`; it throws as
 *   {@link stratifiedGroupKFold} when there are fewer groups than folds
 * @throws AlzbenchError (exit 2) `Expected fold index 0..<K-1> for fold ...` for a fold out of range
 *
 * @example
 * prepareDataset(dataset, { assignSplits: crossValidationSplits({ folds: 5, fold: 0, seed: 42 }) });
 */
export function crossValidationSplits(choice: FoldChoice): (entries: readonly SplitEntry[]) => SplitName[] {
  if (!Number.isSafeInteger(choice.fold) || choice.fold < 0 || choice.fold >= choice.folds)
    throw invalid(`fold index 0..${choice.folds - 1}`, 'fold', choice.fold);
  return (entries) => {
    const outer = stratifiedGroupKFold(
      entries.map((e) => e.label),
      entries.map((e) => e.group),
      choice.folds,
      choice.seed,
    );
    const rest = entries.map((_, i) => i).filter((i) => outer[i] !== choice.fold);
    // Validation is one inner fold: at least 4 inner folds, so that with few outer folds
    // validation stays near 1/6 of the data instead of half of the training subjects.
    const restGroups = new Set(rest.map((i) => entries[i]!.group)).size;
    const innerK = Math.max(2, Math.min(restGroups, Math.max(4, choice.folds - 1)));
    const inner = stratifiedGroupKFold(
      rest.map((i) => entries[i]!.label),
      rest.map((i) => entries[i]!.group),
      innerK,
      choice.seed + 1,
    );
    const split: SplitName[] = entries.map((_, i) => (outer[i] === choice.fold ? 'test' : 'train'));
    rest.forEach((i, j) => {
      if (inner[j] === choice.fold % innerK) split[i] = 'val';
    });
    return split;
  };
}
