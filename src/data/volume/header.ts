/**
 * The fixed-size header of NIfTI-1 (348 bytes), NIfTI-2 (540 bytes) and Analyze 7.5 (348 bytes,
 * no magic) files, in either byte order, parsed as nibabel parses it (nibabel/nifti1.py,
 * nifti2.py, analyze.py, spm99analyze.py). Field offsets are those of nifti1.h and nifti2.h.
 *
 * nifti-reader-js is not used: it does not read Analyze headers without magic, and its NIfTI-2
 * int64 fields ignored the byte order before 0.8 (NIFTI-Reader-JS #46/#47).
 */

/** Which header layout a file uses. */
export type VolumeFormat = 'nifti1' | 'nifti2' | 'analyze';

/** The header fields the reader uses, as numbers. */
export interface VolumeHeader {
  readonly format: VolumeFormat;
  /** `n+1`/`n+2` (header and voxels in one file), `ni1`/`ni2` (a .hdr/.img pair), '' for Analyze. */
  readonly magic: string;
  readonly littleEndian: boolean;
  /** 348 or 540: the header's own size. */
  readonly sizeofHdr: number;
  /** dim[0..7]: dim[0] is the number of dimensions. */
  readonly dim: readonly number[];
  readonly datatype: number;
  readonly bitpix: number;
  /** pixdim[0..7], after nibabel's fixes: qfac (pixdim[0]) not ±1 becomes 1; pixdim[1..3] of 0 become 1, negatives their absolute value. */
  readonly pixdim: readonly number[];
  readonly voxOffset: number;
  readonly sclSlope: number;
  readonly sclInter: number;
  readonly calMax: number;
  readonly calMin: number;
  readonly glmax: number;
  readonly glmin: number;
  readonly qformCode: number;
  readonly sformCode: number;
  /** quatern_b, quatern_c, quatern_d. */
  readonly quatern: readonly [number, number, number];
  /** qoffset_x, qoffset_y, qoffset_z. */
  readonly qoffset: readonly [number, number, number];
  /** srow_x, srow_y, srow_z: the first three rows of the sform, row-major. */
  readonly srow: readonly number[];
  /** Analyze (SPM) `originator` field: the 1-based voxel of the origin, first 3 int16. */
  readonly origin: readonly [number, number, number];
}

/** Sizes of the two header layouts. */
export const NIFTI1_HEADER_BYTES = 348;
export const NIFTI2_HEADER_BYTES = 540;

/**
 * Which header size and byte order the first bytes of a file declare, from `sizeof_hdr`, or
 * undefined when it is neither 348 nor 540 in either byte order (not a NIfTI/Analyze header).
 *
 * @param bytes the file's first bytes (at least 4)
 * @returns `{ size: 348 }` (NIfTI-1 or Analyze), `{ size: 540 }` (NIfTI-2), or undefined
 */
export function headerKind(bytes: Uint8Array): { size: 348 | 540 } | undefined {
  if (bytes.length < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const little of [true, false]) {
    const size = view.getInt32(0, little);
    if (size === NIFTI1_HEADER_BYTES || size === NIFTI2_HEADER_BYTES) return { size };
  }
  return undefined;
}

function text(bytes: Uint8Array, offset: number, length: number): string {
  let end = offset;
  while (end < offset + length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, end - offset).toString('latin1');
}

/** nibabel's guessed_endian: dim[0] in 1..7 decides; dim[0] = 0 falls back to sizeof_hdr. */
function isLittleEndian(view: DataView, dim0: (little: boolean) => number, size: number): boolean {
  const d = dim0(true);
  if (d >= 1 && d <= 7) return true;
  if (d === 0) return view.getInt32(0, true) === size;
  return false;
}

/** nibabel's header check_fix for the fields that change values: qfac and spatial pixdims. */
function fixPixdim(pixdim: number[]): number[] {
  const fixed = [...pixdim];
  if (fixed[0] !== 1 && fixed[0] !== -1) fixed[0] = 1;
  for (let i = 1; i <= 3; i++) {
    if (fixed[i] === 0) fixed[i] = 1;
    else if (fixed[i]! < 0) fixed[i] = -fixed[i]!;
  }
  return fixed;
}

function parseNifti1(bytes: Uint8Array, view: DataView): VolumeHeader {
  const little = isLittleEndian(view, (l) => view.getInt16(40, l), NIFTI1_HEADER_BYTES);
  const i16 = (o: number) => view.getInt16(o, little);
  const i32 = (o: number) => view.getInt32(o, little);
  const f32 = (o: number) => view.getFloat32(o, little);
  const magic = text(bytes, 344, 4);
  const isNifti = magic === 'n+1' || magic === 'ni1';
  return {
    format: isNifti ? 'nifti1' : 'analyze',
    magic: isNifti ? magic : '',
    littleEndian: little,
    sizeofHdr: NIFTI1_HEADER_BYTES,
    dim: Array.from({ length: 8 }, (_, i) => i16(40 + 2 * i)),
    datatype: i16(70),
    bitpix: i16(72),
    pixdim: fixPixdim(Array.from({ length: 8 }, (_, i) => f32(76 + 4 * i))),
    voxOffset: f32(108),
    sclSlope: f32(112),
    sclInter: f32(116),
    calMax: f32(124),
    calMin: f32(128),
    glmax: i32(140),
    glmin: i32(144),
    qformCode: isNifti ? i16(252) : 0,
    sformCode: isNifti ? i16(254) : 0,
    quatern: [f32(256), f32(260), f32(264)],
    qoffset: [f32(268), f32(272), f32(276)],
    srow: Array.from({ length: 12 }, (_, i) => f32(280 + 4 * i)),
    // Analyze's `originator` is 10 bytes at 253 (unaligned); SPM reads its first 3 int16.
    origin: [i16(253), i16(255), i16(257)],
  };
}

function parseNifti2(bytes: Uint8Array, view: DataView): VolumeHeader {
  const little = isLittleEndian(view, (l) => Number(view.getBigInt64(16, l)), NIFTI2_HEADER_BYTES);
  const i16 = (o: number) => view.getInt16(o, little);
  const i32 = (o: number) => view.getInt32(o, little);
  const i64 = (o: number) => Number(view.getBigInt64(o, little));
  const f64 = (o: number) => view.getFloat64(o, little);
  return {
    format: 'nifti2',
    magic: text(bytes, 4, 4),
    littleEndian: little,
    sizeofHdr: NIFTI2_HEADER_BYTES,
    dim: Array.from({ length: 8 }, (_, i) => i64(16 + 8 * i)),
    datatype: i16(12),
    bitpix: i16(14),
    pixdim: fixPixdim(Array.from({ length: 8 }, (_, i) => f64(104 + 8 * i))),
    voxOffset: i64(168),
    sclSlope: f64(176),
    sclInter: f64(184),
    calMax: f64(192),
    calMin: f64(200),
    glmax: 0,
    glmin: 0,
    qformCode: i32(344),
    sformCode: i32(348),
    quatern: [f64(352), f64(360), f64(368)],
    qoffset: [f64(376), f64(384), f64(392)],
    srow: Array.from({ length: 12 }, (_, i) => f64(400 + 8 * i)),
    origin: [0, 0, 0],
  };
}

/**
 * Parses a NIfTI-1, NIfTI-2 or Analyze 7.5 header from the first bytes of a file (at least
 * 348 or 540 bytes, as `headerKind` says). Returns undefined when `sizeof_hdr` is neither.
 *
 * @param bytes the file's first bytes (decompressed)
 * @returns the header fields (pixdim fixed as nibabel's check_fix), or undefined when `sizeof_hdr` is not 348 or
 *   540 or fewer bytes than that are given
 */
export function parseHeader(bytes: Uint8Array): VolumeHeader | undefined {
  const kind = headerKind(bytes);
  if (!kind || bytes.length < kind.size) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return kind.size === NIFTI1_HEADER_BYTES ? parseNifti1(bytes, view) : parseNifti2(bytes, view);
}
