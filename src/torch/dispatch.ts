import { native, type TensorHandle } from './native.js';
import { Tensor } from './tensor.js';

const ids = new Map<string, number>();

/** Splits `aten::add.Tensor` into `aten::add` and `Tensor` (the overload may be empty). */
function resolve(qualified: string): number {
  let id = ids.get(qualified);
  if (id === undefined) {
    const sep = qualified.indexOf('.', qualified.indexOf('::') + 2);
    const name = sep < 0 ? qualified : qualified.slice(0, sep);
    const overload = sep < 0 ? '' : qualified.slice(sep + 1);
    id = native.findOp(name.includes('::') ? name : `aten::${name}`, overload);
    ids.set(qualified, id);
  }
  return id;
}

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
 * or `callOp('aten::max.dim', [x, 1])`. Arguments follow the schema (see {@link opSchema});
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
  const out = native.callOp(resolve(qualified), nativeArgs, nativeKwargs);
  return fromNative(out, args, nativeArgs);
}

/** `callOp` for ops that return one tensor. */
export function callTensorOp(qualified: string, args: readonly unknown[], kwargs?: Record<string, unknown>): Tensor {
  return callOp(qualified, args, kwargs) as Tensor;
}

/** The op's schema as libtorch prints it, e.g. `aten::relu(Tensor self) -> Tensor`. */
export function opSchema(qualified: string): string {
  return native.opSchema(resolve(qualified));
}
