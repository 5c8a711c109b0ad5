import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** An opaque native object owning one libtorch tensor. */
export interface TensorHandle {
  readonly __brand: 'TensorHandle';
}

/** One op of a trace (see `traceOps` in op-trace.ts): nesting depth (0: called from JS or by autograd), wall and CPU time, tensor layouts (`f32[16,32,104,88]cl`). */
export interface OpTraceEvent {
  name: string;
  /** The thread that ran the op: 0 the one that started the trace (JS), 1, 2, ... others (libuv's pool, OpenMP) in the order they first ran an op. */
  thread: number;
  /** Nesting on its own thread: 0 called from outside libtorch (JS, a pool job) or an autograd node in `backward()`. */
  depth: number;
  startNs: number;
  durationNs: number;
  /** CPU time of the whole process (all threads) during the op. */
  cpuNs: number;
  inputs: string;
  outputs: string;
}

/**
 * The whole native surface of `native/` as one interface (as tfjs-node declares its binding).
 * Everything else in alzbench is TypeScript over these functions.
 */
export interface NativeBinding {
  TensorHandle: new () => TensorHandle;
  fromBytes(data: ArrayBufferView | ArrayBuffer, shape: readonly number[], dtype: number): TensorHandle;
  toBytes(h: TensorHandle): ArrayBuffer;
  shape(h: TensorHandle): number[];
  dtype(h: TensorHandle): number;
  device(h: TensorHandle): string;
  describe(h: TensorHandle): string;
  dispose(h: TensorHandle): void;
  isDisposed(h: TensorHandle): boolean;
  isContiguous(h: TensorHandle, memoryFormat: number): boolean;
  findOp(name: string, overload: string): number;
  opSchema(id: number): string;
  callOp(id: number, args: unknown[], kwargs?: Record<string, unknown>): unknown;
  setRequiresGrad(h: TensorHandle, value: boolean): TensorHandle;
  requiresGrad(h: TensorHandle): boolean;
  isLeaf(h: TensorHandle): boolean;
  grad(h: TensorHandle): TensorHandle | null;
  setGrad(h: TensorHandle, grad: TensorHandle | null): void;
  backward(h: TensorHandle, gradient: TensorHandle | null, retainGraph: boolean): void;
  retainGrad(h: TensorHandle): TensorHandle;
  setGradEnabled(enabled: boolean): boolean;
  setAutocast(deviceType: 'cpu' | 'cuda', enabled: boolean, dtype: number): [boolean, number];
  autocastNesting(delta: 1 | -1): number;
  isGradEnabled(): boolean;
  manualSeed(seed: number | bigint): void;
  getRngState(device?: string): TensorHandle;
  setRngState(state: TensorHandle, device?: string): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  stats(): { tensors: number; bytes: number };
  version(): string;
  cudaDeviceCount(): number;
  parallelInfo(): string;
  /** Starts recording every ATen op libtorch runs (RecordFunction, as torch.profiler); see op_trace.cc. */
  traceStart(): void;
  /** Stops the trace and returns its events, each op after the ops it called. */
  traceStop(): OpTraceEvent[];
}

function load(): NativeBinding {
  const path = fileURLToPath(new URL('../../native/build/Release/alzbench_native.node', import.meta.url));
  if (!existsSync(path)) {
    throw new Error(
      `alzbench's native addon is not built (${path} is missing). Run "npm install" (or "node scripts/build-native.mjs") ` +
        'in the alzbench folder; it needs libtorch: sudo apt-get install libtorch-dev',
    );
  }
  const binding = createRequire(import.meta.url)(path) as NativeBinding;
  // libtorch starts with one thread here; use the cores the process may run on (1.8x faster on 2 cores).
  const threads = Number(process.env.ALZBENCH_THREADS) || availableParallelism();
  binding.setNumThreads(threads);
  return binding;
}

/** The loaded native addon. Loading sets libtorch's thread count to the machine's parallelism. */
export const native: NativeBinding = load();
