import { native } from './native.js';

/** Live tensors held by JS and the bytes of their elements (views count their own size). */
export interface MemoryStats {
  tensors: number;
  bytes: number;
}

/** Counts of live tensor handles, so tests can assert nothing leaked. */
export function memoryStats(): MemoryStats {
  return native.stats();
}

/** libtorch's intra-op thread count. */
export function getNumThreads(): number {
  return native.getNumThreads();
}

/** Sets libtorch's intra-op thread count (at load it is the machine's parallelism, or $ALZBENCH_THREADS). */
export function setNumThreads(n: number): void {
  native.setNumThreads(n);
}

/** libtorch's version, e.g. `1.13.0`. */
export function torchVersion(): string {
  return native.version();
}

/** Number of CUDA devices libtorch can use (0 with a CPU-only libtorch). */
export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}
