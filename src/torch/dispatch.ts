/**
 * Finding ATen operators by schema name (`aten::add.Tensor`); the call itself, which wraps results
 * as Tensors, is `callOp` in tensor.ts.
 */
import { native } from './native.js';

const ids = new Map<string, number>();

/**
 * Splits `aten::add.Tensor` into `aten::add` and `Tensor` (the overload may be empty) and looks the
 * op up in libtorch's dispatcher, caching the id.
 *
 * @param qualified `namespace::name.overload`; without `::` the `aten::` namespace is assumed
 * @returns the native op id that `native.callOp` takes
 * @throws Error `Unknown op <name> in libtorch <version>` when libtorch has no such op or overload.
 */
export function resolveOp(qualified: string): number {
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

/**
 * The op's schema as libtorch prints it, e.g. `aten::relu(Tensor self) -> Tensor`.
 *
 * @param qualified `aten::name.overload`
 * @returns the schema string: argument names, types and defaults
 * @throws Error `Unknown op <name> in libtorch <version>` when libtorch has no such op.
 */
export function opSchema(qualified: string): string {
  return native.opSchema(resolveOp(qualified));
}
