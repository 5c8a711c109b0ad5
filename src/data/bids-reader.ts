/**
 * The BIDS layout (https://bids-specification.readthedocs.io): `sub-<label>/[ses-<label>/]anat/
 * sub-<label>[_ses-<label>]_..._T1w.nii[.gz]`, with `participants.tsv` (participant_id and a
 * diagnosis column, optionally `split`: train, val or test) and optionally `sub-<label>/sub-<label>_sessions.tsv` (session_id and a
 * per-session diagnosis, as ClinicaDL writes for ADNI). Subject and session come from the folders.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AlzbenchError } from '../util/errors.js';
import { cdrClass } from './cdr-class.js';
import { canonicalClass } from './classes.js';
import { parseDecimal, parseTable } from '../util/csv.js';
import type { DataItem, Dataset, Problem, SplitName, VolumeSummary } from './dataset.js';
import { volumeDefaultTask } from './nifti-reader.js';
import { collectVolumeSlices, type VolumeSliceOptions } from './volume-slices.js';

/** Diagnosis columns tried, in order, when `--diagnosis-column` is not given. */
export const DIAGNOSIS_COLUMNS = ['diagnosis', 'dx', 'group', 'diagnosis_bl', 'dx_bl', 'clinical_diagnosis', 'cdr'];

const T1W = /_T1w\.nii(\.gz)?$/;

async function dirs(path: string, prefix: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && e.name.startsWith(prefix))
    .map((e) => e.name)
    .sort();
}

/**
 * Whether `root` looks like BIDS: a participants.tsv, or sub-* folders with anat/ data.
 *
 * @param root the data set folder
 * @returns true for a BIDS layout
 * @throws Error from node:fs when a folder cannot be read
 */
export async function isBidsDataset(root: string): Promise<boolean> {
  if (
    await stat(join(root, 'participants.tsv')).then(
      (s) => s.isFile(),
      () => false,
    )
  )
    return true;
  for (const sub of await dirs(root, 'sub-')) {
    if ((await dirs(join(root, sub), 'anat')).length > 0) return true;
    for (const ses of await dirs(join(root, sub), 'ses-')) if ((await dirs(join(root, sub, ses), 'anat')).length > 0) return true;
  }
  return false;
}

/** A table keyed by its first matching id column, with the chosen column's values. */
async function readKeyed(path: string, idColumn: string): Promise<{ header: string[]; rows: Map<string, string[]> } | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const { header, rows } = parseTable(text);
  const id = header.findIndex((h) => h.toLowerCase() === idColumn);
  if (id < 0) throw new AlzbenchError(`Expected a ${idColumn} column in ${path} but received header ${JSON.stringify(header)}`, { exitCode: 2 });
  return { header, rows: new Map(rows.map((r) => [r[id]!.trim(), r])) };
}

/** A diagnosis value as a class: CDR numbers through {@link cdrClass}, names through `canonicalClass`. */
function diagnosisClass(value: string, column: string): string | undefined {
  const v = value.trim();
  if (v === '' || v.toLowerCase() === 'n/a' || v.toLowerCase() === 'na') return undefined;
  if (column.toLowerCase().includes('cdr')) return cdrClass(parseDecimal(v)) ?? v;
  return canonicalClass(v);
}

/** Options of {@link readBidsDataset}. */
export interface BidsOptions extends VolumeSliceOptions {
  /** Column of participants.tsv (or sub-*_sessions.tsv) with the diagnosis; default the first of {@link DIAGNOSIS_COLUMNS} present. */
  readonly diagnosisColumn?: string;
}

/**
 * Reads a BIDS folder's T1w volumes into axial slices labelled by the diagnosis column
 * (per session from `sub-*_sessions.tsv` when it has the column, else per subject from
 * participants.tsv). A missing or `n/a` diagnosis is an `unlabelled` problem.
 *
 * @param root the BIDS folder
 * @param options `diagnosisColumn` (default the first of {@link DIAGNOSIS_COLUMNS} present), `sliceRange` (default the
 *   central 0.3:0.7) and `spacing` in mm to resample to (default the file's)
 * @returns the slices as items (subject = participant_id), problems (unlabelled, unreadable volumes) and a summary
 *   per volume
 * @throws AlzbenchError (exit 2) when participants.tsv is missing or no diagnosis column is found
 */
export async function readBidsDataset(root: string, options: BidsOptions = {}): Promise<Dataset> {
  const participants = await readKeyed(join(root, 'participants.tsv'), 'participant_id');
  if (!participants) {
    throw new AlzbenchError(`BIDS folder ${root} has sub-* folders but no participants.tsv, so no diagnosis labels`, {
      hint: 'add participants.tsv with participant_id and a diagnosis column (BIDS: tab-separated)',
      exitCode: 2,
    });
  }
  const subjects = await dirs(root, 'sub-');
  const sessionTables = new Map<string, Awaited<ReturnType<typeof readKeyed>>>();
  for (const sub of subjects) sessionTables.set(sub, await readKeyed(join(root, sub, `${sub}_sessions.tsv`), 'session_id'));
  const headers = [participants.header, ...[...sessionTables.values()].map((t) => t?.header ?? [])];
  const wanted = options.diagnosisColumn?.toLowerCase();
  const column = wanted
    ? headers.flat().find((h) => h.toLowerCase() === wanted)
    : DIAGNOSIS_COLUMNS.map((c) => headers.flat().find((h) => h.toLowerCase() === c)).find((h) => h !== undefined);
  if (!column) {
    throw new AlzbenchError(
      `${wanted ? `No column "${options.diagnosisColumn}"` : `No diagnosis column (tried ${DIAGNOSIS_COLUMNS.join(', ')})`} in participants.tsv or sub-*_sessions.tsv of ${root}; columns: ${[...new Set(headers.flat())].join(', ')}`,
      { hint: 'name the column with --diagnosis-column NAME', exitCode: 2 },
    );
  }
  const valueIn = (table: { header: string[]; rows: Map<string, string[]> } | undefined, key: string) => {
    const index = table?.header.indexOf(column) ?? -1;
    return index < 0 ? undefined : table!.rows.get(key)?.[index];
  };
  // A `split` column (train/val/test, as `alzbench synth --volumes` and readBidsVolumes use it)
  // fixes who is held out, so slice runs and volume runs on one folder test the same people.
  const splitIndex = participants.header.findIndex((h) => h.trim().toLowerCase() === 'split');
  const splitOf = (sub: string): SplitName | undefined => {
    if (splitIndex < 0) return undefined;
    const value = (participants.rows.get(sub) ?? participants.rows.get(sub.slice(4)))?.[splitIndex]?.trim().toLowerCase() ?? '';
    if (value === 'train' || value === 'val' || value === 'test') return value;
    if (value === '' || value === 'n/a') return undefined;
    throw new AlzbenchError(`Expected train, val, test or n/a in the split column of ${join(root, 'participants.tsv')} for ${sub} but received "${value}"`, {
      hint: 'fix the value, or remove the split column to let the trainer draw a subject-grouped split',
      exitCode: 2,
    });
  };
  const items: DataItem[] = [];
  const problems: Problem[] = [];
  const volumes: VolumeSummary[] = [];
  const fromSessions = new Set<string>();
  for (const sub of subjects) {
    const sessions = await dirs(join(root, sub), 'ses-');
    for (const ses of sessions.length > 0 ? sessions : [undefined]) {
      const anat = join(root, sub, ...(ses ? [ses] : []), 'anat');
      const files = (await readdir(anat).catch(() => [] as string[])).filter((f) => T1W.test(f)).sort();
      const perSession = ses ? valueIn(sessionTables.get(sub), ses) : undefined;
      if (perSession !== undefined) fromSessions.add(sub);
      const value = perSession ?? valueIn(participants, sub) ?? valueIn(participants, sub.slice(4));
      for (const file of files) {
        const path = join(anat, file);
        const label = value === undefined ? undefined : diagnosisClass(value, column);
        if (!label) {
          const why = value === undefined ? `${sub} has no row in participants.tsv` : `diagnosis "${value}" in column ${column} is empty or n/a`;
          problems.push({ kind: 'unlabelled', path: relative(root, path), detail: why });
          continue;
        }
        const sourceSplit = splitOf(sub);
        await collectVolumeSlices(
          root,
          path,
          options,
          { sourceClass: label, subject: sub, ...(ses ? { session: ses } : {}), ...(sourceSplit ? { sourceSplit } : {}) },
          { items, problems, volumes },
        );
      }
    }
  }
  const labelSource = fromSessions.size > 0 ? `sub-*_sessions.tsv (${fromSessions.size} subjects) and participants.tsv` : 'participants.tsv';
  return {
    root,
    layout: 'bids',
    defaultTask: volumeDefaultTask(items),
    items,
    problems,
    subjectSourceDetail: `BIDS folders sub-*/ses-* (subject, session); diagnosis column "${column}" of ${labelSource}`,
    volumes,
  };
}
