// The one generic entry point for ATen ops: `findOp(name, overload)` caches the dispatcher's
// operator handle and returns a small integer id; `callOp(id, args, kwargs)` converts the JS
// arguments to IValues by the op's schema (filling defaults), runs it through the dispatcher
// (which records autograd), and converts the outputs back. Every failure becomes a JS Error
// that names the op and the shapes of its tensor arguments.
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/api/include/torch/version.h>

#include <sstream>
#include <unordered_map>
#include <vector>

#include "handle.h"
#include "op_call.h"

namespace alz {
namespace {

struct OpEntry {
  c10::OperatorHandle handle;
  std::string name;
};
std::vector<OpEntry> opTable;
std::unordered_map<std::string, int> opIds;

// An argument that does not fit its schema type. Caught in CallOp, which adds the op's name.
struct ArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string Describe(const Napi::Value& v, int depth = 0) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "None";
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? "True" : "False";
  if (v.IsNumber()) {
    std::ostringstream out;
    out << v.As<Napi::Number>().DoubleValue();
    return out.str();
  }
  if (v.IsString()) return "\"" + v.As<Napi::String>().Utf8Value() + "\"";
  if (TensorHandle::IsHandle(v)) {
    TensorHandle* h = Napi::ObjectWrap<TensorHandle>::Unwrap(v.As<Napi::Object>());
    return h->disposed() ? "disposed tensor" : DescribeTensor(h->tensor_);
  }
  if (v.IsArray() && depth < 2) {
    Napi::Array a = v.As<Napi::Array>();
    std::string s = "[";
    for (uint32_t i = 0; i < a.Length(); ++i) s += (i ? ", " : "") + Describe(a.Get(i), depth + 1);
    return s + "]";
  }
  return "object";
}

std::string TypeName(const c10::Argument& arg) {
  std::string t = arg.type()->str();
  // "int[]" with N=2 is written "int[2]" in the schema.
  if (arg.N() && t.size() > 2 && t.compare(t.size() - 2, 2, "[]") == 0) t = t.substr(0, t.size() - 2) + "[" + std::to_string(*arg.N()) + "]";
  return t;
}

[[noreturn]] void Mismatch(const c10::Argument& arg, const char* expected, const Napi::Value& got) {
  throw ArgError("argument '" + arg.name() + "' (" + TypeName(arg) + "): expected " + expected +
                 " but received " + Describe(got));
}

int64_t ToInt(const c10::Argument& arg, const Napi::Value& v) {
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? 1 : 0;
  if (!v.IsNumber()) Mismatch(arg, "an integer", v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (d != static_cast<double>(static_cast<int64_t>(d))) Mismatch(arg, "an integer", v);
  return static_cast<int64_t>(d);
}

at::Tensor ToTensor(const c10::Argument& arg, const Napi::Value& v) {
  if (!TensorHandle::IsHandle(v)) Mismatch(arg, "a tensor", v);
  TensorHandle* h = Napi::ObjectWrap<TensorHandle>::Unwrap(v.As<Napi::Object>());
  if (h->disposed()) throw ArgError("argument '" + arg.name() + "' is a tensor that was already disposed");
  return h->tensor_;
}

c10::IValue ToIValue(const c10::Argument& arg, const c10::TypePtr& type, const Napi::Value& v) {
  using K = c10::TypeKind;
  switch (type->kind()) {
    case K::OptionalType:
      if (v.IsNull() || v.IsUndefined()) return c10::IValue();
      return ToIValue(arg, type->castRaw<c10::OptionalType>()->getElementType(), v);
    case K::TensorType:
      return ToTensor(arg, v);
    case K::IntType:
    case K::SymIntType:
    case K::ScalarTypeType:
    case K::LayoutType:
    case K::MemoryFormatType:
      return ToInt(arg, v);
    case K::FloatType:
      if (!v.IsNumber()) Mismatch(arg, "a number", v);
      return v.As<Napi::Number>().DoubleValue();
    case K::BoolType:
      if (!v.IsBoolean()) Mismatch(arg, "a boolean", v);
      return v.As<Napi::Boolean>().Value();
    case K::NumberType: {
      // A Python-like Scalar: integral JS numbers become int Scalars (so int tensors stay int),
      // others doubles; booleans stay booleans.
      if (v.IsBoolean()) return v.As<Napi::Boolean>().Value();
      if (!v.IsNumber()) Mismatch(arg, "a number", v);
      double d = v.As<Napi::Number>().DoubleValue();
      if (std::isfinite(d) && d == static_cast<double>(static_cast<int64_t>(d)) && std::abs(d) < 9.0e15) {
        return static_cast<int64_t>(d);
      }
      return d;
    }
    case K::StringType:
      if (!v.IsString()) Mismatch(arg, "a string", v);
      return v.As<Napi::String>().Utf8Value();
    case K::DeviceObjType:
      if (!v.IsString()) Mismatch(arg, "a device string like \"cpu\" or \"cuda:0\"", v);
      return c10::Device(v.As<Napi::String>().Utf8Value());
    case K::GeneratorType:
      if (!(v.IsNull() || v.IsUndefined())) Mismatch(arg, "None (use manualSeed for randomness)", v);
      return c10::IValue();
    case K::ListType: {
      const c10::TypePtr& elem = type->castRaw<c10::ListType>()->getElementType();
      K ek = elem->kind();
      bool intLike = ek == K::IntType || ek == K::SymIntType;
      if (intLike && v.IsNumber() && arg.N()) {
        // PyTorch expands `stride=2` to `[2, 2]` for an int[2] argument; so do we.
        c10::List<int64_t> list;
        int64_t x = ToInt(arg, v);
        for (int32_t i = 0; i < *arg.N(); ++i) list.push_back(x);
        return list;
      }
      if (!v.IsArray()) Mismatch(arg, "an array", v);
      Napi::Array a = v.As<Napi::Array>();
      uint32_t n = a.Length();
      if (intLike) {
        c10::List<int64_t> list;
        list.reserve(n);
        for (uint32_t i = 0; i < n; ++i) list.push_back(ToInt(arg, a.Get(i)));
        return list;
      }
      if (ek == K::FloatType) {
        c10::List<double> list;
        for (uint32_t i = 0; i < n; ++i) {
          Napi::Value e = a.Get(i);
          if (!e.IsNumber()) Mismatch(arg, "an array of numbers", v);
          list.push_back(e.As<Napi::Number>().DoubleValue());
        }
        return list;
      }
      if (ek == K::BoolType) {
        c10::List<bool> list;
        for (uint32_t i = 0; i < n; ++i) {
          Napi::Value e = a.Get(i);
          if (!e.IsBoolean()) Mismatch(arg, "an array of booleans", v);
          list.push_back(e.As<Napi::Boolean>().Value());
        }
        return list;
      }
      if (ek == K::TensorType) {
        c10::List<at::Tensor> list;
        list.reserve(n);
        for (uint32_t i = 0; i < n; ++i) list.push_back(ToTensor(arg, a.Get(i)));
        return list;
      }
      if (ek == K::OptionalType &&
          elem->castRaw<c10::OptionalType>()->getElementType()->kind() == K::TensorType) {
        c10::List<c10::optional<at::Tensor>> list;
        for (uint32_t i = 0; i < n; ++i) {
          Napi::Value e = a.Get(i);
          if (e.IsNull() || e.IsUndefined()) list.push_back(c10::nullopt);
          else list.push_back(ToTensor(arg, e));
        }
        return list;
      }
      throw ArgError("argument '" + arg.name() + "' has list type " + type->str() + ", which alzbench cannot pass yet");
    }
    default:
      throw ArgError("argument '" + arg.name() + "' has type " + type->str() + ", which alzbench cannot pass yet");
  }
}

// Inputs by TensorImpl, so that an in-place op returns the caller's own JS object.
using InputMap = std::vector<std::pair<const c10::TensorImpl*, Napi::Value>>;

Napi::Value FromIValue(Napi::Env env, const c10::IValue& iv, const InputMap& inputs) {
  if (iv.isTensor()) {
    const at::Tensor& t = iv.toTensor();
    if (!t.defined()) return env.Null();
    for (const auto& [impl, value] : inputs) {
      if (impl == t.unsafeGetTensorImpl()) return value;
    }
    return TensorHandle::Wrap(env, t);
  }
  if (iv.isNone()) return env.Null();
  if (iv.isInt()) return Napi::Number::New(env, static_cast<double>(iv.toInt()));
  if (iv.isDouble()) return Napi::Number::New(env, iv.toDouble());
  if (iv.isBool()) return Napi::Boolean::New(env, iv.toBool());
  if (iv.isString()) return Napi::String::New(env, iv.toStringRef());
  if (iv.isDevice()) return Napi::String::New(env, iv.toDevice().str());
#if TORCH_VERSION_MAJOR >= 2
  if (iv.isSymInt()) return Napi::Number::New(env, static_cast<double>(iv.toSymInt().expect_int()));
#endif
  if (iv.isTensorList()) {
    auto list = iv.toTensorList();
    Napi::Array out = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) out.Set(static_cast<uint32_t>(i), FromIValue(env, list.get(i), inputs));
    return out;
  }
  if (iv.isTuple()) {
    const auto& elems = iv.toTupleRef().elements();
    Napi::Array out = Napi::Array::New(env, elems.size());
    for (size_t i = 0; i < elems.size(); ++i) out.Set(static_cast<uint32_t>(i), FromIValue(env, elems[i], inputs));
    return out;
  }
  if (iv.isList()) {
    auto list = iv.toListRef();
    Napi::Array out = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) out.Set(static_cast<uint32_t>(i), FromIValue(env, list[i], inputs));
    return out;
  }
  throw ArgError("returned a value of type " + iv.tagKind() + ", which alzbench cannot read yet");
}

std::string CallDescription(const OpEntry& op, const Napi::Array& args, const Napi::Value& kwargs) {
  std::string s = op.name + "(";
  for (uint32_t i = 0; i < args.Length(); ++i) s += (i ? ", " : "") + Describe(args.Get(i));
  if (kwargs.IsObject()) {
    Napi::Object kw = kwargs.As<Napi::Object>();
    Napi::Array keys = kw.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); ++i) {
      std::string k = keys.Get(i).As<Napi::String>().Utf8Value();
      s += (args.Length() + i ? ", " : "") + k + "=" + Describe(kw.Get(k));
    }
  }
  return s + ")";
}

// c10 messages end with a blank line and sometimes a "(Triggered internally at ...)" tail; keep the message.
std::string Trim(std::string msg) {
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

Napi::Value FindOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[0].As<Napi::String>().Utf8Value();
  std::string overload = info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
  std::string key = name + "." + overload;
  auto found = opIds.find(key);
  if (found != opIds.end()) return Napi::Number::New(env, found->second);
  auto handle = c10::Dispatcher::singleton().findSchema({name, overload});
  if (!handle) {
    throw Napi::Error::New(env, "Unknown op " + name + (overload.empty() ? "" : "." + overload) +
                                    " in libtorch " + TORCH_VERSION + " (check the schema name in native_functions.yaml)");
  }
  int id = static_cast<int>(opTable.size());
  opTable.push_back({*handle, overload.empty() ? name : name + "." + overload});
  opIds.emplace(key, id);
  return Napi::Number::New(env, id);
}

const OpEntry& EntryOf(const Napi::Value& v) {
  int id = v.As<Napi::Number>().Int32Value();
  if (id < 0 || id >= static_cast<int>(opTable.size())) throw Napi::RangeError::New(v.Env(), "Unknown op id");
  return opTable[id];
}

Napi::Value OpSchema(const Napi::CallbackInfo& info) {
  std::ostringstream out;
  out << EntryOf(info[0]).handle.schema();
  return Napi::String::New(info.Env(), out.str());
}

Napi::Value CallOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const OpEntry& op = EntryOf(info[0]);
  Napi::Array args = info[1].As<Napi::Array>();
  Napi::Value kwargs = info.Length() > 2 ? info[2] : env.Undefined();
  try {
    const c10::FunctionSchema& schema = op.handle.schema();
    const auto& params = schema.arguments();
    uint32_t given = args.Length();
    if (given > params.size()) {
      throw ArgError("takes at most " + std::to_string(params.size()) + " arguments but received " + std::to_string(given));
    }
    Napi::Object kw = kwargs.IsObject() ? kwargs.As<Napi::Object>() : Napi::Object();
    if (kwargs.IsObject()) {
      Napi::Array keys = kw.GetPropertyNames();
      for (uint32_t i = 0; i < keys.Length(); ++i) {
        std::string k = keys.Get(i).As<Napi::String>().Utf8Value();
        bool known = false;
        for (size_t p = given; p < params.size(); ++p) known = known || params[p].name() == k;
        if (!known) throw ArgError("has no argument '" + k + "' after position " + std::to_string(given));
      }
    }
    torch::jit::Stack stack;
    stack.reserve(params.size());
    InputMap inputs;
    for (size_t p = 0; p < params.size(); ++p) {
      const c10::Argument& arg = params[p];
      Napi::Value v = p < given ? args.Get(static_cast<uint32_t>(p))
                                : (kwargs.IsObject() && kw.Has(arg.name()) ? kw.Get(arg.name()) : env.Undefined());
      if (v.IsUndefined()) {
        if (arg.default_value()) {
          stack.push_back(*arg.default_value());
          continue;
        }
        if (arg.type()->kind() == c10::TypeKind::OptionalType) {
          stack.emplace_back();
          continue;
        }
        throw ArgError("missing required argument '" + arg.name() + "' (" + TypeName(arg) + ")");
      }
      stack.push_back(ToIValue(arg, arg.type(), v));
      if (stack.back().isTensor()) inputs.emplace_back(stack.back().toTensor().unsafeGetTensorImpl(), v);
    }
    op.handle.callBoxed(&stack);
    if (stack.size() == 1) return FromIValue(env, stack[0], inputs);
    if (stack.empty()) return env.Undefined();
    Napi::Array out = Napi::Array::New(env, stack.size());
    for (size_t i = 0; i < stack.size(); ++i) out.Set(static_cast<uint32_t>(i), FromIValue(env, stack[i], inputs));
    return out;
  } catch (const Napi::Error&) {
    throw;
  } catch (const ArgError& e) {
    throw Napi::TypeError::New(env, CallDescription(op, args, kwargs) + ": " + e.what());
  } catch (const c10::Error& e) {
    throw Napi::Error::New(env, CallDescription(op, args, kwargs) + " failed: " + Trim(e.what_without_backtrace()));
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, CallDescription(op, args, kwargs) + " failed: " + Trim(e.what()));
  }
}

}  // namespace

void InitOpCall(Napi::Env env, Napi::Object exports) {
  exports.Set("findOp", Napi::Function::New(env, FindOp, "findOp"));
  exports.Set("opSchema", Napi::Function::New(env, OpSchema, "opSchema"));
  exports.Set("callOp", Napi::Function::New(env, CallOp, "callOp"));
}

}  // namespace alz
