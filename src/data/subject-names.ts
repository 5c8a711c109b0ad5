import { basename } from 'node:path';
import { AlzbenchError, invalid } from '../util/errors.js';
import type { DataItem, Dataset, SubjectSource } from './dataset.js';

export type { SubjectSource } from './dataset.js';

/**
 * OASIS-1/OASIS-2 slice names as the Kaggle "imagesoasis" set has them:
 * `OAS1_0308_MR1_mpr-1_101.jpg` is subject `OAS1_0308`, session `MR1`.
 */
export const OASIS_NAME_PATTERN = /^(?<subject>OAS[12]_\d{4})_(?<session>MR\d+)/i;

/** `<id>_<slice>.<ext>` (or `<id>-<slice>`): `sub01_045.png` is subject `sub01`. */
export const ID_SLICE_PATTERN = /^(?<subject>.+?)[_-](?<slice>\d+)\.[A-Za-z0-9]+$/;

function match(pattern: RegExp, item: DataItem): { subject: string; session?: string } | undefined {
  const m = pattern.exec(basename(item.id.replaceAll('\\', '/'))) ?? pattern.exec(item.id.replaceAll('\\', '/'));
  if (!m) return undefined;
  const subject = m.groups?.subject ?? m[1];
  if (!subject) return undefined;
  const session = m.groups?.session;
  return { subject, ...(session ? { session } : {}) };
}

function apply(dataset: Dataset, pattern: RegExp, found: Array<{ subject: string; session?: string }>, kind: SubjectSource['kind']) {
  const items = dataset.items.map((item, i) => ({ ...item, ...found[i]! }));
  const subjects = new Set(found.map((f) => f.subject)).size;
  return { dataset: { ...dataset, items }, source: { kind, pattern: pattern.source, items: items.length, subjects } };
}

/**
 * Subject IDs read from slice file names. With `pattern` (the CLI's `--subject-pattern`): a
 * regular expression matched against each file's base name (then its path relative to the data
 * set, so folder names can be captured); the subject is the named group `subject` or the first
 * group, the session the named group `session`. A file it does not match is an error (exit 2)
 * naming it. Without `pattern`, two namings are detected when every file has them: OASIS
 * ({@link OASIS_NAME_PATTERN}) and `<id>_<slice>.<ext>` ({@link ID_SLICE_PATTERN}, only when
 * some ID has more than one slice: otherwise the names are not grouping anything). Items that
 * already carry a subject (from the reader or subjects.csv) keep the data set as it is.
 *
 * @param dataset the listed data set
 * @param pattern a regular expression (JavaScript syntax) with a `subject` group or a first group; default none
 *   (detect the OASIS and `<id>_<slice>` namings)
 * @returns the data set with subjects attached, and where they came from (kind, pattern, items, subjects)
 * @throws AlzbenchError (exit 2) `Expected a regular expression for --subject-pattern ...`, or `--subject-pattern
 *   <p> matches no subject in <n> of <m> file names, e.g. ...`
 * @example
 * (await subjectsFromNames(dataset, '^(?<subject>P\\d+)_')).source; // { kind: 'subject-pattern', subjects: 12, ... }
 */
export function subjectsFromNames(dataset: Dataset, pattern?: string): { dataset: Dataset; source: SubjectSource } {
  const none = { dataset, source: { kind: 'none' as const, items: 0, subjects: 0 } };
  if (dataset.items.length === 0) return none;
  if (pattern !== undefined) {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch (error) {
      throw invalid('a regular expression', '--subject-pattern', pattern, (error as Error).message);
    }
    const found = dataset.items.map((item) => match(regex, item));
    const misses = dataset.items.filter((_, i) => !found[i]);
    if (misses.length > 0) {
      throw new AlzbenchError(
        `--subject-pattern ${JSON.stringify(pattern)} matches no subject in ${misses.length} of ${dataset.items.length} file names, e.g. ${misses
          .slice(0, 3)
          .map((m) => JSON.stringify(m.id))
          .join(', ')}`,
        { hint: 'the subject is the named group (?<subject>...) or the first group, matched against the file name, then its path', exitCode: 2 },
      );
    }
    return apply(dataset, regex, found as Array<{ subject: string }>, 'subject-pattern');
  }
  if (dataset.items.some((i) => i.subject !== undefined)) return none;
  for (const [regex, kind] of [
    [OASIS_NAME_PATTERN, 'oasis-names'],
    [ID_SLICE_PATTERN, 'id-slice-names'],
  ] as const) {
    const found = dataset.items.map((item) => match(regex, item));
    if (found.some((f) => !f)) continue;
    const subjects = new Set(found.map((f) => f!.subject)).size;
    if (kind === 'id-slice-names' && subjects === dataset.items.length) continue;
    return apply(dataset, regex, found as Array<{ subject: string }>, kind);
  }
  return none;
}
