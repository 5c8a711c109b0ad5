import { native } from './native.js';
import { DTYPE_CODE } from './dtype.js';

/** Lower-precision types autocast can run in. */
export type AutocastDtype = 'bfloat16' | 'float16';

/**
 * Runs `fn` with mixed precision on a device type, like `with torch.autocast(device_type, dtype)`:
 * matmuls and convolutions run in `dtype`, precision-sensitive ops (losses, softmax, norms) stay in
 * float32, following libtorch's autocast lists. Restores the previous state afterwards. Use it for
 * the forward pass and the loss, not for backward. CPU autocast supports bfloat16 only.
 *
 * Source: PyTorch `torch.autocast` (https://pytorch.org/docs/stable/amp.html).
 *
 * @example
 * const loss = autocast('cuda', 'float16', () => F.crossEntropy(model.forward(x), y));
 *
 * @param deviceType `cpu` or `cuda`: which device's autocast state to switch on
 * @param dtype the lower precision, `bfloat16` or `float16`
 * @param fn synchronous function to run under autocast
 * @returns what `fn` returns
 * @throws whatever `fn` throws (the previous autocast state is restored first), and Error from libtorch when the
 * device type does not support `dtype`.
 */
export function autocast<T>(deviceType: 'cpu' | 'cuda', dtype: AutocastDtype, fn: () => T): T {
  const [wasEnabled, previousDtype] = native.setAutocast(deviceType, true, DTYPE_CODE[dtype]);
  native.autocastNesting(1);
  try {
    return fn();
  } finally {
    native.autocastNesting(-1);
    native.setAutocast(deviceType, wasEnabled, previousDtype);
  }
}
