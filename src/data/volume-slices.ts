/**
 * The 2-D path for volumes: reads one volume as nibabel does (RAS+ closest canonical), optionally
 * resamples it, and cuts its axial slices over a range as 8-bit rasters windowed to the finite
 * voxels' 0.5-99.5 percentiles. Shared by every volume layout (NIfTI CSV, BIDS, OASIS).
 */
import { relative } from 'node:path';
import { makeRaster } from '../preprocess/raster.js';
import type { Raster } from '../preprocess/raster.js';
import type { DataItem, Problem, VolumeSummary } from './dataset.js';
import { axialSlice, sliceIndices, type SliceRange } from './volume/axial-slices.js';
import { intensityWindow } from './volume/intensity-window.js';
import { readVolume } from './volume/read-volume.js';
import { resampleToSpacing } from './volume/resample.js';
import { VolumeError } from './volume/volume-error.js';

/** File names of volumes the layouts read: NIfTI (`.nii`, `.nii.gz`) and Analyze/NIfTI pairs by their header (`.hdr`, `.hdr.gz`). */
export const VOLUME_FILE_NAME = /\.(nii|nii\.gz|hdr|hdr\.gz)$/i;

/** The default range: the middle 40 % of the volume, where the ventricles and hippocampi are. */
export const DEFAULT_SLICE_RANGE: SliceRange = { from: 0.3, to: 0.7 };

/** How volumes become slices. */
export interface VolumeSliceOptions {
  /** Axial slices to cut (default {@link DEFAULT_SLICE_RANGE}). */
  readonly sliceRange?: SliceRange;
  /** Resample to this voxel size in mm (trilinear, RAS+) before cutting; default: keep the file's. */
  readonly spacing?: number;
}

/** One volume's slices, or the problem that kept it out. */
export type VolumeSlices =
  | { readonly ok: true; readonly slices: Array<{ readonly z: number; readonly raster: Raster }>; readonly summary: VolumeSummary }
  | { readonly ok: false; readonly problem: Problem };

/**
 * Reads the volume at `path` and cuts its axial slices. Read errors become a `truncated`, `too-large` or
 * `unreadable` problem (with the reader's message and hint), never an empty success.
 *
 * @param root the data set folder (item ids are paths relative to it)
 * @param path the volume file
 * @param options `sliceRange` (default {@link DEFAULT_SLICE_RANGE}, the central 0.3:0.7) and `spacing` in mm to
 *   resample to first (default the file's); the intensity window (0.5th-99.5th percentile) is taken before resampling
 * @returns the 8-bit axial slices (RAS+, neurological view) with their z index and a summary of the volume, or the
 *   problem that kept it out
 * @throws AlzbenchError for an invalid `spacing` or a resampled volume above the voxel limit
 */
export async function sliceVolumeFile(root: string, path: string, options: VolumeSliceOptions = {}): Promise<VolumeSlices> {
  const id = relative(root, path);
  let volume;
  try {
    volume = await readVolume(path);
  } catch (error) {
    if (!(error instanceof VolumeError)) throw error;
    const detail = `${error.message.replace(`${error.code}: ${error.path}: `, '')}${error.hint ? ` (hint: ${error.hint})` : ''}`;
    return { ok: false, problem: { kind: error.code === 'truncated' || error.code === 'too-large' ? error.code : 'unreadable', path: id, detail } };
  }
  // The window comes from the file's own finite voxels, before any resampling blurs them.
  const window = intensityWindow(volume.data, volume.nonFiniteMask);
  if (options.spacing !== undefined) volume = resampleToSpacing(volume, options.spacing);
  const [z0, z1] = sliceIndices(options.sliceRange ?? DEFAULT_SLICE_RANGE, volume.shape[2]);
  const slices = [];
  for (let z = z0; z < z1; z++) slices.push({ z, raster: makeRaster(volume.shape[0], volume.shape[1], 1, axialSlice(volume.data, volume.shape, z, window)) });
  const summary: VolumeSummary = {
    path: id,
    format: volume.format,
    storedType: volume.storedType,
    sourceShape: volume.sourceShape,
    sourceAxcodes: volume.sourceAxcodes,
    shape: volume.shape,
    spacing: volume.spacing.map((s) => Math.round(s * 1e6) / 1e6),
    droppedVolumes: volume.droppedVolumes,
    nonFiniteCount: volume.nonFiniteCount,
    window,
    slices: [z0, z1],
  };
  return { ok: true, slices, summary };
}

/** What a volume layout collects while reading: the slices as items, the problems, a summary per volume read. */
export interface VolumeCollection {
  readonly items: DataItem[];
  readonly problems: Problem[];
  readonly volumes: VolumeSummary[];
}

/**
 * Slices one volume file of a layout ({@link sliceVolumeFile}) into the layout's collection: the
 * problem that kept it out, or its summary and one raster item per slice, with the id
 * `<path relative to root>#z=<z>` and the class, subject, session and split in `fields`.
 *
 * @param root the data set root (ids are relative to it)
 * @param path the volume file
 * @param options as {@link sliceVolumeFile}'s
 * @param fields the item fields every slice of this volume shares
 * @param into the layout's items, problems and volume summaries, appended to
 * @returns true when the volume was read, false when it became a problem
 * @throws AlzbenchError as {@link sliceVolumeFile}
 */
export async function collectVolumeSlices(
  root: string,
  path: string,
  options: VolumeSliceOptions,
  fields: Omit<DataItem, 'id' | 'source'>,
  into: VolumeCollection,
): Promise<boolean> {
  const result = await sliceVolumeFile(root, path, options);
  if (!result.ok) {
    into.problems.push(result.problem);
    return false;
  }
  into.volumes.push(result.summary);
  const id = relative(root, path);
  for (const { z, raster } of result.slices) into.items.push({ id: `${id}#z=${z}`, ...fields, source: { kind: 'raster', raster } });
  return true;
}
