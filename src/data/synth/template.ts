/**
 * The real brain every synthetic subject starts from: the Colin27 T1 template (`ch2bet.nii.gz`,
 * brain-extracted) and the AAL atlas (`aal.nii.gz`) that Debian's `mricron-data` package installs.
 *
 * Loading turns them into one interleaved byte volume of the quantities the atrophy model needs at
 * every voxel (intensity and signed depths to the ventricles, hippocampi, sulcal CSF and brain
 * surface), so the slicer does one trilinear lookup per output pixel.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlzbenchError } from '../../util/errors.js';
import { distanceToMask } from './distance.js';
import { readNifti, type Volume } from './nifti.js';

/** Where Debian's `mricron-data` package puts the templates. */
export const DEFAULT_TEMPLATE_DIR = '/usr/share/mricron/templates';

/** Channels of {@link Template.channels}, in order; each is one byte per voxel. */
export const Channel = {
  /** T1 intensity of the template, as stored (0 outside the brain). */
  intensity: 0,
  /** Depth inside the ventricles (mm, negative outside), encoded with {@link encodeDepth}. */
  ventricle: 1,
  /** Depth inside the hippocampi (mm, negative outside). */
  hippocampus: 2,
  /** Depth of tissue below the nearest sulcal CSF or background (mm, negative in that CSF). */
  cortex: 3,
  /** Depth below the brain's outer surface (mm, negative outside the brain). */
  surface: 4,
  /** How strongly cortical thinning acts here, 0..255 (AD pattern: temporo-parietal most). */
  thinningWeight: 5,
} as const;
/** Number of interleaved channels per voxel. */
export const CHANNELS = 6;

/** Depths are stored as `128 + 10 * mm`, clamped to a byte: 0.1 mm steps over -12.8..+12.7 mm. */
export const DEPTH_SCALE = 10;
/** Byte value that encodes a depth of 0 mm. */
export const DEPTH_ZERO = 128;

/**
 * Encodes a depth in mm as a byte (see {@link DEPTH_SCALE}).
 *
 * @param mm the depth in mm (negative outside)
 * @returns round(128 + 10 · mm) clamped to 0..255
 */
export function encodeDepth(mm: number): number {
  return Math.max(0, Math.min(255, Math.round(DEPTH_ZERO + DEPTH_SCALE * mm)));
}

/** The template as the generator uses it. */
export interface Template {
  /** Voxel counts along x (towards the subject's right), y (posterior to anterior), z (inferior to superior). */
  readonly dims: readonly [number, number, number];
  /** World (MNI mm) coordinate of voxel (0, 0, 0); the grid is 1 mm and axis-aligned. */
  readonly origin: readonly [number, number, number];
  /** `dims[0] * dims[1] * dims[2] * CHANNELS` bytes, channels fastest, then x, y, z. */
  readonly channels: Uint8Array;
  /** Modes of the intensity histogram: cerebrospinal fluid, grey matter, white matter. */
  readonly levels: { readonly csf: number; readonly grey: number; readonly white: number };
  /** Centre of the brain's bounding box, MNI mm. */
  readonly brainCentre: readonly [number, number, number];
  /** Voxel counts of the masks found, for reports and tests (1 voxel = 1 mm³). */
  readonly volumes: { readonly ventricles: number; readonly hippocampi: number; readonly brain: number };
}

/** Lateral-ventricle seed points (MNI mm), in the bodies of the left and right lateral ventricles. */
const VENTRICLE_SEEDS: ReadonlyArray<readonly [number, number, number]> = [
  [-12, -20, 25],
  [10, -20, 25],
];
/**
 * MNI box the ventricle flood fill may not leave. At 1 mm the thin walls between the ventricles
 * and the basal and quadrigeminal cisterns blur away, so the fill would leak into them: the box
 * stops above the cisterns, and the posterior midline (cistern of the velum interpositum) is
 * excluded too. This keeps the lateral ventricles, which are what enlarge visibly in AD.
 */
const VENTRICLE_BOX = { lo: [-40, -50, 2], hi: [40, 40, 40] } as const;
/** Posterior midline excluded from the ventricles: |x| below this (mm) where y is below -20. */
const POSTERIOR_MIDLINE_MM = 4;

/**
 * AD cortical thinning pattern by AAL region name prefix: strongest in temporal and parietal
 * association cortex, milder frontal, least in primary sensorimotor and visual cortex, none in
 * the cerebellum and deep grey nuclei (which are not cortex).
 */
const THINNING_WEIGHTS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(Temporal|Fusiform|ParaHippocampal|Angular|SupraMarginal|Parietal|Precuneus|Cingulum_Post)/, 1],
  [/^(Frontal|Rectus|Olfactory|Cingulum|Insula|Supp_Motor|Heschl)/, 0.6],
  [/^(Precentral|Postcentral|Paracentral|Rolandic|Occipital|Calcarine|Cuneus|Lingual)/, 0.35],
  [/^(Cerebelum|Vermis|Caudate|Putamen|Pallidum|Thalamus|Hippocampus|Amygdala)/, 0],
];
/** Weight for unlabelled tissue (AAL leaves some cortex at label 0) far from any labelled cortex. */
const DEFAULT_THINNING_WEIGHT = 0.5;

/**
 * Loads and prepares the template (about 1-2 s; do it once per data set).
 *
 * @param dir folder holding `ch2bet.nii.gz`, `aal.nii.gz` and `aal.nii.txt`; default {@link DEFAULT_TEMPLATE_DIR}
 * @returns the template: 1 mm grid (dims, MNI origin), per-voxel channels, tissue levels, brain centre and mask volumes
 * @throws AlzbenchError naming `apt-get install mricron-data` when the files are missing, or when the files are not
 *   the Colin27 brain and AAL atlas on one 1 mm axis-aligned grid
 * @example
 * const template = loadTemplate();
 * template.volumes.hippocampi; // about 15000 (mm³, both sides)
 */
export function loadTemplate(dir = DEFAULT_TEMPLATE_DIR): Template {
  const files = ['ch2bet.nii.gz', 'aal.nii.gz', 'aal.nii.txt'].map((name) => join(dir, name));
  const missing = files.filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new AlzbenchError(
      `the synthetic data generator needs the Colin27 brain template, but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`,
      {
        hint: 'install it with: apt-get install mricron-data (Debian/Ubuntu package with the Colin27 template and AAL atlas)',
      },
    );
  }
  const brain = readNifti(files[0] as string);
  const atlas = readNifti(files[1] as string);
  const names = readLabelNames(files[2] as string);
  checkGrid(brain, files[0] as string);
  checkGrid(atlas, files[1] as string);
  if (brain.dims.join() !== atlas.dims.join()) {
    throw new AlzbenchError(`${files[0]} (${brain.dims.join('x')}) and ${files[1]} (${atlas.dims.join('x')}) are not on the same grid`);
  }
  const dims = brain.dims;
  const origin = [brain.affine[0]?.[3] ?? 0, brain.affine[1]?.[3] ?? 0, brain.affine[2]?.[3] ?? 0] as const;
  const n = dims[0] * dims[1] * dims[2];
  const t1 = toBytes(brain.data);
  const labels = toBytes(atlas.data);
  const levels = tissueLevels(t1);

  const hippocampusIds = ['Hippocampus_L', 'Hippocampus_R'].map((name) => {
    const id = names.get(name);
    if (id === undefined) throw new AlzbenchError(`${files[2]} has no label named ${name}; is it the AAL atlas?`);
    return id;
  });
  const hippocampi = new Uint8Array(n);
  const [leftId, rightId] = hippocampusIds;
  for (let i = 0; i < n; i++) if (labels[i] === leftId || labels[i] === rightId) hippocampi[i] = 1;

  const ventricles = segmentVentricles(t1, labels, dims, origin, (levels.csf + levels.grey) / 2);
  // Sulcal CSF and background: dark voxels that are not ventricles, plus everything outside the brain.
  const csfThreshold = (levels.csf + levels.grey) / 2;
  const outerCsf = new Uint8Array(n);
  const outside = new Uint8Array(n);
  let brainVoxels = 0;
  for (let i = 0; i < n; i++) {
    const v = t1[i] as number;
    if (v === 0) outside[i] = 1;
    else brainVoxels++;
    if (v === 0 || (v < csfThreshold && ventricles[i] === 0)) outerCsf[i] = 1;
  }

  const channels = new Uint8Array(n * CHANNELS);
  for (let i = 0; i < n; i++) channels[i * CHANNELS + Channel.intensity] = t1[i] as number;
  // Ventricles grow outwards by up to several mm, so they need exact depths outside as well.
  writeDepth(channels, Channel.ventricle, ventricles, dims, 12);
  writeDepth(channels, Channel.hippocampus, hippocampi, dims, 0);
  writeDepth(channels, Channel.cortex, invert(outerCsf), dims, 0);
  writeDepth(channels, Channel.surface, invert(outside), dims, 0);
  const weights = thinningWeights(labels, names, dims);
  for (let i = 0; i < n; i++) channels[i * CHANNELS + Channel.thinningWeight] = Math.round(255 * (weights[i] as number));

  const box = boundingBox(invert(outside), dims, 0);
  const brainCentre = [0, 1, 2].map((a) => (origin[a] as number) + ((box.lo[a] as number) + (box.hi[a] as number) - 1) / 2) as [number, number, number];
  return {
    dims,
    origin,
    channels,
    levels,
    brainCentre,
    volumes: { ventricles: count(ventricles), hippocampi: count(hippocampi), brain: brainVoxels },
  };
}

/** The generator assumes a 1 mm axis-aligned grid (true of every mricron template it reads). */
function checkGrid(volume: Volume, path: string): void {
  const a = volume.affine;
  const diagonal = [a[0]?.[0], a[1]?.[1], a[2]?.[2]];
  const offDiagonal = [a[0]?.[1], a[0]?.[2], a[1]?.[0], a[1]?.[2], a[2]?.[0], a[2]?.[1]];
  if (!diagonal.every((v) => v === 1) || !offDiagonal.every((v) => v === 0)) {
    throw new AlzbenchError(`${path}: expected a 1 mm axis-aligned grid but the affine is ${JSON.stringify(a)}`);
  }
}

function toBytes(data: Volume['data']): Uint8Array {
  if (data instanceof Uint8Array) return data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(data[i] as number)));
  return out;
}

/** Reads mricron's label table: lines of `index name code`. */
function readLabelNames(path: string): Map<string, number> {
  const names = new Map<string, number>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [index, name] = line.trim().split(/\s+/);
    if (index !== undefined && name !== undefined && /^\d+$/.test(index)) names.set(name, Number(index));
  }
  return names;
}

/**
 * Finds the CSF, grey-matter and white-matter intensities as histogram modes: white matter is the
 * mode of the upper half of the range, CSF the mode below 45 % of it, grey matter between 60 and
 * 90 % (Colin27: 31, 87, 113).
 */
function tissueLevels(t1: Uint8Array): { csf: number; grey: number; white: number } {
  const histogram = new Float64Array(256);
  let max = 0;
  for (let i = 0; i < t1.length; i++) {
    const v = t1[i] as number;
    if (v > 0) histogram[v]++;
    if (v > max) max = v;
  }
  const mode = (lo: number, hi: number): number => {
    const first = Math.max(1, Math.ceil(lo));
    let best = first;
    for (let v = first; v <= Math.min(255, Math.floor(hi)); v++) {
      if ((histogram[v] as number) > (histogram[best] as number)) best = v;
    }
    return best;
  };
  const white = mode(max / 2, max);
  return { csf: mode(1, 0.45 * white), grey: mode(0.6 * white, 0.9 * white), white };
}

/**
 * Segments the lateral (and connected third) ventricles: a 6-connected flood fill from seeds in
 * the ventricle bodies through dark, atlas-unlabelled voxels inside a central box.
 */
function segmentVentricles(
  t1: Uint8Array,
  labels: Uint8Array,
  dims: readonly [number, number, number],
  origin: readonly [number, number, number],
  threshold: number,
): Uint8Array {
  const [nx, ny, nz] = dims;
  const toVoxel = (mm: readonly number[], axis: number): number => Math.round((mm[axis] as number) - (origin[axis] as number));
  const lo = [0, 1, 2].map((a) => Math.max(0, toVoxel(VENTRICLE_BOX.lo, a)));
  const hi = [0, 1, 2].map((a) => Math.min((dims[a] as number) - 1, toVoxel(VENTRICLE_BOX.hi, a)));
  const midlineX = -(origin[0] as number);
  const posteriorY = -20 - (origin[1] as number);
  const isDark = (i: number): boolean => {
    if (!((t1[i] as number) > 0 && (t1[i] as number) < threshold && labels[i] === 0)) return false;
    const x = i % nx;
    const y = Math.floor(i / nx) % ny;
    return !(y < posteriorY && Math.abs(x - midlineX) < POSTERIOR_MIDLINE_MM);
  };
  const mask = new Uint8Array(nx * ny * nz);
  const stack: number[] = [];
  for (const seed of VENTRICLE_SEEDS) {
    // Start from the darkest voxel within 3 mm of the seed, so small misregistration does not matter.
    let best = -1;
    for (let dz = -3; dz <= 3; dz++)
      for (let dy = -3; dy <= 3; dy++)
        for (let dx = -3; dx <= 3; dx++) {
          const i = toVoxel(seed, 0) + dx + nx * (toVoxel(seed, 1) + dy + ny * (toVoxel(seed, 2) + dz));
          if (isDark(i) && (best < 0 || (t1[i] as number) < (t1[best] as number))) best = i;
        }
    if (best < 0) throw new AlzbenchError(`no ventricle CSF found near MNI ${seed.join(', ')} in the template; is it the Colin27 brain?`);
    mask[best] = 1;
    stack.push(best);
  }
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const x = i % nx;
    const y = Math.floor(i / nx) % ny;
    const z = Math.floor(i / (nx * ny));
    const visit = (j: number): void => {
      if (mask[j] === 0 && isDark(j)) {
        mask[j] = 1;
        stack.push(j);
      }
    };
    if (x > (lo[0] as number)) visit(i - 1);
    if (x < (hi[0] as number)) visit(i + 1);
    if (y > (lo[1] as number)) visit(i - nx);
    if (y < (hi[1] as number)) visit(i + nx);
    if (z > (lo[2] as number)) visit(i - nx * ny);
    if (z < (hi[2] as number)) visit(i + nx * ny);
  }
  return mask;
}

function invert(mask: Uint8Array): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] === 0 ? 1 : 0;
  return out;
}

function count(mask: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < mask.length; i++) c += mask[i] as number;
  return c;
}

/**
 * Stores the signed depth inside `mask` (positive inside, negative outside) in one channel.
 * Voxel centres sit half a voxel from the boundary between them, hence the 0.5 offsets, so that
 * trilinear interpolation puts the zero crossing on the mask's edge.
 *
 * With `outsideMm` 0 every outside voxel gets -0.5: enough where atrophy only erodes the mask
 * (the test is depth >= some non-negative amount), and it halves the work. Otherwise the outside
 * depth is exact down to `-outsideMm`. The transforms run in the mask's bounding box grown by
 * that margin, so small structures cost little.
 */
function writeDepth(channels: Uint8Array, channel: number, mask: Uint8Array, dims: readonly [number, number, number], outsideMm: number): void {
  const [nx, ny] = dims;
  const box = boundingBox(mask, dims, Math.ceil(outsideMm) + 1);
  const sub: [number, number, number] = [box.hi[0] - box.lo[0], box.hi[1] - box.lo[1], box.hi[2] - box.lo[2]];
  const crop = new Uint8Array(sub[0] * sub[1] * sub[2]);
  // Volume index of each crop voxel, in crop order (x fastest).
  const volumeIndex = new Int32Array(crop.length);
  for (let z = 0, c = 0; z < sub[2]; z++)
    for (let y = 0; y < sub[1]; y++) {
      const row = box.lo[0] + nx * (y + box.lo[1] + ny * (z + box.lo[2]));
      for (let x = 0; x < sub[0]; x++, c++) volumeIndex[c] = row + x;
    }
  for (let c = 0; c < crop.length; c++) crop[c] = mask[volumeIndex[c] as number] === 0 ? 0 : 1;
  const toOutside = distanceToMask(invert(crop), sub);
  const toInside = outsideMm > 0 ? distanceToMask(crop, sub) : undefined;
  const far = encodeDepth(toInside ? -Infinity : -0.5);
  for (let i = 0; i < mask.length; i++) channels[i * CHANNELS + channel] = far;
  for (let c = 0; c < crop.length; c++) {
    const depth = crop[c] !== 0 ? (toOutside[c] as number) - 0.5 : toInside ? 0.5 - (toInside[c] as number) : -0.5;
    channels[(volumeIndex[c] as number) * CHANNELS + channel] = encodeDepth(depth);
  }
}

/** Bounding box [lo, hi) of the non-zero voxels, grown by `margin` and clipped to the volume. */
function boundingBox(
  mask: Uint8Array,
  dims: readonly [number, number, number],
  margin: number,
): { lo: [number, number, number]; hi: [number, number, number] } {
  const [nx, ny, nz] = dims;
  const lo: [number, number, number] = [nx, ny, nz];
  const hi: [number, number, number] = [0, 0, 0];
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        if (mask[i] === 0) continue;
        if (x < lo[0]) lo[0] = x;
        if (x >= hi[0]) hi[0] = x + 1;
        if (y < lo[1]) lo[1] = y;
        if (y >= hi[1]) hi[1] = y + 1;
        if (z < lo[2]) lo[2] = z;
        if (z >= hi[2]) hi[2] = z + 1;
      }
  if (hi[0] === 0) return { lo: [0, 0, 0], hi: [1, 1, 1] };
  for (let a = 0; a < 3; a++) {
    lo[a] = Math.max(0, (lo[a] as number) - margin);
    hi[a] = Math.min(dims[a] as number, (hi[a] as number) + margin);
  }
  return { lo, hi };
}

/**
 * Per-voxel cortical thinning weight: the AAL region's weight, spread a few mm by a normalised box
 * blur so that unlabelled voxels at the cortex edge take their neighbours' weight.
 */
function thinningWeights(labels: Uint8Array, names: Map<string, number>, dims: readonly [number, number, number]): Float32Array {
  const byLabel = new Float32Array(256).fill(Number.NaN);
  for (const [name, id] of names) {
    const rule = THINNING_WEIGHTS.find(([pattern]) => pattern.test(name));
    byLabel[id] = rule ? rule[1] : DEFAULT_THINNING_WEIGHT;
  }
  const n = labels.length;
  const sum = new Float32Array(n);
  const has = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const w = byLabel[labels[i] as number] as number;
    if (labels[i] !== 0 && !Number.isNaN(w)) {
      sum[i] = w;
      has[i] = 1;
    }
  }
  for (const volume of [sum, has]) boxBlur(volume, dims, 3);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (has[i] as number) > 1e-3 ? (sum[i] as number) / (has[i] as number) : DEFAULT_THINNING_WEIGHT;
  return out;
}

/** Separable box blur of radius r along x, y and z, in place (running sums, edges clamped). */
function boxBlur(volume: Float32Array, dims: readonly [number, number, number], r: number): void {
  const [nx, ny, nz] = dims;
  const line = new Float32Array(Math.max(nx, ny, nz));
  const axes: Array<[number, number, number]> = [
    [nx, 1, ny * nz],
    [ny, nx, nx * nz],
    [nz, nx * ny, nx * ny],
  ];
  for (const [length, stride, lines] of axes) {
    for (let l = 0; l < lines; l++) {
      // Line start: for x lines l indexes (y, z); for y lines (x, z); for z lines (x, y).
      const start = stride === 1 ? l * nx : stride === nx ? (l % nx) + nx * ny * Math.floor(l / nx) : l;
      for (let q = 0; q < length; q++) line[q] = volume[start + q * stride] as number;
      let acc = 0;
      for (let q = -r; q <= r; q++) acc += line[Math.min(length - 1, Math.max(0, q))] as number;
      for (let q = 0; q < length; q++) {
        volume[start + q * stride] = acc / (2 * r + 1);
        acc += (line[Math.min(length - 1, q + r + 1)] as number) - (line[Math.max(0, q - r)] as number);
      }
    }
  }
}
