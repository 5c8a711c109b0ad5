import { native, type TensorHandle } from './native.js';
import { resolveOp } from './dispatch.js';
import { DTYPE_CODE, dtypeFromCode, typedArrayOf, type AnyTypedArray, type DType } from './dtype.js';
import { track, type Disposable } from './scope.js';

/** A scalar or a tensor, as binary ops accept. */
export type TensorOrScalar = Tensor | number;
/**
 * Memory layouts (at::MemoryFormat): `channelsLast` is NHWC for 4-D tensors, `channelsLast3d` is
 * NDHWC for 5-D tensors (volumes); oneDNN convolutions prefer them on CPU.
 */
export type MemoryFormat = 'contiguous' | 'preserve' | 'channelsLast' | 'channelsLast3d';
const MEMORY_FORMAT: Record<MemoryFormat, number> = { contiguous: 0, preserve: 1, channelsLast: 2, channelsLast3d: 3 };

/**
 * A libtorch tensor. Every method calls one ATen op through the native dispatcher, so results
 * and gradients are PyTorch's. Methods ending in `_` work in place and return `this`.
 *
 * Memory: free a tensor with {@link Tensor.dispose} or make it inside `tidy()`; the garbage
 * collector frees forgotten ones eventually.
 */
export class Tensor implements Disposable {
  /** The native handle; pass it only to `native` functions. */
  readonly handle: TensorHandle;
  /** Set by `keep()`: scopes leave this tensor alone. */
  kept = false;

  /**
   * Wraps a native handle and registers it with the innermost `tidy()` scope, if any. Users make
   * tensors with the creation functions (`tensor`, `zeros`, ...) rather than this constructor.
   *
   * @param handle a handle returned by the native addon (`native.callOp` etc.)
   */
  constructor(handle: TensorHandle) {
    this.handle = handle;
    track(this);
  }

  // ---- metadata ----------------------------------------------------------------------------
  /** Sizes of each dimension. */
  get shape(): number[] {
    return native.shape(this.handle);
  }
  /** Number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Number of elements. */
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** Element type. */
  get dtype(): DType {
    return dtypeFromCode(native.dtype(this.handle));
  }
  /** Device, e.g. `cpu` or `cuda:0`. */
  get device(): string {
    return native.device(this.handle);
  }
  /** True once disposed; any further use throws. */
  get isDisposed(): boolean {
    return native.isDisposed(this.handle);
  }
  /**
   * Size of one dimension (negative counts from the end).
   *
   * Source: PyTorch `torch.Tensor.size(dim)`.
   *
   * @param dim dimension index in `[-ndim, ndim)`
   * @returns the number of elements along `dim`; `undefined` (typed as number) when `dim` is out of range
   * @throws Error when the tensor was already disposed.
   */
  size(dim: number): number {
    const shape = this.shape;
    return shape[dim < 0 ? shape.length + dim : dim]!;
  }
  /**
   * `float32[2, 3]`: dtype and shape, as error messages print tensors.
   *
   * @returns the dtype followed by the shape in brackets
   * @throws Error when the tensor was already disposed.
   */
  describe(): string {
    return native.describe(this.handle);
  }
  /**
   * `Tensor(float32[2, 3])`, or `Tensor(disposed)`; never throws.
   *
   * @returns a short description for logs and the REPL
   */
  toString(): string {
    return `Tensor(${this.isDisposed ? 'disposed' : this.describe()})`;
  }

  // ---- memory --------------------------------------------------------------------------------
  /**
   * Frees the tensor's memory now (autograd graphs that saved it keep their own reference).
   * Disposing twice is harmless; any other use afterwards throws an Error saying the tensor was
   * already disposed.
   */
  dispose(): void {
    native.dispose(this.handle);
  }

  // ---- reading out ---------------------------------------------------------------------------
  /**
   * A copy of the elements, row-major, in the dtype's typed array (int64 as BigInt64Array).
   *
   * @returns a new typed array of `numel` elements (float16/bfloat16 as Uint16Array bit patterns, bool as Uint8Array)
   * @throws Error when the tensor was already disposed.
   */
  toArray(): AnyTypedArray {
    return typedArrayOf(this.dtype, native.toBytes(this.handle));
  }
  /**
   * The elements as plain numbers (int64 converted), row-major.
   *
   * @returns an array of `numel` numbers (int64 values beyond 2^53 lose precision)
   * @throws Error when the tensor was already disposed.
   */
  toNumbers(): number[] {
    const data = this.toArray();
    return data instanceof BigInt64Array ? Array.from(data, Number) : Array.from(data as ArrayLike<number>);
  }
  /**
   * The single value of a one-element tensor.
   *
   * Source: PyTorch `torch.Tensor.item` (https://pytorch.org/docs/stable/generated/torch.Tensor.item.html).
   *
   * @returns the value as a number (bool as 0 or 1)
   * @throws Error `aten::item(<argument dtypes and shapes>) failed: <libtorch message>` when the tensor has more than one element, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  item(): number {
    const v = callOp('aten::item', [this]);
    return typeof v === 'boolean' ? Number(v) : (v as number);
  }

  // ---- autograd ------------------------------------------------------------------------------
  /** Whether autograd records operations on this tensor. */
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  /**
   * Sets `requiresGrad` in place (leaf tensors only) and returns this.
   *
   * Source: PyTorch `torch.Tensor.requires_grad_` (https://pytorch.org/docs/stable/generated/torch.Tensor.requires_grad_.html).
   *
   * @param value whether autograd should record operations on this tensor (default true)
   * @returns this tensor
   * @throws Error from libtorch when `value` is true on a tensor that is not floating point ("only Tensors of floating point dtype can require gradients"),
   * when the flag of a non-leaf tensor would change, or when the tensor was disposed.
   */
  requiresGrad_(value = true): this {
    native.setRequiresGrad(this.handle, value);
    return this;
  }
  /** True for tensors made by the user rather than by a recorded op. */
  get isLeaf(): boolean {
    return native.isLeaf(this.handle);
  }
  /** The accumulated gradient (a new wrapper each call), or null. */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g === null ? null : new Tensor(g);
  }
  /**
   * Replaces (or with null, clears) the accumulated gradient.
   *
   * Source: PyTorch `param.grad = ...`.
   *
   * @param grad a tensor of this tensor's shape and dtype, or null to clear
   * @throws Error from libtorch when `grad`'s shape or dtype does not match, or either tensor was disposed.
   */
  setGrad(grad: Tensor | null): void {
    native.setGrad(this.handle, grad === null ? null : grad.handle);
  }
  /**
   * Back-propagates from this tensor (a scalar unless `gradient` is given), accumulating into the
   * `grad` of every leaf that requires grad.
   *
   * Source: PyTorch `torch.Tensor.backward` (https://pytorch.org/docs/stable/generated/torch.Tensor.backward.html).
   *
   * @param gradient d(output)/d(this), of this tensor's shape; null (default) means 1 for a one-element tensor
   * @param retainGraph keep the graph so backward can run through it again (default false)
   * @throws Error `backward(<shape>) failed: <libtorch message>` when the tensor does not require grad, is not a
   * scalar and no `gradient` is given, or the graph was already freed.
   */
  backward(gradient: Tensor | null = null, retainGraph = false): void {
    native.backward(this.handle, gradient === null ? null : gradient.handle, retainGraph);
  }
  /**
   * Keeps this non-leaf tensor's gradient after backward (as `retain_grad()`); returns this.
   *
   * Source: PyTorch `torch.Tensor.retain_grad` (https://pytorch.org/docs/stable/generated/torch.Tensor.retain_grad.html).
   *
   * @returns this tensor
   * @throws Error from libtorch when the tensor does not require grad, or was disposed.
   */
  retainGrad(): this {
    native.retainGrad(this.handle);
    return this;
  }
  /**
   * A view that shares storage but is cut off from the graph.
   *
   * Source: PyTorch `torch.Tensor.detach` (https://pytorch.org/docs/stable/generated/torch.Tensor.detach.html).
   *
   * @returns a new tensor of the same shape with `requiresGrad` false (`aten::detach`)
   * @throws Error `aten::detach(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the call, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  detach(): Tensor {
    return op('aten::detach', [this]);
  }
  /**
   * Replaces this tensor's data with `data`'s (like `param.data = data` in PyTorch).
   *
   * @param data the tensor whose storage, shape and dtype this tensor takes over
   * @returns this tensor
   * @throws Error `aten::set_data(<argument dtypes and shapes>) failed: <libtorch message>` when the two tensors are incompatible (e.g. different device), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  setData(data: Tensor): this {
    callOp('aten::set_data', [this, data]);
    return this;
  }

  // ---- conversion ----------------------------------------------------------------------------
  /**
   * A copy in another dtype (or this tensor when it already is).
   *
   * Source: PyTorch `torch.Tensor.to` (https://pytorch.org/docs/stable/generated/torch.Tensor.to.html).
   *
   * @param dtype the element type to convert to
   * @returns a tensor of the same shape in `dtype` (`aten::to.dtype`)
   * @throws Error `aten::to.dtype(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the conversion, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  to(dtype: DType): Tensor;
  /**
   * A copy on another device, e.g. `cuda` (or this tensor when it already is).
   *
   * Source: PyTorch `torch.Tensor.to` (https://pytorch.org/docs/stable/generated/torch.Tensor.to.html).
   *
   * @param device a libtorch device string: `cpu`, `cuda`, `cuda:1`
   * @returns a tensor of the same shape and dtype on `device` (`aten::to.device`)
   * @throws Error `aten::to.device(<argument dtypes and shapes>) failed: <libtorch message>` when the device string is not one libtorch knows ("Expected one of cpu, cuda, ...") or
   * the build has no support for that device, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  to(device: string): Tensor;
  to(target: string): Tensor {
    if (target in DTYPE_CODE) return op('aten::to.dtype', [this, DTYPE_CODE[target as DType]]);
    return op('aten::to.device', [this, target, native.dtype(this.handle)]);
  }
  /**
   * This tensor as float32 (`to('float32')`).
   *
   * Source: PyTorch `torch.Tensor.float` (https://pytorch.org/docs/stable/generated/torch.Tensor.float.html).
   *
   * @returns a float32 tensor of the same shape, or this tensor when already float32
   * @throws Error when the tensor was already disposed.
   */
  float(): Tensor {
    return this.to('float32');
  }
  /**
   * This tensor as float64 (`to('float64')`).
   *
   * Source: PyTorch `torch.Tensor.double` (https://pytorch.org/docs/stable/generated/torch.Tensor.double.html).
   *
   * @returns a float64 tensor of the same shape, or this tensor when already float64
   * @throws Error when the tensor was already disposed.
   */
  double(): Tensor {
    return this.to('float64');
  }
  /**
   * This tensor as int64 (`to('int64')`; floats truncate toward zero).
   *
   * Source: PyTorch `torch.Tensor.long` (https://pytorch.org/docs/stable/generated/torch.Tensor.long.html).
   *
   * @returns an int64 tensor of the same shape, or this tensor when already int64
   * @throws Error when the tensor was already disposed.
   */
  long(): Tensor {
    return this.to('int64');
  }
  /**
   * This tensor as bool (`to('bool')`; nonzero is true).
   *
   * Source: PyTorch `torch.Tensor.bool` (https://pytorch.org/docs/stable/generated/torch.Tensor.bool.html).
   *
   * @returns a bool tensor of the same shape, or this tensor when already bool
   * @throws Error when the tensor was already disposed.
   */
  bool(): Tensor {
    return this.to('bool');
  }
  /**
   * This tensor on the CPU (`to('cpu')`).
   *
   * Source: PyTorch `torch.Tensor.cpu` (https://pytorch.org/docs/stable/generated/torch.Tensor.cpu.html).
   *
   * @returns a tensor on the CPU, or this tensor when already there
   * @throws Error when the tensor was already disposed.
   */
  cpu(): Tensor {
    return this.to('cpu');
  }
  /**
   * A copy with its own storage (recorded by autograd).
   *
   * Source: PyTorch `torch.Tensor.clone` (https://pytorch.org/docs/stable/generated/torch.Tensor.clone.html).
   *
   * @returns a new tensor of the same shape, dtype and device (`aten::clone`)
   * @throws Error `aten::clone(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the call, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  clone(): Tensor {
    return op('aten::clone', [this]);
  }
  /**
   * A contiguous copy in the given memory format (or this tensor when already laid out so).
   *
   * Source: PyTorch `torch.Tensor.contiguous` (https://pytorch.org/docs/stable/generated/torch.Tensor.contiguous.html).
   *
   * @param format `contiguous` (row-major, default), `channelsLast` (NHWC strides; 4-D tensors only) or `preserve`
   * @returns a tensor with the same shape and values in that layout (`aten::contiguous`)
   * @throws Error `aten::contiguous(<argument dtypes and shapes>) failed: <libtorch message>` when the format does not fit the tensor (channelsLast on a tensor that is not 4-D), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  contiguous(format: MemoryFormat = 'contiguous'): Tensor {
    return op('aten::contiguous', [this, MEMORY_FORMAT[format]]);
  }
  /**
   * This tensor in a memory format, copying unless its strides already are that format's, like
   * PyTorch's `t.to(memory_format=...)`. Unlike {@link contiguous}, it re-strides tensors whose
   * layout is ambiguous (one channel, 1x1 kernels), so convolutions on them pick the format too.
   *
   * Source: PyTorch `torch.Tensor.to` (https://pytorch.org/docs/stable/generated/torch.Tensor.to.html).
   *
   * @param format `contiguous`, `channelsLast` (4-D `[N, C, H, W]` only) or `preserve`
   * @returns a tensor with the same shape, values and dtype in that layout (`aten::to.dtype` with a memory format)
   * @throws Error `aten::to.dtype(<argument dtypes and shapes>) failed: <libtorch message>` when the format does not fit the tensor (channelsLast on a tensor that is not 4-D), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  toMemoryFormat(format: MemoryFormat): Tensor {
    return op('aten::to.dtype', [this, native.dtype(this.handle), false, false, MEMORY_FORMAT[format]]);
  }
  /**
   * Whether the strides are those of a memory format.
   *
   * Source: PyTorch `torch.Tensor.is_contiguous` (https://pytorch.org/docs/stable/generated/torch.Tensor.is_contiguous.html).
   *
   * @param format `contiguous` (default), `channelsLast` or `preserve`
   * @returns true when the tensor is laid out in `format`
   * @throws Error when the tensor was already disposed.
   */
  isContiguous(format: MemoryFormat = 'contiguous'): boolean {
    return native.isContiguous(this.handle, MEMORY_FORMAT[format]);
  }

  // ---- elementwise arithmetic ------------------------------------------------------------------
  /**
   * Elementwise `this + alpha * other`.
   *
   * Source: PyTorch `torch.add` (https://pytorch.org/docs/stable/generated/torch.add.html).
   *
   * @param other a tensor broadcastable with this one (PyTorch broadcasting rules), or a number
   * @param alpha multiplier of `other` (default 1)
   * @returns a new tensor of the broadcast shape of `this` and `other` (`aten::add.Tensor` / `aten::add.Scalar`).
   * @throws Error `aten::add.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes cannot be combined, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  add(other: TensorOrScalar, alpha = 1): Tensor {
    return typeof other === 'number' ? op('aten::add.Scalar', [this, other, alpha]) : op('aten::add.Tensor', [this, other, alpha]);
  }
  /**
   * Elementwise `this - alpha * other`.
   *
   * Source: PyTorch `torch.sub` (https://pytorch.org/docs/stable/generated/torch.sub.html).
   *
   * @param other a tensor broadcastable with this one (PyTorch broadcasting rules), or a number
   * @param alpha multiplier of `other` (default 1)
   * @returns a new tensor of the broadcast shape of `this` and `other` (`aten::sub.Tensor` / `aten::sub.Scalar`).
   * @throws Error `aten::sub.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes cannot be combined, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  sub(other: TensorOrScalar, alpha = 1): Tensor {
    return typeof other === 'number' ? op('aten::sub.Scalar', [this, other, alpha]) : op('aten::sub.Tensor', [this, other, alpha]);
  }
  /**
   * Elementwise `this * other`.
   *
   * Source: PyTorch `torch.mul` (https://pytorch.org/docs/stable/generated/torch.mul.html).
   *
   * @param other a tensor broadcastable with this one (PyTorch broadcasting rules), or a number
   * @returns a new tensor of the broadcast shape of `this` and `other` (`aten::mul.Tensor` / `aten::mul.Scalar`).
   * @throws Error `aten::mul.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes cannot be combined, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  mul(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::mul.Scalar', [this, other]) : op('aten::mul.Tensor', [this, other]);
  }
  /**
   * Elementwise true division `this / other` (integers divide to floats).
   *
   * Source: PyTorch `torch.div` (https://pytorch.org/docs/stable/generated/torch.div.html).
   *
   * @param other a tensor broadcastable with this one (PyTorch broadcasting rules), or a number
   * @returns a new tensor of the broadcast shape of `this` and `other` (`aten::div.Tensor` / `aten::div.Scalar`).
   * @throws Error `aten::div.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes cannot be combined, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  div(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::div.Scalar', [this, other]) : op('aten::div.Tensor', [this, other]);
  }
  /**
   * Elementwise `this ** exponent`.
   *
   * Source: PyTorch `torch.pow` (https://pytorch.org/docs/stable/generated/torch.pow.html).
   *
   * @param exponent a tensor broadcastable with this one, or a number
   * @returns a new tensor of the broadcast shape (`aten::pow.Tensor_Tensor` / `aten::pow.Tensor_Scalar`)
   * @throws Error `aten::pow.Tensor_Scalar(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes cannot be combined, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  pow(exponent: TensorOrScalar): Tensor {
    return typeof exponent === 'number' ? op('aten::pow.Tensor_Scalar', [this, exponent]) : op('aten::pow.Tensor_Tensor', [this, exponent]);
  }
  /**
   * Elementwise Python-style modulo `this % other` (the result has the divisor's sign).
   *
   * Source: PyTorch `torch.remainder` (https://pytorch.org/docs/stable/generated/torch.remainder.html).
   *
   * @param other the divisor
   * @returns a new tensor of this tensor's shape (`aten::remainder.Scalar`)
   * @throws Error `aten::remainder.Scalar(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the call (e.g. integer division by zero), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  remainder(other: number): Tensor {
    return op('aten::remainder.Scalar', [this, other]);
  }
  /**
   * Elementwise `-this`.
   *
   * Source: PyTorch `torch.neg` (https://pytorch.org/docs/stable/generated/torch.neg.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::neg`).
   * @throws Error `aten::neg(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  neg(): Tensor {
    return op('aten::neg', [this]);
  }
  /**
   * Elementwise absolute value.
   *
   * Source: PyTorch `torch.abs` (https://pytorch.org/docs/stable/generated/torch.abs.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::abs`).
   * @throws Error `aten::abs(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  abs(): Tensor {
    return op('aten::abs', [this]);
  }
  /**
   * Elementwise `e ** this`.
   *
   * Source: PyTorch `torch.exp` (https://pytorch.org/docs/stable/generated/torch.exp.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::exp`).
   * @throws Error `aten::exp(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  exp(): Tensor {
    return op('aten::exp', [this]);
  }
  /**
   * Elementwise natural logarithm (`-inf` at 0, NaN below).
   *
   * Source: PyTorch `torch.log` (https://pytorch.org/docs/stable/generated/torch.log.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::log`).
   * @throws Error `aten::log(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  log(): Tensor {
    return op('aten::log', [this]);
  }
  /**
   * Elementwise `ln(1 + this)`, accurate for small values.
   *
   * Source: PyTorch `torch.log1p` (https://pytorch.org/docs/stable/generated/torch.log1p.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::log1p`).
   * @throws Error `aten::log1p(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  log1p(): Tensor {
    return op('aten::log1p', [this]);
  }
  /**
   * Elementwise square root (NaN below 0).
   *
   * Source: PyTorch `torch.sqrt` (https://pytorch.org/docs/stable/generated/torch.sqrt.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::sqrt`).
   * @throws Error `aten::sqrt(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  sqrt(): Tensor {
    return op('aten::sqrt', [this]);
  }
  /**
   * Elementwise `1 / sqrt(this)`.
   *
   * Source: PyTorch `torch.rsqrt` (https://pytorch.org/docs/stable/generated/torch.rsqrt.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::rsqrt`).
   * @throws Error `aten::rsqrt(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  rsqrt(): Tensor {
    return op('aten::rsqrt', [this]);
  }
  /**
   * Elementwise `this ** 2`.
   *
   * Source: PyTorch `torch.square` (https://pytorch.org/docs/stable/generated/torch.square.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::square`).
   * @throws Error `aten::square(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  square(): Tensor {
    return op('aten::square', [this]);
  }
  /**
   * Elementwise `1 / this`.
   *
   * Source: PyTorch `torch.reciprocal` (https://pytorch.org/docs/stable/generated/torch.reciprocal.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::reciprocal`).
   * @throws Error `aten::reciprocal(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  reciprocal(): Tensor {
    return op('aten::reciprocal', [this]);
  }
  /**
   * Elementwise sign: -1, 0 or 1.
   *
   * Source: PyTorch `torch.sign` (https://pytorch.org/docs/stable/generated/torch.sign.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::sign`).
   * @throws Error `aten::sign(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  sign(): Tensor {
    return op('aten::sign', [this]);
  }
  /**
   * Elementwise round down.
   *
   * Source: PyTorch `torch.floor` (https://pytorch.org/docs/stable/generated/torch.floor.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::floor`).
   * @throws Error `aten::floor(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  floor(): Tensor {
    return op('aten::floor', [this]);
  }
  /**
   * Elementwise round up.
   *
   * Source: PyTorch `torch.ceil` (https://pytorch.org/docs/stable/generated/torch.ceil.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::ceil`).
   * @throws Error `aten::ceil(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  ceil(): Tensor {
    return op('aten::ceil', [this]);
  }
  /**
   * Elementwise round to nearest, halves to even.
   *
   * Source: PyTorch `torch.round` (https://pytorch.org/docs/stable/generated/torch.round.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::round`).
   * @throws Error `aten::round(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  round(): Tensor {
    return op('aten::round', [this]);
  }
  /**
   * Elementwise sine (radians).
   *
   * Source: PyTorch `torch.sin` (https://pytorch.org/docs/stable/generated/torch.sin.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::sin`).
   * @throws Error `aten::sin(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  sin(): Tensor {
    return op('aten::sin', [this]);
  }
  /**
   * Elementwise cosine (radians).
   *
   * Source: PyTorch `torch.cos` (https://pytorch.org/docs/stable/generated/torch.cos.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::cos`).
   * @throws Error `aten::cos(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  cos(): Tensor {
    return op('aten::cos', [this]);
  }
  /**
   * Elementwise hyperbolic tangent.
   *
   * Source: PyTorch `torch.tanh` (https://pytorch.org/docs/stable/generated/torch.tanh.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::tanh`).
   * @throws Error `aten::tanh(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  tanh(): Tensor {
    return op('aten::tanh', [this]);
  }
  /**
   * Elementwise logistic sigmoid `1 / (1 + e^-x)`.
   *
   * Source: PyTorch `torch.sigmoid` (https://pytorch.org/docs/stable/generated/torch.sigmoid.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::sigmoid`).
   * @throws Error `aten::sigmoid(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  sigmoid(): Tensor {
    return op('aten::sigmoid', [this]);
  }
  /**
   * Elementwise `max(x, 0)`.
   *
   * Source: PyTorch `torch.relu` (https://pytorch.org/docs/stable/generated/torch.relu.html).
   *
   * @returns a new tensor of this tensor's shape (`aten::relu`).
   * @throws Error `aten::relu(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the dtype (e.g. a bool tensor, or an integer one for ops that need floats), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  relu(): Tensor {
    return op('aten::relu', [this]);
  }
  /**
   * Limits values to [min, max]; either bound may be null.
   *
   * Source: PyTorch `torch.clamp` (https://pytorch.org/docs/stable/generated/torch.clamp.html).
   *
   * @param min lower bound, or null for none
   * @param max upper bound, or null (default) for none
   * @returns a new tensor of this tensor's shape (`aten::clamp`)
   * @throws Error `aten::clamp(<argument dtypes and shapes>) failed: <libtorch message>` when both bounds are null, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  clamp(min: number | null, max: number | null = null): Tensor {
    return op('aten::clamp', [this, min, max]);
  }
  /**
   * Elementwise larger of `this` and `other` (NaN propagates).
   *
   * Source: PyTorch `torch.maximum` (https://pytorch.org/docs/stable/generated/torch.maximum.html).
   *
   * @param other a tensor broadcastable with this one
   * @returns a new tensor of the broadcast shape (`aten::maximum`)
   * @throws Error `aten::maximum(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  maximum(other: Tensor): Tensor {
    return op('aten::maximum', [this, other]);
  }
  /**
   * Elementwise smaller of `this` and `other` (NaN propagates).
   *
   * Source: PyTorch `torch.minimum` (https://pytorch.org/docs/stable/generated/torch.minimum.html).
   *
   * @param other a tensor broadcastable with this one
   * @returns a new tensor of the broadcast shape (`aten::minimum`)
   * @throws Error `aten::minimum(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  minimum(other: Tensor): Tensor {
    return op('aten::minimum', [this, other]);
  }
  /**
   * this + value * t1 * t2
   *
   * Source: PyTorch `torch.addcmul` (https://pytorch.org/docs/stable/generated/torch.addcmul.html).
   *
   * @param t1 first factor, broadcastable with this tensor
   * @param t2 second factor, broadcastable with this tensor
   * @param value scale of the product (default 1)
   * @returns a new tensor of the broadcast shape (`aten::addcmul`)
   * @throws Error `aten::addcmul(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  addcmul(t1: Tensor, t2: Tensor, value = 1): Tensor {
    return op('aten::addcmul', [this, t1, t2, value]);
  }
  /**
   * this + value * t1 / t2
   *
   * Source: PyTorch `torch.addcdiv` (https://pytorch.org/docs/stable/generated/torch.addcdiv.html).
   *
   * @param t1 numerator, broadcastable with this tensor
   * @param t2 denominator, broadcastable with this tensor
   * @param value scale of the quotient (default 1)
   * @returns a new tensor of the broadcast shape (`aten::addcdiv`)
   * @throws Error `aten::addcdiv(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the tensors are integer, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  addcdiv(t1: Tensor, t2: Tensor, value = 1): Tensor {
    return op('aten::addcdiv', [this, t1, t2, value]);
  }
  /**
   * Linear interpolation `this + weight * (end - this)`.
   *
   * Source: PyTorch `torch.lerp` (https://pytorch.org/docs/stable/generated/torch.lerp.html).
   *
   * @param end the tensor to move toward, broadcastable with this one
   * @param weight fraction of the way, usually in [0, 1]
   * @returns a new tensor of the broadcast shape (`aten::lerp.Scalar`)
   * @throws Error `aten::lerp.Scalar(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes differ, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  lerp(end: Tensor, weight: number): Tensor {
    return op('aten::lerp.Scalar', [this, end, weight]);
  }
  /**
   * Elementwise test for NaN.
   *
   * Source: PyTorch `torch.isnan` (https://pytorch.org/docs/stable/generated/torch.isnan.html).
   *
   * @returns a bool tensor of this tensor's shape (`aten::isnan`)
   * @throws Error `aten::isnan(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the call, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  isnan(): Tensor {
    return op('aten::isnan', [this]);
  }
  /**
   * Elementwise test for finite values (not NaN, not ±inf).
   *
   * Source: PyTorch `torch.isfinite` (https://pytorch.org/docs/stable/generated/torch.isfinite.html).
   *
   * @returns a bool tensor of this tensor's shape (`aten::isfinite`)
   * @throws Error `aten::isfinite(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the call, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  isfinite(): Tensor {
    return op('aten::isfinite', [this]);
  }

  // ---- in place ------------------------------------------------------------------------------
  /**
   * In place `this += alpha * other`.
   *
   * Source: PyTorch `torch.Tensor.add_` (https://pytorch.org/docs/stable/generated/torch.Tensor.add_.html).
   *
   * @param other a tensor broadcastable with this one (PyTorch broadcasting rules), or a number
   * @param alpha multiplier of `other` (default 1)
   * @returns this tensor, changed in place (`aten::add_.Tensor` / `aten::add_.Scalar`).
   * @throws Error `aten::add_.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes cannot be combined, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  add_(other: TensorOrScalar, alpha = 1): this {
    callOp(typeof other === 'number' ? 'aten::add_.Scalar' : 'aten::add_.Tensor', [this, other, alpha]);
    return this;
  }
  /**
   * In place `this -= alpha * other`.
   *
   * Source: PyTorch `torch.Tensor.sub_` (https://pytorch.org/docs/stable/generated/torch.Tensor.sub_.html).
   *
   * @param other a tensor broadcastable with this one (PyTorch broadcasting rules), or a number
   * @param alpha multiplier of `other` (default 1)
   * @returns this tensor, changed in place (`aten::sub_.Tensor` / `aten::sub_.Scalar`).
   * @throws Error `aten::sub_.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes cannot be combined, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  sub_(other: TensorOrScalar, alpha = 1): this {
    callOp(typeof other === 'number' ? 'aten::sub_.Scalar' : 'aten::sub_.Tensor', [this, other, alpha]);
    return this;
  }
  /**
   * In place `this *= other`.
   *
   * Source: PyTorch `torch.Tensor.mul_` (https://pytorch.org/docs/stable/generated/torch.Tensor.mul_.html).
   *
   * @param other a tensor broadcastable with this one (PyTorch broadcasting rules), or a number
   * @returns this tensor, changed in place (`aten::mul_.Tensor` / `aten::mul_.Scalar`).
   * @throws Error `aten::mul_.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes cannot be combined, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  mul_(other: TensorOrScalar): this {
    callOp(typeof other === 'number' ? 'aten::mul_.Scalar' : 'aten::mul_.Tensor', [this, other]);
    return this;
  }
  /**
   * In place `this /= other` (true division: an integer tensor cannot hold the result and throws).
   *
   * Source: PyTorch `torch.Tensor.div_` (https://pytorch.org/docs/stable/generated/torch.Tensor.div_.html).
   *
   * @param other a tensor broadcastable with this one (PyTorch broadcasting rules), or a number
   * @returns this tensor, changed in place (`aten::div_.Tensor` / `aten::div_.Scalar`).
   * @throws Error `aten::div_.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes cannot be combined, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  div_(other: TensorOrScalar): this {
    callOp(typeof other === 'number' ? 'aten::div_.Scalar' : 'aten::div_.Tensor', [this, other]);
    return this;
  }
  /**
   * In place `this += value * t1 * t2`.
   *
   * Source: PyTorch `torch.Tensor.addcmul_` (https://pytorch.org/docs/stable/generated/torch.Tensor.addcmul_.html).
   *
   * @param t1 first factor, broadcastable to this tensor's shape
   * @param t2 second factor, broadcastable to this tensor's shape
   * @param value scale of the product (default 1)
   * @returns this tensor
   * @throws Error `aten::addcmul_(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast to this one, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  addcmul_(t1: Tensor, t2: Tensor, value = 1): this {
    callOp('aten::addcmul_', [this, t1, t2, value]);
    return this;
  }
  /**
   * In place `this += value * t1 / t2`.
   *
   * Source: PyTorch `torch.Tensor.addcdiv_` (https://pytorch.org/docs/stable/generated/torch.Tensor.addcdiv_.html).
   *
   * @param t1 numerator, broadcastable to this tensor's shape
   * @param t2 denominator, broadcastable to this tensor's shape
   * @param value scale of the quotient (default 1)
   * @returns this tensor
   * @throws Error `aten::addcdiv_(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast to this one, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  addcdiv_(t1: Tensor, t2: Tensor, value = 1): this {
    callOp('aten::addcdiv_', [this, t1, t2, value]);
    return this;
  }
  /**
   * In place elementwise square root.
   *
   * Source: PyTorch `torch.Tensor.sqrt_` (https://pytorch.org/docs/stable/generated/torch.Tensor.sqrt_.html).
   *
   * @returns this tensor
   * @throws Error `aten::sqrt_(<argument dtypes and shapes>) failed: <libtorch message>` when the tensor is not floating point, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  sqrt_(): this {
    callOp('aten::sqrt_', [this]);
    return this;
  }
  /**
   * In place clamp to [min, max]; either bound may be null.
   *
   * Source: PyTorch `torch.Tensor.clamp_` (https://pytorch.org/docs/stable/generated/torch.Tensor.clamp_.html).
   *
   * @param min lower bound, or null for none
   * @param max upper bound, or null (default) for none
   * @returns this tensor
   * @throws Error `aten::clamp_(<argument dtypes and shapes>) failed: <libtorch message>` when both bounds are null, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  clamp_(min: number | null, max: number | null = null): this {
    callOp('aten::clamp_', [this, min, max]);
    return this;
  }
  /**
   * In place: sets every element to 0.
   *
   * Source: PyTorch `torch.Tensor.zero_` (https://pytorch.org/docs/stable/generated/torch.Tensor.zero_.html).
   *
   * @returns this tensor
   * @throws Error `aten::zero_(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the call, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  zero_(): this {
    callOp('aten::zero_', [this]);
    return this;
  }
  /**
   * In place: sets every element to `value`.
   *
   * Source: PyTorch `torch.Tensor.fill_` (https://pytorch.org/docs/stable/generated/torch.Tensor.fill_.html).
   *
   * @param value the value, converted to this tensor's dtype
   * @returns this tensor
   * @throws Error `aten::fill_.Scalar(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the call, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  fill_(value: number): this {
    callOp('aten::fill_.Scalar', [this, value]);
    return this;
  }
  /**
   * Copies `src` into this tensor (broadcasting, converting dtype and device).
   *
   * Source: PyTorch `torch.Tensor.copy_` (https://pytorch.org/docs/stable/generated/torch.Tensor.copy_.html).
   *
   * @param src a tensor broadcastable to this tensor's shape
   * @returns this tensor
   * @throws Error `aten::copy_(<argument dtypes and shapes>) failed: <libtorch message>` when `src` does not broadcast to this tensor's shape, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  copy_(src: Tensor): this {
    callOp('aten::copy_', [this, src]);
    return this;
  }
  /**
   * In place: fills with samples from the uniform distribution on [from, to), drawn from the global
   * generator (see `manualSeed`).
   *
   * Source: PyTorch `torch.Tensor.uniform_` (https://pytorch.org/docs/stable/generated/torch.Tensor.uniform_.html).
   *
   * @param from lower bound (default 0)
   * @param to upper bound, exclusive (default 1)
   * @returns this tensor
   * @throws Error `aten::uniform_(<argument dtypes and shapes>) failed: <libtorch message>` when the tensor is not floating point or from > to, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  uniform_(from = 0, to = 1): this {
    callOp('aten::uniform_', [this, from, to]);
    return this;
  }
  /**
   * In place: fills with samples from N(mean, std²), drawn from the global generator (see `manualSeed`).
   *
   * Source: PyTorch `torch.Tensor.normal_` (https://pytorch.org/docs/stable/generated/torch.Tensor.normal_.html).
   *
   * @param mean mean (default 0)
   * @param std standard deviation (default 1), at least 0
   * @returns this tensor
   * @throws Error `aten::normal_(<argument dtypes and shapes>) failed: <libtorch message>` when the tensor is not floating point or std < 0, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  normal_(mean = 0, std = 1): this {
    callOp('aten::normal_', [this, mean, std]);
    return this;
  }
  /**
   * In place: fills with 1 with probability `p`, else 0, drawn from the global generator.
   *
   * Source: PyTorch `torch.Tensor.bernoulli_` (https://pytorch.org/docs/stable/generated/torch.Tensor.bernoulli_.html).
   *
   * @param p probability of 1, in [0, 1]
   * @returns this tensor
   * @throws Error `aten::bernoulli_.float(<argument dtypes and shapes>) failed: <libtorch message>` when p is outside [0, 1], or when
   * this tensor (or a tensor argument) was already disposed.
   */
  bernoulli_(p: number): this {
    callOp('aten::bernoulli_.float', [this, p]);
    return this;
  }

  // ---- comparison ----------------------------------------------------------------------------
  /**
   * Elementwise `this == other`.
   *
   * Source: PyTorch `torch.eq` (https://pytorch.org/docs/stable/generated/torch.eq.html).
   *
   * @param other a tensor broadcastable with this one, or a number
   * @returns a bool tensor of the broadcast shape (`aten::eq.Tensor` / `aten::eq.Scalar`).
   * @throws Error `aten::eq.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  eq(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::eq.Scalar', [this, other]) : op('aten::eq.Tensor', [this, other]);
  }
  /**
   * Elementwise `this != other`.
   *
   * Source: PyTorch `torch.ne` (https://pytorch.org/docs/stable/generated/torch.ne.html).
   *
   * @param other a tensor broadcastable with this one, or a number
   * @returns a bool tensor of the broadcast shape (`aten::ne.Tensor` / `aten::ne.Scalar`).
   * @throws Error `aten::ne.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  ne(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::ne.Scalar', [this, other]) : op('aten::ne.Tensor', [this, other]);
  }
  /**
   * Elementwise `this < other`.
   *
   * Source: PyTorch `torch.lt` (https://pytorch.org/docs/stable/generated/torch.lt.html).
   *
   * @param other a tensor broadcastable with this one, or a number
   * @returns a bool tensor of the broadcast shape (`aten::lt.Tensor` / `aten::lt.Scalar`).
   * @throws Error `aten::lt.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  lt(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::lt.Scalar', [this, other]) : op('aten::lt.Tensor', [this, other]);
  }
  /**
   * Elementwise `this <= other`.
   *
   * Source: PyTorch `torch.le` (https://pytorch.org/docs/stable/generated/torch.le.html).
   *
   * @param other a tensor broadcastable with this one, or a number
   * @returns a bool tensor of the broadcast shape (`aten::le.Tensor` / `aten::le.Scalar`).
   * @throws Error `aten::le.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  le(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::le.Scalar', [this, other]) : op('aten::le.Tensor', [this, other]);
  }
  /**
   * Elementwise `this > other`.
   *
   * Source: PyTorch `torch.gt` (https://pytorch.org/docs/stable/generated/torch.gt.html).
   *
   * @param other a tensor broadcastable with this one, or a number
   * @returns a bool tensor of the broadcast shape (`aten::gt.Tensor` / `aten::gt.Scalar`).
   * @throws Error `aten::gt.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  gt(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::gt.Scalar', [this, other]) : op('aten::gt.Tensor', [this, other]);
  }
  /**
   * Elementwise `this >= other`.
   *
   * Source: PyTorch `torch.ge` (https://pytorch.org/docs/stable/generated/torch.ge.html).
   *
   * @param other a tensor broadcastable with this one, or a number
   * @returns a bool tensor of the broadcast shape (`aten::ge.Tensor` / `aten::ge.Scalar`).
   * @throws Error `aten::ge.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  ge(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::ge.Scalar', [this, other]) : op('aten::ge.Tensor', [this, other]);
  }
  /**
   * Elementwise logical and (nonzero is true).
   *
   * Source: PyTorch `torch.logical_and` (https://pytorch.org/docs/stable/generated/torch.logical_and.html).
   *
   * @param other a tensor broadcastable with this one
   * @returns a bool tensor of the broadcast shape (`aten::logical_and`)
   * @throws Error `aten::logical_and(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  logicalAnd(other: Tensor): Tensor {
    return op('aten::logical_and', [this, other]);
  }
  /**
   * Elementwise logical or (nonzero is true).
   *
   * Source: PyTorch `torch.logical_or` (https://pytorch.org/docs/stable/generated/torch.logical_or.html).
   *
   * @param other a tensor broadcastable with this one
   * @returns a bool tensor of the broadcast shape (`aten::logical_or`)
   * @throws Error `aten::logical_or(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  logicalOr(other: Tensor): Tensor {
    return op('aten::logical_or', [this, other]);
  }
  /**
   * Elementwise logical not (zero is true).
   *
   * Source: PyTorch `torch.logical_not` (https://pytorch.org/docs/stable/generated/torch.logical_not.html).
   *
   * @returns a bool tensor of this tensor's shape (`aten::logical_not`)
   * @throws Error `aten::logical_not(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the call, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  logicalNot(): Tensor {
    return op('aten::logical_not', [this]);
  }
  /**
   * True when every element is within atol + rtol*|other| of `other` (NaN never equal).
   *
   * Source: PyTorch `torch.allclose` (https://pytorch.org/docs/stable/generated/torch.allclose.html).
   *
   * @param other a tensor broadcastable with this one
   * @param rtol relative tolerance (default 1e-5)
   * @param atol absolute tolerance (default 1e-8)
   * @returns whether all elements are close
   * @throws Error `aten::allclose(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes differ, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  allclose(other: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
    return callOp('aten::allclose', [this, other, rtol, atol, false]) as boolean;
  }

  // ---- reductions ----------------------------------------------------------------------------
  /**
   * Sum of all elements, or over `dim`.
   *
   * Source: PyTorch `torch.sum` (https://pytorch.org/docs/stable/generated/torch.sum.html).
   *
   * @param dim a dimension or dimensions to reduce; omitted reduces all
   * @param keepdim keep reduced dimensions with size 1 (default false; ignored when `dim` is omitted)
   * @returns a 0-d tensor, or this shape without (or with size 1 at) `dim` (`aten::sum` / `aten::sum.dim_IntList`)
   * @throws Error `aten::sum.dim_IntList(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  sum(dim?: number | number[], keepdim = false): Tensor {
    return dim === undefined ? op('aten::sum', [this]) : op('aten::sum.dim_IntList', [this, typeof dim === 'number' ? [dim] : dim, keepdim]);
  }
  /**
   * Mean of all elements, or over `dim`.
   *
   * Source: PyTorch `torch.mean` (https://pytorch.org/docs/stable/generated/torch.mean.html).
   *
   * @param dim a dimension or dimensions to reduce; omitted reduces all
   * @param keepdim keep reduced dimensions with size 1 (default false; ignored when `dim` is omitted)
   * @returns a 0-d tensor, or this shape without (or with size 1 at) `dim` (`aten::mean` / `aten::mean.dim`)
   * @throws Error `aten::mean.dim(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or the tensor is not floating point, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  mean(dim?: number | number[], keepdim = false): Tensor {
    return dim === undefined ? op('aten::mean', [this]) : op('aten::mean.dim', [this, typeof dim === 'number' ? [dim] : dim, keepdim]);
  }
  /**
   * Product of all elements.
   *
   * Source: PyTorch `torch.prod` (https://pytorch.org/docs/stable/generated/torch.prod.html).
   *
   * @returns a 0-d tensor (`aten::prod`)
   * @throws Error `aten::prod(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the call, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  prod(): Tensor {
    return op('aten::prod', [this]);
  }
  /**
   * Variance (unbiased by default, as torch.var).
   *
   * Source: PyTorch `torch.var` (https://pytorch.org/docs/stable/generated/torch.var.html).
   *
   * @param dim a dimension or dimensions to reduce; omitted reduces all
   * @param unbiased divide by N - 1 (default true) rather than N
   * @param keepdim keep reduced dimensions with size 1 (default false; ignored when `dim` is omitted)
   * @returns a 0-d tensor, or this shape reduced over `dim` (`aten::var` / `aten::var.dim`)
   * @throws Error `aten::var.dim(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or the tensor is not floating point, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  var(dim?: number | number[], unbiased = true, keepdim = false): Tensor {
    return dim === undefined ? op('aten::var', [this, unbiased]) : op('aten::var.dim', [this, typeof dim === 'number' ? [dim] : dim, unbiased, keepdim]);
  }
  /**
   * Standard deviation (unbiased by default, as torch.std).
   *
   * Source: PyTorch `torch.std` (https://pytorch.org/docs/stable/generated/torch.std.html).
   *
   * @param dim a dimension or dimensions to reduce; omitted reduces all
   * @param unbiased divide by N - 1 (default true) rather than N
   * @param keepdim keep reduced dimensions with size 1 (default false; ignored when `dim` is omitted)
   * @returns a 0-d tensor, or this shape reduced over `dim` (`aten::std` / `aten::std.dim`)
   * @throws Error `aten::std.dim(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or the tensor is not floating point, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  std(dim?: number | number[], unbiased = true, keepdim = false): Tensor {
    return dim === undefined ? op('aten::std', [this, unbiased]) : op('aten::std.dim', [this, typeof dim === 'number' ? [dim] : dim, unbiased, keepdim]);
  }
  /**
   * Largest element overall.
   *
   * Source: PyTorch `torch.max` (https://pytorch.org/docs/stable/generated/torch.max.html).
   *
   * @returns a 0-d tensor (`aten::max`)
   * @throws Error `aten::max(<argument dtypes and shapes>) failed: <libtorch message>` when the tensor is empty, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  max(): Tensor {
    return op('aten::max', [this]);
  }
  /**
   * Largest elements along `dim` and their indices.
   *
   * Source: PyTorch `torch.max` (https://pytorch.org/docs/stable/generated/torch.max.html).
   *
   * @param dim the dimension to reduce
   * @param keepdim keep `dim` with size 1 (default false)
   * @returns `[values, indices]`: this shape without `dim`; indices are int64 (`aten::max.dim`)
   * @throws Error `aten::max.dim(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or has size 0, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  maxDim(dim: number, keepdim = false): [Tensor, Tensor] {
    return callOp('aten::max.dim', [this, dim, keepdim]) as [Tensor, Tensor];
  }
  /**
   * Smallest element overall.
   *
   * Source: PyTorch `torch.min` (https://pytorch.org/docs/stable/generated/torch.min.html).
   *
   * @returns a 0-d tensor (`aten::min`)
   * @throws Error `aten::min(<argument dtypes and shapes>) failed: <libtorch message>` when the tensor is empty, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  min(): Tensor {
    return op('aten::min', [this]);
  }
  /**
   * Smallest elements along `dim` and their indices.
   *
   * Source: PyTorch `torch.min` (https://pytorch.org/docs/stable/generated/torch.min.html).
   *
   * @param dim the dimension to reduce
   * @param keepdim keep `dim` with size 1 (default false)
   * @returns `[values, indices]`: this shape without `dim`; indices are int64 (`aten::min.dim`)
   * @throws Error `aten::min.dim(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or has size 0, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  minDim(dim: number, keepdim = false): [Tensor, Tensor] {
    return callOp('aten::min.dim', [this, dim, keepdim]) as [Tensor, Tensor];
  }
  /**
   * Index of the largest element, overall (flattened) or along `dim`.
   *
   * Source: PyTorch `torch.argmax` (https://pytorch.org/docs/stable/generated/torch.argmax.html).
   *
   * @param dim the dimension to reduce; omitted means over the flattened tensor
   * @param keepdim keep `dim` with size 1 (default false)
   * @returns an int64 tensor of indices (`aten::argmax`)
   * @throws Error `aten::argmax(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or the tensor is empty, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  argmax(dim?: number, keepdim = false): Tensor {
    return op('aten::argmax', [this, dim ?? null, keepdim]);
  }
  /**
   * Index of the smallest element, overall (flattened) or along `dim`.
   *
   * Source: PyTorch `torch.argmin` (https://pytorch.org/docs/stable/generated/torch.argmin.html).
   *
   * @param dim the dimension to reduce; omitted means over the flattened tensor
   * @param keepdim keep `dim` with size 1 (default false)
   * @returns an int64 tensor of indices (`aten::argmin`)
   * @throws Error `aten::argmin(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or the tensor is empty, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  argmin(dim?: number, keepdim = false): Tensor {
    return op('aten::argmin', [this, dim ?? null, keepdim]);
  }
  /**
   * The k largest (or smallest) elements along `dim` and their indices.
   *
   * Source: PyTorch `torch.topk` (https://pytorch.org/docs/stable/generated/torch.topk.html).
   *
   * @param k how many elements, at most `size(dim)`
   * @param dim the dimension (default -1, the last)
   * @param largest the largest (default) or the smallest
   * @param sorted return them in sorted order (default true)
   * @returns `[values, indices]`, this shape with `size(dim)` replaced by k; indices int64 (`aten::topk`)
   * @throws Error `aten::topk(<argument dtypes and shapes>) failed: <libtorch message>` when k exceeds the size of `dim`, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
    return callOp('aten::topk', [this, k, dim, largest, sorted]) as [Tensor, Tensor];
  }
  /**
   * Sorted values and indices along `dim`.
   *
   * Source: PyTorch `torch.sort` (https://pytorch.org/docs/stable/generated/torch.sort.html).
   *
   * @param dim the dimension (default -1, the last)
   * @param descending largest first (default false)
   * @returns `[values, indices]` of this tensor's shape; indices int64 (`aten::sort`)
   * @throws Error `aten::sort(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  sort(dim = -1, descending = false): [Tensor, Tensor] {
    return callOp('aten::sort', [this, dim, descending]) as [Tensor, Tensor];
  }
  /**
   * Indices that sort this tensor along `dim`.
   *
   * Source: PyTorch `torch.argsort` (https://pytorch.org/docs/stable/generated/torch.argsort.html).
   *
   * @param dim the dimension (default -1, the last)
   * @param descending largest first (default false)
   * @returns an int64 tensor of this tensor's shape (`aten::argsort`)
   * @throws Error `aten::argsort(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  argsort(dim = -1, descending = false): Tensor {
    return op('aten::argsort', [this, dim, descending]);
  }
  /**
   * Vector p-norm of all elements.
   *
   * Source: PyTorch `torch.norm` (https://pytorch.org/docs/stable/generated/torch.norm.html).
   *
   * @param p the order (default 2, Euclidean)
   * @returns a 0-d tensor (`aten::norm.Scalar`)
   * @throws Error `aten::norm.Scalar(<argument dtypes and shapes>) failed: <libtorch message>` when the tensor is not floating point, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  norm(p = 2): Tensor {
    return op('aten::norm.Scalar', [this, p]);
  }
  /**
   * `log(sum(exp(this)))` over `dim`, computed stably.
   *
   * Source: PyTorch `torch.logsumexp` (https://pytorch.org/docs/stable/generated/torch.logsumexp.html).
   *
   * @param dim a dimension or dimensions to reduce
   * @param keepdim keep reduced dimensions with size 1 (default false)
   * @returns this shape reduced over `dim` (`aten::logsumexp`)
   * @throws Error `aten::logsumexp(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  logsumexp(dim: number | number[], keepdim = false): Tensor {
    return op('aten::logsumexp', [this, typeof dim === 'number' ? [dim] : dim, keepdim]);
  }
  /**
   * Whether every element is nonzero.
   *
   * Source: PyTorch `torch.all` (https://pytorch.org/docs/stable/generated/torch.all.html).
   *
   * @returns a 0-d bool tensor (`aten::all`)
   * @throws Error `aten::all(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the call, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  all(): Tensor {
    return op('aten::all', [this]);
  }
  /**
   * Whether any element is nonzero.
   *
   * Source: PyTorch `torch.any` (https://pytorch.org/docs/stable/generated/torch.any.html).
   *
   * @returns a 0-d bool tensor (`aten::any`)
   * @throws Error `aten::any(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch rejects the call, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  any(): Tensor {
    return op('aten::any', [this]);
  }
  /**
   * Cumulative sum along `dim`.
   *
   * Source: PyTorch `torch.cumsum` (https://pytorch.org/docs/stable/generated/torch.cumsum.html).
   *
   * @param dim the dimension
   * @returns a tensor of this tensor's shape (integers promoted to int64) (`aten::cumsum`)
   * @throws Error `aten::cumsum(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  cumsum(dim: number): Tensor {
    return op('aten::cumsum', [this, dim]);
  }

  // ---- activations along a dimension ---------------------------------------------------------
  /**
   * Softmax along `dim`: `exp(x) / sum(exp(x))`, computed stably.
   *
   * Source: PyTorch `torch.softmax` (https://pytorch.org/docs/stable/generated/torch.softmax.html).
   *
   * @param dim the dimension that sums to 1 (for logits `[N, classes]`, 1 or -1)
   * @returns a tensor of this tensor's shape (`aten::softmax.int`)
   * @throws Error `aten::softmax.int(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or the tensor is not floating point, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  softmax(dim: number): Tensor {
    return op('aten::softmax.int', [this, dim]);
  }
  /**
   * Log of the softmax along `dim`, computed stably.
   *
   * Source: PyTorch `torch.log_softmax` (https://pytorch.org/docs/stable/generated/torch.log_softmax.html).
   *
   * @param dim the dimension that is normalised (for logits `[N, classes]`, 1 or -1)
   * @returns a tensor of this tensor's shape (`aten::log_softmax.int`)
   * @throws Error `aten::log_softmax.int(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or the tensor is not floating point, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  logSoftmax(dim: number): Tensor {
    return op('aten::log_softmax.int', [this, dim]);
  }

  // ---- linear algebra ------------------------------------------------------------------------
  /**
   * Matrix product with broadcasting of batch dimensions (1-D operands as vectors).
   *
   * Source: PyTorch `torch.matmul` (https://pytorch.org/docs/stable/generated/torch.matmul.html).
   *
   * @param other `[..., K, M]` when this is `[..., N, K]`
   * @returns `[..., N, M]` (`aten::matmul`)
   * @throws Error `aten::matmul(<argument dtypes and shapes>) failed: <libtorch message>` when the inner dimensions differ ("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)"), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  matmul(other: Tensor): Tensor {
    return op('aten::matmul', [this, other]);
  }
  /**
   * Product of two 2-D matrices, no broadcasting.
   *
   * Source: PyTorch `torch.mm` (https://pytorch.org/docs/stable/generated/torch.mm.html).
   *
   * @param other `[K, M]` when this is `[N, K]`
   * @returns `[N, M]` (`aten::mm`)
   * @throws Error `aten::mm(<argument dtypes and shapes>) failed: <libtorch message>` when either operand is not 2-D or the inner dimensions differ, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  mm(other: Tensor): Tensor {
    return op('aten::mm', [this, other]);
  }
  /**
   * Transpose of a 2-D tensor.
   *
   * Source: PyTorch `torch.t` (https://pytorch.org/docs/stable/generated/torch.t.html).
   *
   * @returns a `[M, N]` view of this `[N, M]` tensor (0-D and 1-D come back unchanged) (`aten::t`)
   * @throws Error `aten::t(<argument dtypes and shapes>) failed: <libtorch message>` when the tensor has more than 2 dimensions, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  t(): Tensor {
    return op('aten::t', [this]);
  }

  // ---- shape ---------------------------------------------------------------------------------
  /**
   * The same elements in another shape: a view when the strides allow, else a copy.
   *
   * Source: PyTorch `torch.reshape` (https://pytorch.org/docs/stable/generated/torch.reshape.html).
   *
   * @param shape the new sizes, one of which may be -1 (inferred); the product must equal `numel`
   * @returns a tensor of `shape` (`aten::reshape`)
   * @throws Error `aten::reshape(<argument dtypes and shapes>) failed: <libtorch message>` when the shape's product does not match `numel`, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  reshape(shape: readonly number[]): Tensor {
    return op('aten::reshape', [this, shape]);
  }
  /**
   * The same elements in another shape, always a view of this storage.
   *
   * Source: PyTorch `torch.Tensor.view` (https://pytorch.org/docs/stable/generated/torch.Tensor.view.html).
   *
   * @param shape the new sizes, one of which may be -1 (inferred); the product must equal `numel`
   * @returns a view of `shape` (`aten::view`)
   * @throws Error `aten::view(<argument dtypes and shapes>) failed: <libtorch message>` when the shape's product does not match `numel`, or the strides do not allow a view (use `reshape`), or when
   * this tensor (or a tensor argument) was already disposed.
   */
  view(shape: readonly number[]): Tensor {
    return op('aten::view', [this, shape]);
  }
  /**
   * Merges dimensions `startDim..endDim` into one.
   *
   * Source: PyTorch `torch.flatten` (https://pytorch.org/docs/stable/generated/torch.flatten.html).
   *
   * @param startDim first dimension to merge (default 0)
   * @param endDim last dimension to merge, inclusive (default -1); e.g. `flatten(1)` turns `[N, C, H, W]` into `[N, C*H*W]`
   * @returns a tensor (a view when possible) (`aten::flatten.using_ints`)
   * @throws Error `aten::flatten.using_ints(<argument dtypes and shapes>) failed: <libtorch message>` when a dimension is out of range or startDim > endDim, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  flatten(startDim = 0, endDim = -1): Tensor {
    return op('aten::flatten.using_ints', [this, startDim, endDim]);
  }
  /**
   * Reorders dimensions, e.g. `permute([0, 2, 3, 1])` turns `[N, C, H, W]` into `[N, H, W, C]`.
   *
   * Source: PyTorch `torch.permute` (https://pytorch.org/docs/stable/generated/torch.permute.html).
   *
   * @param dims a permutation of `0..ndim-1`
   * @returns a view with the dimensions in that order (`aten::permute`)
   * @throws Error `aten::permute(<argument dtypes and shapes>) failed: <libtorch message>` when `dims` is not a permutation of the dimensions, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  permute(dims: readonly number[]): Tensor {
    return op('aten::permute', [this, dims]);
  }
  /**
   * Swaps two dimensions.
   *
   * Source: PyTorch `torch.transpose` (https://pytorch.org/docs/stable/generated/torch.transpose.html).
   *
   * @param dim0 first dimension
   * @param dim1 second dimension
   * @returns a view with `dim0` and `dim1` swapped (`aten::transpose.int`)
   * @throws Error `aten::transpose.int(<argument dtypes and shapes>) failed: <libtorch message>` when a dimension is out of range, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  transpose(dim0: number, dim1: number): Tensor {
    return op('aten::transpose.int', [this, dim0, dim1]);
  }
  /**
   * Removes dimensions of size 1: all of them, or only `dim` (left alone when its size is not 1).
   *
   * Source: PyTorch `torch.squeeze` (https://pytorch.org/docs/stable/generated/torch.squeeze.html).
   *
   * @param dim the dimension to remove; omitted removes every size-1 dimension
   * @returns a view (`aten::squeeze` / `aten::squeeze.dim`)
   * @throws Error `aten::squeeze.dim(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  squeeze(dim?: number): Tensor {
    return dim === undefined ? op('aten::squeeze', [this]) : op('aten::squeeze.dim', [this, dim]);
  }
  /**
   * Inserts a dimension of size 1 at `dim`, e.g. `unsqueeze(0)` turns `[C, H, W]` into `[1, C, H, W]`.
   *
   * Source: PyTorch `torch.unsqueeze` (https://pytorch.org/docs/stable/generated/torch.unsqueeze.html).
   *
   * @param dim position in `[-ndim-1, ndim]` of the new dimension
   * @returns a view with one more dimension (`aten::unsqueeze`)
   * @throws Error `aten::unsqueeze(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  unsqueeze(dim: number): Tensor {
    return op('aten::unsqueeze', [this, dim]);
  }
  /**
   * Broadcasts size-1 dimensions to `shape` without copying.
   *
   * Source: PyTorch `torch.Tensor.expand` (https://pytorch.org/docs/stable/generated/torch.Tensor.expand.html).
   *
   * @param shape target sizes; -1 keeps a dimension's size; new leading dimensions may be added
   * @returns a view of `shape` sharing this storage (`aten::expand`)
   * @throws Error `aten::expand(<argument dtypes and shapes>) failed: <libtorch message>` when a non-singleton dimension does not match `shape`, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  expand(shape: readonly number[]): Tensor {
    return op('aten::expand', [this, shape]);
  }
  /**
   * Tiles the tensor: dimension i repeated `repeats[i]` times (copies).
   *
   * Source: PyTorch `torch.Tensor.repeat` (https://pytorch.org/docs/stable/generated/torch.Tensor.repeat.html).
   *
   * @param repeats one count per dimension (at least `ndim` entries; extra ones add leading dimensions)
   * @returns a new tensor of shape `shape[i] * repeats[i]` (`aten::repeat`)
   * @throws Error `aten::repeat(<argument dtypes and shapes>) failed: <libtorch message>` when `repeats` has fewer entries than the tensor has dimensions, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  repeat(repeats: readonly number[]): Tensor {
    return op('aten::repeat', [this, repeats]);
  }
  /**
   * Reverses the order of elements along `dims` (copies).
   *
   * Source: PyTorch `torch.flip` (https://pytorch.org/docs/stable/generated/torch.flip.html).
   *
   * @param dims the dimensions to reverse, e.g. `[3]` mirrors `[N, C, H, W]` left-right
   * @returns a new tensor of this tensor's shape (`aten::flip`)
   * @throws Error `aten::flip(<argument dtypes and shapes>) failed: <libtorch message>` when a dimension is out of range or repeated, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  flip(dims: readonly number[]): Tensor {
    return op('aten::flip', [this, dims]);
  }
  /**
   * Elements start..end (exclusive; negative counts from the end) with a step, along `dim`: a view.
   *
   * Source: PyTorch basic slicing.
   *
   * @param dim the dimension to slice
   * @param start first index (default null: 0)
   * @param end index after the last (default null: the end); out-of-range values are clipped
   * @param step stride, at least 1 (default 1)
   * @returns a view, as `x[..., start:end:step]` in PyTorch (`aten::slice.Tensor`)
   * @throws Error `aten::slice.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or step < 1, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  slice(dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
    return op('aten::slice.Tensor', [this, dim, start, end, step]);
  }
  /**
   * `length` elements from `start` along `dim`: a view.
   *
   * Source: PyTorch `torch.narrow` (https://pytorch.org/docs/stable/generated/torch.narrow.html).
   *
   * @param dim the dimension
   * @param start first index (negative counts from the end)
   * @param length how many elements; start + length must not pass the end
   * @returns a view whose `dim` has size `length` (`aten::narrow`)
   * @throws Error `aten::narrow(<argument dtypes and shapes>) failed: <libtorch message>` when the range passes the end of `dim`, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  narrow(dim: number, start: number, length: number): Tensor {
    return op('aten::narrow', [this, dim, start, length]);
  }
  /**
   * The sub-tensor at `index` along `dim` (that dimension removed): a view.
   *
   * Source: PyTorch `torch.select` (https://pytorch.org/docs/stable/generated/torch.select.html).
   *
   * @param dim the dimension
   * @param index position along `dim` (negative counts from the end)
   * @returns a view with one dimension fewer (`aten::select.int`)
   * @throws Error `aten::select.int(<argument dtypes and shapes>) failed: <libtorch message>` when `index` is out of range, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  select(dim: number, index: number): Tensor {
    return op('aten::select.int', [this, dim, index]);
  }
  /**
   * The entries at `index` along `dim` (copies).
   *
   * Source: PyTorch `torch.index_select` (https://pytorch.org/docs/stable/generated/torch.index_select.html).
   *
   * @param dim the dimension
   * @param index a 1-D int64 (or int32) tensor of positions
   * @returns a new tensor whose `dim` has size `index.numel` (`aten::index_select`)
   * @throws Error `aten::index_select(<argument dtypes and shapes>) failed: <libtorch message>` when `index` is not 1-D integer or holds an out-of-range position, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  indexSelect(dim: number, index: Tensor): Tensor {
    return op('aten::index_select', [this, dim, index]);
  }
  /**
   * Advanced indexing, like `x[idx0, idx1]` in PyTorch (null skips a dimension).
   *
   * Source: PyTorch advanced indexing (NumPy semantics).
   *
   * @param indices one entry per leading dimension: an int64/bool tensor, or null to take the whole dimension
   * @returns a new tensor, shaped by PyTorch's advanced-indexing rules (`aten::index.Tensor`)
   * @throws Error `aten::index.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when an index is out of range or the index tensors do not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  index(indices: readonly (Tensor | null)[]): Tensor {
    return op('aten::index.Tensor', [this, indices]);
  }
  /**
   * Picks values along `dim`: `out[i][j] = this[i][index[i][j]]` for dim 1.
   *
   * Source: PyTorch `torch.gather` (https://pytorch.org/docs/stable/generated/torch.gather.html).
   *
   * @param dim the dimension to index
   * @param index an int64 tensor with this tensor's number of dimensions
   * @returns a new tensor of `index`'s shape (`aten::gather`)
   * @throws Error `aten::gather(<argument dtypes and shapes>) failed: <libtorch message>` when `index` is not int64, has another number of dimensions, or holds an out-of-range position, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  gather(dim: number, index: Tensor): Tensor {
    return op('aten::gather', [this, dim, index]);
  }
  /**
   * A copy with `value` wherever `mask` is true.
   *
   * Source: PyTorch `torch.Tensor.masked_fill` (https://pytorch.org/docs/stable/generated/torch.Tensor.masked_fill.html).
   *
   * @param mask a bool tensor broadcastable to this tensor's shape
   * @param value the fill value
   * @returns a new tensor of this tensor's shape (`aten::masked_fill.Scalar`)
   * @throws Error `aten::masked_fill.Scalar(<argument dtypes and shapes>) failed: <libtorch message>` when `mask` is not bool or does not broadcast, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  maskedFill(mask: Tensor, value: number): Tensor {
    return op('aten::masked_fill.Scalar', [this, mask, value]);
  }
  /**
   * Splits into pieces of `size` along `dim` (the last may be smaller): views.
   *
   * Source: PyTorch `torch.split` (https://pytorch.org/docs/stable/generated/torch.split.html).
   *
   * @param size length of each piece, at least 1
   * @param dim the dimension (default 0)
   * @returns `ceil(size(dim) / size)` tensors (`aten::split.Tensor`)
   * @throws Error `aten::split.Tensor(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or size < 1, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  split(size: number, dim = 0): Tensor[] {
    return callOp('aten::split.Tensor', [this, size, dim]) as Tensor[];
  }
  /**
   * Splits into `chunks` nearly equal pieces along `dim` (fewer when the size does not divide): views.
   *
   * Source: PyTorch `torch.chunk` (https://pytorch.org/docs/stable/generated/torch.chunk.html).
   *
   * @param chunks the number of pieces wanted, at least 1
   * @param dim the dimension (default 0)
   * @returns at most `chunks` tensors (`aten::chunk`)
   * @throws Error `aten::chunk(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or chunks < 1, or when
   * this tensor (or a tensor argument) was already disposed.
   */
  chunk(chunks: number, dim = 0): Tensor[] {
    return callOp('aten::chunk', [this, chunks, dim]) as Tensor[];
  }
}

// ---- generic op call ------------------------------------------------------------------------
// It lives beside Tensor because it wraps every tensor result as one.

function toNative(value: unknown): unknown {
  if (value instanceof Tensor) return value.handle;
  if (Array.isArray(value) && value.length > 0 && value.some((v) => v instanceof Tensor || v === null)) return value.map(toNative);
  return value;
}

function fromNative(out: unknown, args: readonly unknown[], nativeArgs: readonly unknown[]): unknown {
  if (out instanceof native.TensorHandle) {
    // An in-place op returns its own input: give back the caller's Tensor, not a second wrapper.
    for (let i = 0; i < nativeArgs.length; i++) if (nativeArgs[i] === out) return args[i];
    return new Tensor(out as TensorHandle);
  }
  if (Array.isArray(out)) return out.map((o) => fromNative(o, args, nativeArgs));
  return out;
}

/**
 * Calls any ATen operator by its schema name, e.g. `callOp('aten::conv2d', [x, w, b, [1, 1]])`
 * or `callOp('aten::max.dim', [x, 1])`. Arguments follow the schema (see `opSchema`);
 * omitted trailing arguments take the schema's defaults; `kwargs` names arguments after the
 * positional ones. Tensors come back as {@link Tensor}s, tuples as arrays.
 *
 * @param qualified the op's name and overload, `aten::name.overload` (the `aten::` prefix may be left out)
 * @param args positional arguments in schema order: Tensors, numbers, booleans, strings, null for None, arrays for lists
 * @param kwargs named arguments after the positional ones (undefined values are skipped)
 * @returns what the op returns: a Tensor (an in-place op gives back the caller's own Tensor), an array for tuples and lists, or a number/boolean
 * @throws Error naming the op and its argument shapes when libtorch rejects the call.
 * @throws Error `<op>(<args>): argument '<name>' (<type>): expected ... but received ...` when an argument does not fit the schema,
 * and `Unknown op <name> in libtorch <version>` when no such op exists.
 */
export function callOp(qualified: string, args: readonly unknown[], kwargs?: Record<string, unknown>): unknown {
  const nativeArgs = args.map(toNative);
  let nativeKwargs: Record<string, unknown> | undefined;
  if (kwargs) {
    nativeKwargs = {};
    for (const [k, v] of Object.entries(kwargs)) if (v !== undefined) nativeKwargs[k] = toNative(v);
  }
  const out = native.callOp(resolveOp(qualified), nativeArgs, nativeKwargs);
  return fromNative(out, args, nativeArgs);
}

/**
 * `callOp` for ops that return one tensor.
 *
 * @param qualified the op's name and overload, `aten::name.overload`
 * @param args positional arguments in schema order
 * @param kwargs named arguments after the positional ones
 * @returns the op's result as a Tensor (not checked: use `callOp` for ops returning tuples or scalars)
 * @throws Error as {@link callOp}.
 */
export function callTensorOp(qualified: string, args: readonly unknown[], kwargs?: Record<string, unknown>): Tensor {
  return callOp(qualified, args, kwargs) as Tensor;
}

const op = callTensorOp;
