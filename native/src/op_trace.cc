// traceStart() / traceStop() for JS: the op tracer of op_trace.h (every ATen op libtorch runs in
// between, with depth, wall and process CPU time, and tensor layouts), for performance work and
// for tests that assert which ops a layer runs and in which memory format.
#include "op_trace.h"

#include "op_call.h"

namespace alz {
namespace {

Napi::Value TraceStart(const Napi::CallbackInfo& info) {
  if (!trace::Start()) throw Napi::Error::New(info.Env(), "traceStart: a trace is already running (call traceStop first)");
  return info.Env().Undefined();
}

// Returns the events in the order they ended (a parent after its children), each
// {name, thread, depth, startNs, durationNs, cpuNs, inputs, outputs}; thread 0 is the JS thread
// (the one that called traceStart), others are numbered in the order they first ran an op.
Napi::Value TraceStop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<trace::Event> events;
  if (!trace::Stop(events)) throw Napi::Error::New(env, "traceStop: no trace is running (call traceStart first)");
  Napi::Array out = Napi::Array::New(env, events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const trace::Event& e = events[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", e.name);
    o.Set("thread", e.thread);
    o.Set("depth", e.depth);
    o.Set("startNs", static_cast<double>(e.startNs));
    o.Set("durationNs", static_cast<double>(e.durationNs));
    o.Set("cpuNs", static_cast<double>(e.cpuNs));
    o.Set("inputs", e.inputs);
    o.Set("outputs", e.outputs);
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

}  // namespace

void InitOpTrace(Napi::Env env, Napi::Object exports) {
  exports.Set("traceStart", Napi::Function::New(env, TraceStart, "traceStart"));
  exports.Set("traceStop", Napi::Function::New(env, TraceStop, "traceStop"));
}

}  // namespace alz
