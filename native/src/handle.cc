#include "handle.h"

#include <sstream>

namespace alz {

int64_t TensorHandle::liveCount = 0;
int64_t TensorHandle::liveBytes = 0;
Napi::FunctionReference* TensorHandle::constructor = nullptr;

namespace {
// Tensors made and disposed within one training step net out, but reporting each one to V8
// made it run a full mark-compact about twice per step (measured: ~5-8 ms of a 150 ms step).
// So only the net change is reported, once it exceeds this much; memory held by forgotten
// handles still reaches V8 and gets them collected.
constexpr int64_t kExternalReportStep = int64_t{256} << 20;
int64_t pendingExternal = 0;

void ReportExternal(Napi::Env env, int64_t delta) {
  pendingExternal += delta;
  if (pendingExternal >= kExternalReportStep || pendingExternal <= -kExternalReportStep) {
    Napi::MemoryManagement::AdjustExternalMemory(env, pendingExternal);
    pendingExternal = 0;
  }
}
}  // namespace

void TensorHandle::Init(Napi::Env env, Napi::Object exports) {
  Napi::Function fn = DefineClass(env, "TensorHandle", {});
  constructor = new Napi::FunctionReference(Napi::Persistent(fn));
  exports.Set("TensorHandle", fn);
}

TensorHandle::TensorHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TensorHandle>(info) {}

Napi::Value TensorHandle::Wrap(Napi::Env env, at::Tensor tensor) {
  if (!tensor.defined()) return env.Null();
  Napi::Object obj = constructor->New({});
  TensorHandle* self = Napi::ObjectWrap<TensorHandle>::Unwrap(obj);
  self->accountedBytes_ = static_cast<int64_t>(tensor.numel()) * static_cast<int64_t>(tensor.element_size());
  // V8 cannot see libtorch's memory; telling it about CPU tensors makes it collect forgotten
  // handles under memory pressure instead of growing the heap without bound.
  if (tensor.device().is_cpu() && self->accountedBytes_ > 0) {
    ReportExternal(env, self->accountedBytes_);
    self->externalAccounted_ = true;
  }
  self->tensor_ = std::move(tensor);
  liveCount += 1;
  liveBytes += self->accountedBytes_;
  return obj;
}

void TensorHandle::Release() {
  if (!tensor_.defined()) return;
  tensor_.reset();
  liveCount -= 1;
  liveBytes -= accountedBytes_;
  if (externalAccounted_) {
    ReportExternal(Env(), -accountedBytes_);
    externalAccounted_ = false;
  }
}

TensorHandle::~TensorHandle() { Release(); }

bool TensorHandle::IsHandle(const Napi::Value& value) {
  return value.IsObject() && value.As<Napi::Object>().InstanceOf(constructor->Value());
}

at::Tensor& TensorHandle::Get(const Napi::Value& value, const char* what) {
  if (!IsHandle(value)) {
    throw Napi::TypeError::New(value.Env(), std::string("Expected a tensor for ") + what);
  }
  TensorHandle* self = Napi::ObjectWrap<TensorHandle>::Unwrap(value.As<Napi::Object>());
  if (self->disposed()) {
    throw Napi::Error::New(value.Env(), std::string("Tensor for ") + what + " was already disposed");
  }
  return self->tensor_;
}

std::string DescribeTensor(const at::Tensor& t) {
  if (!t.defined()) return "undefined tensor";
  std::ostringstream out;
  std::string dtype = c10::toString(t.scalar_type());
  static const std::pair<const char*, const char*> names[] = {
      {"Float", "float32"}, {"Double", "float64"}, {"Long", "int64"}, {"Int", "int32"},
      {"Byte", "uint8"}, {"Bool", "bool"}, {"Half", "float16"}, {"BFloat16", "bfloat16"}};
  for (const auto& [from, to] : names) {
    if (dtype == from) dtype = to;
  }
  out << dtype << "[";
  for (int64_t i = 0; i < t.dim(); ++i) out << (i ? ", " : "") << t.size(i);
  out << "]";
  if (!t.device().is_cpu()) out << "@" << t.device();
  return out.str();
}

at::ScalarType ToScalarType(const Napi::Value& v) {
  if (!v.IsNumber()) throw Napi::TypeError::New(v.Env(), "Expected a dtype code");
  int code = v.As<Napi::Number>().Int32Value();
  if (code < 0 || code >= static_cast<int>(at::ScalarType::NumOptions)) {
    throw Napi::RangeError::New(v.Env(), "Unknown dtype code " + std::to_string(code));
  }
  return static_cast<at::ScalarType>(code);
}

}  // namespace alz
