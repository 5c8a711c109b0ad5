/** NIfTI-1/Analyze datatype codes (nifti1.h) and how to read them into numbers. */
export interface VoxelType {
  readonly code: number;
  /** nibabel/numpy name: `uint8`, `int16`, ... */
  readonly name: string;
  readonly bytes: number;
}

const SUPPORTED: readonly VoxelType[] = [
  { code: 2, name: 'uint8', bytes: 1 },
  { code: 4, name: 'int16', bytes: 2 },
  { code: 8, name: 'int32', bytes: 4 },
  { code: 16, name: 'float32', bytes: 4 },
  { code: 64, name: 'float64', bytes: 8 },
  { code: 256, name: 'int8', bytes: 1 },
  { code: 512, name: 'uint16', bytes: 2 },
  { code: 768, name: 'uint32', bytes: 4 },
];

/** Codes nifti1.h defines that the reader refuses by name (complex, RGB and 64-bit integers). */
const KNOWN_UNSUPPORTED: Record<number, string> = {
  1: 'binary (1 bit)',
  32: 'complex64',
  128: 'RGB24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32',
};

/**
 * The supported voxel type of a datatype code.
 *
 * @param code the header's `datatype` (nifti1.h `DT_*`)
 * @returns its name and byte size, or undefined for an unsupported or unknown code
 */
export function voxelType(code: number): VoxelType | undefined {
  return SUPPORTED.find((t) => t.code === code);
}

/**
 * A name for any datatype code, for error messages.
 *
 * @param code the header's `datatype`
 * @returns the numpy name (`int16`), the nifti1.h type of a refused code (`RGB24`), or `unknown code <n>`
 */
export function datatypeName(code: number): string {
  return voxelType(code)?.name ?? KNOWN_UNSUPPORTED[code] ?? `unknown code ${code}`;
}

/** The supported type names, for error messages. */
export const SUPPORTED_TYPE_NAMES = SUPPORTED.map((t) => t.name).join(', ');
