import { native } from './native.js';

/** Live tensors held by JS and the bytes of their elements (views count their own size). */
export interface MemoryStats {
  tensors: number;
  bytes: number;
}

/**
 * Counts of live tensor handles, so tests can assert nothing leaked.
 *
 * Source: tfjs `tf.memory()` / tfjs-node `getNumOfTensors`.
 *
 * @returns `tensors`: live (not disposed) handles; `bytes`: bytes of their elements
 */
export function memoryStats(): MemoryStats {
  return native.stats();
}

/**
 * libtorch's intra-op thread count.
 *
 * Source: PyTorch `torch.get_num_threads`.
 *
 * @returns the number of threads one op may use
 */
export function getNumThreads(): number {
  return native.getNumThreads();
}

/**
 * Sets libtorch's intra-op thread count (at load it is the machine's parallelism, or $ALZBENCH_THREADS).
 *
 * Source: PyTorch `torch.set_num_threads`.
 *
 * @param n threads one op may use, at least 1
 * @throws RangeError `Expected a positive thread count` when `n` is not a positive integer.
 */
export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}

/**
 * libtorch's version, e.g. `1.13.0`.
 *
 * @returns the version the addon was built against
 */
export function torchVersion(): string {
  return native.version();
}

/**
 * Number of CUDA devices libtorch can use (0 with a CPU-only libtorch).
 *
 * Source: PyTorch `torch.cuda.device_count`.
 *
 * @returns the device count
 */
export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}
