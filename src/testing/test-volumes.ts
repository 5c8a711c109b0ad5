// Test helper: writes small NIfTI-1 files from TypeScript (header fields set explicitly), for the
// property tests that need many orientations of one volume and for the bad-header tests.

/** Fields of a test NIfTI-1 file. */
export interface TestNifti {
  shape: readonly number[];
  /** Voxel values, x fastest, written as `datatype`. */
  data: ArrayLike<number>;
  /** 16 numbers row-major; written as the sform (code 1) with qform_code 0. */
  affine: readonly number[];
  datatype?: 'int16' | 'float32';
  littleEndian?: boolean;
}

/** The bytes of a single-file NIfTI-1 (`n+1`, vox_offset 352). */
export function niftiBytes(spec: TestNifti): Buffer {
  const little = spec.littleEndian ?? true;
  const type = spec.datatype ?? 'float32';
  const size = type === 'int16' ? 2 : 4;
  const header = Buffer.alloc(352);
  const view = new DataView(header.buffer, header.byteOffset, 352);
  view.setInt32(0, 348, little);
  view.setInt16(40, spec.shape.length, little);
  spec.shape.forEach((n, i) => view.setInt16(42 + 2 * i, n, little));
  for (let i = spec.shape.length + 1; i < 8; i++) view.setInt16(40 + 2 * i, 1, little);
  view.setInt16(70, type === 'int16' ? 4 : 16, little);
  view.setInt16(72, size * 8, little);
  view.setFloat32(76, 1, little);
  for (let c = 0; c < 3; c++) view.setFloat32(80 + 4 * c, Math.hypot(spec.affine[c]!, spec.affine[4 + c]!, spec.affine[8 + c]!), little);
  view.setFloat32(108, 352, little);
  view.setInt16(254, 1, little);
  for (let i = 0; i < 12; i++) view.setFloat32(280 + 4 * i, spec.affine[i]!, little);
  header.write('n+1\0', 344, 'latin1');
  const body = Buffer.alloc(spec.data.length * size);
  const bodyView = new DataView(body.buffer, body.byteOffset, body.length);
  for (let i = 0; i < spec.data.length; i++) {
    if (type === 'int16') bodyView.setInt16(2 * i, spec.data[i]!, little);
    else bodyView.setFloat32(4 * i, spec.data[i]!, little);
  }
  return Buffer.concat([header, body]);
}
