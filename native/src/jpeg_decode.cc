// JPEG decoding with Debian's libjpeg-turbo, the decoder inside cv2.imread: a 176x208 slice
// decodes in tens of microseconds, where sharp's per-call pipeline costs about a millisecond
// (BENCHMARKS.md). Gray files come out as stored; colour files as RGB (JS converts with cv2's
// weights). Corrupt data is an error, and so is a warning such as "Premature end of JPEG file",
// so truncated files are reported instead of silently padded.
#include <cstdio>
#include <csetjmp>
#include <jpeglib.h>

#include <string>
#include <vector>

#include "op_call.h"

namespace alz {
namespace {

struct ErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  std::string message;
};

void OnError(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  char buffer[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, buffer);
  err->message = buffer;
  std::longjmp(err->jump, 1);
}

void OnMessage(j_common_ptr cinfo, int level) {
  // level -1 is a warning (corrupt or truncated data): keep the first one and treat it as fatal.
  if (level < 0) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    if (err->message.empty()) {
      char buffer[JMSG_LENGTH_MAX];
      (*cinfo->err->format_message)(cinfo, buffer);
      err->message = buffer;
    }
    cinfo->err->num_warnings++;
  }
}

Napi::Value DecodeJpeg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto bytes = info[0].As<Napi::Uint8Array>();
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  cinfo.err = jpeg_std_error(&err.base);
  err.base.error_exit = OnError;
  err.base.emit_message = OnMessage;
  // Allocated before setjmp so a longjmp cannot skip its destructor.
  std::vector<uint8_t> pixels;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    throw Napi::Error::New(env, "JPEG decoding failed: " + err.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, bytes.Data(), static_cast<unsigned long>(bytes.ByteLength()));
  jpeg_read_header(&cinfo, TRUE);
  // Optional limits (maxSide, maxPixels) are checked on the frame header, before
  // jpeg_start_decompress allocates anything: a few-kB file may declare 65500 x 65500 pixels.
  double max_side = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 0;
  double max_pixels = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : 0;
  double w = cinfo.image_width, h = cinfo.image_height;
  if (w == 0 || h == 0 || (max_side > 0 && (w > max_side || h > max_side)) || (max_pixels > 0 && w * h > max_pixels)) {
    std::string declared = std::to_string(cinfo.image_width) + "x" + std::to_string(cinfo.image_height);
    jpeg_destroy_decompress(&cinfo);
    throw Napi::Error::New(env, "JPEG decoding failed: image too large: the header declares " + declared + " pixels");
  }
  bool gray = cinfo.jpeg_color_space == JCS_GRAYSCALE;
  cinfo.out_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(&cinfo);
  size_t stride = static_cast<size_t>(cinfo.output_width) * cinfo.output_components;
  pixels.resize(stride * cinfo.output_height);
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW row = pixels.data() + stride * cinfo.output_scanline;
    jpeg_read_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_decompress(&cinfo);
  int width = static_cast<int>(cinfo.output_width);
  int height = static_cast<int>(cinfo.output_height);
  int channels = cinfo.output_components;
  long warnings = err.base.num_warnings;
  jpeg_destroy_decompress(&cinfo);
  if (warnings > 0) throw Napi::Error::New(env, "JPEG decoding failed: " + err.message);
  Napi::Object out = Napi::Object::New(env);
  out.Set("width", width);
  out.Set("height", height);
  out.Set("channels", channels);
  Napi::Uint8Array data = Napi::Uint8Array::New(env, pixels.size());
  std::copy(pixels.begin(), pixels.end(), data.Data());
  out.Set("data", data);
  return out;
}

}  // namespace

void InitJpeg(Napi::Env env, Napi::Object exports) {
  exports.Set("decodeJpeg", Napi::Function::New(env, DecodeJpeg, "decodeJpeg"));
}

}  // namespace alz
