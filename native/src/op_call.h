#pragma once
#include <napi.h>

namespace alz {
void InitOpCall(Napi::Env env, Napi::Object exports);
void InitTensorIO(Napi::Env env, Napi::Object exports);
void InitAutograd(Napi::Env env, Napi::Object exports);
void InitRuntime(Napi::Env env, Napi::Object exports);
void InitOpTrace(Napi::Env env, Napi::Object exports);
void InitImageOps(Napi::Env env, Napi::Object exports);
void InitImageDecode(Napi::Env env, Napi::Object exports);
void InitAsyncBatch(Napi::Env env, Napi::Object exports);
}  // namespace alz
