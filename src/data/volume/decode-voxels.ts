/**
 * Raw voxel bytes to float32 values, with the header's scaling applied, non-finite values set to
 * background (0) and counted, and the array permuted and flipped to the wanted orientation in the
 * same pass (so a 256³ volume is walked once).
 */
import type { VoxelType } from './datatypes.js';
import type { Reorientation } from './orientation.js';
import { reorientationStrides } from './orientation.js';

/** Linear scaling `value · slope + inter`, or undefined for raw values. */
export interface Scaling {
  readonly slope: number;
  readonly inter: number;
}

type NumericArray = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** A typed view of `bytes` in the machine's byte order (swapping a copy when the file's order differs). */
function typedView(bytes: Buffer, type: VoxelType, littleEndian: boolean): NumericArray {
  let data = bytes;
  const machineLittle = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (type.bytes > 1 && littleEndian !== machineLittle) {
    data = Buffer.from(bytes);
    if (type.bytes === 2) data.swap16();
    else if (type.bytes === 4) data.swap32();
    else data.swap64();
  }
  // Typed arrays need aligned offsets: copy when the Buffer's slice is not aligned.
  if (data.byteOffset % type.bytes !== 0) data = Buffer.from(data);
  const count = data.byteLength / type.bytes;
  const args = [data.buffer, data.byteOffset, count] as const;
  switch (type.name) {
    case 'uint8':
      return new Uint8Array(...args);
    case 'int8':
      return new Int8Array(...args);
    case 'int16':
      return new Int16Array(...args);
    case 'uint16':
      return new Uint16Array(...args);
    case 'int32':
      return new Int32Array(...args);
    case 'uint32':
      return new Uint32Array(...args);
    case 'float32':
      return new Float32Array(...args);
    default:
      return new Float64Array(...args);
  }
}

/**
 * Decodes one 3-D volume's bytes (Fortran order, `inputShape`) into float32 in the layout of
 * `layout` (see `reorientation`). Scaling is computed in float64, as nibabel's `get_fdata`, then
 * rounded to float32. NaN, ±Inf (and float64 values beyond float32's range) become 0, are counted
 * and flagged in `nonFiniteMask` (allocated only when there is one).
 *
 * @param bytes the volume's raw voxel bytes (exactly `product(inputShape)` voxels of `type`)
 * @param type the voxel type from the header's datatype
 * @param littleEndian the file's byte order
 * @param scaling `scl_slope` / `scl_inter` to apply, or undefined for raw values
 * @param inputShape the stored shape [n0, n1, n2] in voxels
 * @param layout the output axes and flips (from `reorientation`)
 * @returns float32 voxels in the output layout (x fastest), the count of non-finite voxels set to 0, and a mask
 *   (1 = was non-finite) of the output's length, or undefined when there were none
 */
export function decodeVoxels(
  bytes: Buffer,
  type: VoxelType,
  littleEndian: boolean,
  scaling: Scaling | undefined,
  inputShape: readonly number[],
  layout: Reorientation,
): { data: Float32Array; nonFiniteCount: number; nonFiniteMask: Uint8Array | undefined } {
  const src = typedView(bytes, type, littleEndian);
  const { strides, start } = reorientationStrides(layout, inputShape);
  const [n0, n1, n2] = layout.shape;
  const [s0, s1, s2] = strides as [number, number, number];
  const out = new Float32Array(n0 * n1 * n2);
  const slope = scaling?.slope ?? 1;
  const inter = scaling?.inter ?? 0;
  const isFloat = type.name === 'float32' || type.name === 'float64';
  let nonFinite = 0;
  let mask: Uint8Array | undefined;
  let o = 0;
  if (!scaling && !isFloat) {
    // Integers without scaling: always finite and exact in float32 up to 2^24 (int32 beyond rounds, as float32 does).
    for (let k = 0; k < n2; k++) {
      for (let j = 0; j < n1; j++) {
        let p = start + k * s2 + j * s1;
        for (let i = 0; i < n0; i++, p += s0) out[o++] = src[p]!;
      }
    }
    return { data: out, nonFiniteCount: 0, nonFiniteMask: undefined };
  }
  for (let k = 0; k < n2; k++) {
    for (let j = 0; j < n1; j++) {
      let p = start + k * s2 + j * s1;
      for (let i = 0; i < n0; i++, p += s0) {
        const v = Math.fround(src[p]! * slope + inter);
        if (v - v !== 0) {
          (mask ??= new Uint8Array(out.length))[o] = 1;
          out[o++] = 0;
          nonFinite++;
        } else out[o++] = v;
      }
    }
  }
  return { data: out, nonFiniteCount: nonFinite, nonFiniteMask: mask };
}
