import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AlzbenchError } from '../../util/errors.js';

/**
 * Makes `out` ready for a generator: created when missing, left alone when empty. A folder that
 * holds anything else is refused, so a data set is never mixed with other files; with `force`, a
 * folder holding only the generator's own earlier outputs is emptied first.
 *
 * @param out the output folder
 * @param force replace an earlier output of the same generator
 * @param isOwn whether a top-level name is one the generator writes
 * @param what what the generator writes, for the hint (e.g. `data set`, `volumes`)
 * @throws AlzbenchError (exit 2) when the folder is not empty, with the way out as the hint
 */
export function prepareOutput(out: string, force: boolean, isOwn: (name: string) => boolean, what: string): void {
  if (!existsSync(out)) {
    mkdirSync(out, { recursive: true });
    return;
  }
  const entries = readdirSync(out);
  if (entries.length === 0) return;
  const foreign = entries.filter((name) => !isOwn(name));
  if (!force || foreign.length > 0) {
    throw new AlzbenchError(`output folder ${out} is not empty (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', ...' : ''})`, {
      exitCode: 2,
      hint:
        foreign.length > 0
          ? 'choose a new or empty folder: it holds files the generator did not write'
          : `add --force to replace the ${what} generated there before`,
    });
  }
  for (const name of entries) rmSync(join(out, name), { recursive: true, force: true });
}
