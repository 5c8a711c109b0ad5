/** Tensor element types, named as in PyTorch. */
export type DType = 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'float16' | 'float32' | 'float64' | 'bool' | 'bfloat16';

/** at::ScalarType codes (c10/core/ScalarType.h), the numbering the native side speaks. */
export const DTYPE_CODE: Readonly<Record<DType, number>> = {
  uint8: 0,
  int8: 1,
  int16: 2,
  int32: 3,
  int64: 4,
  float16: 5,
  float32: 6,
  float64: 7,
  bool: 11,
  bfloat16: 15,
};

const BY_CODE = new Map<number, DType>(Object.entries(DTYPE_CODE).map(([k, v]) => [v, k as DType]));

/**
 * The dtype name of a native code; throws on codes alzbench does not read (complex, quantized).
 *
 * @param code an at::ScalarType code (c10/core/ScalarType.h)
 * @returns the dtype name
 * @throws Error `Unsupported tensor dtype code <code> (complex and quantized tensors are not supported)`.
 */
export function dtypeFromCode(code: number): DType {
  const name = BY_CODE.get(code);
  if (!name) throw new Error(`Unsupported tensor dtype code ${code} (complex and quantized tensors are not supported)`);
  return name;
}

/** Bytes per element. */
export const DTYPE_SIZE: Readonly<Record<DType, number>> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  float16: 2,
  float32: 4,
  float64: 8,
  bool: 1,
  bfloat16: 2,
};

/** Any typed array a tensor can be read into. */
export type AnyTypedArray = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint16Array | Uint8Array;

/**
 * Views raw bytes as the typed array of `dtype` (no copy).
 *
 * @param dtype the element type the bytes hold
 * @param buffer the bytes, a whole number of elements long
 * @returns Float32Array/Float64Array/BigInt64Array/Int32Array/Int16Array/Int8Array for those dtypes, Uint16Array
 * (raw bit patterns) for float16 and bfloat16, Uint8Array for uint8 and bool
 * @throws RangeError from the typed-array constructor when the byte length is not a multiple of the element size.
 */
export function typedArrayOf(dtype: DType, buffer: ArrayBuffer): AnyTypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
    case 'int64':
      return new BigInt64Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buffer);
    default:
      return new Uint8Array(buffer);
  }
}

/**
 * The dtype a typed array holds by default.
 *
 * @param data a typed array (Uint8ClampedArray counts as uint8)
 * @returns the matching dtype
 * @throws TypeError `Expected a Float32Array, ... or Uint8Array but received <constructor>` for other views
 * (Uint16Array, Uint32Array, DataView, ...).
 */
export function dtypeOfTypedArray(data: ArrayBufferView): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 'uint8';
  throw new TypeError(
    `Expected a Float32Array, Float64Array, BigInt64Array, Int32Array, Int16Array, Int8Array or Uint8Array but received ${data.constructor.name}`,
  );
}

/**
 * True for floating-point dtypes (the ones autograd can differentiate).
 *
 * @param dtype the element type
 * @returns true for float16, bfloat16, float32 and float64
 */
export function isFloatingPoint(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}
