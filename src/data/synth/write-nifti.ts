/**
 * Writes a float32 3-D volume as a single-file NIfTI-1 (`.nii`, or gzipped `.nii.gz`), with the
 * affine as the sform (code 2, aligned) and the qform unset, as nibabel's `Nifti1Image(data,
 * affine).to_filename()` does for an affine it takes as given. Layout per the NIfTI-1 standard
 * (nifti1.h): 348-byte header, 4 extension bytes, voxels from offset 352, x fastest.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

/**
 * The bytes of a NIfTI-1 file holding `data` (x fastest) of `shape` with voxel-to-world `affine`
 * (4x4 row-major, RAS+ mm); `pixdim` is the length of each affine column.
 *
 * @param data voxel values, x fastest, `shape[0] * shape[1] * shape[2]` of them
 * @param shape [X, Y, Z] in voxels
 * @param affine voxel-to-world 4x4 row-major (mm), written as the sform (sform_code 2, aligned anatomical; qform_code 0)
 * @param description the header's `descrip` text (first 79 characters, latin1); default ''
 * @returns a NIfTI-1 single file (`n+1`, float32, little-endian, 352-byte header + voxels)
 * @throws RangeError `NIfTI writer: <n> voxels do not fill shape <X>x<Y>x<Z>`
 */
export function niftiFileBytes(data: Float32Array, shape: readonly [number, number, number], affine: readonly number[], description = ''): Buffer {
  if (data.length !== shape[0] * shape[1] * shape[2]) throw new RangeError(`NIfTI writer: ${data.length} voxels do not fill shape ${shape.join('x')}`);
  const header = Buffer.alloc(352);
  const v = new DataView(header.buffer, header.byteOffset, 352);
  v.setInt32(0, 348, true); // sizeof_hdr
  v.setInt16(40, 3, true); // dim[0]
  shape.forEach((n, i) => v.setInt16(42 + 2 * i, n, true));
  for (let i = 4; i < 8; i++) v.setInt16(40 + 2 * i, 1, true);
  v.setInt16(70, 16, true); // datatype FLOAT32
  v.setInt16(72, 32, true); // bitpix
  v.setFloat32(76, 1, true); // pixdim[0] = qfac
  for (let c = 0; c < 3; c++) v.setFloat32(80 + 4 * c, Math.hypot(affine[c]!, affine[4 + c]!, affine[8 + c]!), true);
  v.setFloat32(108, 352, true); // vox_offset
  v.setFloat32(112, 1, true); // scl_slope
  v.setUint8(123, 2 | 8); // xyzt_units: mm, s
  header.write(description.slice(0, 79), 148, 'latin1');
  v.setInt16(252, 0, true); // qform_code
  v.setInt16(254, 2, true); // sform_code: aligned anatomical
  for (let i = 0; i < 12; i++) v.setFloat32(280 + 4 * i, affine[i]!, true);
  header.write('n+1\0', 344, 'latin1');
  const body = Buffer.from(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return Buffer.concat([header, body]);
}

/**
 * Writes {@link niftiFileBytes} to `path`, gzipped (level 6) when it ends in `.gz`.
 *
 * @param path the `.nii` or `.nii.gz` file to write (replaced if present)
 * @param data voxel values, x fastest
 * @param shape [X, Y, Z] in voxels
 * @param affine voxel-to-world 4x4 row-major (mm)
 * @param description the header's `descrip` text; default ''
 * @throws RangeError when the data length does not match the shape
 * @throws Error from node:fs when the file cannot be written
 */
export function writeNifti(path: string, data: Float32Array, shape: readonly [number, number, number], affine: readonly number[], description = ''): void {
  const bytes = niftiFileBytes(data, shape, affine, description);
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(bytes, { level: 6 }) : bytes);
}
