/**
 * Cross-validation folds and repeated seeds as separate runs: `folds: K` (without `fold`) and
 * `repeats: N` expand one configuration into K x N runs, fold f = 0..K-1 crossed with seeds
 * seed, seed+1, ..., seed+N-1, linked by one `runGroup` id. Each is an ordinary run in the store;
 * `compare` pools a group's runs (mean, SD, CI over folds and seeds) and pairs groups fold by fold.
 */
import { randomBytes } from 'node:crypto';
import type { TrainConfigInput } from './config.js';

/** One run of an expanded set: its settings and its place in the set. */
export interface ExpandedRun {
  readonly settings: TrainConfigInput;
  /** Test fold (null without cross-validation). */
  readonly fold: number | null;
  readonly seed: number;
}

/**
 * The runs a configuration stands for: itself when it asks for one fold (or none) and one
 * repeat; otherwise folds x seeds, each with its `fold` and `seed` and the shared
 * `runGroup` (the given one, else `cv-<8 hex>`).
 *
 * @example
 * expandRuns({ data: 'd', folds: 5, repeats: 2 }).length; // 10
 */
export function expandRuns(settings: TrainConfigInput, options: { defaultSeed?: number } = {}): ExpandedRun[] {
  const folds = (settings.folds as number | undefined) ?? 0;
  const fold = (settings.fold as number | null | undefined) ?? null;
  const repeats = (settings.repeats as number | undefined) ?? 1;
  const seed = (settings.seed as number | undefined) ?? options.defaultSeed ?? 0;
  const foldList = folds >= 2 && fold === null ? Array.from({ length: folds }, (_, f) => f) : [fold];
  if (foldList.length === 1 && repeats === 1) return [{ settings, fold, seed }];
  const runGroup = (settings.runGroup as string | null | undefined) ?? `cv-${randomBytes(4).toString('hex')}`;
  const out: ExpandedRun[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const f of foldList) {
      out.push({ settings: { ...settings, ...(f === null ? {} : { fold: f }), seed: seed + r, runGroup }, fold: f, seed: seed + r });
    }
  }
  return out;
}
