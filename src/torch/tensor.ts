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
  /** Size of one dimension (negative counts from the end). */
  size(dim: number): number {
    const shape = this.shape;
    return shape[dim < 0 ? shape.length + dim : dim]!;
  }
  /** `float32[2, 3]`: dtype and shape, as error messages print tensors. */
  describe(): string {
    return native.describe(this.handle);
  }
  toString(): string {
    return `Tensor(${this.isDisposed ? 'disposed' : this.describe()})`;
  }

  // ---- memory --------------------------------------------------------------------------------
  /** Frees the tensor's memory now (autograd graphs that saved it keep their own reference). */
  dispose(): void {
    native.dispose(this.handle);
  }

  // ---- reading out ---------------------------------------------------------------------------
  /** A copy of the elements, row-major, in the dtype's typed array (int64 as BigInt64Array). */
  toArray(): AnyTypedArray {
    return typedArrayOf(this.dtype, native.toBytes(this.handle));
  }
  /** The elements as plain numbers (int64 converted), row-major. */
  toNumbers(): number[] {
    const data = this.toArray();
    return data instanceof BigInt64Array ? Array.from(data, Number) : Array.from(data as ArrayLike<number>);
  }
  /** The single value of a one-element tensor. */
  item(): number {
    const v = callOp('aten::item', [this]);
    return typeof v === 'boolean' ? Number(v) : (v as number);
  }

  // ---- autograd ------------------------------------------------------------------------------
  /** Whether autograd records operations on this tensor. */
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  /** Sets `requiresGrad` in place (leaf tensors only) and returns this. */
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
  /** Replaces (or with null, clears) the accumulated gradient. */
  setGrad(grad: Tensor | null): void {
    native.setGrad(this.handle, grad === null ? null : grad.handle);
  }
  /** Back-propagates from this tensor (a scalar unless `gradient` is given). */
  backward(gradient: Tensor | null = null, retainGraph = false): void {
    native.backward(this.handle, gradient === null ? null : gradient.handle, retainGraph);
  }
  /** Keeps this non-leaf tensor's gradient after backward (as `retain_grad()`); returns this. */
  retainGrad(): this {
    native.retainGrad(this.handle);
    return this;
  }
  /** A view that shares storage but is cut off from the graph. */
  detach(): Tensor {
    return op('aten::detach', [this]);
  }
  /** Replaces this tensor's data with `data`'s (like `param.data = data` in PyTorch). */
  setData(data: Tensor): this {
    callOp('aten::set_data', [this, data]);
    return this;
  }

  // ---- conversion ----------------------------------------------------------------------------
  /** A copy in another dtype (or this tensor when it already is). */
  to(dtype: DType): Tensor;
  /** A copy on another device, e.g. `cuda` (or this tensor when it already is). */
  to(device: string): Tensor;
  to(target: string): Tensor {
    if (target in DTYPE_CODE) return op('aten::to.dtype', [this, DTYPE_CODE[target as DType]]);
    return op('aten::to.device', [this, target, native.dtype(this.handle)]);
  }
  float(): Tensor {
    return this.to('float32');
  }
  double(): Tensor {
    return this.to('float64');
  }
  long(): Tensor {
    return this.to('int64');
  }
  bool(): Tensor {
    return this.to('bool');
  }
  cpu(): Tensor {
    return this.to('cpu');
  }
  clone(): Tensor {
    return op('aten::clone', [this]);
  }
  /** A contiguous copy in the given memory format (or this tensor when already laid out so). */
  contiguous(format: MemoryFormat = 'contiguous'): Tensor {
    return op('aten::contiguous', [this, MEMORY_FORMAT[format]]);
  }
  /**
   * This tensor in a memory format, copying unless its strides already are that format's, like
   * PyTorch's `t.to(memory_format=...)`. Unlike {@link contiguous}, it re-strides tensors whose
   * layout is ambiguous (one channel, 1x1 kernels), so convolutions on them pick the format too.
   */
  toMemoryFormat(format: MemoryFormat): Tensor {
    return op('aten::to.dtype', [this, native.dtype(this.handle), false, false, MEMORY_FORMAT[format]]);
  }
  isContiguous(format: MemoryFormat = 'contiguous'): boolean {
    return native.isContiguous(this.handle, MEMORY_FORMAT[format]);
  }

  // ---- elementwise arithmetic ------------------------------------------------------------------
  add(other: TensorOrScalar, alpha = 1): Tensor {
    return typeof other === 'number' ? op('aten::add.Scalar', [this, other, alpha]) : op('aten::add.Tensor', [this, other, alpha]);
  }
  sub(other: TensorOrScalar, alpha = 1): Tensor {
    return typeof other === 'number' ? op('aten::sub.Scalar', [this, other, alpha]) : op('aten::sub.Tensor', [this, other, alpha]);
  }
  mul(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::mul.Scalar', [this, other]) : op('aten::mul.Tensor', [this, other]);
  }
  div(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::div.Scalar', [this, other]) : op('aten::div.Tensor', [this, other]);
  }
  pow(exponent: TensorOrScalar): Tensor {
    return typeof exponent === 'number' ? op('aten::pow.Tensor_Scalar', [this, exponent]) : op('aten::pow.Tensor_Tensor', [this, exponent]);
  }
  remainder(other: number): Tensor {
    return op('aten::remainder.Scalar', [this, other]);
  }
  neg(): Tensor {
    return op('aten::neg', [this]);
  }
  abs(): Tensor {
    return op('aten::abs', [this]);
  }
  exp(): Tensor {
    return op('aten::exp', [this]);
  }
  log(): Tensor {
    return op('aten::log', [this]);
  }
  log1p(): Tensor {
    return op('aten::log1p', [this]);
  }
  sqrt(): Tensor {
    return op('aten::sqrt', [this]);
  }
  rsqrt(): Tensor {
    return op('aten::rsqrt', [this]);
  }
  square(): Tensor {
    return op('aten::square', [this]);
  }
  reciprocal(): Tensor {
    return op('aten::reciprocal', [this]);
  }
  sign(): Tensor {
    return op('aten::sign', [this]);
  }
  floor(): Tensor {
    return op('aten::floor', [this]);
  }
  ceil(): Tensor {
    return op('aten::ceil', [this]);
  }
  round(): Tensor {
    return op('aten::round', [this]);
  }
  sin(): Tensor {
    return op('aten::sin', [this]);
  }
  cos(): Tensor {
    return op('aten::cos', [this]);
  }
  tanh(): Tensor {
    return op('aten::tanh', [this]);
  }
  sigmoid(): Tensor {
    return op('aten::sigmoid', [this]);
  }
  relu(): Tensor {
    return op('aten::relu', [this]);
  }
  /** Limits values to [min, max]; either bound may be null. */
  clamp(min: number | null, max: number | null = null): Tensor {
    return op('aten::clamp', [this, min, max]);
  }
  maximum(other: Tensor): Tensor {
    return op('aten::maximum', [this, other]);
  }
  minimum(other: Tensor): Tensor {
    return op('aten::minimum', [this, other]);
  }
  /** this + value * t1 * t2 */
  addcmul(t1: Tensor, t2: Tensor, value = 1): Tensor {
    return op('aten::addcmul', [this, t1, t2, value]);
  }
  /** this + value * t1 / t2 */
  addcdiv(t1: Tensor, t2: Tensor, value = 1): Tensor {
    return op('aten::addcdiv', [this, t1, t2, value]);
  }
  lerp(end: Tensor, weight: number): Tensor {
    return op('aten::lerp.Scalar', [this, end, weight]);
  }
  isnan(): Tensor {
    return op('aten::isnan', [this]);
  }
  isfinite(): Tensor {
    return op('aten::isfinite', [this]);
  }

  // ---- in place ------------------------------------------------------------------------------
  add_(other: TensorOrScalar, alpha = 1): this {
    callOp(typeof other === 'number' ? 'aten::add_.Scalar' : 'aten::add_.Tensor', [this, other, alpha]);
    return this;
  }
  sub_(other: TensorOrScalar, alpha = 1): this {
    callOp(typeof other === 'number' ? 'aten::sub_.Scalar' : 'aten::sub_.Tensor', [this, other, alpha]);
    return this;
  }
  mul_(other: TensorOrScalar): this {
    callOp(typeof other === 'number' ? 'aten::mul_.Scalar' : 'aten::mul_.Tensor', [this, other]);
    return this;
  }
  div_(other: TensorOrScalar): this {
    callOp(typeof other === 'number' ? 'aten::div_.Scalar' : 'aten::div_.Tensor', [this, other]);
    return this;
  }
  addcmul_(t1: Tensor, t2: Tensor, value = 1): this {
    callOp('aten::addcmul_', [this, t1, t2, value]);
    return this;
  }
  addcdiv_(t1: Tensor, t2: Tensor, value = 1): this {
    callOp('aten::addcdiv_', [this, t1, t2, value]);
    return this;
  }
  sqrt_(): this {
    callOp('aten::sqrt_', [this]);
    return this;
  }
  clamp_(min: number | null, max: number | null = null): this {
    callOp('aten::clamp_', [this, min, max]);
    return this;
  }
  zero_(): this {
    callOp('aten::zero_', [this]);
    return this;
  }
  fill_(value: number): this {
    callOp('aten::fill_.Scalar', [this, value]);
    return this;
  }
  /** Copies `src` into this tensor (broadcasting, converting dtype and device). */
  copy_(src: Tensor): this {
    callOp('aten::copy_', [this, src]);
    return this;
  }
  uniform_(from = 0, to = 1): this {
    callOp('aten::uniform_', [this, from, to]);
    return this;
  }
  normal_(mean = 0, std = 1): this {
    callOp('aten::normal_', [this, mean, std]);
    return this;
  }
  bernoulli_(p: number): this {
    callOp('aten::bernoulli_.float', [this, p]);
    return this;
  }

  // ---- comparison ----------------------------------------------------------------------------
  eq(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::eq.Scalar', [this, other]) : op('aten::eq.Tensor', [this, other]);
  }
  ne(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::ne.Scalar', [this, other]) : op('aten::ne.Tensor', [this, other]);
  }
  lt(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::lt.Scalar', [this, other]) : op('aten::lt.Tensor', [this, other]);
  }
  le(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::le.Scalar', [this, other]) : op('aten::le.Tensor', [this, other]);
  }
  gt(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::gt.Scalar', [this, other]) : op('aten::gt.Tensor', [this, other]);
  }
  ge(other: TensorOrScalar): Tensor {
    return typeof other === 'number' ? op('aten::ge.Scalar', [this, other]) : op('aten::ge.Tensor', [this, other]);
  }
  logicalAnd(other: Tensor): Tensor {
    return op('aten::logical_and', [this, other]);
  }
  logicalOr(other: Tensor): Tensor {
    return op('aten::logical_or', [this, other]);
  }
  logicalNot(): Tensor {
    return op('aten::logical_not', [this]);
  }
  /** True when every element is within atol + rtol*|other| of `other`. */
  allclose(other: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
    return callOp('aten::allclose', [this, other, rtol, atol, false]) as boolean;
  }

  // ---- reductions ----------------------------------------------------------------------------
  /** Sum of all elements, or over `dim`. */
  sum(dim?: number | number[], keepdim = false): Tensor {
    return dim === undefined ? op('aten::sum', [this]) : op('aten::sum.dim_IntList', [this, typeof dim === 'number' ? [dim] : dim, keepdim]);
  }
  mean(dim?: number | number[], keepdim = false): Tensor {
    return dim === undefined ? op('aten::mean', [this]) : op('aten::mean.dim', [this, typeof dim === 'number' ? [dim] : dim, keepdim]);
  }
  prod(): Tensor {
    return op('aten::prod', [this]);
  }
  /** Variance (unbiased by default, as torch.var). */
  var(dim?: number | number[], unbiased = true, keepdim = false): Tensor {
    return dim === undefined ? op('aten::var', [this, unbiased]) : op('aten::var.dim', [this, typeof dim === 'number' ? [dim] : dim, unbiased, keepdim]);
  }
  std(dim?: number | number[], unbiased = true, keepdim = false): Tensor {
    return dim === undefined ? op('aten::std', [this, unbiased]) : op('aten::std.dim', [this, typeof dim === 'number' ? [dim] : dim, unbiased, keepdim]);
  }
  /** Largest element overall. */
  max(): Tensor {
    return op('aten::max', [this]);
  }
  /** Largest elements along `dim` and their indices. */
  maxDim(dim: number, keepdim = false): [Tensor, Tensor] {
    return callOp('aten::max.dim', [this, dim, keepdim]) as [Tensor, Tensor];
  }
  min(): Tensor {
    return op('aten::min', [this]);
  }
  minDim(dim: number, keepdim = false): [Tensor, Tensor] {
    return callOp('aten::min.dim', [this, dim, keepdim]) as [Tensor, Tensor];
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return op('aten::argmax', [this, dim ?? null, keepdim]);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return op('aten::argmin', [this, dim ?? null, keepdim]);
  }
  /** The k largest (or smallest) elements along `dim` and their indices. */
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] {
    return callOp('aten::topk', [this, k, dim, largest, sorted]) as [Tensor, Tensor];
  }
  /** Sorted values and indices along `dim`. */
  sort(dim = -1, descending = false): [Tensor, Tensor] {
    return callOp('aten::sort', [this, dim, descending]) as [Tensor, Tensor];
  }
  argsort(dim = -1, descending = false): Tensor {
    return op('aten::argsort', [this, dim, descending]);
  }
  /** Vector p-norm of all elements. */
  norm(p = 2): Tensor {
    return op('aten::norm.Scalar', [this, p]);
  }
  logsumexp(dim: number | number[], keepdim = false): Tensor {
    return op('aten::logsumexp', [this, typeof dim === 'number' ? [dim] : dim, keepdim]);
  }
  all(): Tensor {
    return op('aten::all', [this]);
  }
  any(): Tensor {
    return op('aten::any', [this]);
  }
  cumsum(dim: number): Tensor {
    return op('aten::cumsum', [this, dim]);
  }

  // ---- activations along a dimension ---------------------------------------------------------
  softmax(dim: number): Tensor {
    return op('aten::softmax.int', [this, dim]);
  }
  logSoftmax(dim: number): Tensor {
    return op('aten::log_softmax.int', [this, dim]);
  }

  // ---- linear algebra ------------------------------------------------------------------------
  matmul(other: Tensor): Tensor {
    return op('aten::matmul', [this, other]);
  }
  mm(other: Tensor): Tensor {
    return op('aten::mm', [this, other]);
  }
  /** Transpose of a 2-D tensor. */
  t(): Tensor {
    return op('aten::t', [this]);
  }

  // ---- shape ---------------------------------------------------------------------------------
  reshape(shape: readonly number[]): Tensor {
    return op('aten::reshape', [this, shape]);
  }
  view(shape: readonly number[]): Tensor {
    return op('aten::view', [this, shape]);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return op('aten::flatten.using_ints', [this, startDim, endDim]);
  }
  permute(dims: readonly number[]): Tensor {
    return op('aten::permute', [this, dims]);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return op('aten::transpose.int', [this, dim0, dim1]);
  }
  squeeze(dim?: number): Tensor {
    return dim === undefined ? op('aten::squeeze', [this]) : op('aten::squeeze.dim', [this, dim]);
  }
  unsqueeze(dim: number): Tensor {
    return op('aten::unsqueeze', [this, dim]);
  }
  expand(shape: readonly number[]): Tensor {
    return op('aten::expand', [this, shape]);
  }
  repeat(repeats: readonly number[]): Tensor {
    return op('aten::repeat', [this, repeats]);
  }
  flip(dims: readonly number[]): Tensor {
    return op('aten::flip', [this, dims]);
  }
  /** Elements start..end (exclusive; negative counts from the end) with a step, along `dim`: a view. */
  slice(dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
    return op('aten::slice.Tensor', [this, dim, start, end, step]);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return op('aten::narrow', [this, dim, start, length]);
  }
  /** The sub-tensor at `index` along `dim` (that dimension removed): a view. */
  select(dim: number, index: number): Tensor {
    return op('aten::select.int', [this, dim, index]);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return op('aten::index_select', [this, dim, index]);
  }
  /** Advanced indexing, like `x[idx0, idx1]` in PyTorch (null skips a dimension). */
  index(indices: readonly (Tensor | null)[]): Tensor {
    return op('aten::index.Tensor', [this, indices]);
  }
  gather(dim: number, index: Tensor): Tensor {
    return op('aten::gather', [this, dim, index]);
  }
  maskedFill(mask: Tensor, value: number): Tensor {
    return op('aten::masked_fill.Scalar', [this, mask, value]);
  }
  split(size: number, dim = 0): Tensor[] {
    return callOp('aten::split.Tensor', [this, size, dim]) as Tensor[];
  }
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
 * @throws Error naming the op and its argument shapes when libtorch rejects the call.
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

/** `callOp` for ops that return one tensor. */
export function callTensorOp(qualified: string, args: readonly unknown[], kwargs?: Record<string, unknown>): Tensor {
  return callOp(qualified, args, kwargs) as Tensor;
}

const op = callTensorOp;
