// Batch assembly off the JS thread: gathers the rows of a uint8 [N, 1, H, W] slice tensor and
// makes the model's float input (pixel / 255, as eval/model-input.ts) on libuv's thread pool, so
// the next batch is made while the current one trains. The result is wrapped into a handle on
// the JS thread (OnOK): handles are counted there only. The pool reads no JS memory: the images
// are a libtorch tensor (fromBytes copies JS bytes into libtorch's own storage, and the worker's
// at::Tensor keeps that storage alive) and the indices are copied into a vector on the JS thread.
#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "handle.h"
#include "op_call.h"

namespace alz {
namespace {

class BatchWorker : public Napi::AsyncWorker {
 public:
  BatchWorker(Napi::Env env, at::Tensor images, std::vector<int64_t> indices)
      : Napi::AsyncWorker(env), images_(std::move(images)), indices_(std::move(indices)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      const int64_t rows = images_.size(0);
      for (int64_t i : indices_) {
        if (i < 0 || i >= rows) {
          SetError("batch index " + std::to_string(i) + " is out of range for " + DescribeTensor(images_));
          return;
        }
      }
      at::Tensor idx = at::tensor(indices_, at::kLong).to(images_.device());
      // The same two ops as toModelInput(images.index_select(0, idx)): bit-identical input.
      result_ = images_.index_select(0, idx).to(at::kFloat).div_(255);
    } catch (const std::exception& e) {
      SetError(std::string("batch assembly failed: ") + e.what());
    }
  }

  void OnOK() override { deferred_.Resolve(TensorHandle::Wrap(Env(), std::move(result_))); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  at::Tensor images_;  // a reference: the storage stays alive even if JS disposes its handle
  std::vector<int64_t> indices_;
  at::Tensor result_;
  Napi::Promise::Deferred deferred_;
};

// batchAsync(images, indices: number[]) -> Promise<TensorHandle float32 [indices.length, ...]>.
Napi::Value BatchAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  at::Tensor images = TensorHandle::Get(info[0], "batchAsync images");
  if (images.scalar_type() != at::kByte || images.dim() < 1) {
    throw Napi::TypeError::New(env, "batchAsync expects uint8 images [N, ...], got " + DescribeTensor(images));
  }
  if (!info[1].IsArray()) throw Napi::TypeError::New(env, "batchAsync expects an array of row indices");
  Napi::Array list = info[1].As<Napi::Array>();
  std::vector<int64_t> indices(list.Length());
  for (uint32_t i = 0; i < list.Length(); ++i) indices[i] = list.Get(i).As<Napi::Number>().Int64Value();
  auto* worker = new BatchWorker(env, images, std::move(indices));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void InitAsyncBatch(Napi::Env env, Napi::Object exports) {
  exports.Set("batchAsync", Napi::Function::New(env, BatchAsync, "batchAsync"));
}

}  // namespace alz
