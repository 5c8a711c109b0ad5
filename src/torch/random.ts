import { native } from './native.js';
import { Tensor } from './tensor.js';

/**
 * Seeds libtorch's global generators (CPU and every CUDA device), like `torch.manual_seed`, so
 * initialization, dropout and random sampling repeat exactly.
 */
export function manualSeed(seed: number | bigint): void {
  native.manualSeed(seed);
}

/** The full state of a device's generator (uint8 tensor), for checkpoints. */
export function getRngState(device = 'cpu'): Tensor {
  return new Tensor(native.getRngState(device));
}

/** Restores a state from {@link getRngState}. */
export function setRngState(state: Tensor, device = 'cpu'): void {
  native.setRngState(state.handle, device);
}
