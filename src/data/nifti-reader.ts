import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { AlzbenchError, invalid } from '../util/errors.js';
import { canonicalClass } from './classes.js';
import { parseCsv } from '../util/csv.js';
import type { DataItem, Dataset, Problem, SplitName, VolumeSummary } from './dataset.js';
import type { SliceRange } from './volume/axial-slices.js';
import { DEFAULT_SLICE_RANGE, collectVolumeSlices, type VolumeSliceOptions } from './volume-slices.js';

export type { SliceRange } from './volume/axial-slices.js';

/**
 * Parses a slice range option: `40:120` (voxel indices, end excluded) or `0.3:0.7` (fractions).
 *
 * @param text `FROM:TO`, two non-negative numbers with FROM < TO
 * @returns the range (fractions of the z extent when both are at most 1, else voxel indices)
 * @throws AlzbenchError (exit 2) `Expected from:to with from < to (...) for slice range but received ...`
 *
 * @example
 * parseSliceRange('0.3:0.7'); // { from: 0.3, to: 0.7 }
 */
export function parseSliceRange(text: string): SliceRange {
  const match = /^\s*([\d.]+)\s*:\s*([\d.]+)\s*$/.exec(text);
  const from = match ? Number(match[1]) : NaN;
  const to = match ? Number(match[2]) : NaN;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) {
    throw invalid('from:to with from < to (voxel indices like 40:120, or fractions like 0.3:0.7)', 'slice range', text);
  }
  return { from, to };
}

const SUBJECT_COLUMNS = ['subject', 'subject_id', 'subjectid', 'subject id', 'ptid', 'rid', 'participant_id', 'id'];
const LABEL_COLUMNS = ['label', 'class', 'diagnosis', 'dx', 'group'];
const PATH_COLUMNS = ['path', 'file', 'filename', 'image', 'nifti', 'volume', 'scan'];
const SPLIT_COLUMNS = ['split', 'set'];

function column(header: string[], names: readonly string[]): number {
  return header.findIndex((h) => names.includes(h.trim().toLowerCase()));
}

/**
 * The first CSV file (by name) in `root` whose header has subject, label and path columns (in any of their usual
 * spellings: `subject_id`, `participant_id`, `diagnosis`, `dx`, `file`, `nifti`, ...).
 *
 * @param root the data set folder (not searched recursively)
 * @returns the CSV's path, or undefined when there is none
 * @throws Error from node:fs when the folder or a CSV cannot be read
 */
export async function findNiftiCsv(root: string): Promise<string | undefined> {
  for (const name of (await readdir(root)).sort()) {
    if (!name.toLowerCase().endsWith('.csv')) continue;
    const header = parseCsv((await readFile(join(root, name), 'utf8')).split(/\r?\n/, 1)[0] ?? '')[0] ?? [];
    if (column(header, SUBJECT_COLUMNS) >= 0 && column(header, LABEL_COLUMNS) >= 0 && column(header, PATH_COLUMNS) >= 0) return join(root, name);
  }
  return undefined;
}

/**
 * The task a volume layout suggests: 4-class when every label is one of the dementia classes.
 *
 * @param items the data set's items (their canonical source classes)
 * @returns `4class`, or `folders` (the labels as they are)
 */
export function volumeDefaultTask(items: readonly DataItem[]): string {
  const dementia = items.every((i) => ['NonDemented', 'VeryMildDemented', 'MildDemented', 'ModerateDemented'].includes(i.sourceClass));
  return dementia ? '4class' : 'folders';
}

/**
 * Reads volumes (NIfTI-1/2 `.nii`/`.nii.gz`, Analyze/NIfTI `.hdr`+`.img` pairs, see `readVolume`)
 * listed in a CSV with subject ID, label and path columns (and optionally a split column), and cuts
 * each, reoriented to RAS+, into axial slices over the range (see `sliceVolumeFile`). Every slice
 * keeps its subject ID, so splits can be grouped by subject; the data set lists what each volume
 * held (`volumes`: orientation, dropped 4-D volumes, NaN/Inf voxels, window).
 *
 * @param root the data set folder; CSV paths are relative to it
 * @param csvPath the CSV listing the volumes
 * @param options a slice range, or `sliceRange` and `spacing` (mm, resampled first); default the central
 *   {@link DEFAULT_SLICE_RANGE} (0.3:0.7 of the z extent) at the file's voxel size
 * @returns the slices as items (one per axial slice, with subject and label), problems for rows and volumes that
 *   could not be used (unlabelled rows, unreadable or truncated volumes), and a summary per volume
 * @throws AlzbenchError (exit 2) `<csv>: expected columns subject, label and path but found ...`
 * @throws Error from node:fs when the CSV cannot be read
 */
export async function readNiftiDataset(root: string, csvPath: string, options: SliceRange | VolumeSliceOptions = DEFAULT_SLICE_RANGE): Promise<Dataset> {
  const sliceOptions: VolumeSliceOptions = 'from' in options ? { sliceRange: options } : options;
  const rows = parseCsv(await readFile(csvPath, 'utf8'));
  const header = rows[0] ?? [];
  const subjectCol = column(header, SUBJECT_COLUMNS);
  const labelCol = column(header, LABEL_COLUMNS);
  const pathCol = column(header, PATH_COLUMNS);
  const splitCol = column(header, SPLIT_COLUMNS);
  if (subjectCol < 0 || labelCol < 0 || pathCol < 0) {
    throw new AlzbenchError(`${csvPath}: expected columns subject, label and path but found ${header.join(', ')}`, { exitCode: 2 });
  }
  const items: DataItem[] = [];
  const problems: Problem[] = [];
  const volumes: VolumeSummary[] = [];
  for (const row of rows.slice(1)) {
    const subject = row[subjectCol]?.trim() ?? '';
    const label = row[labelCol]?.trim() ?? '';
    const file = row[pathCol]?.trim() ?? '';
    const path = isAbsolute(file) ? file : join(root, file);
    const id = relative(root, path);
    if (!subject || !label || !file) {
      problems.push({ kind: 'unlabelled', path: id || csvPath, detail: 'CSV row lacks subject, label or path' });
      continue;
    }
    const split = row[splitCol]?.trim().toLowerCase();
    const sourceSplit: SplitName | undefined = split === 'train' || split === 'val' || split === 'test' ? split : undefined;
    const fields = { sourceClass: canonicalClass(label), subject, ...(sourceSplit ? { sourceSplit } : {}) };
    await collectVolumeSlices(root, path, sliceOptions, fields, { items, problems, volumes });
  }
  const source = `${relative(root, csvPath)} (subject column "${header[subjectCol]!.trim()}")`;
  return { root, layout: 'nifti-csv', defaultTask: volumeDefaultTask(items), items, problems, subjectSourceDetail: source, volumes };
}
