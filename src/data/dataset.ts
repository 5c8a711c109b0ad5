import type { Raster } from '../preprocess/raster.js';

/** The split an item belongs to. */
export type SplitName = 'train' | 'val' | 'test';

/** The data set layouts alzbench recognises. */
export type LayoutKind =
  | 'kaggle-4class'
  | 'kaggle-binary'
  | 'preprocessed-128'
  | 'class-folders'
  | 'parquet'
  | 'nifti-csv'
  | 'bids'
  | 'oasis'
  | 'volume-folders';

/** Where an item's pixels come from. */
export type ItemSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'raster'; readonly raster: Raster };

/** One 2-D slice of a data set, before decoding. */
export interface DataItem {
  /** Stable id relative to the data set root: `train/NonDemented/26 (19).jpg`, `x.parquet#12`, `sub01.nii.gz#z=40`. */
  readonly id: string;
  /** Canonical source class (see `canonicalClass`). */
  readonly sourceClass: string;
  /** Subject ID when the data set has one (NIfTI CSV, subjects.csv, file names); undefined otherwise. */
  readonly subject?: string;
  /** Imaging session of the subject when the data set names one (BIDS `ses-M00`, OASIS `MR1`). */
  readonly session?: string;
  /** Split given by the data set's own folders (`train/`, `val/`, `test/`), if any. */
  readonly sourceSplit?: SplitName;
  readonly source: ItemSource;
}

/** A file or folder that could not be used, for the bad-input report. */
export interface Problem {
  readonly kind: 'unreadable' | 'truncated' | 'not-image' | 'lfs-pointer' | 'too-large' | 'empty-class' | 'mixed-sizes' | 'unlabelled';
  readonly path: string;
  readonly detail: string;
}

/** A data set as read from disk: its layout, items and the problems met while listing it. */
export interface Dataset {
  readonly root: string;
  readonly layout: LayoutKind;
  /** Task the layout suggests when the user names none. */
  readonly defaultTask: string;
  readonly items: DataItem[];
  readonly problems: Problem[];
  /** How a volume layout carries subject IDs, in words (e.g. BIDS folders, OASIS names); `subjectSource.detail` repeats it. */
  readonly subjectSourceDetail?: string;
  /** One entry per volume read, for volume layouts (NIfTI CSV, BIDS, OASIS). */
  readonly volumes?: VolumeSummary[];
  /** Things the reader did that the user should know (wrapper folders descended, junk ignored, ...). */
  readonly notes?: string[];
  /** Where the items' subject IDs came from (see `subjectsFromNames`, `attachSubjects`). */
  readonly subjectSource?: SubjectSource;
  /** Class folder or label name as found -> the class it was read as (synonyms, spelling). */
  readonly classNames?: Record<string, string>;
}

/** What reading one volume found: shapes, orientation, what was dropped or set to background. */
export interface VolumeSummary {
  /** Path relative to the data set root. */
  readonly path: string;
  readonly format: string;
  readonly storedType: string;
  /** Shape as stored, all dimensions. */
  readonly sourceShape: number[];
  /** Axis codes as stored (nibabel `aff2axcodes`), e.g. `LAS`; slices are cut after reorienting to RAS. */
  readonly sourceAxcodes: string;
  /** Shape in RAS+ (after resampling when asked). */
  readonly shape: number[];
  /** Voxel size in mm along the RAS+ axes (after resampling when asked). */
  readonly spacing: number[];
  /** Volumes of a 4-D file not used (the first volume is). */
  readonly droppedVolumes: number;
  /** NaN and ±Inf voxels set to background. */
  readonly nonFiniteCount: number;
  /** Intensity window [low, high] from the finite voxels (0.5 and 99.5 percentiles). */
  readonly window: [number, number];
  /** Axial slices cut, [from, to) in RAS+ z. */
  readonly slices: [number, number];
}

/** Where a data set's subject IDs came from, for the report. */
export interface SubjectSource {
  /** `reader` (the layout carries them), `subjects-csv`, `subject-pattern` (--subject-pattern), `oasis-names`, `id-slice-names`, or `none`. */
  readonly kind: 'reader' | 'subjects-csv' | 'subject-pattern' | 'oasis-names' | 'id-slice-names' | 'none';
  /** The regular expression used, for the name-based kinds. */
  readonly pattern?: string;
  /** For `reader`: how the layout carries them, in words (BIDS folders, OASIS names, a CSV column). */
  readonly detail?: string;
  /** Items given a subject, and the number of distinct subjects. */
  readonly items: number;
  readonly subjects: number;
}
