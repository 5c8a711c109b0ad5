// The op tracer's core, shared by the addon (op_trace.cc: traceStart/traceStop for JS) and by
// bench/engine/op_trace_lib.cc (the same tracer loaded into PyTorch's Python process with
// ctypes), so both sides of a comparison are measured by one piece of code. A RecordFunction
// callback (the hook torch.profiler uses) records every ATen op at every nesting depth, the
// backward ops libtorch's autograd runs included, with its wall time, the CPU time the whole
// process spent during it (all threads: a measure that the machine's load inflates far less
// than wall time), the layout of its tensor inputs and outputs, and the thread that ran it: ops
// come from every thread (libuv's pool making the next batch, OpenMP workers), and a small id per
// thread (0 = the one that started the trace) keeps them apart.
#pragma once
// RecordFunction::inputs() asserts, in builds without NDEBUG, that it is called from a start
// callback; ours is, but ops that the dispatcher records without boxing their arguments (resize_
// inside mkldnn_convolution) trip it. Those give an empty list, which the trace shows as no inputs.
#ifndef NDEBUG
#define NDEBUG
#endif
#include <ATen/record_function.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace alz::trace {

struct Event {
  std::string name;
  int thread;  // 0: the thread that called Start; 1, 2, ...: others, in the order they first ran an op
  int depth;   // nesting on its own thread (0: called from outside libtorch)
  int64_t startNs;
  int64_t durationNs;
  int64_t cpuNs;
  std::string inputs;
  std::string outputs;
};

inline std::mutex& Mutex() {
  static std::mutex m;
  return m;
}
inline std::vector<Event>& Events() {
  static std::vector<Event> events;
  return events;
}
inline at::CallbackHandle& Handle() {
  static at::CallbackHandle handle = at::INVALID_CALLBACK_HANDLE;
  return handle;
}
inline int& Depth() {
  thread_local int depth = 0;
  return depth;
}

// Thread ids are per trace: each Start begins a new generation, and a thread takes the next id
// the first time it records an op in that generation (no lock: one atomic add per thread).
inline std::atomic<int>& Generation() {
  static std::atomic<int> generation{0};
  return generation;
}
inline std::atomic<int>& NextThread() {
  static std::atomic<int> next{0};
  return next;
}
struct ThreadId {
  int generation = -1;
  int id = 0;
};
inline ThreadId& OwnThreadId() {
  thread_local ThreadId own;
  return own;
}
inline int ThreadOf() {
  ThreadId& own = OwnThreadId();
  int generation = Generation().load(std::memory_order_acquire);
  if (own.generation != generation) {
    own.generation = generation;
    own.id = NextThread().fetch_add(1, std::memory_order_relaxed);
  }
  return own.id;
}

inline int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
inline int64_t CpuNs() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// "cl" when the strides are channels-last's and not also contiguous's, "cf" when contiguous,
// "cl=cf" when both (one channel, or 1x1 spatial), "strided" otherwise.
inline const char* Layout(const at::Tensor& t) {
  bool cf = t.is_contiguous();
  bool cl = t.dim() == 4 && t.is_contiguous(at::MemoryFormat::ChannelsLast);
  if (cf && cl) return "cl=cf";
  if (cl) return "cl";
  if (cf) return "cf";
  return "strided";
}

// "Float[16,32,104,88]cl" per tensor, space-separated.
inline void Describe(const c10::IValue& v, std::string& out) {
  auto one = [&out](const at::Tensor& t) {
    if (!out.empty()) out += ' ';
    if (!t.defined()) {
      out += "undef";
      return;
    }
    out += c10::toString(t.scalar_type());
    out += '[';
    for (int64_t d = 0; d < t.dim(); ++d) out += (d ? "," : "") + std::to_string(t.size(d));
    out += ']';
    out += Layout(t);
  };
  if (v.isTensor()) one(v.toTensor());
  else if (v.isTensorList()) {
    for (const at::Tensor& t : v.toTensorList().vec()) one(t);
  }
}

struct Context : at::ObserverContext {
  int64_t startNs = 0;
  int64_t startCpuNs = 0;
  std::string inputs;
};

inline std::unique_ptr<at::ObserverContext> OnStart(const at::RecordFunction& fn) {
  auto ctx = std::make_unique<Context>();
  for (const c10::IValue& v : fn.inputs()) Describe(v, ctx->inputs);
  ++Depth();
  ctx->startCpuNs = CpuNs();
  ctx->startNs = NowNs();
  return ctx;
}

inline void OnEnd(const at::RecordFunction& fn, at::ObserverContext* base) {
  int64_t end = NowNs();
  int64_t endCpu = CpuNs();
  --Depth();
  auto* ctx = static_cast<Context*>(base);
  std::string outputs;
  for (const c10::IValue& v : fn.outputs()) Describe(v, outputs);
  int thread = ThreadOf();
  std::lock_guard<std::mutex> lock(Mutex());
  Events().push_back({fn.name(), thread, Depth(), ctx->startNs, end - ctx->startNs, endCpu - ctx->startCpuNs, std::move(ctx->inputs), std::move(outputs)});
}

/** Starts recording; false when a trace is already running. */
inline bool Start() {
  if (Handle() != at::INVALID_CALLBACK_HANDLE) return false;
  {
    std::lock_guard<std::mutex> lock(Mutex());
    Events().clear();
  }
  // A new generation of thread ids: the calling thread is 0, every other thread numbers itself
  // on its first op (set before the generation is published, so no other thread can take 0).
  int generation = Generation().load() + 1;
  OwnThreadId() = {generation, 0};
  NextThread().store(1);
  Generation().store(generation, std::memory_order_release);
  Handle() = at::addGlobalCallback(at::RecordFunctionCallback(OnStart, OnEnd)
                                       .needsInputs(true)
                                       .needsOutputs(true)
                                       .scopes({at::RecordScope::FUNCTION, at::RecordScope::BACKWARD_FUNCTION}));
  return true;
}

/** Stops recording and hands over the events (each op after the ops it called); false when none was running. */
inline bool Stop(std::vector<Event>& out) {
  if (Handle() == at::INVALID_CALLBACK_HANDLE) return false;
  at::removeCallback(Handle());
  Handle() = at::INVALID_CALLBACK_HANDLE;
  std::lock_guard<std::mutex> lock(Mutex());
  out.swap(Events());
  Events().clear();
  return true;
}

}  // namespace alz::trace
