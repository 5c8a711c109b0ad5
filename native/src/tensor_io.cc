// Tensors from and to JS bytes, and tensor metadata. Copies on both sides: JS owns its typed
// arrays and libtorch owns its storage, so neither can free memory the other still reads.
#include <cstring>

#include "guard.h"
#include "handle.h"
#include "op_call.h"

namespace alz {
namespace {

std::vector<int64_t> ToShape(const Napi::Value& v) {
  if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), "Expected an array of sizes for shape");
  Napi::Array a = v.As<Napi::Array>();
  std::vector<int64_t> shape(a.Length());
  for (uint32_t i = 0; i < a.Length(); ++i) {
    double d = a.Get(i).As<Napi::Number>().DoubleValue();
    if (d < 0 || d != static_cast<double>(static_cast<int64_t>(d))) {
      throw Napi::RangeError::New(v.Env(), "Expected non-negative integer sizes in shape");
    }
    shape[i] = static_cast<int64_t>(d);
  }
  return shape;
}

Napi::Value FromBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Guard(env, "fromBytes", [&]() -> Napi::Value {
    if (!info[0].IsTypedArray() && !info[0].IsArrayBuffer()) throw Napi::TypeError::New(env, "Expected a typed array or ArrayBuffer of data");
    const uint8_t* data;
    size_t length;
    if (info[0].IsArrayBuffer()) {
      auto buf = info[0].As<Napi::ArrayBuffer>();
      data = static_cast<const uint8_t*>(buf.Data());
      length = buf.ByteLength();
    } else {
      auto arr = info[0].As<Napi::TypedArray>();
      data = static_cast<const uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
      length = arr.ByteLength();
    }
    std::vector<int64_t> shape = ToShape(info[1]);
    at::ScalarType dtype = ToScalarType(info[2]);
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype));
    size_t expected = static_cast<size_t>(t.numel()) * t.element_size();
    if (expected != length) {
      throw Napi::RangeError::New(env, "Data holds " + std::to_string(length) + " bytes but shape " +
                                           DescribeTensor(t) + " needs " + std::to_string(expected));
    }
    if (length) std::memcpy(t.data_ptr(), data, length);
    return TensorHandle::Wrap(env, t);
  });
}

Napi::Value ToBytes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor& t = TensorHandle::Get(info[0], "toBytes");
  return Guard(env, "toBytes(" + DescribeTensor(t) + ")", [&]() -> Napi::Value {
    at::Tensor c = t.detach().to(at::kCPU).contiguous();
    size_t n = static_cast<size_t>(c.numel()) * c.element_size();
    Napi::ArrayBuffer out = Napi::ArrayBuffer::New(env, n);
    if (n) std::memcpy(out.Data(), c.data_ptr(), n);
    return out;
  });
}

Napi::Value Shape(const Napi::CallbackInfo& info) {
  at::Tensor& t = TensorHandle::Get(info[0], "shape");
  Napi::Array out = Napi::Array::New(info.Env(), t.dim());
  for (int64_t i = 0; i < t.dim(); ++i) out.Set(static_cast<uint32_t>(i), Napi::Number::New(info.Env(), static_cast<double>(t.size(i))));
  return out;
}

Napi::Value DType(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<int>(TensorHandle::Get(info[0], "dtype").scalar_type()));
}

Napi::Value DeviceOf(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), TensorHandle::Get(info[0], "device").device().str());
}

Napi::Value Describe(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), DescribeTensor(TensorHandle::Get(info[0], "describe")));
}

Napi::Value Dispose(const Napi::CallbackInfo& info) {
  if (!TensorHandle::IsHandle(info[0])) throw Napi::TypeError::New(info.Env(), "Expected a tensor for dispose");
  Napi::ObjectWrap<TensorHandle>::Unwrap(info[0].As<Napi::Object>())->Release();
  return info.Env().Undefined();
}

Napi::Value IsDisposed(const Napi::CallbackInfo& info) {
  if (!TensorHandle::IsHandle(info[0])) return Napi::Boolean::New(info.Env(), true);
  return Napi::Boolean::New(info.Env(), Napi::ObjectWrap<TensorHandle>::Unwrap(info[0].As<Napi::Object>())->disposed());
}

Napi::Value IsContiguous(const Napi::CallbackInfo& info) {
  at::Tensor& t = TensorHandle::Get(info[0], "isContiguous");
  auto format = static_cast<at::MemoryFormat>(info[1].As<Napi::Number>().Int32Value());
  return Napi::Boolean::New(info.Env(), t.is_contiguous(format));
}

}  // namespace

void InitTensorIO(Napi::Env env, Napi::Object exports) {
  exports.Set("fromBytes", Napi::Function::New(env, FromBytes, "fromBytes"));
  exports.Set("toBytes", Napi::Function::New(env, ToBytes, "toBytes"));
  exports.Set("shape", Napi::Function::New(env, Shape, "shape"));
  exports.Set("dtype", Napi::Function::New(env, DType, "dtype"));
  exports.Set("device", Napi::Function::New(env, DeviceOf, "device"));
  exports.Set("describe", Napi::Function::New(env, Describe, "describe"));
  exports.Set("dispose", Napi::Function::New(env, Dispose, "dispose"));
  exports.Set("isDisposed", Napi::Function::New(env, IsDisposed, "isDisposed"));
  exports.Set("isContiguous", Napi::Function::New(env, IsContiguous, "isContiguous"));
}

}  // namespace alz
