// The addon's op tracer (native/src/op_trace.h) as a plain shared library for PyTorch's Python
// process: bench/engine/op_trace.py builds it with g++ against the same libtorch and loads it
// with ctypes after `import torch`, so both sides of bench/engine/op-trace.mjs are measured by
// the same code. alz_trace_stop writes the events as JSON lines to a file.
#include <cstdio>

#include "../../native/src/op_trace.h"

namespace {
std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}
}  // namespace

extern "C" int alz_trace_start() { return alz::trace::Start() ? 0 : 1; }

extern "C" int alz_trace_stop(const char* path) {
  std::vector<alz::trace::Event> events;
  if (!alz::trace::Stop(events)) return 1;
  FILE* f = std::fopen(path, "w");
  if (!f) return 2;
  for (const auto& e : events) {
    std::fprintf(f, "{\"name\":\"%s\",\"thread\":%d,\"depth\":%d,\"startNs\":%lld,\"durationNs\":%lld,\"cpuNs\":%lld,\"inputs\":\"%s\",\"outputs\":\"%s\"}\n",
                 Escape(e.name).c_str(), e.thread, e.depth, static_cast<long long>(e.startNs), static_cast<long long>(e.durationNs),
                 static_cast<long long>(e.cpuNs), Escape(e.inputs).c_str(), Escape(e.outputs).c_str());
  }
  std::fclose(f);
  return 0;
}
