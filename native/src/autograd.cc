// Autograd from JS: requires_grad flags, backward, .grad access and the global grad mode.
#include <ATen/autocast_mode.h>
#include <c10/core/GradMode.h>
#include <torch/csrc/api/include/torch/version.h>

#include "guard.h"
#include "handle.h"
#include "op_call.h"

namespace alz {
namespace {

Napi::Value SetRequiresGrad(const Napi::CallbackInfo& info) {
  at::Tensor& t = TensorHandle::Get(info[0], "setRequiresGrad");
  return Guard(info.Env(), "setRequiresGrad(" + DescribeTensor(t) + ")", [&]() -> Napi::Value {
    t.set_requires_grad(info[1].As<Napi::Boolean>().Value());
    return info[0];
  });
}

Napi::Value RequiresGrad(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), TensorHandle::Get(info[0], "requiresGrad").requires_grad());
}

Napi::Value IsLeaf(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), TensorHandle::Get(info[0], "isLeaf").is_leaf());
}

Napi::Value Grad(const Napi::CallbackInfo& info) {
  at::Tensor& t = TensorHandle::Get(info[0], "grad");
  return TensorHandle::Wrap(info.Env(), t.grad());
}

Napi::Value SetGrad(const Napi::CallbackInfo& info) {
  at::Tensor& t = TensorHandle::Get(info[0], "setGrad");
  return Guard(info.Env(), "setGrad(" + DescribeTensor(t) + ")", [&]() -> Napi::Value {
    if (info[1].IsNull() || info[1].IsUndefined()) t.mutable_grad().reset();
    else t.mutable_grad() = TensorHandle::Get(info[1], "setGrad");
    return info.Env().Undefined();
  });
}

Napi::Value Backward(const Napi::CallbackInfo& info) {
  at::Tensor& t = TensorHandle::Get(info[0], "backward");
  return Guard(info.Env(), "backward(" + DescribeTensor(t) + ")", [&]() -> Napi::Value {
    at::Tensor gradient;
    if (info.Length() > 1 && !info[1].IsNull() && !info[1].IsUndefined()) gradient = TensorHandle::Get(info[1], "backward gradient");
    bool retain = info.Length() > 2 && info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
    t.backward(gradient, retain, false);
    return info.Env().Undefined();
  });
}

// Keeps the gradient of a non-leaf tensor after backward (Grad-CAM reads a layer's output gradient).
Napi::Value RetainGrad(const Napi::CallbackInfo& info) {
  at::Tensor& t = TensorHandle::Get(info[0], "retainGrad");
  return Guard(info.Env(), "retainGrad(" + DescribeTensor(t) + ")", [&]() -> Napi::Value {
    t.retain_grad();
    return info[0];
  });
}

Napi::Value SetGradEnabled(const Napi::CallbackInfo& info) {
  bool previous = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(info[0].As<Napi::Boolean>().Value());
  return Napi::Boolean::New(info.Env(), previous);
}

Napi::Value IsGradEnabled(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), c10::GradMode::is_enabled());
}

// Mixed precision, as `torch.autocast(device_type, dtype)`: turns the Autocast dispatch key on for
// this thread, so ops called through the dispatcher run in the lower precision where PyTorch's
// autocast lists say so. Returns [wasEnabled, previousDtype] for the scope to restore.
Napi::Value SetAutocast(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  bool cuda = info[0].As<Napi::String>().Utf8Value() == "cuda";
  bool enabled = info[1].As<Napi::Boolean>().Value();
  at::ScalarType dtype = ToScalarType(info[2]);
  return Guard(env, "setAutocast", [&]() -> Napi::Value {
    Napi::Array previous = Napi::Array::New(env, 2);
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    c10::DeviceType type = cuda ? c10::DeviceType::CUDA : c10::DeviceType::CPU;
    previous.Set(0u, Napi::Boolean::New(env, at::autocast::is_autocast_enabled(type)));
    previous.Set(1u, Napi::Number::New(env, static_cast<int>(at::autocast::get_autocast_dtype(type))));
    at::autocast::set_autocast_dtype(type, dtype);
    at::autocast::set_autocast_enabled(type, enabled);
#else
    previous.Set(0u, Napi::Boolean::New(env, cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled()));
    previous.Set(1u, Napi::Number::New(env, static_cast<int>(cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype())));
    if (cuda) {
      at::autocast::set_autocast_gpu_dtype(dtype);
      at::autocast::set_enabled(enabled);
    } else {
      at::autocast::set_autocast_cpu_dtype(dtype);
      at::autocast::set_cpu_enabled(enabled);
    }
#endif
    return previous;
  });
}

// Entering (+1) and leaving (-1) an autocast scope: casts are cached within the outermost scope,
// and leaving it clears the cache, as torch.autocast does.
Napi::Value AutocastNesting(const Napi::CallbackInfo& info) {
  if (info[0].As<Napi::Number>().Int32Value() > 0) return Napi::Number::New(info.Env(), at::autocast::increment_nesting());
  int depth = at::autocast::decrement_nesting();
  if (depth == 0) at::autocast::clear_cache();
  return Napi::Number::New(info.Env(), depth);
}

}  // namespace

void InitAutograd(Napi::Env env, Napi::Object exports) {
  exports.Set("setRequiresGrad", Napi::Function::New(env, SetRequiresGrad, "setRequiresGrad"));
  exports.Set("requiresGrad", Napi::Function::New(env, RequiresGrad, "requiresGrad"));
  exports.Set("isLeaf", Napi::Function::New(env, IsLeaf, "isLeaf"));
  exports.Set("grad", Napi::Function::New(env, Grad, "grad"));
  exports.Set("setGrad", Napi::Function::New(env, SetGrad, "setGrad"));
  exports.Set("backward", Napi::Function::New(env, Backward, "backward"));
  exports.Set("retainGrad", Napi::Function::New(env, RetainGrad, "retainGrad"));
  exports.Set("setAutocast", Napi::Function::New(env, SetAutocast, "setAutocast"));
  exports.Set("autocastNesting", Napi::Function::New(env, AutocastNesting, "autocastNesting"));
  exports.Set("setGradEnabled", Napi::Function::New(env, SetGradEnabled, "setGradEnabled"));
  exports.Set("isGradEnabled", Napi::Function::New(env, IsGradEnabled, "isGradEnabled"));
}

}  // namespace alz
