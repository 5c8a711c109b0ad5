import { tensor } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { COARSE_GRID, sliceDistance, type SliceSignature } from './slice-signature.js';

/** Queries per matrix product: 1024 x 30,000 similarities are 120 MB of float32. */
const CHUNK = 1024;

/** A verified pair: indices into the query and pool lists and their full-resolution distance. */
export interface SlicePair {
  readonly a: number;
  readonly b: number;
  /** {@link sliceDistance} at full resolution. */
  readonly distance: number;
}

/**
 * For each query slice, its `k` most similar pool slices by the coarse descriptor (correlation at
 * 8x lower resolution), found with one libtorch matrix product per 1024 queries and `topk`:
 * O(queries x pool x 572) multiply-adds, a few seconds for 30,000 x 30,000 on 2 cores. When `self`
 * is true the pool is the query list and a slice is not its own candidate.
 *
 * @param queries the slices to find neighbours for
 * @param pool the slices to search
 * @param k neighbours per query
 * @param self true when `pool` is `queries` (a slice is not its own neighbour); default false
 * @returns `k` (or fewer, when the pool is smaller) pool indices per query, most similar first
 */
export function coarseNeighbours(queries: readonly SliceSignature[], pool: readonly SliceSignature[], k: number, self = false): number[][] {
  const dims = COARSE_GRID[0] * COARSE_GRID[1];
  const take = Math.min(k + (self ? 1 : 0), pool.length);
  if (queries.length === 0 || take === 0) return queries.map(() => []);
  const packed = new Float32Array(pool.length * dims);
  pool.forEach((s, i) => packed.set(s.coarse, i * dims));
  const result: number[][] = [];
  tidy(() => {
    const poolT = tensor(packed, { shape: [pool.length, dims] }).t();
    for (let start = 0; start < queries.length; start += CHUNK) {
      const end = Math.min(queries.length, start + CHUNK);
      const q = new Float32Array((end - start) * dims);
      for (let i = start; i < end; i++) q.set(queries[i]!.coarse, (i - start) * dims);
      tidy(() => {
        const [, index] = tensor(q, { shape: [end - start, dims] })
          .matmul(poolT)
          .topk(take, 1);
        const flat = index.toNumbers();
        for (let r = 0; r < end - start; r++) {
          const row = flat.slice(r * take, (r + 1) * take).filter((j) => !(self && j === start + r));
          result.push(row.slice(0, k));
        }
      });
    }
  });
  return result;
}

/**
 * Candidate pairs within one list of slices, verified at full resolution: each slice's `k` coarse
 * neighbours, each unordered pair once, with its {@link sliceDistance}. Cost: the coarse search
 * plus about `n * k / 2` full-resolution comparisons.
 *
 * @param slices the slices' signatures
 * @param k coarse neighbours per slice
 * @returns pairs `a < b` (slice indices) with their distance (1 - normalized cross-correlation, 0..2)
 */
export function candidatePairs(slices: readonly SliceSignature[], k: number): SlicePair[] {
  const neighbours = coarseNeighbours(slices, slices, k, true);
  const seen = new Set<number>();
  const pairs: SlicePair[] = [];
  neighbours.forEach((row, i) => {
    for (const j of row) {
      const a = Math.min(i, j);
      const b = Math.max(i, j);
      const key = a * slices.length + b;
      if (seen.has(key)) continue;
      seen.add(key);
      pairs.push({ a, b, distance: sliceDistance(slices[a]!, slices[b]!) });
    }
  });
  return pairs;
}
