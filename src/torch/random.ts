import { native } from './native.js';
import { Tensor } from './tensor.js';

/**
 * Seeds libtorch's global generators (CPU and every CUDA device), like `torch.manual_seed`, so
 * initialization, dropout and random sampling repeat exactly.
 *
 * Source: PyTorch `torch.manual_seed`.
 *
 * @param seed a non-negative integer (64-bit: pass a bigint above 2^53)
 * @throws RangeError `Expected a non-negative integer seed` for negative or fractional seeds.
 */
export function manualSeed(seed: number | bigint): void {
  native.manualSeed(seed);
}

/**
 * The full state of a device's generator (uint8 tensor), for checkpoints.
 *
 * Source: PyTorch `torch.get_rng_state` / `torch.cuda.get_rng_state`.
 *
 * @param device `cpu` (default) or a CUDA device such as `cuda:0`
 * @returns a new 1-D uint8 tensor holding the generator state
 * @throws Error `getRngState failed: ...` when the device does not exist or libtorch was built without it (CUDA).
 */
export function getRngState(device = 'cpu'): Tensor {
  return new Tensor(native.getRngState(device));
}

/**
 * Restores a state from {@link getRngState}.
 *
 * Source: PyTorch `torch.set_rng_state`.
 *
 * @param state a uint8 tensor returned by `getRngState` for the same device type
 * @param device `cpu` (default) or a CUDA device such as `cuda:0`
 * @throws Error `setRngState(<dtype and shape>) failed: ...` when the state has the wrong dtype or size for the device,
 * or when `state` was disposed.
 */
export function setRngState(state: Tensor, device = 'cpu'): void {
  native.setRngState(state.handle, device);
}
