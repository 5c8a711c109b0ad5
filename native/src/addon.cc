// alzbench's native addon: a small surface over libtorch (see op_call.h for the list).
#include "handle.h"
#include "op_call.h"

namespace alz {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  TensorHandle::Init(env, exports);
  InitTensorIO(env, exports);
  InitOpCall(env, exports);
  InitAutograd(env, exports);
  InitRuntime(env, exports);
  InitOpTrace(env, exports);
  InitAsyncBatch(env, exports);
#ifdef ALZ_WITH_OPENCV
  InitImageOps(env, exports);
#endif
#ifdef ALZ_WITH_IMGCODECS
  InitImageDecode(env, exports);
#endif
  return exports;
}
}  // namespace alz

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return alz::Init(env, exports); }

NODE_API_MODULE(alzbench_native, InitAddon)
