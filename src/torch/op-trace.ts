/**
 * Which ATen ops a piece of code makes libtorch run, and in which memory format: the op trace of
 * native/src/op_trace.h (RecordFunction, the hook torch.profiler uses) around one call. For
 * performance work (bench/engine/op-trace.mjs compares a training step with PyTorch's, op by op)
 * and for tests that pin a layer's ops and layouts.
 */
import { native, type OpTraceEvent } from './native.js';

export type { OpTraceEvent };

/**
 * Runs `fn` with the op trace on and returns its result with the events: every ATen op at every
 * nesting depth (depth 0: called from JS, or a node libtorch's autograd runs in `backward()`),
 * each after the ops it called, with wall and process CPU time and its tensors as
 * `Float[16,32,104,88]cl` (`cl` channels-last, `cf` contiguous, `cl=cf` both, `strided`). Ops of
 * every thread are recorded, each with its `thread` (0: this JS thread; others, such as libuv's
 * pool making a prefetched batch meanwhile, 1, 2, ...), depth counted per thread.
 *
 * Source: PyTorch `torch.profiler.profile(record_shapes=True)` (same hook, fewer fields).
 *
 * @param fn the code to trace (synchronous)
 * @returns `fn`'s result and the events in the order they ended
 * @throws Error `traceStart: a trace is already running (call traceStop first)` when traces are nested; whatever `fn` throws (the trace is stopped first).
 */
export function traceOps<T>(fn: () => T): { result: T; events: OpTraceEvent[] } {
  native.traceStart();
  let result: T;
  try {
    result = fn();
  } catch (error) {
    native.traceStop();
    throw error;
  }
  return { result, events: native.traceStop() };
}
