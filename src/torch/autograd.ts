import { native } from './native.js';

/**
 * Runs `fn` with gradient recording off (like `with torch.no_grad()`), restoring the previous
 * mode afterwards even if fn throws. Use for evaluation and optimizer updates.
 *
 * Source: PyTorch `torch.no_grad`.
 *
 * @param fn synchronous function to run
 * @returns what `fn` returns
 * @throws whatever `fn` throws, after restoring the previous mode.
 */
export function noGrad<T>(fn: () => T): T {
  const previous = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/**
 * Runs `fn` with gradient recording on, e.g. inside an outer `noGrad`.
 *
 * Source: PyTorch `torch.enable_grad`.
 *
 * @param fn synchronous function to run
 * @returns what `fn` returns
 * @throws whatever `fn` throws, after restoring the previous mode.
 */
export function enableGrad<T>(fn: () => T): T {
  const previous = native.setGradEnabled(true);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/**
 * Whether operations are being recorded for autograd now.
 *
 * Source: PyTorch `torch.is_grad_enabled`.
 *
 * @returns true unless inside `noGrad`
 */
export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}
