/**
 * Area under the ROC curve of scores for one positive class, as scikit-learn's `roc_auc_score`:
 * the Mann-Whitney statistic, where a tie between a positive's and a negative's score counts one
 * half (the trapezoid over the ROC's distinct thresholds gives the same number). NaN when either
 * class is absent, as the AUC is undefined then.
 *
 * Source: scikit-learn `sklearn.metrics.roc_auc_score`; Hanley & McNeil 1982 (AUC as the Mann-Whitney U).
 *
 * @param scores higher means more likely positive
 * @param positive whether each sample belongs to the positive class
 *
 * @returns the AUC in [0, 1] (0.5 is chance), or NaN when all samples are positive or all negative
 *
 * @example
 * rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]); // 0.75
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  // Average ranks (1-based) over runs of equal scores.
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const rank = (start + end + 2) / 2;
    for (let k = start; k <= end; k++) {
      if (positive[order[k]!]) {
        positives++;
        rankSum += rank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
