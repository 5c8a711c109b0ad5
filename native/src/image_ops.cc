// The study's preprocessing modules on 8-bit images, through Debian's native OpenCV: the same
// library as Python's cv2, so results are bit-exact with it and run at its speed (opencv.js was
// 4-11x slower; see BENCHMARKS.md). One entry point, like the op call: JS validates parameters.
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "op_call.h"

namespace alz {
namespace {

// One operation on 8-bit images; `second` is the other image of the merges (same size). Pure
// OpenCV: runs on the JS thread (ImageOp) or on libuv's thread pool (ImageProgramAsync).
cv::Mat RunImageOp(const std::string& op, const cv::Mat& src, const std::vector<double>& a, const cv::Mat* second) {
  auto arg = [&](size_t i) {
    if (i >= a.size()) throw std::invalid_argument("imageOp " + op + ": missing argument " + std::to_string(i + 1));
    return a[i];
  };
  cv::Mat dst;
  if (op == "rgb2gray") {
    cv::cvtColor(src, dst, cv::COLOR_RGB2GRAY);
  } else if (op == "open") {
    static const int shapes[] = {cv::MORPH_RECT, cv::MORPH_ELLIPSE, cv::MORPH_CROSS};
    int k = static_cast<int>(arg(1));
    cv::Mat kernel = cv::getStructuringElement(shapes[static_cast<int>(arg(0))], cv::Size(k, k));
    cv::morphologyEx(src, dst, cv::MORPH_OPEN, kernel, cv::Point(-1, -1), static_cast<int>(arg(2)));
  } else if (op == "clahe") {
    // OpenCV 4.6's CLAHE loops forever on a 0xN or Nx0 image (and passes 0x0 through); refuse
    // empty images as every other operation here does.
    CV_Assert(!src.empty());
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
    if (second == nullptr || second->size() != src.size() || second->type() != src.type())
      throw std::invalid_argument("imageOp " + op + ": second image missing or of another size");
    if (op == "multiply") cv::multiply(src, *second, dst, arg(0));
    else cv::addWeighted(src, arg(0), *second, arg(1), arg(2), dst);
  } else if (op == "normalize") {
    cv::normalize(src, dst, arg(0), arg(1), cv::NORM_MINMAX);
  } else {
    throw std::invalid_argument("imageOp: unknown operation " + op);
  }
  return dst.isContinuous() ? dst : dst.clone();
}

std::vector<double> Numbers(const Napi::Array& list) {
  std::vector<double> out(list.Length());
  for (uint32_t i = 0; i < list.Length(); ++i) out[i] = list.Get(i).As<Napi::Number>().DoubleValue();
  return out;
}

Napi::Uint8Array ToBytes(Napi::Env env, const cv::Mat& mat) {
  size_t n = mat.total() * mat.elemSize();
  Napi::Uint8Array out = Napi::Uint8Array::New(env, n);
  std::memcpy(out.Data(), mat.data, n);
  return out;
}

std::string SizeText(int width, int height, int channels) {
  return std::to_string(width) + "x" + std::to_string(height) + "x" + std::to_string(channels);
}

Napi::Value ImageOp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string op = info[0].As<Napi::String>().Utf8Value();
  auto data = info[1].As<Napi::Uint8Array>();
  int width = info[2].As<Napi::Number>().Int32Value();
  int height = info[3].As<Napi::Number>().Int32Value();
  int channels = info[4].As<Napi::Number>().Int32Value();
  std::vector<double> args = Numbers(info[5].As<Napi::Array>());
  // A second image for the merges (same size as the first).
  Napi::Uint8Array other = info.Length() > 6 && info[6].IsTypedArray() ? info[6].As<Napi::Uint8Array>() : Napi::Uint8Array();
  if (static_cast<size_t>(width) * height * channels != data.ByteLength()) {
    throw Napi::RangeError::New(env, "imageOp " + op + ": data does not hold width x height x channels bytes");
  }
  if (!other.IsEmpty() && other.ByteLength() != data.ByteLength()) {
    throw Napi::RangeError::New(env, "imageOp " + op + ": second image missing or of another size");
  }
  try {
    // Wraps the JS bytes without copying; every op writes a new Mat.
    cv::Mat src(height, width, channels == 3 ? CV_8UC3 : CV_8UC1, data.Data());
    cv::Mat second = other.IsEmpty() ? cv::Mat() : cv::Mat(height, width, src.type(), other.Data());
    return ToBytes(env, RunImageOp(op, src, args, other.IsEmpty() ? nullptr : &second));
  } catch (const std::invalid_argument& e) {
    throw Napi::Error::New(env, e.what());
  } catch (const cv::Exception& e) {
    throw Napi::Error::New(env, "OpenCV " + op + " on a " + SizeText(width, height, channels) + " image failed: " + e.what());
  }
}

// One instruction of an image program: op on image `input` (0 = the source, k = the result of
// instruction k - 1), with `second` (-1 = none) for the merges.
struct Instruction {
  std::string op;
  std::vector<double> args;
  int input;
  int second;
};

class ProgramWorker : public Napi::AsyncWorker {
 public:
  // Copies the slice here, on the JS thread: JS may detach, transfer or refill its buffer while
  // the pool thread runs the program, so the pool must never read JS memory (one slice is KBs).
  ProgramWorker(Napi::Env env, Napi::Uint8Array data, int width, int height, int channels, std::vector<Instruction> program)
      : Napi::AsyncWorker(env), bytes_(data.Data(), data.Data() + data.ByteLength()), width_(width), height_(height), channels_(channels),
        program_(std::move(program)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    std::vector<cv::Mat> images;
    images.emplace_back(height_, width_, channels_ == 3 ? CV_8UC3 : CV_8UC1, bytes_.data());
    for (size_t i = 0; i < program_.size(); ++i) {
      const Instruction& step = program_[i];
      const cv::Mat& src = images[static_cast<size_t>(step.input)];
      try {
        images.push_back(RunImageOp(step.op, src, step.args, step.second >= 0 ? &images[static_cast<size_t>(step.second)] : nullptr));
      } catch (const std::invalid_argument& e) {
        failed_ = static_cast<int>(i);
        SetError(e.what());
        return;
      } catch (const cv::Exception& e) {
        failed_ = static_cast<int>(i);
        SetError("OpenCV " + step.op + " on a " + SizeText(src.cols, src.rows, src.channels()) + " image failed: " + e.what());
        return;
      }
    }
    result_ = images.back();
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("width", result_.cols);
    out.Set("height", result_.rows);
    out.Set("channels", result_.channels());
    out.Set("data", ToBytes(env, result_.isContinuous() ? result_ : result_.clone()));
    deferred_.Resolve(out);
  }
  // The error says which instruction failed (`instruction`), so JS can name the chain step it
  // belongs to exactly as the in-line chain does.
  void OnError(const Napi::Error& error) override {
    if (failed_ >= 0) error.Value().Set("instruction", failed_);
    deferred_.Reject(error.Value());
  }

 private:
  int failed_ = -1;
  std::vector<uint8_t> bytes_;  // the worker's own copy of the source image
  int width_, height_, channels_;
  std::vector<Instruction> program_;
  cv::Mat result_;
  Napi::Promise::Deferred deferred_;
};

// imageProgramAsync(data, width, height, channels, program: [op, args, input, second][]): runs the
// program on libuv's thread pool; a Promise of {width, height, channels, data} of its last image.
Napi::Value ImageProgramAsync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto data = info[0].As<Napi::Uint8Array>();
  int width = info[1].As<Napi::Number>().Int32Value();
  int height = info[2].As<Napi::Number>().Int32Value();
  int channels = info[3].As<Napi::Number>().Int32Value();
  // An empty image (0 wide or high) is let through: OpenCV then refuses it in Execute with the
  // same error as the in-line imageOp gives, so both paths report bad input alike.
  if ((channels != 1 && channels != 3) || width < 0 || height < 0 || static_cast<size_t>(width) * height * channels != data.ByteLength()) {
    throw Napi::RangeError::New(env, "imageProgramAsync: data does not hold width x height x channels bytes");
  }
  Napi::Array list = info[4].As<Napi::Array>();
  std::vector<Instruction> program;
  for (uint32_t i = 0; i < list.Length(); ++i) {
    Napi::Array row = list.Get(i).As<Napi::Array>();
    Instruction step{row.Get(0u).As<Napi::String>().Utf8Value(), Numbers(row.Get(1u).As<Napi::Array>()), row.Get(2u).As<Napi::Number>().Int32Value(),
                     row.Get(3u).As<Napi::Number>().Int32Value()};
    if (step.input < 0 || step.input > static_cast<int>(i) || step.second > static_cast<int>(i)) {
      throw Napi::RangeError::New(env, "imageProgramAsync: instruction " + std::to_string(i) + " refers to an image not made yet");
    }
    program.push_back(std::move(step));
  }
  if (program.empty()) throw Napi::RangeError::New(env, "imageProgramAsync: an empty program");
  auto* worker = new ProgramWorker(env, data, width, height, channels, std::move(program));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
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
  exports.Set("imageProgramAsync", Napi::Function::New(env, ImageProgramAsync, "imageProgramAsync"));
  exports.Set("opencvVersion", Napi::Function::New(env, OpenCvVersion, "opencvVersion"));
}

}  // namespace alz
