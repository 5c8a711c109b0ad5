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

// decodeImage(bytes, mode): mode "gray" = IMREAD_GRAYSCALE (cv2's default for slices), "color" =
// IMREAD_ANYCOLOR (gray stays gray) with colour returned as RGB. Result {width, height, channels, data}; for a 16-bit gray file
// (mode "gray") also `data16` (Uint16Array, IMREAD_GRAYSCALE | IMREAD_ANYDEPTH) so JS can see how
// many of the 16 bits hold the picture. Null when imdecode cannot read the bytes.
Napi::Value DecodeImage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = info[0].As<Napi::Uint8Array>();
  std::string mode = info[1].As<Napi::String>().Utf8Value();
  try {
    // Wraps the JS bytes without copying.
    cv::Mat buffer(1, static_cast<int>(bytes.ByteLength()), CV_8UC1, bytes.Data());
    if (mode == "color") {
      // IMREAD_ANYCOLOR: gray files stay 1 channel, colour (and CMYK) ones come as BGR, alpha dropped.
      cv::Mat any = cv::imdecode(buffer, cv::IMREAD_ANYCOLOR);
      if (any.empty()) return env.Null();
      if (any.channels() == 1) return MatToObject(env, any);
      cv::Mat rgb;
      cv::cvtColor(any, rgb, any.channels() == 4 ? cv::COLOR_BGRA2RGB : cv::COLOR_BGR2RGB);
      return MatToObject(env, rgb);
    }
    cv::Mat deep = cv::imdecode(buffer, cv::IMREAD_GRAYSCALE | cv::IMREAD_ANYDEPTH);
    if (deep.empty()) return env.Null();
    if (deep.depth() == CV_8U) return MatToObject(env, deep);
    // 16-bit (or float TIFF): cv2's own 8-bit result for parity, and the deep values beside it.
    cv::Mat gray = cv::imdecode(buffer, cv::IMREAD_GRAYSCALE);
    if (gray.empty()) return env.Null();
    Napi::Object out = MatToObject(env, gray);
    if (deep.depth() == CV_16U) out.Set("data16", MatToObject(env, deep).Get("data"));
    out.Set("sourceDepth", deep.depth() == CV_16U ? 16 : deep.depth() == CV_32F ? 32 : 0);
    return out;
  } catch (const cv::Exception& e) {
    throw Napi::Error::New(env, std::string("image decoding failed: ") + e.msg);
  }
}

}  // namespace

void InitImageDecode(Napi::Env env, Napi::Object exports) {
  exports.Set("decodeImageCv", Napi::Function::New(env, DecodeImage, "decodeImageCv"));
}

}  // namespace alz
