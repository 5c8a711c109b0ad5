import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { makeRaster } from '../preprocess/raster.js';
import { AlzbenchError, invalid } from '../util/errors.js';
import { canonicalClass } from './classes.js';
import { parseCsv } from './csv.js';
import type { DataItem, Dataset, Problem, SplitName } from './dataset.js';
import { INPUT_LIMITS, readInputFile } from '../util/read-input.js';

/** Which axial slices to cut: `[from, to)` as voxel indices, or as fractions of the z extent when both are in 0..1. */
export interface SliceRange {
  readonly from: number;
  readonly to: number;
}

/** The default range: the middle 40 % of the volume, where the ventricles and hippocampi are. */
export const DEFAULT_SLICE_RANGE: SliceRange = { from: 0.3, to: 0.7 };

/**
 * Parses a slice range option: `40:120` (voxel indices, end excluded) or `0.3:0.7` (fractions).
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

/** CSV files in root whose header has subject, label and path columns. */
export async function findNiftiCsv(root: string): Promise<string | undefined> {
  for (const name of (await readdir(root)).sort()) {
    if (!name.toLowerCase().endsWith('.csv')) continue;
    const header = parseCsv((await readFile(join(root, name), 'utf8')).split(/\r?\n/, 1)[0] ?? '')[0] ?? [];
    if (column(header, SUBJECT_COLUMNS) >= 0 && column(header, LABEL_COLUMNS) >= 0 && column(header, PATH_COLUMNS) >= 0) return join(root, name);
  }
  return undefined;
}

/** A volume's voxels as numbers with the header's scaling applied, x fastest. */
function voxelsOf(path: string, bytes: Uint8Array): { dims: [number, number, number]; values: ArrayLike<number> } {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
  if (!nifti.isNIFTI(buffer)) throw new Error('no NIfTI magic in the header');
  const header = nifti.readHeader(buffer);
  const [ndim, nx, ny, nz] = header.dims as number[];
  if (!ndim || ndim < 3 || !nx || !ny || !nz) throw new Error(`expected a 3-D volume, header dims ${JSON.stringify(header.dims)}`);
  if (!header.littleEndian) throw new Error('big-endian NIfTI is not supported');
  const image = nifti.readImage(header, buffer);
  const count = nx * ny * nz;
  const T = nifti.NIFTI1;
  const typed: Record<number, (b: ArrayBuffer) => ArrayLike<number>> = {
    [T.TYPE_UINT8]: (b) => new Uint8Array(b, 0, count),
    [T.TYPE_INT8]: (b) => new Int8Array(b, 0, count),
    [T.TYPE_INT16]: (b) => new Int16Array(b.slice(0, count * 2)),
    [T.TYPE_UINT16]: (b) => new Uint16Array(b.slice(0, count * 2)),
    [T.TYPE_INT32]: (b) => new Int32Array(b.slice(0, count * 4)),
    [T.TYPE_FLOAT32]: (b) => new Float32Array(b.slice(0, count * 4)),
    [T.TYPE_FLOAT64]: (b) => new Float64Array(b.slice(0, count * 8)),
  };
  const make = typed[header.datatypeCode];
  if (!make) throw new Error(`unsupported voxel type code ${header.datatypeCode}`);
  if (image.byteLength < count * (header.numBitsPerVoxel / 8)) throw new Error('truncated: fewer voxels than the header says');
  let values = make(image);
  const slope = header.scl_slope;
  if (slope && Number.isFinite(slope) && (slope !== 1 || header.scl_inter)) {
    const scaled = new Float32Array(count);
    for (let i = 0; i < count; i++) scaled[i] = values[i]! * slope + (header.scl_inter || 0);
    values = scaled;
  }
  void path;
  return { dims: [nx, ny, nz], values };
}

/** Intensity window of a volume: its 0.5th and 99.5th percentiles, so a few hot voxels do not darken every slice. */
function window(values: ArrayLike<number>): [number, number] {
  const sorted = Float64Array.from(values).sort();
  const lo = sorted[Math.floor(0.005 * (sorted.length - 1))]!;
  const hi = sorted[Math.ceil(0.995 * (sorted.length - 1))]!;
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/**
 * Reads 3-D NIfTI volumes (`.nii`, `.nii.gz`) listed in a CSV with subject ID, label and path columns
 * (and optionally a split column), and cuts each into axial slices over `range`. Every slice keeps
 * its subject ID, so splits can be grouped by subject. Voxels are windowed to the volume's 0.5-99.5
 * percentiles and scaled to 0..255; slices are flipped so that +y (anterior) is up.
 */
export async function readNiftiDataset(root: string, csvPath: string, range: SliceRange = DEFAULT_SLICE_RANGE): Promise<Dataset> {
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
    let volume: ReturnType<typeof voxelsOf>;
    try {
      volume = voxelsOf(path, await readInputFile(path, 'volume', INPUT_LIMITS.volume));
    } catch (error) {
      const message = (error as Error).message;
      problems.push({ kind: /truncat|unexpected end/i.test(message) ? 'truncated' : 'unreadable', path: id, detail: message });
      continue;
    }
    const [nx, ny, nz] = volume.dims;
    const fractions = range.from <= 1 && range.to <= 1;
    const z0 = Math.max(0, fractions ? Math.round(range.from * nz) : Math.floor(range.from));
    const z1 = Math.min(nz, fractions ? Math.round(range.to * nz) : Math.floor(range.to));
    const [lo, hi] = window(volume.values);
    const split = row[splitCol]?.trim().toLowerCase();
    const sourceSplit: SplitName | undefined = split === 'train' || split === 'val' || split === 'test' ? split : undefined;
    for (let z = z0; z < z1; z++) {
      const pixels = new Uint8Array(nx * ny);
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) {
          const v = (volume.values[x + nx * (y + ny * z)]! - lo) / (hi - lo);
          pixels[(ny - 1 - y) * nx + x] = Math.round(255 * Math.min(1, Math.max(0, v)));
        }
      }
      items.push({
        id: `${id}#z=${z}`,
        sourceClass: canonicalClass(label),
        subject,
        ...(sourceSplit ? { sourceSplit } : {}),
        source: { kind: 'raster', raster: makeRaster(nx, ny, 1, pixels) },
      });
    }
  }
  const classes = new Set(items.map((i) => i.sourceClass));
  const dementia = [...classes].every((c) => ['NonDemented', 'VeryMildDemented', 'MildDemented', 'ModerateDemented'].includes(c));
  return { root, layout: 'nifti-csv', defaultTask: dementia ? '4class' : 'folders', items, problems };
}
