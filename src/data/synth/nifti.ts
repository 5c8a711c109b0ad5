/**
 * A small NIfTI reader for the generator's template volumes (the Colin27 brain and its atlas).
 * It only needs 8- and 16-bit voxels on a plain 1 mm grid; the general data-set reader lives in
 * src/data/ and is not used here so the generator stays self-contained.
 */
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { AlzbenchError } from '../../util/errors.js';
import { maxVolumeBytes, volumeSizeProblem } from '../image-limits.js';
import { INPUT_LIMITS, readInputFileSync } from '../../util/read-input.js';

/** A 3-D scalar volume, x fastest: voxel (i, j, k) is `data[i + nx * (j + ny * k)]`. */
export interface Volume {
  /** Voxel counts along x, y, z. */
  readonly dims: readonly [number, number, number];
  /** Voxel size in mm along x, y, z. */
  readonly spacing: readonly [number, number, number];
  /** 4x4 voxel-to-world (mm) matrix, row-major. */
  readonly affine: number[][];
  /** Voxel values, as stored (scaling slope/intercept are not applied: the templates have none). */
  readonly data: Uint8Array | Int16Array | Uint16Array | Float32Array;
}

/**
 * Reads a `.nii` or `.nii.gz` file into a {@link Volume}.
 *
 * @param path file to read
 * @returns the voxel counts, voxel size (mm), 4x4 affine (mm) and the stored voxel values (x fastest)
 * @throws AlzbenchError when the file is missing, cannot be decompressed, is not NIfTI (`<path> is not a NIfTI file
 *   ...`), is not 3-D, exceeds the volume size limit, or has an unsupported voxel type
 * @example
 * const brain = readNifti('/usr/share/mricron/templates/ch2bet.nii.gz');
 * brain.dims; // [181, 217, 181]
 */
export function readNifti(path: string): Volume {
  let bytes: Buffer;
  try {
    bytes = readInputFileSync(path, 'volume', INPUT_LIMITS.volume);
  } catch (error) {
    throw new AlzbenchError(`cannot read NIfTI file ${path}: ${(error as Error).message}`, { cause: error });
  }
  // zlib is several times faster than the reader's own pure-JS inflate on these 7 MB volumes.
  let raw: Uint8Array;
  try {
    // Stops at the volume limit (image-limits.ts) instead of filling memory with a gzip bomb.
    raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes, { maxOutputLength: maxVolumeBytes() }) : bytes;
  } catch (error) {
    throw new AlzbenchError(`${path}: cannot decompress (${(error as Error).message})`, { cause: error });
  }
  const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
  if (!nifti.isNIFTI(buffer)) throw new AlzbenchError(`${path} is not a NIfTI file (no NIfTI magic in its header)`);
  let header: ReturnType<typeof nifti.readHeader>;
  try {
    header = nifti.readHeader(buffer);
  } catch (error) {
    throw new AlzbenchError(`${path} is not a readable NIfTI file (${(error as Error).message})`);
  }
  const [ndim, nx, ny, nz] = header.dims as number[];
  if (ndim === undefined || ndim < 3 || !(nx! > 0) || !(ny! > 0) || !(nz! > 0)) {
    throw new AlzbenchError(`${path}: expected a 3-D volume but the header says ${JSON.stringify(header.dims)}`);
  }
  const tooLarge = volumeSizeProblem([nx, ny, nz]);
  if (tooLarge) throw new AlzbenchError(`${path}: volume too large: ${tooLarge}`);
  if (!header.littleEndian) throw new AlzbenchError(`${path}: big-endian NIfTI files are not supported`);
  const count = nx! * ny! * nz!;
  const voxelBytes = Math.max(1, header.numBitsPerVoxel / 8);
  const voxelOffset = Math.max(0, Math.floor(header.vox_offset));
  // Checked before reading: the typed arrays below would otherwise fail with a bare RangeError.
  if (!Number.isSafeInteger(count) || voxelOffset + count * voxelBytes > buffer.byteLength) {
    throw new AlzbenchError(
      `${path} is truncated: the header declares ${nx}x${ny}x${nz} voxels of ${voxelBytes} byte(s) from offset ${voxelOffset}, but the file holds ${buffer.byteLength} bytes`,
    );
  }
  const voxels = nifti.readImage(header, buffer);
  if (voxels.byteLength < count * voxelBytes) {
    throw new AlzbenchError(`${path} is truncated: ${voxels.byteLength} voxel bytes, the header declares ${count * voxelBytes}`);
  }
  let data: Volume['data'];
  switch (header.datatypeCode) {
    case nifti.NIFTI1.TYPE_UINT8:
      data = new Uint8Array(voxels, 0, count);
      break;
    case nifti.NIFTI1.TYPE_INT16:
      data = new Int16Array(voxels, 0, count);
      break;
    case nifti.NIFTI1.TYPE_UINT16:
      data = new Uint16Array(voxels, 0, count);
      break;
    case nifti.NIFTI1.TYPE_FLOAT32:
      data = new Float32Array(voxels, 0, count);
      break;
    default:
      throw new AlzbenchError(`${path}: unsupported NIfTI datatype code ${header.datatypeCode} (expected uint8, int16, uint16 or float32)`);
  }
  const pix = header.pixDims as number[];
  return {
    dims: [nx, ny, nz],
    spacing: [pix[1] ?? 1, pix[2] ?? 1, pix[3] ?? 1],
    affine: header.affine as number[][],
    data,
  };
}
