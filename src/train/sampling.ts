import { seededRandom, seededShuffle } from '../data/seeded-shuffle.js';

/**
 * The order of training samples for one epoch. `shuffle`: a permutation; `sampling`: n draws
 * with replacement, each class equally likely (weight 1 / class count per sample), for
 * imbalanced sets such as the 4-class Kaggle set. Keyed by (seed, epoch), so a resumed run draws
 * exactly what the uninterrupted one would have.
 */
export function epochOrder(labels: readonly number[], epoch: number, seed: number, mode: 'shuffle' | 'sampling'): number[] {
  const n = labels.length;
  if (mode === 'shuffle')
    return seededShuffle(
      Array.from({ length: n }, (_, i) => i),
      seed,
      `epoch:${epoch}`,
    );
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  const cumulative: number[] = [];
  let total = 0;
  for (const l of labels) {
    total += 1 / counts.get(l)!;
    cumulative.push(total);
  }
  const random = seededRandom(seed, `sampling:${epoch}`);
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    order.push(lo);
  }
  return order;
}

/**
 * Inverse-frequency class weights for the loss, n / (C * n_c) (scikit-learn's "balanced"): a
 * class with half the average count weighs 2. A class absent from training weighs 0.
 */
export function balancedClassWeights(labels: readonly number[], classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l]!++;
  return counts.map((c) => (c === 0 ? 0 : labels.length / (classes * c)));
}
