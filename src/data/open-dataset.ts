import { readdir, stat } from 'node:fs/promises';
import { AlzbenchError } from '../util/errors.js';
import type { Dataset } from './dataset.js';
import { readFolderDataset } from './folder-reader.js';
import { findNiftiCsv, readNiftiDataset, type SliceRange } from './nifti-reader.js';
import { findParquetFiles, readParquetDataset } from './parquet-reader.js';
import { attachSubjects } from './subject-csv.js';
import { isBidsDataset, readBidsDataset } from './bids-reader.js';
import { findOasisSessions, hasOasisDemographics, readOasisDataset } from './oasis-reader.js';
import { findVolumeClassFolders, readVolumeFolderDataset } from './volume-folder-reader.js';
import type { VolumeSliceOptions } from './volume-slices.js';
import { subjectsFromNames } from './subject-names.js';

/** Options of {@link openDataset}. */
export interface OpenOptions {
  /** Axial slice range for NIfTI volumes (default the middle 40 %). */
  readonly sliceRange?: SliceRange;
  /** Label names for parquet files without Hugging Face metadata (default Falah/Alzheimer_MRI's). */
  readonly labelNames?: readonly string[];
  /** Resample volumes to this voxel size in mm before cutting slices (default: keep the file's). */
  readonly spacing?: number;
  /** BIDS: the participants.tsv (or sessions.tsv) column holding the diagnosis. */
  readonly diagnosisColumn?: string;
  /** Regular expression giving the subject from each 2-D slice file name (see `subjectsFromNames`). */
  readonly subjectPattern?: string;
}

const LAYOUT_HINT =
  'expected one of: <dir>/<class>/<images> (e.g. NonDemented/, VeryMildDemented/, ...), ' +
  '<dir>/train|test/<class>/<images>, parquet files with image and label columns, ' +
  'a CSV with subject, label and path columns listing NIfTI volumes, ' +
  'a BIDS folder (participants.tsv, sub-*/[ses-*/]anat/*_T1w.nii[.gz]), OASIS-1/OASIS-2 session folders (OAS1_0001_MR1/...), ' +
  'or volumes in class folders (<class>/<volume>.nii.gz)';

/** The volume readers' options (slice range, spacing) out of {@link OpenOptions}. */
function volumeOptions(options: OpenOptions): VolumeSliceOptions {
  return { ...(options.sliceRange ? { sliceRange: options.sliceRange } : {}), ...(options.spacing !== undefined ? { spacing: options.spacing } : {}) };
}

/**
 * Opens a data set folder and detects its layout: parquet files, a CSV of NIfTI volumes, a BIDS
 * folder, OASIS-1/OASIS-2 session folders, or class folders (with or without train/test split folders). Lists items without decoding them.
 * An unknown layout is an {@link AlzbenchError} saying what was found and what is expected.
 *
 * @param root the data set folder
 * @param options volume `sliceRange` (default the central 0.3:0.7) and `spacing` (mm; default the file's), parquet
 *   `labelNames`, BIDS `diagnosisColumn`, and `subjectPattern` for subject IDs in file names
 * @returns the listed items (not decoded), layout, problems, notes, subject source and, for volumes, a summary each
 * @throws AlzbenchError (exit 2) `Data set folder not found: <root>`, `Unknown data set layout in <root>: ...`, two
 *   or more full class sets side by side, a layout file that does not fit (CSV columns, BIDS participants.tsv, OASIS
 *   demographics, parquet configs), or a `subjectPattern` that is not a regular expression or misses file names
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
  if (csv) return withSubjects(await readNiftiDataset(root, csv, volumeOptions(options)), options.subjectPattern);
  if (await isBidsDataset(root))
    return withSubjects(
      await readBidsDataset(root, { ...volumeOptions(options), ...(options.diagnosisColumn ? { diagnosisColumn: options.diagnosisColumn } : {}) }),
      options.subjectPattern,
    );
  const oasis = await findOasisSessions(root);
  const volumeFolders = await findVolumeClassFolders(root);
  // OASIS names inside class folders (AD/OAS1_0001_MR1.nii.gz) without OASIS's demographic table:
  // the folders give the classes. OASIS's own folders (disc1/, OAS2_RAW_PART1/, sessions) are not classes.
  const oasisFolders = volumeFolders?.some((c) => /^(disc\d+|OAS[12]_\d{4}_MR\d+|OAS2_RAW_PART\d+)$/i.test(c.folder)) ?? true;
  if (oasis.length > 0 && (oasisFolders || (await hasOasisDemographics(root))))
    return withSubjects(await readOasisDataset(root, oasis, volumeOptions(options)), options.subjectPattern);
  if (volumeFolders) return withSubjects(await readVolumeFolderDataset(root, volumeFolders, volumeOptions(options)), options.subjectPattern);
  const folders = await readFolderDataset(root);
  if (folders && folders.items.length > 0) {
    // A subjects.csv beside the class folders (as `alzbench synth` writes) gives subject IDs.
    const { dataset, matched } = await attachSubjects(folders);
    if (matched > 0 && options.subjectPattern === undefined) {
      return {
        ...dataset,
        subjectSource: { kind: 'subjects-csv', items: matched, subjects: new Set(dataset.items.map((i) => i.subject).filter((s) => s !== undefined)).size },
      };
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
    return {
      ...dataset,
      subjectSource: {
        kind: 'reader',
        ...(dataset.subjectSourceDetail ? { detail: dataset.subjectSourceDetail } : {}),
        items: given.length,
        subjects: new Set(given.map((i) => i.subject)).size,
      },
    };
  }
  const { dataset: named, source } = subjectsFromNames(dataset, pattern);
  return { ...named, subjectSource: source };
}
