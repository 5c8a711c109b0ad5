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
    else if (shape[depth] !== data.length)
      throw new RangeError(`Ragged nested array: expected ${shape[depth]} elements at depth ${depth} but received ${data.length}`);
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
 * Source: PyTorch `torch.tensor`.
 *
 * @example
 * tensor([[1, 2], [3, 4]]);                        // float32[2, 2]
 * tensor(new Uint8Array(pixels), { shape: [208, 176] });
 * tensor([0, 3, 1], { dtype: 'int64' });
 *
 * @param data nested arrays (the shape is read from the nesting; booleans give a bool tensor) or a typed array
 * (copied; its type gives the dtype, then converted to `options.dtype` if different)
 * @param options `dtype`, `device`, `requiresGrad` as {@link TensorOptions}, and `shape` (default: the nesting,
 * or `[length]` for a typed array), which must hold exactly as many elements as the data
 * @returns a new tensor
 * @throws RangeError `Ragged nested array: expected <n> elements at depth <d> but received <m>` for ragged nesting.
 * @throws TypeError `Cannot make a <dtype> tensor from numbers; make float32 and call .to('<dtype>')` for float16/bfloat16 from arrays,
 * and TypeError for typed arrays other than those {@link dtypeOfTypedArray} accepts.
 * @throws RangeError `Data holds <n> bytes but shape <dtype>[<shape>] needs <m>` when `shape` does not match the number of elements.
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

/**
 * A 0-dimensional tensor holding one number.
 *
 * @param value the number
 * @param options `dtype` (default float32), `device`, `requiresGrad`
 * @returns a 0-d tensor (shape `[]`)
 * @throws TypeError for dtype float16/bfloat16 (make float32 and convert), as {@link tensor}.
 */
export function scalarTensor(value: number, options: TensorOptions = {}): Tensor {
  return tensor([value], { ...options, shape: [] });
}

function factory(name: string, args: unknown[], options: TensorOptions): Tensor {
  return finish(op(name, args, { dtype: DTYPE_CODE[options.dtype ?? 'float32'] }), options);
}

/**
 * A tensor filled with 0.
 *
 * Source: PyTorch `torch.zeros` (https://pytorch.org/docs/stable/generated/torch.zeros.html).
 *
 * @param shape sizes of each dimension, e.g. `[N, C, H, W]`; `[]` makes a 0-d tensor
 * @param options `dtype` (default float32), `device` (default `cpu`; other devices copy after making on the CPU), `requiresGrad` (default false)
 * @returns a new tensor of `shape`
 * @throws Error `aten::zeros(<arguments>) failed: <libtorch message>` when a size is negative.
 */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return factory('aten::zeros', [shape], options);
}
/**
 * A tensor filled with 1.
 *
 * Source: PyTorch `torch.ones` (https://pytorch.org/docs/stable/generated/torch.ones.html).
 *
 * @param shape sizes of each dimension, e.g. `[N, C, H, W]`; `[]` makes a 0-d tensor
 * @param options `dtype` (default float32), `device` (default `cpu`; other devices copy after making on the CPU), `requiresGrad` (default false)
 * @returns a new tensor of `shape`
 * @throws Error `aten::ones(<arguments>) failed: <libtorch message>` when a size is negative.
 */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return factory('aten::ones', [shape], options);
}
/**
 * A tensor with uninitialized contents (fill it before reading).
 *
 * Source: PyTorch `torch.empty` (https://pytorch.org/docs/stable/generated/torch.empty.html).
 *
 * @param shape sizes of each dimension, e.g. `[N, C, H, W]`; `[]` makes a 0-d tensor
 * @param options `dtype` (default float32), `device` (default `cpu`; other devices copy after making on the CPU), `requiresGrad` (default false)
 * @returns a new tensor of `shape`
 * @throws Error `aten::empty.memory_format(<arguments>) failed: <libtorch message>` when a size is negative.
 */
export function empty(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return factory('aten::empty.memory_format', [shape], options);
}
/**
 * A tensor filled with `value`.
 *
 * Source: PyTorch `torch.full` (https://pytorch.org/docs/stable/generated/torch.full.html).
 *
 * @param shape sizes of each dimension, e.g. `[N, C, H, W]`; `[]` makes a 0-d tensor
 * @param value the fill value
 * @param options `dtype` (default float32), `device` (default `cpu`; other devices copy after making on the CPU), `requiresGrad` (default false)
 * @returns a new tensor of `shape`
 * @throws Error `aten::full(<arguments>) failed: <libtorch message>` when a size is negative.
 */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return factory('aten::full', [shape, value], options);
}
/**
 * Uniform samples in [0, 1) from the global generator (seed with manualSeed).
 *
 * Source: PyTorch `torch.rand` (https://pytorch.org/docs/stable/generated/torch.rand.html).
 *
 * @param shape sizes of each dimension, e.g. `[N, C, H, W]`; `[]` makes a 0-d tensor
 * @param options `dtype` (default float32; must be floating point), `device`, `requiresGrad`
 * @returns a new tensor of `shape`
 * @throws Error `aten::rand(<arguments>) failed: <libtorch message>` when a size is negative or the dtype is not floating point.
 */
export function rand(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return factory('aten::rand', [shape], options);
}
/**
 * Standard normal samples from the global generator.
 *
 * Source: PyTorch `torch.randn` (https://pytorch.org/docs/stable/generated/torch.randn.html).
 *
 * @param shape sizes of each dimension, e.g. `[N, C, H, W]`; `[]` makes a 0-d tensor
 * @param options `dtype` (default float32; must be floating point), `device`, `requiresGrad`
 * @returns a new tensor of `shape`
 * @throws Error `aten::randn(<arguments>) failed: <libtorch message>` when a size is negative or the dtype is not floating point.
 */
export function randn(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return factory('aten::randn', [shape], options);
}
/**
 * Integers in [low, high), int64 by default, from the global generator.
 *
 * Source: PyTorch `torch.randint` (https://pytorch.org/docs/stable/generated/torch.randint.html).
 *
 * @param low smallest value
 * @param high one above the largest value
 * @param shape sizes of each dimension, e.g. `[N, C, H, W]`; `[]` makes a 0-d tensor
 * @param options `dtype` (default int64), `device`, `requiresGrad`
 * @returns a new tensor of `shape`
 * @throws Error `aten::randint.low(<arguments>) failed: <libtorch message>` when low >= high.
 */
export function randint(low: number, high: number, shape: readonly number[], options: TensorOptions = {}): Tensor {
  return finish(op('aten::randint.low', [low, high, shape], { dtype: DTYPE_CODE[options.dtype ?? 'int64'] }), options);
}
/**
 * A random permutation of 0..n-1 (int64), from the global generator.
 *
 * Source: PyTorch `torch.randperm` (https://pytorch.org/docs/stable/generated/torch.randperm.html).
 *
 * @param n the number of elements, at least 0
 * @returns a new int64 tensor of shape `[n]`
 * @throws Error `aten::randperm(<arguments>) failed: <libtorch message>` when n is negative.
 */
export function randperm(n: number): Tensor {
  return op('aten::randperm', [n], { dtype: DTYPE_CODE.int64 });
}
/**
 * start, start+step, ... below end; int64 when all arguments are integers (as torch.arange), else float32.
 *
 * Source: PyTorch `torch.arange` (https://pytorch.org/docs/stable/generated/torch.arange.html).
 *
 * @param start first value; with `end` omitted, the end (and the start is 0)
 * @param end the bound, exclusive
 * @param step distance between values (default 1; negative counts down)
 * @param options `dtype` (default as above), `device`, `requiresGrad`
 * @returns a new 1-D tensor of `ceil((end - start) / step)` values
 * @throws Error `aten::arange.start_step(<arguments>) failed: <libtorch message>` when step is 0 or has the wrong sign for start and end.
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  const integral = Number.isInteger(from) && Number.isInteger(to) && Number.isInteger(step);
  const dtype = options.dtype ?? (integral ? 'int64' : 'float32');
  return finish(op('aten::arange.start_step', [from, to, step], { dtype: DTYPE_CODE[dtype] }), options);
}
/**
 * `steps` evenly spaced values from `start` to `end`, both included.
 *
 * Source: PyTorch `torch.linspace` (https://pytorch.org/docs/stable/generated/torch.linspace.html).
 *
 * @param start first value
 * @param end last value
 * @param steps number of values, at least 0
 * @param options `dtype` (default float32), `device` (default `cpu`; other devices copy after making on the CPU), `requiresGrad` (default false)
 * @returns a new 1-D tensor of shape `[steps]`
 * @throws Error `aten::linspace(<arguments>) failed: <libtorch message>` when steps is negative.
 */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  return factory('aten::linspace', [start, end, steps], options);
}
/**
 * The n×n identity matrix.
 *
 * Source: PyTorch `torch.eye` (https://pytorch.org/docs/stable/generated/torch.eye.html).
 *
 * @param n rows and columns
 * @param options `dtype` (default float32), `device` (default `cpu`; other devices copy after making on the CPU), `requiresGrad` (default false)
 * @returns a new tensor of shape `[n, n]`
 * @throws Error `aten::eye(<arguments>) failed: <libtorch message>` when n is negative.
 */
export function eye(n: number, options: TensorOptions = {}): Tensor {
  return factory('aten::eye', [n], options);
}
/**
 * Zeros with the shape, dtype and device of `t`.
 *
 * Source: PyTorch `torch.zeros_like` (https://pytorch.org/docs/stable/generated/torch.zeros_like.html).
 *
 * @param t the tensor to copy the shape, dtype and device from
 * @returns a new tensor of `t`'s shape
 * @throws Error `aten::zeros_like(<arguments>) failed: <libtorch message>` when `t` was disposed.
 */
export function zerosLike(t: Tensor): Tensor {
  return op('aten::zeros_like', [t]);
}
/**
 * Ones with the shape, dtype and device of `t`.
 *
 * Source: PyTorch `torch.ones_like` (https://pytorch.org/docs/stable/generated/torch.ones_like.html).
 *
 * @param t the tensor to copy the shape, dtype and device from
 * @returns a new tensor of `t`'s shape
 * @throws Error `aten::ones_like(<arguments>) failed: <libtorch message>` when `t` was disposed.
 */
export function onesLike(t: Tensor): Tensor {
  return op('aten::ones_like', [t]);
}
/**
 * Joins tensors along an existing dimension.
 *
 * Source: PyTorch `torch.cat` (https://pytorch.org/docs/stable/generated/torch.cat.html).
 *
 * @param tensors one or more tensors with equal sizes except along `dim`
 * @param dim the dimension to join along (default 0)
 * @returns a new tensor whose `dim` is the sum of the inputs' sizes there
 * @throws Error `aten::cat(<arguments>) failed: <libtorch message>` when the list is empty or the other sizes differ.
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return op('aten::cat', [tensors, dim]);
}
/**
 * Joins tensors along a new dimension.
 *
 * Source: PyTorch `torch.stack` (https://pytorch.org/docs/stable/generated/torch.stack.html).
 *
 * @param tensors one or more tensors of equal shape
 * @param dim where the new dimension goes (default 0)
 * @returns a new tensor with one more dimension, of size `tensors.length`, at `dim`
 * @throws Error `aten::stack(<arguments>) failed: <libtorch message>` when the list is empty or the shapes differ.
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return op('aten::stack', [tensors, dim]);
}
/**
 * Elements of `a` where `condition` holds, else of `b`.
 *
 * Source: PyTorch `torch.where` (https://pytorch.org/docs/stable/generated/torch.where.html).
 *
 * @param condition a bool tensor
 * @param a values where true
 * @param b values where false
 * @returns a new tensor of the broadcast shape of the three
 * @throws Error `aten::where.self(<arguments>) failed: <libtorch message>` when the shapes do not broadcast or `condition` is not bool.
 */
export function where(condition: Tensor, a: Tensor, b: Tensor): Tensor {
  return op('aten::where.self', [condition, a, b]);
}
