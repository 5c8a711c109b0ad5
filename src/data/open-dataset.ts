import { readdir, stat } from 'node:fs/promises';
import { AlzbenchError } from '../util/errors.js';
import type { Dataset } from './dataset.js';
import { readFolderDataset } from './folder-reader.js';
import { findNiftiCsv, readNiftiDataset, type SliceRange } from './nifti-reader.js';
import { findParquetFiles, readParquetDataset } from './parquet-reader.js';
import { attachSubjects } from './subject-csv.js';
import { subjectsFromNames } from './subject-names.js';

/** Options of {@link openDataset}. */
export interface OpenOptions {
  /** Axial slice range for NIfTI volumes (default the middle 40 %). */
  readonly sliceRange?: SliceRange;
  /** Label names for parquet files without Hugging Face metadata (default Falah/Alzheimer_MRI's). */
  readonly labelNames?: readonly string[];
  /** Regular expression giving the subject from each 2-D slice file name (see `subjectsFromNames`). */
  readonly subjectPattern?: string;
}

const LAYOUT_HINT =
  'expected one of: <dir>/<class>/<images> (e.g. NonDemented/, VeryMildDemented/, ...), ' +
  '<dir>/train|test/<class>/<images>, parquet files with image and label columns, ' +
  'or a CSV with subject, label and path columns listing NIfTI volumes';

/**
 * Opens a data set folder and detects its layout: parquet files, a CSV of NIfTI volumes, or class
 * folders (with or without train/test split folders). Lists items without decoding them.
 * An unknown layout is an {@link AlzbenchError} saying what was found and what is expected.
 *
 * @example
 * const dataset = await openDataset('../shared/data/kaggle4-sample');
 * dataset.layout; // 'kaggle-4class'
 */
export async function openDataset(root: string, options: OpenOptions = {}): Promise<Dataset> {
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new AlzbenchError(`Data set folder not found: ${root}`, { hint: 'give the folder that holds the class folders or parquet files', exitCode: 2 });
  }
  if ((await findParquetFiles(root)).length > 0) return withSubjects(await readParquetDataset(root, options.labelNames), options.subjectPattern);
  const csv = await findNiftiCsv(root);
  if (csv) return withSubjects(await readNiftiDataset(root, csv, options.sliceRange), options.subjectPattern);
  const folders = await readFolderDataset(root);
  if (folders && folders.items.length > 0) {
    // A subjects.csv beside the class folders (as `alzbench synth` writes) gives subject IDs.
    const { dataset, matched } = await attachSubjects(folders);
    if (matched > 0 && options.subjectPattern === undefined) {
      return { ...dataset, subjectSource: { kind: 'subjects-csv', items: matched, subjects: new Set(dataset.items.map((i) => i.subject).filter((s) => s !== undefined)).size } };
    }
    return withSubjects(dataset, options.subjectPattern);
  }
  const entries = await readdir(root, { withFileTypes: true });
  const found = `${entries.filter((e) => e.isDirectory()).length} folder(s) and ${entries.filter((e) => e.isFile()).length} file(s) at the top, no images in class folders`;
  throw new AlzbenchError(`Unknown data set layout in ${root}: ${found}`, { hint: LAYOUT_HINT, exitCode: 2 });
}

/** Subject IDs the reader gave, else from file names (--subject-pattern, or the OASIS / `<id>_<slice>` namings). */
function withSubjects(dataset: Dataset, pattern: string | undefined): Dataset {
  const given = dataset.items.filter((i) => i.subject !== undefined);
  if (given.length > 0 && pattern === undefined) {
    return { ...dataset, subjectSource: { kind: 'reader', items: given.length, subjects: new Set(given.map((i) => i.subject)).size } };
  }
  const { dataset: named, source } = subjectsFromNames(dataset, pattern);
  return { ...named, subjectSource: source };
}
