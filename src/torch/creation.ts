import { native } from './native.js';
import { callTensorOp as op } from './tensor.js';
import { DTYPE_CODE, DTYPE_SIZE, dtypeOfTypedArray, type DType } from './dtype.js';
import { Tensor } from './tensor.js';

/** Where and how a new tensor is made. */
export interface TensorOptions {
  /** Default float32. */
  dtype?: DType;
  /** Default `cpu`. */
  device?: string;
  /** Make a leaf that autograd tracks. Default false. */
  requiresGrad?: boolean;
}

type Nested = number | boolean | readonly Nested[];

function finish(t: Tensor, options: TensorOptions): Tensor {
  let out = t;
  if (options.device && options.device !== 'cpu') {
    out = t.to(options.device);
    t.dispose();
  }
  if (options.requiresGrad) out.requiresGrad_(true);
  return out;
}

function flatten(data: Nested, shape: number[], out: number[], depth: number): void {
  if (Array.isArray(data)) {
    if (shape.length === depth) shape.push(data.length);
    else if (shape[depth] !== data.length) throw new RangeError(`Ragged nested array: expected ${shape[depth]} elements at depth ${depth} but received ${data.length}`);
    for (const d of data) flatten(d, shape, out, depth + 1);
  } else {
    if (depth !== shape.length) throw new RangeError('Ragged nested array: a number where an array was expected');
    out.push(Number(data));
  }
}

function encode(values: ArrayLike<number>, dtype: DType): ArrayBufferView {
  switch (dtype) {
    case 'float32':
      return Float32Array.from(values);
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(Array.from(values), (v) => BigInt(Math.trunc(v)));
    case 'int32':
      return Int32Array.from(values);
    case 'int16':
      return Int16Array.from(values);
    case 'int8':
      return Int8Array.from(values);
    case 'uint8':
      return Uint8Array.from(values);
    case 'bool':
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
    default:
      throw new TypeError(`Cannot make a ${dtype} tensor from numbers; make float32 and call .to('${dtype}')`);
  }
}

/**
 * Makes a tensor from a typed array (with a shape) or from nested arrays of numbers/booleans.
 * Number arrays become float32 unless `dtype` says otherwise; typed arrays keep their type.
 *
 * @example
 * tensor([[1, 2], [3, 4]]);                        // float32[2, 2]
 * tensor(new Uint8Array(pixels), { shape: [208, 176] });
 * tensor([0, 3, 1], { dtype: 'int64' });
 */
export function tensor(data: Nested | ArrayBufferView, options: TensorOptions & { shape?: readonly number[] } = {}): Tensor {
  if (ArrayBuffer.isView(data)) {
    const natural = dtypeOfTypedArray(data);
    const dtype = options.dtype ?? natural;
    const shape = options.shape ?? [data.byteLength / DTYPE_SIZE[natural]];
    let t = new Tensor(native.fromBytes(data, shape, DTYPE_CODE[natural]));
    if (dtype !== natural) {
      const converted = t.to(dtype);
      t.dispose();
      t = converted;
    }
    return finish(t, options);
  }
  const shape: number[] = [];
  const values: number[] = [];
  flatten(data, shape, values, 0);
  const dtype = options.dtype ?? (typeof (Array.isArray(data) ? data.flat(Infinity)[0] : data) === 'boolean' ? 'bool' : 'float32');
  const t = new Tensor(native.fromBytes(encode(values, dtype), options.shape ?? shape, DTYPE_CODE[dtype]));
  return finish(t, options);
}

/** A 0-dimensional tensor holding one number. */
export function scalarTensor(value: number, options: TensorOptions = {}): Tensor {
  return tensor([value], { ...options, shape: [] });
}

function factory(name: string, args: unknown[], options: TensorOptions): Tensor {
  return finish(op(name, args, { dtype: DTYPE_CODE[options.dtype ?? 'float32'] }), options);
}

export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return factory('aten::zeros', [shape], options);
}
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return factory('aten::ones', [shape], options);
}
export function empty(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return factory('aten::empty.memory_format', [shape], options);
}
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return factory('aten::full', [shape, value], options);
}
/** Uniform samples in [0, 1) from the global generator (seed with manualSeed). */
export function rand(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return factory('aten::rand', [shape], options);
}
/** Standard normal samples from the global generator. */
export function randn(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return factory('aten::randn', [shape], options);
}
/** Integers in [low, high), int64 by default. */
export function randint(low: number, high: number, shape: readonly number[], options: TensorOptions = {}): Tensor {
  return finish(op('aten::randint.low', [low, high, shape], { dtype: DTYPE_CODE[options.dtype ?? 'int64'] }), options);
}
/** A random permutation of 0..n-1 (int64). */
export function randperm(n: number): Tensor {
  return op('aten::randperm', [n], { dtype: DTYPE_CODE.int64 });
}
/** start, start+step, ... below end; int64 when all arguments are integers (as torch.arange), else float32. */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  const integral = Number.isInteger(from) && Number.isInteger(to) && Number.isInteger(step);
  const dtype = options.dtype ?? (integral ? 'int64' : 'float32');
  return finish(op('aten::arange.start_step', [from, to, step], { dtype: DTYPE_CODE[dtype] }), options);
}
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  return factory('aten::linspace', [start, end, steps], options);
}
export function eye(n: number, options: TensorOptions = {}): Tensor {
  return factory('aten::eye', [n], options);
}
export function zerosLike(t: Tensor): Tensor {
  return op('aten::zeros_like', [t]);
}
export function onesLike(t: Tensor): Tensor {
  return op('aten::ones_like', [t]);
}
/** Joins tensors along an existing dimension. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return op('aten::cat', [tensors, dim]);
}
/** Joins tensors along a new dimension. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return op('aten::stack', [tensors, dim]);
}
/** Elements of `a` where `condition` holds, else of `b`. */
export function where(condition: Tensor, a: Tensor, b: Tensor): Tensor {
  return op('aten::where.self', [condition, a, b]);
}
