/**
 * Agreement of a clustering with the truth, as scikit-learn defines it
 * (`sklearn.metrics.adjusted_rand_score`; purity as in Manning et al., Introduction to Information
 * Retrieval, 16.3).
 */

function contingency(
  truth: readonly (string | number)[],
  predicted: readonly (string | number)[],
): { cells: Map<string, number>; rows: Map<string | number, number>; cols: Map<string | number, number> } {
  if (truth.length !== predicted.length) throw new Error(`cluster agreement: ${truth.length} true labels but ${predicted.length} predicted`);
  const cells = new Map<string, number>();
  const rows = new Map<string | number, number>();
  const cols = new Map<string | number, number>();
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    const key = `${typeof t}:${t}\u0000${typeof p}:${p}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rows.set(t, (rows.get(t) ?? 0) + 1);
    cols.set(p, (cols.get(p) ?? 0) + 1);
  });
  return { cells, rows, cols };
}

const pairsOf = (n: number) => (n * (n - 1)) / 2;

/**
 * Adjusted Rand index of two labelings of the same items: 1 for identical partitions (up to
 * renaming), about 0 for random ones, negative below chance. Special cases as in scikit-learn:
 * 1 when both put every item in one cluster or every item in its own cluster, or for fewer than
 * two items.
 *
 * Source: scikit-learn `adjusted_rand_score` (Hubert & Arabie 1985).
 *
 * @param truth the true cluster (e.g. subject ID) of each item
 * @param predicted the predicted cluster (e.g. pseudo-subject) of each item
 * @returns the ARI, at most 1
 * @throws Error `cluster agreement: <n> true labels but <m> predicted` when the two lists differ in length
 * @example
 * adjustedRandScore([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 * adjustedRandScore([0, 0, 1, 2], [0, 0, 1, 1]); // 0.5714285714285715
 */
export function adjustedRandScore(truth: readonly (string | number)[], predicted: readonly (string | number)[]): number {
  const { cells, rows, cols } = contingency(truth, predicted);
  const n = truth.length;
  // sklearn's pair-confusion form: identical trivial partitions score 1.
  if (n < 2 || (rows.size === cols.size && (rows.size === 1 || rows.size === n))) return 1;
  let index = 0;
  for (const c of cells.values()) index += pairsOf(c);
  let sumRows = 0;
  for (const r of rows.values()) sumRows += pairsOf(r);
  let sumCols = 0;
  for (const c of cols.values()) sumCols += pairsOf(c);
  const expected = (sumRows * sumCols) / pairsOf(n);
  const max = (sumRows + sumCols) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

/**
 * Purity: the share of items that belong to the most common true class of their predicted
 * cluster. 1 when no cluster mixes people (also when every item is alone: read it with the ARI).
 *
 * @param truth the true cluster (e.g. subject ID) of each item
 * @param predicted the predicted cluster of each item
 * @returns the purity in (0, 1]; 1 for no items
 * @throws Error `cluster agreement: <n> true labels but <m> predicted` when the two lists differ in length
 *
 * @example
 * clusterPurity([0, 0, 1, 1], [0, 0, 0, 1]); // 0.75
 */
export function clusterPurity(truth: readonly (string | number)[], predicted: readonly (string | number)[]): number {
  const { cells } = contingency(truth, predicted);
  const best = new Map<string, number>();
  for (const [key, c] of cells) {
    const col = key.slice(key.indexOf('\u0000') + 1);
    best.set(col, Math.max(best.get(col) ?? 0, c));
  }
  let sum = 0;
  for (const c of best.values()) sum += c;
  return truth.length === 0 ? 1 : sum / truth.length;
}
