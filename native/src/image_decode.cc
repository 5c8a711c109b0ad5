// Image decoding with Debian's OpenCV imgcodecs: cv::imdecode is the decoder behind cv2.imread,
// so BMP (every depth, RLE, OS/2 and V4/V5 headers), PNG, TIFF, JPEG (CMYK/YCCK included) and
// WebP come out exactly as cv2.imread(path, IMREAD_GRAYSCALE) gives them, EXIF orientation
// applied. JS checks the header (format, truncation, declared size) before calling this, because
// imdecode answers a broken file with an empty Mat and no reason.
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "op_call.h"

namespace alz {
namespace {

Napi::Object MatToObject(Napi::Env env, const cv::Mat& mat) {
  cv::Mat m = mat.isContinuous() ? mat : mat.clone();
  Napi::Object out = Napi::Object::New(env);
  out.Set("width", m.cols);
  out.Set("height", m.rows);
  out.Set("channels", m.channels());
  size_t bytes = m.total() * m.elemSize();
  if (m.depth() == CV_16U) {
    Napi::Uint16Array data = Napi::Uint16Array::New(env, m.total() * m.channels());
    std::memcpy(data.Data(), m.data, bytes);
    out.Set("data", data);
  } else {
    Napi::Uint8Array data = Napi::Uint8Array::New(env, bytes);
    std::memcpy(data.Data(), m.data, bytes);
    out.Set("data", data);
  }
  return out;
}

// What one decode made: the 8-bit Mat cv2 gives, and for 16-bit gray files the deep values.
// Made without touching JS, so it can run on libuv's thread pool (DecodeAsync).
struct Decoded {
  bool ok = false;
  cv::Mat mat;
  cv::Mat deep;  // CV_16U values when the file is 16-bit (gray mode)
  int sourceDepth = 0;
  bool fromDeep = false;  // read through IMREAD_ANYDEPTH as more than 8 bits: sourceDepth is reported
};

Decoded Decode(const uint8_t* data, size_t length, bool color) {
  Decoded out;
  // Wraps the bytes without copying.
  cv::Mat buffer(1, static_cast<int>(length), CV_8UC1, const_cast<uint8_t*>(data));
  if (color) {
    // IMREAD_ANYCOLOR: gray files stay 1 channel, colour (and CMYK) ones come as BGR, alpha dropped.
    cv::Mat any = cv::imdecode(buffer, cv::IMREAD_ANYCOLOR);
    if (any.empty()) return out;
    if (any.channels() == 1) {
      out.mat = any;
    } else {
      cv::cvtColor(any, out.mat, any.channels() == 4 ? cv::COLOR_BGRA2RGB : cv::COLOR_BGR2RGB);
    }
    out.ok = true;
    return out;
  }
  cv::Mat deep = cv::imdecode(buffer, cv::IMREAD_GRAYSCALE | cv::IMREAD_ANYDEPTH);
  if (deep.empty()) return out;
  if (deep.depth() == CV_8U) {
    out.mat = deep;
    out.ok = true;
    return out;
  }
  // 16-bit (or float TIFF): cv2's own 8-bit result for parity, and the deep values beside it.
  out.mat = cv::imdecode(buffer, cv::IMREAD_GRAYSCALE);
  if (out.mat.empty()) return out;
  if (deep.depth() == CV_16U) out.deep = deep;
  out.sourceDepth = deep.depth() == CV_16U ? 16 : deep.depth() == CV_32F ? 32 : 0;
  out.fromDeep = true;
  out.ok = true;
  return out;
}

Napi::Value ToValue(Napi::Env env, const Decoded& decoded) {
  if (!decoded.ok) return env.Null();
  Napi::Object out = MatToObject(env, decoded.mat);
  if (!decoded.deep.empty()) out.Set("data16", MatToObject(env, decoded.deep).Get("data"));
  if (decoded.fromDeep) out.Set("sourceDepth", decoded.sourceDepth);
  return out;
}

// decodeImage(bytes, mode): mode "gray" = IMREAD_GRAYSCALE (cv2's default for slices), "color" =
// IMREAD_ANYCOLOR (gray stays gray) with colour returned as RGB. Result {width, height, channels, data}; for a 16-bit gray file
// (mode "gray") also `data16` (Uint16Array, IMREAD_GRAYSCALE | IMREAD_ANYDEPTH) so JS can see how
// many of the 16 bits hold the picture. Null when imdecode cannot read the bytes.
Napi::Value DecodeImage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = info[0].As<Napi::Uint8Array>();
  std::string mode = info[1].As<Napi::String>().Utf8Value();
  try {
    return ToValue(env, Decode(bytes.Data(), bytes.ByteLength(), mode == "color"));
  } catch (const cv::Exception& e) {
    throw Napi::Error::New(env, std::string("image decoding failed: ") + e.msg);
  }
}

class DecodeWorker : public Napi::AsyncWorker {
 public:
  // Copies the bytes here, on the JS thread: JS may detach, transfer or refill its buffer (a
  // transferred ArrayBuffer, a reused Buffer pool slice) while the pool thread decodes, so the
  // pool must never read JS memory. A file is a few KB to a few MB; the copy costs microseconds.
  DecodeWorker(Napi::Env env, Napi::Uint8Array bytes, bool color)
      : Napi::AsyncWorker(env), bytes_(bytes.Data(), bytes.Data() + bytes.ByteLength()), color_(color),
        deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      decoded_ = Decode(bytes_.data(), bytes_.size(), color_);
    } catch (const cv::Exception& e) {
      SetError(std::string("image decoding failed: ") + e.msg);
    }
  }
  void OnOK() override { deferred_.Resolve(ToValue(Env(), decoded_)); }
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  std::vector<uint8_t> bytes_;  // the worker's own copy of the file
  bool color_;
  Decoded decoded_;
  Napi::Promise::Deferred deferred_;
};

// decodeImageCvAsync(bytes, mode): decodeImageCv on libuv's thread pool; a Promise of the same result.
Napi::Value DecodeImageAsync(const Napi::CallbackInfo& info) {
  auto bytes = info[0].As<Napi::Uint8Array>();
  std::string mode = info[1].As<Napi::String>().Utf8Value();
  auto* worker = new DecodeWorker(info.Env(), bytes, mode == "color");
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void InitImageDecode(Napi::Env env, Napi::Object exports) {
  exports.Set("decodeImageCv", Napi::Function::New(env, DecodeImage, "decodeImageCv"));
  exports.Set("decodeImageCvAsync", Napi::Function::New(env, DecodeImageAsync, "decodeImageCvAsync"));
}

}  // namespace alz
