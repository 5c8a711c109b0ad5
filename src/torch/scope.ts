/**
 * Memory scopes, like tfjs `tidy`: every tensor made inside `tidy(fn)` is freed when fn returns,
 * except the tensors fn returns (they move to the enclosing scope) and tensors marked with
 * `keep()` (parameters, buffers, optimizer state). V8 cannot see libtorch memory, so waiting for
 * the garbage collector would let a training loop hold gigabytes of dead intermediates.
 */

/** What a scope needs of a tensor; implemented by Tensor. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
  kept: boolean;
}

const stack: Set<Disposable>[] = [];

/**
 * Records a new tensor in the innermost scope (no-op outside any scope). The Tensor constructor
 * calls it; user code needs it only for its own Disposable types.
 *
 * @param tensor the new tensor
 */
export function track(tensor: Disposable): void {
  const top = stack[stack.length - 1];
  if (top) top.add(tensor);
}

/**
 * Exempts a tensor from every scope: it lives until disposed explicitly or collected.
 *
 * Source: tfjs `tf.keep`.
 *
 * @param tensor the tensor (or other Disposable) to keep
 * @returns the same tensor, for chaining
 */
export function keep<T extends Disposable>(tensor: T): T {
  tensor.kept = true;
  for (const scope of stack) scope.delete(tensor);
  return tensor;
}

function collect(value: unknown, into: Set<unknown>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if ('dispose' in value && 'kept' in value) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, into, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collect(v, into, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, into, depth + 1);
}

/**
 * Runs `fn` and frees every tensor it created except those it returns (found in arrays, Maps and
 * plain objects up to 4 levels deep) and kept ones. Synchronous functions only.
 *
 * Source: tfjs `tf.tidy`.
 *
 * @example
 * const loss = tidy(() => crossEntropy(model.forward(x), y)); // intermediates freed
 *
 * @param fn synchronous function that makes tensors
 * @returns what `fn` returns; returned tensors move to the enclosing scope
 * @throws Error `tidy() takes a synchronous function; ...` when `fn` returns a Promise (its tensors are freed first),
 * and whatever `fn` throws, after freeing the tensors it made.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Disposable>();
  stack.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    stack.pop();
    for (const t of scope) if (!t.kept) t.dispose();
    throw error;
  }
  stack.pop();
  if (result instanceof Promise) {
    throw new Error('tidy() takes a synchronous function; tensors made after an await would escape the scope');
  }
  const returned = new Set<unknown>();
  collect(result, returned);
  const parent = stack[stack.length - 1];
  for (const t of scope) {
    if (returned.has(t)) parent?.add(t);
    else if (!t.kept) t.dispose();
  }
  return result;
}
