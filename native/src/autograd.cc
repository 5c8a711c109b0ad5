// Autograd from JS: requires_grad flags, backward, .grad access and the global grad mode.
#include <c10/core/GradMode.h>

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

}  // namespace

void InitAutograd(Napi::Env env, Napi::Object exports) {
  exports.Set("setRequiresGrad", Napi::Function::New(env, SetRequiresGrad, "setRequiresGrad"));
  exports.Set("requiresGrad", Napi::Function::New(env, RequiresGrad, "requiresGrad"));
  exports.Set("isLeaf", Napi::Function::New(env, IsLeaf, "isLeaf"));
  exports.Set("grad", Napi::Function::New(env, Grad, "grad"));
  exports.Set("setGrad", Napi::Function::New(env, SetGrad, "setGrad"));
  exports.Set("backward", Napi::Function::New(env, Backward, "backward"));
  exports.Set("retainGrad", Napi::Function::New(env, RetainGrad, "retainGrad"));
  exports.Set("setGradEnabled", Napi::Function::New(env, SetGradEnabled, "setGradEnabled"));
  exports.Set("isGradEnabled", Napi::Function::New(env, IsGradEnabled, "isGradEnabled"));
}

}  // namespace alz
