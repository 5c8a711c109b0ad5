// Process-wide libtorch settings and counters: seeds and RNG state, threads, live tensors,
// versions and CUDA availability.
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/csrc/api/include/torch/version.h>

#include <mutex>

#include "guard.h"
#include "handle.h"
#include "op_call.h"

namespace alz {
namespace {

uint64_t ToSeed(const Napi::Value& v) {
  if (v.IsBigInt()) {
    bool lossless;
    return v.As<Napi::BigInt>().Uint64Value(&lossless);
  }
  double d = v.As<Napi::Number>().DoubleValue();
  if (d < 0 || d != static_cast<double>(static_cast<uint64_t>(d))) {
    throw Napi::RangeError::New(v.Env(), "Expected a non-negative integer seed");
  }
  return static_cast<uint64_t>(d);
}

int64_t CudaDeviceCount() {
  return at::globalContext().hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0;
}

// Like torch.manual_seed: seeds the CPU generator and every CUDA device's generator.
Napi::Value ManualSeed(const Napi::CallbackInfo& info) {
  uint64_t seed = ToSeed(info[0]);
  return Guard(info.Env(), "manualSeed", [&]() -> Napi::Value {
    {
      auto gen = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_current_seed(seed);
    }
    for (int64_t i = 0; i < CudaDeviceCount(); ++i) {
      auto gen = at::detail::getCUDAHooks().getDefaultCUDAGenerator(static_cast<c10::DeviceIndex>(i));
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_current_seed(seed);
    }
    return info.Env().Undefined();
  });
}

at::Generator GeneratorFor(const Napi::CallbackInfo& info, size_t index) {
  std::string device = info.Length() > index && info[index].IsString() ? info[index].As<Napi::String>().Utf8Value() : "cpu";
  c10::Device d(device);
  if (d.is_cpu()) return at::detail::getDefaultCPUGenerator();
  return at::detail::getCUDAHooks().getDefaultCUDAGenerator(d.has_index() ? d.index() : 0);
}

// The generator's full state as a uint8 tensor, for exact resume from a checkpoint.
Napi::Value GetRngState(const Napi::CallbackInfo& info) {
  return Guard(info.Env(), "getRngState", [&]() -> Napi::Value {
    auto gen = GeneratorFor(info, 0);
    std::lock_guard<std::mutex> lock(gen.mutex());
    return TensorHandle::Wrap(info.Env(), gen.get_state());
  });
}

Napi::Value SetRngState(const Napi::CallbackInfo& info) {
  at::Tensor& state = TensorHandle::Get(info[0], "setRngState");
  return Guard(info.Env(), "setRngState(" + DescribeTensor(state) + ")", [&]() -> Napi::Value {
    auto gen = GeneratorFor(info, 1);
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
    return info.Env().Undefined();
  });
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  int n = info[0].As<Napi::Number>().Int32Value();
  if (n < 1) throw Napi::RangeError::New(info.Env(), "Expected a positive thread count");
  at::set_num_threads(n);
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), at::get_num_threads());
}

Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("tensors", Napi::Number::New(info.Env(), static_cast<double>(TensorHandle::liveCount)));
  out.Set("bytes", Napi::Number::New(info.Env(), static_cast<double>(TensorHandle::liveBytes)));
  return out;
}

Napi::Value Version(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), TORCH_VERSION);
}

Napi::Value CudaCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(CudaDeviceCount()));
}

Napi::Value ParallelInfo(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), at::get_parallel_info());
}

}  // namespace

void InitRuntime(Napi::Env env, Napi::Object exports) {
  exports.Set("manualSeed", Napi::Function::New(env, ManualSeed, "manualSeed"));
  exports.Set("getRngState", Napi::Function::New(env, GetRngState, "getRngState"));
  exports.Set("setRngState", Napi::Function::New(env, SetRngState, "setRngState"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("stats", Napi::Function::New(env, Stats, "stats"));
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("cudaDeviceCount", Napi::Function::New(env, CudaCount, "cudaDeviceCount"));
  exports.Set("parallelInfo", Napi::Function::New(env, ParallelInfo, "parallelInfo"));
}

}  // namespace alz
