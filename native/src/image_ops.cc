// The study's preprocessing modules on 8-bit images, through Debian's native OpenCV: the same
// library as Python's cv2, so results are bit-exact with it and run at its speed (opencv.js was
// 4-11x slower; see BENCHMARKS.md). One entry point, like the op call: JS validates parameters.
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>
#include <string>

#include "op_call.h"

namespace alz {
namespace {

Napi::Value ImageOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string op = info[0].As<Napi::String>().Utf8Value();
  auto data = info[1].As<Napi::Uint8Array>();
  int width = info[2].As<Napi::Number>().Int32Value();
  int height = info[3].As<Napi::Number>().Int32Value();
  int channels = info[4].As<Napi::Number>().Int32Value();
  Napi::Array args = info[5].As<Napi::Array>();
  // A second image for the merges (same size as the first).
  Napi::Uint8Array other = info.Length() > 6 && info[6].IsTypedArray() ? info[6].As<Napi::Uint8Array>() : Napi::Uint8Array();
  auto arg = [&](uint32_t i) { return args.Get(i).As<Napi::Number>().DoubleValue(); };
  if (static_cast<size_t>(width) * height * channels != data.ByteLength()) {
    throw Napi::RangeError::New(env, "imageOp " + op + ": data does not hold width x height x channels bytes");
  }
  try {
    // Wraps the JS bytes without copying; every op writes a new Mat.
    cv::Mat src(height, width, channels == 3 ? CV_8UC3 : CV_8UC1, data.Data());
    cv::Mat dst;
    if (op == "rgb2gray") {
      cv::cvtColor(src, dst, cv::COLOR_RGB2GRAY);
    } else if (op == "open") {
      static const int shapes[] = {cv::MORPH_RECT, cv::MORPH_ELLIPSE, cv::MORPH_CROSS};
      int k = static_cast<int>(arg(1));
      cv::Mat kernel = cv::getStructuringElement(shapes[static_cast<int>(arg(0))], cv::Size(k, k));
      cv::morphologyEx(src, dst, cv::MORPH_OPEN, kernel, cv::Point(-1, -1), static_cast<int>(arg(2)));
    } else if (op == "clahe") {
      int tile = static_cast<int>(arg(1));
      cv::createCLAHE(arg(0), cv::Size(tile, tile))->apply(src, dst);
    } else if (op == "blur") {
      int method = static_cast<int>(arg(0));
      int k = static_cast<int>(arg(1));
      if (method == 1) cv::medianBlur(src, dst, k);
      else if (method == 2) cv::GaussianBlur(src, dst, cv::Size(k, k), 0, 0, cv::BORDER_DEFAULT);
      else cv::blur(src, dst, cv::Size(k, k), cv::Point(-1, -1), cv::BORDER_DEFAULT);
    } else if (op == "resize") {
      cv::resize(src, dst, cv::Size(static_cast<int>(arg(0)), static_cast<int>(arg(1))), 0, 0, cv::INTER_LINEAR);
    } else if (op == "invert") {
      cv::bitwise_not(src, dst);
    } else if (op == "multiply" || op == "addWeighted") {
      if (other.IsEmpty() || other.ByteLength() != data.ByteLength()) throw Napi::RangeError::New(env, "imageOp " + op + ": second image missing or of another size");
      cv::Mat second(height, width, src.type(), other.Data());
      if (op == "multiply") cv::multiply(src, second, dst, arg(0));
      else cv::addWeighted(src, arg(0), second, arg(1), arg(2), dst);
    } else if (op == "normalize") {
      cv::normalize(src, dst, arg(0), arg(1), cv::NORM_MINMAX);
    } else {
      throw Napi::Error::New(env, "imageOp: unknown operation " + op);
    }
    if (!dst.isContinuous()) dst = dst.clone();
    size_t n = dst.total() * dst.elemSize();
    Napi::Uint8Array out = Napi::Uint8Array::New(env, n);
    std::memcpy(out.Data(), dst.data, n);
    return out;
  } catch (const cv::Exception& e) {
    throw Napi::Error::New(env, "OpenCV " + op + " on a " + std::to_string(width) + "x" + std::to_string(height) + "x" +
                                    std::to_string(channels) + " image failed: " + e.what());
  }
}

Napi::Value OpenCvVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), CV_VERSION);
}

}  // namespace

void InitImageOps(Napi::Env env, Napi::Object exports) {
  // A 176x208 slice is too small to gain from OpenCV's thread pool (measured slower with it);
  // parallelism comes from processing many slices, and libtorch keeps the cores for training.
  cv::setNumThreads(1);
  exports.Set("imageOp", Napi::Function::New(env, ImageOp, "imageOp"));
  exports.Set("opencvVersion", Napi::Function::New(env, OpenCvVersion, "opencvVersion"));
}

}  // namespace alz
