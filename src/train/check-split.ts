import { existsSync } from 'node:fs';
import { compareManifest, readManifest, type SplitManifest } from '../data/manifest.js';
import { AlzbenchError } from '../util/errors.js';

/**
 * Checks, on resume, that the data split about to be used is the one the run started with: the
 * split manifest saved at the start (`split.json`) against the one just prepared. A resumed run
 * must train and select on the same slices, or its metrics mix two experiments.
 *
 * @param path the run's saved manifest (`runs/<id>/split.json`); a run killed before writing it
 *   has nothing to compare and passes.
 * @throws AlzbenchError (exit 2) naming how many files are missing, changed, added or moved to
 *   another split, with the first few of each, when the two differ.
 */
export async function checkSplitUnchanged(path: string, current: SplitManifest, runId: string): Promise<void> {
  if (!existsSync(path)) return;
  const saved = await readManifest(path);
  const { missing, changed, added } = compareManifest(saved, current.entries);
  const splitOf = new Map(current.entries.map((e) => [e.file, e.split]));
  const moved = saved.entries.filter((e) => splitOf.has(e.file) && splitOf.get(e.file) !== e.split).map((e) => e.file);
  const problems = Object.entries({ missing, changed, added, 'in another split': moved }).filter(([, files]) => files.length > 0);
  if (problems.length === 0) return;
  const detail = problems.map(([what, files]) => `${files.length} ${what} (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', ...' : ''})`).join('; ');
  throw new AlzbenchError(`The data split of run ${runId} changed since it started: ${detail}`, {
    hint: 'resume needs the same files, task, grouping and split seed; start a new run instead',
    exitCode: 2,
  });
}
