// TensorHandle: the JS object that owns one at::Tensor. JS frees it early with dispose();
// otherwise the garbage collector's finalizer frees it. Live handles are counted so tests can
// assert that every tensor they made was freed.
#pragma once
#include <napi.h>
#include <ATen/ATen.h>

namespace alz {

class TensorHandle : public Napi::ObjectWrap<TensorHandle> {
 public:
  static void Init(Napi::Env env, Napi::Object exports);
  /** Wraps a tensor in a new JS handle (an undefined tensor becomes null). */
  static Napi::Value Wrap(Napi::Env env, at::Tensor tensor);
  /** The handle's tensor; throws a JS TypeError when `value` is not a live handle. */
  static at::Tensor& Get(const Napi::Value& value, const char* what);
  /** True when `value` is a TensorHandle object (live or disposed). */
  static bool IsHandle(const Napi::Value& value);

  explicit TensorHandle(const Napi::CallbackInfo& info);
  ~TensorHandle() override;
  void Release();
  bool disposed() const { return !tensor_.defined(); }
  at::Tensor tensor_;

  static int64_t liveCount;
  static int64_t liveBytes;

 private:
  int64_t accountedBytes_ = 0;
  bool externalAccounted_ = false;
  static Napi::FunctionReference* constructor;
};

/** "float32[2, 3]" (plus the device when it is not the CPU): how errors describe a tensor. */
std::string DescribeTensor(const at::Tensor& t);
/** Converts a libtorch dtype code used by the JS side (at::ScalarType numbering). */
at::ScalarType ToScalarType(const Napi::Value& v);

}  // namespace alz
