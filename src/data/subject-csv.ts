import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AlzbenchError } from '../util/errors.js';
import { parseCsv } from '../util/csv.js';
import type { Dataset } from './dataset.js';

/** File name of the side table that maps image files to subjects (what `alzbench synth` writes). */
export const SUBJECTS_CSV = 'subjects.csv';

/**
 * Reads `<root>/subjects.csv` (header with `file` and `subject` columns; other columns ignored)
 * into a map from file path relative to the root (forward slashes) to subject ID. Resolves
 * undefined when there is no such file. A file without those columns, or a row without a
 * subject, is an error naming the file and the row.
 *
 * @param root the data set folder
 * @returns file (relative, `/`-separated) to subject ID, or undefined without `subjects.csv`
 * @throws AlzbenchError (exit 2) `Expected columns file and subject in <path> but received header ...`, or
 *   `Expected a file and a subject in row <n> of <path> ...`
 */
export async function readSubjectTable(root: string): Promise<Map<string, string> | undefined> {
  const path = join(root, SUBJECTS_CSV);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const [header, ...rows] = parseCsv(text);
  const columns = (header ?? []).map((h) => h.trim().toLowerCase());
  const fileColumn = columns.indexOf('file');
  const subjectColumn = columns.indexOf('subject');
  if (fileColumn < 0 || subjectColumn < 0) {
    throw new AlzbenchError(`Expected columns file and subject in ${path} but received header ${JSON.stringify(header ?? [])}`, {
      hint: 'one row per image: file (path relative to the data set folder), subject (ID)',
      exitCode: 2,
    });
  }
  const table = new Map<string, string>();
  rows.forEach((row, i) => {
    const file = row[fileColumn]?.trim().replaceAll('\\', '/');
    const subject = row[subjectColumn]?.trim();
    if (!file || !subject)
      throw new AlzbenchError(`Expected a file and a subject in row ${i + 2} of ${path} but received ${JSON.stringify(row)}`, { exitCode: 2 });
    table.set(file, subject);
  });
  return table;
}

/**
 * Gives every item of a folder data set its subject ID from `<root>/subjects.csv` when that file
 * exists (items already carrying a subject keep it). Items the table does not list stay without
 * a subject, so `prepareDataset` falls back to pseudo-subjects unless every item has one; the
 * result says how many were matched.
 *
 * @param dataset a folder data set
 * @returns the data set with subjects attached, how many items were matched and how many rows the table has (0 and 0
 *   without the file)
 * @throws AlzbenchError (exit 2) for a malformed `subjects.csv`, as {@link readSubjectTable}
 *
 * @example
 * const { dataset, matched } = await attachSubjects(await readFolderDataset(dir));
 */
export async function attachSubjects(dataset: Dataset): Promise<{ dataset: Dataset; matched: number; listed: number }> {
  const table = await readSubjectTable(dataset.root);
  if (!table) return { dataset, matched: 0, listed: 0 };
  let matched = 0;
  const items = dataset.items.map((item) => {
    if (item.subject !== undefined) return item;
    const subject = table.get(item.id.replaceAll('\\', '/'));
    if (subject === undefined) return item;
    matched++;
    return { ...item, subject };
  });
  return { dataset: { ...dataset, items }, matched, listed: table.size };
}
