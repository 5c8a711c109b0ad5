/**
 * `readVolume`: one NIfTI-1, NIfTI-2 or Analyze 7.5 volume as nibabel reads it
 * (`nib.as_closest_canonical(nib.load(path)).get_fdata()`), as float32 in RAS+ voxel order.
 */
import { existsSync } from 'node:fs';
import { memoryByteSource, openByteSource, type ByteSource } from './byte-source.js';
import { datatypeName, SUPPORTED_TYPE_NAMES, voxelType } from './datatypes.js';
import { decodeVoxels, type Scaling } from './decode-voxels.js';
import { headerAffine, type AffineSource } from './affine.js';
import { parseHeader, type VolumeFormat, type VolumeHeader } from './header.js';
import { DEFAULT_VOLUME_LIMITS, volumeSizeProblem, type VolumeLimits } from '../image-limits.js';
import { MAX_VOLUME_FILE_DATA_BYTES, MAX_VOLUME_VOXELS } from './limits.js';
import { axcodes, ioOrientation, RAS, reorientation, reorientedAffine, type Orientation } from './orientation.js';
import { guessContent } from './sniff.js';
import { VolumeError } from './volume-error.js';

/** A 3-D scalar volume in memory. */
export interface Volume {
  /** Voxel values (scaled, non-finite set to 0), x fastest (Fortran order, like nibabel); RAS+ unless read with `canonical: false`. */
  data: Float32Array;
  /** Voxels along the array's three axes. */
  shape: [number, number, number];
  /** Voxel size in mm along the array's axes: the lengths of the affine's columns (nibabel `voxel_sizes`). */
  spacing: [number, number, number];
  /** Voxel index (i, j, k, 1) to world mm (RAS+ scanner/template space), 4x4 row-major. */
  affine: number[];
  /** Axis codes of the volume as stored, e.g. `LAS`, `AIR` (nibabel `aff2axcodes`). */
  sourceAxcodes: string;
  /** Header layout the file used (a `ni1` .hdr/.img pair is `nifti1`). */
  format: VolumeFormat;
  /** Volumes of a 4-D (or higher) file that were not returned (0 for a 3-D file). */
  droppedVolumes: number;
  /** NaN and ±Inf voxels set to background (0). */
  nonFiniteCount: number;
  /** 1 where a voxel was NaN or ±Inf (same layout as `data`); undefined when there were none. */
  nonFiniteMask?: Uint8Array | undefined;
  /** Shape as stored, all dimensions (e.g. [17, 21, 3, 20]). */
  sourceShape: number[];
  /** Stored voxel type and byte order, e.g. `int16 big-endian`. */
  storedType: string;
  /** Header fields the affine came from. */
  affineSource: AffineSource;
  /** Scaling applied (`scl_slope`, `scl_inter`), or undefined when the values are raw. */
  scaling: Scaling | undefined;
}

/** Options of {@link readVolume}. */
export interface ReadVolumeOptions {
  /** Which volume of a 4-D (or 5-D ...) file to return, counting in storage order (default 0). */
  volumeIndex?: number;
  /** Reorient to RAS+ closest canonical (default true); false keeps the stored voxel order and affine. */
  canonical?: boolean;
  /** Largest volume accepted, checked on the header before any voxel buffer (default `DEFAULT_VOLUME_LIMITS`). */
  limits?: VolumeLimits;
}

const PAIR_EXTENSIONS = /\.(hdr|img)(\.gz)?$/i;

/** The header file and the image file of a path: the same file, or the two halves of a .hdr/.img pair. */
function pairPaths(path: string): { headerPath: string; imagePath: (h: VolumeHeader) => string } {
  const match = PAIR_EXTENSIONS.exec(path);
  if (!match) return { headerPath: path, imagePath: () => path };
  const stem = path.slice(0, match.index);
  const gz = match[2] ?? '';
  // nibabel pairs .hdr.gz with .img.gz; take the other compression when only that one exists.
  const sibling = (ext: string) => [`${stem}.${ext}${gz}`, `${stem}.${ext}${gz ? '' : '.gz'}`, `${stem}.${ext.toUpperCase()}${gz}`].find((p) => existsSync(p));
  if (match[1]!.toLowerCase() === 'img') {
    const headerPath = sibling('hdr');
    if (!headerPath)
      throw new VolumeError(
        'missing-image-file',
        path,
        `no header file ${stem}.hdr${gz} beside this .img`,
        'an Analyze/NIfTI pair needs both the .hdr and the .img file',
      );
    return { headerPath, imagePath: () => path };
  }
  return {
    headerPath: path,
    imagePath: (h) => {
      if (h.magic === 'n+1' || h.magic === 'n+2') return path;
      const image = sibling('img');
      if (!image)
        throw new VolumeError(
          'missing-image-file',
          path,
          `no image file ${stem}.img${gz} beside this header`,
          'an Analyze/NIfTI pair needs both the .hdr and the .img file',
        );
      return image;
    },
  };
}

async function readHeader(source: ByteSource, isPairHeader: boolean): Promise<VolumeHeader> {
  const head = await source.head(1024);
  const header = parseHeader(head);
  const where = source.gzip ? 'gzip-compressed ' : '';
  if (!header) {
    const guess = guessContent(head);
    const sizeField = head.length >= 4 ? ` (header size field ${head.readInt32LE(0)}; NIfTI-1/Analyze say 348, NIfTI-2 540)` : '';
    throw new VolumeError(
      'not-a-volume',
      source.path,
      `not a NIfTI or Analyze volume: it is ${where}${guess.what}${guess.what.startsWith('unrecognised') ? sizeField : ''}`,
      guess.hint,
    );
  }
  if (header.sizeofHdr === 540 && header.magic !== 'n+2' && header.magic !== 'ni2') {
    throw new VolumeError('bad-header', source.path, `540-byte header without NIfTI-2 magic (found ${JSON.stringify(header.magic)}, expected "n+2" or "ni2")`);
  }
  if (!isPairHeader && header.format === 'analyze') {
    throw new VolumeError(
      'not-a-volume',
      source.path,
      'no NIfTI magic ("n+1") in a single-file volume (nibabel: "Cannot work out file type")',
      'an Analyze 7.5 volume is a .hdr + .img pair; name it so',
    );
  }
  return header;
}

/** nibabel's scaling rules: NIfTI `get_slope_inter`, Analyze as SPM2 (`spm2analyze.py`). */
function scalingOf(header: VolumeHeader, path: string): Scaling | undefined {
  const { sclSlope: slope, sclInter: inter } = header;
  if (Number.isFinite(slope) && slope !== 0) {
    if (!Number.isFinite(inter)) {
      if (header.format === 'analyze') return slope === 1 ? undefined : { slope, inter: 0 };
      throw new VolumeError('bad-header', path, `valid scl_slope ${slope} but invalid scl_inter ${inter}`);
    }
    return slope === 1 && inter === 0 ? undefined : { slope, inter };
  }
  if (header.format === 'analyze') {
    const unscaled = header.glmax - header.glmin;
    const scaled = header.calMax - header.calMin;
    if (unscaled && scaled) {
      const s = scaled / unscaled;
      return { slope: s, inter: header.calMin - s * header.glmin };
    }
  }
  return undefined;
}

function checkedShape(header: VolumeHeader, path: string): { shape3: number[]; volumes: number; sourceShape: number[] } {
  const ndim = header.dim[0]!;
  if (!(ndim >= 1 && ndim <= 7)) throw new VolumeError('bad-header', path, `dim[0] (number of dimensions) is ${ndim}, expected 1..7`);
  const sourceShape = header.dim.slice(1, ndim + 1);
  if (sourceShape.some((n) => !Number.isSafeInteger(n) || n < 1)) {
    throw new VolumeError('bad-header', path, `dimensions ${sourceShape.join('x')} include a size below 1`);
  }
  const shape3 = [0, 1, 2].map((i) => sourceShape[i] ?? 1);
  const volumes = sourceShape.slice(3).reduce((a, b) => a * b, 1);
  return { shape3, volumes, sourceShape };
}

/**
 * Reads one volume of a NIfTI-1/NIfTI-2 file (`.nii`, `.nii.gz`) or an Analyze 7.5/NIfTI pair
 * (`.hdr` + `.img`, either given, each optionally gzipped), in either byte order, as nibabel does:
 * datatypes uint8, int8, int16, uint16, int32, uint32, float32, float64; `scl_slope`/`scl_inter`
 * applied unless the slope is 0 or not finite (Analyze: SPM2's rules); the affine from the sform
 * (sform_code != 0), else the qform, else Analyze's default (x flipped); reoriented to RAS+ closest
 * canonical (permute and flip only) unless `canonical: false`. A 4-D file gives volume
 * `volumeIndex` (default 0) and says how many it dropped; NaN and ±Inf voxels become 0 and are
 * counted. Header sizes are checked against {@link MAX_VOLUME_VOXELS} before allocating.
 *
 * @throws VolumeError with code `truncated` (file shorter than its header says), `not-a-volume`
 *   (says what the file is: JPEG, PNG, Git LFS pointer, gzip of something else, ...),
 *   `unsupported-datatype`, `too-large`, `bad-header`, `missing-image-file`, `volume-index`,
 *   `corrupt-gzip`, `unreadable-file`.
 * @param path a `.nii`, `.nii.gz`, `.hdr` or `.img` file (optionally `.gz`); for a pair either half
 * @param options `volumeIndex` of a 4-D file (default 0), `canonical` reorientation to RAS+ (default true)
 * @returns the voxels (float32, Fortran order, x fastest), shape [X, Y, Z] in voxels, affine (mm), voxel sizes (mm),
 *   the stored axis codes, non-finite count and mask, and header facts
 * @example
 * const v = await readVolume('sub-01_T1w.nii.gz');
 * v.shape; // [176, 256, 256] in RAS+ order; v.sourceAxcodes 'PSR'
 */
export async function readVolume(path: string, options: ReadVolumeOptions = {}): Promise<Volume> {
  const { headerPath, imagePath } = pairPaths(path);
  const isPair = PAIR_EXTENSIONS.test(path);
  const headerSource = await openByteSource(headerPath);
  const header = await readHeader(headerSource, isPair);
  const dataPath = imagePath(header);
  return decodeVolume(path, header, headerSource, dataPath === headerPath ? null : await openByteSource(dataPath), options);
}

/**
 * Reads a single-file NIfTI-1/NIfTI-2 volume (`.nii`, or gzipped `.nii.gz`) held in memory, e.g.
 * an upload, exactly as {@link readVolume} reads the same file: nothing is written to disk. An
 * Analyze/NIfTI pair cannot be one buffer and is refused by its missing NIfTI magic.
 *
 * @param bytes the whole file, `.nii` or gzipped `.nii.gz` (gzip recognised by its magic bytes, not a name)
 * @param name what to call the bytes in errors (e.g. `the upload`)
 * @param options `volumeIndex` of a 4-D file (default 0), `canonical` reorientation to RAS+ (default true),
 *   `limits` on the volume's size (default `DEFAULT_VOLUME_LIMITS`; uploads pass the smaller `UPLOAD_VOLUME_LIMITS`)
 * @returns the volume as {@link readVolume} returns it: float32 voxels (x fastest), shape [X, Y, Z] in voxels,
 *   affine and voxel sizes in mm, stored axis codes and header facts (source: nibabel's NIfTI reading)
 * @throws VolumeError `not-a-volume: <name>: a NIfTI header whose voxels live in a separate .img file ...` for an
 *   Analyze/NIfTI pair header; otherwise as {@link readVolume}, with `too-large` beyond `options.limits`
 * @example
 * const v = await readVolumeBytes(body, 'the upload', { limits: UPLOAD_VOLUME_LIMITS });
 */
export async function readVolumeBytes(bytes: Uint8Array, name: string, options: ReadVolumeOptions = {}): Promise<Volume> {
  const source = memoryByteSource(name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const header = await readHeader(source, false);
  if (header.magic !== 'n+1' && header.magic !== 'n+2')
    throw new VolumeError(
      'not-a-volume',
      name,
      `a NIfTI header whose voxels live in a separate .img file (magic ${JSON.stringify(header.magic)})`,
      'send one .nii or .nii.gz file',
    );
  return decodeVolume(name, header, source, null, options);
}

/** The voxels of a volume whose header is read: from the header's own file, or from the pair's `.img` (`dataSource`). */
async function decodeVolume(
  path: string,
  header: VolumeHeader,
  headerSource: ByteSource,
  dataSource: ByteSource | null,
  options: ReadVolumeOptions,
): Promise<Volume> {
  const single = dataSource === null;
  const dataPath = dataSource?.path ?? headerSource.path;
  const type = voxelType(header.datatype);
  if (!type) {
    throw new VolumeError(
      'unsupported-datatype',
      path,
      `voxel datatype ${datatypeName(header.datatype)} (code ${header.datatype}) is not supported; supported: ${SUPPORTED_TYPE_NAMES}`,
      'convert it, e.g. with nibabel or fslmaths -odt float',
    );
  }
  const { shape3, volumes, sourceShape } = checkedShape(header, path);
  const voxels = shape3[0]! * shape3[1]! * shape3[2]!;
  const tooLarge = volumeSizeProblem(shape3, options.limits ?? DEFAULT_VOLUME_LIMITS);
  if (tooLarge) throw new VolumeError('too-large', path, tooLarge);
  const volumeBytes = voxels * type.bytes;
  const dataBytes = volumeBytes * volumes;
  // Checked before any byte is inflated: the truncation check below reads (inflates) all of them.
  const maxDataBytes = Math.min(options.limits?.maxDataBytes ?? MAX_VOLUME_FILE_DATA_BYTES, MAX_VOLUME_FILE_DATA_BYTES);
  if (dataBytes > maxDataBytes)
    throw new VolumeError('too-large', path, `${sourceShape.join('x')} ${type.name} = ${dataBytes} bytes of voxels, more than the limit ${maxDataBytes}`);
  const volumeIndex = options.volumeIndex ?? 0;
  if (!Number.isSafeInteger(volumeIndex) || volumeIndex < 0 || volumeIndex >= volumes) {
    throw new VolumeError(
      'volume-index',
      path,
      `volumeIndex ${volumeIndex} is outside 0..${volumes - 1} (${volumes} volume(s), shape ${sourceShape.join('x')})`,
    );
  }
  // A single file's voxels start at vox_offset, at least after the header (+4 extension bytes);
  // a pair's .img at vox_offset (normally 0).
  const minimum = header.sizeofHdr + 4;
  const offset = single ? Math.max(Math.floor(header.voxOffset), minimum) : Math.max(0, Math.floor(header.voxOffset));
  const needed = offset + dataBytes;
  const source = dataSource ?? headerSource;
  const range = await source.range(offset + volumeIndex * volumeBytes, volumeBytes, needed);
  if (range.available < needed) {
    throw new VolumeError(
      'truncated',
      dataPath,
      `expected ${dataBytes} bytes of voxels (${sourceShape.join('x')} ${type.name}) after byte ${offset}, got ${Math.max(0, range.available - offset)} - could the file be damaged?`,
      'the file is cut short (an interrupted download or copy): fetch it again',
    );
  }
  const { affine: sourceAffine, source: affineSource } = headerAffine(header, path);
  if (!sourceAffine.every(Number.isFinite)) {
    throw new VolumeError('bad-header', path, `the ${affineSource} affine has non-finite values [${sourceAffine.slice(0, 12).join(', ')}]`);
  }
  let orientation: Orientation = RAS;
  let sourceAxcodes: string;
  try {
    const stored = ioOrientation(sourceAffine);
    sourceAxcodes = axcodes(stored);
    if (options.canonical !== false) orientation = stored;
  } catch (error) {
    throw new VolumeError('bad-header', path, `cannot orient the volume: ${(error as Error).message}`);
  }
  const layout = reorientation(orientation, shape3);
  const scaling = scalingOf(header, path);
  const { data, nonFiniteCount, nonFiniteMask } = decodeVoxels(range.bytes, type, header.littleEndian, scaling, shape3, layout);
  const affine = reorientedAffine(sourceAffine, orientation, shape3);
  const spacing = [0, 1, 2].map((c) => Math.hypot(affine[c]!, affine[4 + c]!, affine[8 + c]!)) as [number, number, number];
  return {
    data,
    shape: layout.shape,
    spacing,
    affine,
    sourceAxcodes,
    format: header.format,
    droppedVolumes: volumes - 1,
    nonFiniteCount,
    nonFiniteMask,
    sourceShape,
    storedType: `${type.name}${type.bytes > 1 ? (header.littleEndian ? ' little-endian' : ' big-endian') : ''}`,
    affineSource,
    scaling,
  };
}
