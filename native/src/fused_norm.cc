// Fused CPU training kernels for the blocks every CNN of the zoo repeats: batch norm, then ReLU,
// then (optionally) a 2x2 max pool of stride 2 (VGG, simple_cnn, MNASNet, Inception-ResNet), or
// batch norm, then SiLU (EfficientNet):
//
//   alzbench::batch_norm_activation(input, weight, bias, running_mean, running_var, training,
//                                   momentum, eps, activation, kernel_size) -> Tensor
//
// equal to max_pool2d(relu(batch_norm(input, ...)), 2) for ("relu", 2), relu(batch_norm(...))
// for ("relu", 1) and silu(batch_norm(...)) for ("silu", 1), with the running statistics updated
// as aten::batch_norm updates them. Why: libtorch 1.13 runs these as two or three kernels, each
// streaming the full-resolution activation through memory (batch norm's output written and read
// back, a float pool output and int64 indices, a full-size zero-filled gradient scattered into by
// the pool's backward and read twice by batch norm's backward, the activation's own gradient
// tensor). Here the forward reads the input twice (statistics, then normalize-activate-pool in
// one pass) and writes the output; ReLU adds a byte per output element (which of the 4 window
// positions was the maximum, or 255 where ReLU cut it) and, for the pool, the input value at the
// maximum; SiLU saves nothing but the input and recomputes. The backward reads those once for
// the per-channel sums and then writes the input gradient in one pass over the input. The same
// idea as the fused batch norm + activation kernels of oneDNN and TensorRT.
//
// The arithmetic follows ATen's CPU batch norm (aten/src/ATen/native/batch_norm.cpp,
// cpu/batch_norm_kernel.cpp): statistics in double, y = x * (weight * invstd) + (bias - mean *
// weight * invstd), the running variance updated with the unbiased batch variance; the pool keeps
// the first maximum in row-major window order and lets NaN through as aten::max_pool2d does; ReLU
// passes the gradient where its output is > 0 or NaN, as aten::threshold_backward does; SiLU is
// y / (1 + e^-y) and its derivative ATen's silu_backward formula.
//
// Supported: float32 CPU tensors, 4-D, contiguous (NCHW) or channels-last (NHWC). Other inputs are
// a TORCH_CHECK error naming what is wrong; the JS caller (src/nn/fused.ts) only calls this op on
// supported inputs and runs the ATen ops one by one otherwise.
#include <ATen/Parallel.h>
#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/library.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace alz {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Code of an output element whose window maximum was <= 0: ReLU gave 0 and passes no gradient.
constexpr uint8_t kCut = 255;

// The hot loops, compiled for x86-64-v4 (AVX-512 with byte ops), v3 (AVX2 + FMA) and baseline
// x86-64 and picked at load time (GCC's function multiversioning), because the addon is built
// without -march so that one build runs on every x86-64. Each works on one row of the input or
// output, so the callers can split rows across threads. `CL` rows are NHWC pixels of C channels each; `CF` rows are one channel's W values.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// -O3's cost model: the addon's -O2 vectorizes only loops whose trip count is a known multiple of
// the vector width, and these loops run over a runtime channel count.
#pragma GCC optimize("O3")
#define ALZ_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ALZ_CLONES
#endif

// Runs f(c) for c in [0, C): whole blocks of 16 channels in a loop of fixed length, which the
// vectorizer turns into one 16-float vector per block. Over a runtime trip count it picks the
// vector length from the loops' narrowest type (64 lanes, for the byte-wide codes) and runs
// the 16-64 channels of these layers in its scalar remainder.
template <typename F>
__attribute__((always_inline)) inline void Channels(int64_t C, const F& f) {
  int64_t c = 0;
  for (; c + 16 <= C; c += 16)
    for (int64_t j = 0; j < 16; ++j) f(c + j);
  for (; c < C; ++c) f(c);
}

// Adds (x - shift) and its square over the W pixels of a row into s[c], ss[c] (float partial sums
// of one row; the caller adds them into double).
ALZ_CLONES void StatsRowCL(const float* __restrict__ x, int64_t W, int64_t C, const float* __restrict__ shift, float* __restrict__ s, float* __restrict__ ss) {
  for (int64_t w = 0; w < W; ++w) {
    const float* __restrict__ p = x + w * C;
    Channels(C, [=](int64_t c) {
      float d = p[c] - shift[c];
      s[c] += d;
      ss[c] += d * d;
    });
  }
}

// The same over one contiguous run of one channel, in 16 independent lanes so that the compiler
// vectorizes it without reassociating (no -ffast-math).
ALZ_CLONES void StatsRunCF(const float* __restrict__ x, int64_t n, float shift, double& s, double& ss) {
  float ls[16] = {0}, lss[16] = {0};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j) {
      float d = x[i + j] - shift;
      ls[j] += d;
      lss[j] += d * d;
    }
  double a = 0, b = 0;
  for (int j = 0; j < 16; ++j) a += ls[j], b += lss[j];
  for (; i < n; ++i) {
    double d = static_cast<double>(x[i]) - shift;
    a += d;
    b += d * d;
  }
  s += a;
  ss += b;
}

// Forward, kernel 2: one output row from input rows r0 and r1 (2 * Wp pixels used of each).
ALZ_CLONES void PoolRowCL(const float* __restrict__ r0, const float* __restrict__ r1, int64_t Wp, int64_t C, const float* __restrict__ scale, const float* __restrict__ shift, float* __restrict__ out,
                          uint8_t* __restrict__ code, float* __restrict__ xsel) {
  for (int64_t wp = 0; wp < Wp; ++wp) {
    const float* __restrict__ a = r0 + 2 * wp * C;
    const float* __restrict__ b = a + C;
    const float* __restrict__ d = r1 + 2 * wp * C;
    const float* __restrict__ e = d + C;
    float* __restrict__ o = out + wp * C;
    uint8_t* __restrict__ k = code + wp * C;
    float* __restrict__ xs = xsel + wp * C;
    Channels(C, [=](int64_t c) {
      // Branch-free selects, so that the loop over channels vectorizes.
      float best = a[c] * scale[c] + shift[c], xb = a[c];
      int at = 0;
      float y = b[c] * scale[c] + shift[c];
      bool take = (y > best) | (y != y);
      best = take ? y : best, xb = take ? b[c] : xb, at = take ? 1 : at;
      y = d[c] * scale[c] + shift[c];
      take = (y > best) | (y != y);
      best = take ? y : best, xb = take ? d[c] : xb, at = take ? 2 : at;
      y = e[c] * scale[c] + shift[c];
      take = (y > best) | (y != y);
      best = take ? y : best, xb = take ? e[c] : xb, at = take ? 3 : at;
      bool live = !(best <= 0.f);
      o[c] = live ? best : 0.f;
      k[c] = static_cast<uint8_t>(live ? at : kCut);
      xs[c] = xb;
    });
  }
}

ALZ_CLONES void PoolRowCF(const float* __restrict__ r0, const float* __restrict__ r1, int64_t Wp, float scale, float shift, float* __restrict__ out, uint8_t* __restrict__ code, float* __restrict__ xsel) {
  for (int64_t wp = 0; wp < Wp; ++wp) {
    float v[4] = {r0[2 * wp], r0[2 * wp + 1], r1[2 * wp], r1[2 * wp + 1]};
    float best = v[0] * scale + shift, xb = v[0];
    uint8_t at = 0;
    for (uint8_t j = 1; j < 4; ++j) {
      float y = v[j] * scale + shift;
      if (y > best || y != y) best = y, xb = v[j], at = j;
    }
    bool live = !(best <= 0.f);
    out[wp] = live ? best : 0.f;
    code[wp] = live ? at : kCut;
    xsel[wp] = xb;
  }
}

// Forward, kernel 1 (batch norm + ReLU): W pixels of C channels (CL) or n values of one channel (CF, C = 1).
ALZ_CLONES void ReluRowCL(const float* __restrict__ x, int64_t W, int64_t C, const float* __restrict__ scale, const float* __restrict__ shift, float* __restrict__ out, uint8_t* __restrict__ code) {
  for (int64_t w = 0; w < W; ++w)
    Channels(C, [=](int64_t c) {
      float y = x[w * C + c] * scale[c] + shift[c];
      bool live = !(y <= 0.f);
      out[w * C + c] = live ? y : 0.f;
      code[w * C + c] = live ? 0 : kCut;
    });
}

// Backward pass 1: over one output row, adds the live gradient g and g * (x at the maximum - mean)
// into sg[c], sgx[c]. In the CL rows the gradient's pixels are `gs` floats apart (C when it is
// dense; more when it is a channel slice of a wider tensor, as torch.cat's backward gives).
ALZ_CLONES void GradSumRowCL(const float* __restrict__ g, int64_t gs, const uint8_t* __restrict__ code, const float* __restrict__ xsel, int64_t Wp,
                             int64_t C, const float* __restrict__ mean, float* __restrict__ sg, float* __restrict__ sgx) {
  for (int64_t wp = 0; wp < Wp; ++wp)
    Channels(C, [=](int64_t c) {
      int64_t i = wp * C + c;
      float gv = g[wp * gs + c];
      float gi = static_cast<int>(code[i]) != kCut ? gv : 0.f;
      sg[c] += gi;
      sgx[c] += gi * (xsel[i] - mean[c]);
    });
}

ALZ_CLONES void GradSumRunCF(const float* __restrict__ g, const uint8_t* __restrict__ code, const float* __restrict__ xsel, int64_t n, float mean, double& sg, double& sgx) {
  float a[16] = {0}, b[16] = {0};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j) {
      float gv = g[i + j];
      float gi = static_cast<int>(code[i + j]) != kCut ? gv : 0.f;
      a[j] += gi;
      b[j] += gi * (xsel[i + j] - mean);
    }
  double s = 0, t = 0;
  for (int j = 0; j < 16; ++j) s += a[j], t += b[j];
  for (; i < n; ++i) {
    double gi = code[i] != kCut ? g[i] : 0.f;
    s += gi;
    t += gi * (static_cast<double>(xsel[i]) - mean);
  }
  sg += s;
  sgx += t;
}

// Backward pass 2: one input row's gradient, dx = k * g (at the window's maximum, if live) +
// a + b * (x - mean). `g`/`code` are the output row whose windows cover this input row (null for
// a trailing row no window covers); `pos0` is 2 * (row parity) for kernel 2, 0 for kernel 1;
// `covered` is the number of leading pixels inside windows (2 * Wp or W).
ALZ_CLONES void GradInputRowCL(const float* __restrict__ x, const float* __restrict__ g, int64_t gs, const uint8_t* __restrict__ code, int64_t W,
                               int64_t covered, int64_t C, int kernel,
                               int pos0, const float* __restrict__ mean, const float* __restrict__ a, const float* __restrict__ b, const float* __restrict__ k, float* __restrict__ dx) {
  for (int64_t w = 0; w < W; ++w) {
    const float* __restrict__ xw = x + w * C;
    float* __restrict__ dw = dx + w * C;
    if (g && w < covered) {
      int64_t wp = kernel == 2 ? w >> 1 : w, o = wp * C, og = wp * gs;
      int pos = pos0 + (kernel == 2 ? static_cast<int>(w & 1) : 0);
      Channels(C, [=](int64_t c) {
        float v = a[c] + b[c] * (xw[c] - mean[c]);
        // Unconditional loads: the vectorizer does not speculate a load under a condition.
        float gv = g[og + c];
        dw[c] = v + (code[o + c] == pos ? k[c] * gv : 0.f);
      });
    } else {
      Channels(C, [=](int64_t c) { dw[c] = a[c] + b[c] * (xw[c] - mean[c]); });
    }
  }
}

ALZ_CLONES void GradInputRowCF(const float* __restrict__ x, const float* __restrict__ g, const uint8_t* __restrict__ code, int64_t W, int64_t covered, int kernel, int pos0, float mean,
                               float a, float b, float k, float* __restrict__ dx) {
  int64_t w = 0;
  if (g) {
    if (kernel == 2) {
      // Window by window (w = 2 * wp, 2 * wp + 1): a unit-stride loop over the output row.
      for (int64_t wp = 0; wp < covered / 2; ++wp) {
        float gv = g[wp];
        int cv = code[wp];
        dx[2 * wp] = a + b * (x[2 * wp] - mean) + (cv == pos0 ? k * gv : 0.f);
        dx[2 * wp + 1] = a + b * (x[2 * wp + 1] - mean) + (cv == pos0 + 1 ? k * gv : 0.f);
      }
      w = covered;
    } else {
      for (; w < covered; ++w) {
        float v = a + b * (x[w] - mean);
        float gv = g[w];
        dx[w] = v + (static_cast<int>(code[w]) == 0 ? k * gv : 0.f);
      }
    }
  }
  for (; w < W; ++w) dx[w] = a + b * (x[w] - mean);
}

// e^x in a form the loops below vectorize (glibc's expf is one call per element): Cody-Waite
// range reduction x = n ln2 + r and Cephes expf's degree-6 polynomial for e^r (about 1 ulp, as
// the Sleef expf ATen's SiLU uses). x is clamped to [-87, 88], where 2^n stays a normal float;
// the SiLU rows only use it in 1 / (1 + e^-y), where that clamp does not change the float result.
__attribute__((always_inline)) inline float ExpF(float x) {
  x = x < 88.f ? x : 88.f;
  x = x > -87.f ? x : -87.f;
  // n = round(x / ln2) by adding and subtracting 1.5 * 2^23 (no call to floor, which the baseline
  // x86-64 clone would make per element, keeping the loop scalar).
  float n = (x * 1.44269504088896341f + 12582912.f) - 12582912.f;
  float r = x - n * 0.693359375f - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.f;
  int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float two_n;
  __builtin_memcpy(&two_n, &bits, sizeof two_n);
  return p * two_n;
}

// SiLU of the normalized value y = x * scale + shift: y * sigmoid(y), as ATen's silu
// (x / (1 + e^-x)); its derivative as ATen's silu_backward: sigmoid(y) * (1 + y * (1 - sigmoid(y))).
__attribute__((always_inline)) inline float SiluOf(float y) { return y / (1.f + ExpF(-y)); }
__attribute__((always_inline)) inline float SiluSlope(float y) {
  float s = 1.f / (1.f + ExpF(-y));
  return s * (1.f + y * (1.f - s));
}

// Forward, SiLU: W pixels of C channels (CL), or n values of one channel (CF).
ALZ_CLONES void SiluRowCL(const float* __restrict__ x, int64_t W, int64_t C, const float* __restrict__ scale, const float* __restrict__ shift,
                          float* __restrict__ out) {
  for (int64_t w = 0; w < W; ++w) {
    const float* __restrict__ xw = x + w * C;
    float* __restrict__ ow = out + w * C;
    Channels(C, [=](int64_t c) { ow[c] = SiluOf(xw[c] * scale[c] + shift[c]); });
  }
}

ALZ_CLONES void SiluRunCF(const float* __restrict__ x, int64_t n, float scale, float shift, float* __restrict__ out) {
  for (int64_t i = 0; i < n; ++i) out[i] = SiluOf(x[i] * scale + shift);
}

// ReLU of the same, one channel's run (CF, kernel 1).
ALZ_CLONES void ReluRunCF(const float* __restrict__ x, int64_t n, float scale, float shift, float* __restrict__ out, uint8_t* __restrict__ code) {
  for (int64_t i = 0; i < n; ++i) {
    float y = x[i] * scale + shift;
    bool live = !(y <= 0.f);
    out[i] = live ? y : 0.f;
    code[i] = static_cast<uint8_t>(live ? 0 : kCut);
  }
}

// Backward pass 1, SiLU: over one row, adds d = g * silu'(y) and d * (x - mean) into sg[c], sgx[c].
ALZ_CLONES void SiluGradSumRowCL(const float* __restrict__ g, int64_t gs, const float* __restrict__ x, int64_t W, int64_t C, const float* __restrict__ scale,
                                 const float* __restrict__ shift, const float* __restrict__ mean, float* __restrict__ sg, float* __restrict__ sgx) {
  for (int64_t w = 0; w < W; ++w) {
    const float* __restrict__ gw = g + w * gs;
    const float* __restrict__ xw = x + w * C;
    Channels(C, [=](int64_t c) {
      float d = gw[c] * SiluSlope(xw[c] * scale[c] + shift[c]);
      sg[c] += d;
      sgx[c] += d * (xw[c] - mean[c]);
    });
  }
}

ALZ_CLONES void SiluGradSumRunCF(const float* __restrict__ g, const float* __restrict__ x, int64_t n, float scale, float shift, float mean, double& sg,
                                 double& sgx) {
  float a[16] = {0}, b[16] = {0};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; ++j) {
      float d = g[i + j] * SiluSlope(x[i + j] * scale + shift);
      a[j] += d;
      b[j] += d * (x[i + j] - mean);
    }
  double s = 0, t = 0;
  for (int j = 0; j < 16; ++j) s += a[j], t += b[j];
  for (; i < n; ++i) {
    double d = g[i] * SiluSlope(x[i] * scale + shift);
    s += d;
    t += d * (static_cast<double>(x[i]) - mean);
  }
  sg += s;
  sgx += t;
}

// Backward pass 2, SiLU: dx = k * g * silu'(y) + a + b * (x - mean).
ALZ_CLONES void SiluGradInputRowCL(const float* __restrict__ g, int64_t gs, const float* __restrict__ x, int64_t W, int64_t C, const float* __restrict__ scale,
                                   const float* __restrict__ shift, const float* __restrict__ mean, const float* __restrict__ a,
                                   const float* __restrict__ b, const float* __restrict__ k, float* __restrict__ dx) {
  for (int64_t w = 0; w < W; ++w) {
    const float* __restrict__ gw = g + w * gs;
    const float* __restrict__ xw = x + w * C;
    float* __restrict__ dw = dx + w * C;
    Channels(C, [=](int64_t c) {
      dw[c] = k[c] * gw[c] * SiluSlope(xw[c] * scale[c] + shift[c]) + a[c] + b[c] * (xw[c] - mean[c]);
    });
  }
}

ALZ_CLONES void SiluGradInputRunCF(const float* __restrict__ g, const float* __restrict__ x, int64_t n, float scale, float shift, float mean, float a,
                                   float b, float k, float* __restrict__ dx) {
  for (int64_t i = 0; i < n; ++i) dx[i] = k * g[i] * SiluSlope(x[i] * scale + shift) + a + b * (x[i] - mean);
}

// Where the tensors' elements are: the layout both passes use.
struct Geometry {
  int64_t n, c, h, w, hp, wp;
  int kernel;
  bool cl;  // NHWC (channels-last) rather than NCHW
};

Geometry GeometryOf(const at::Tensor& x, int64_t kernel) {
  Geometry g{x.size(0), x.size(1), x.size(2), x.size(3), x.size(2) / kernel, x.size(3) / kernel, static_cast<int>(kernel), false};
  // When both layouts hold (one channel, or one pixel) the memory is the same; NCHW loops are simpler.
  g.cl = !x.is_contiguous() && x.is_contiguous(at::MemoryFormat::ChannelsLast);
  return g;
}

// Splits [0, rows) into at most get_num_threads() fixed chunks, so that sums are reproducible
// for a given thread count, and runs f(chunk, begin, end) in parallel. Like ATen's kernels
// (at::internal::GRAIN_SIZE), a tensor of fewer than 32,768 elements per thread gets fewer
// chunks, down to one run in line: waking a sleeping OpenMP thread costs more than such a pass.
template <typename F>
void ForChunks(int64_t elements, int64_t rows, const F& f) {
  constexpr int64_t kGrain = 32768;
  int64_t chunks = std::max<int64_t>(1, std::min<int64_t>({static_cast<int64_t>(at::get_num_threads()), rows, elements / kGrain}));
  if (chunks == 1) return f(0, 0, rows);
  at::parallel_for(0, chunks, 1, [&](int64_t b, int64_t e) {
    for (int64_t k = b; k < e; ++k) f(k, rows * k / chunks, rows * (k + 1) / chunks);
  });
}

// Two sums per channel over all rows, in double: `first[c]`, `second[c]`. CL: rows are NHWC pixel
// rows, and clRow(r, a, b) adds row r's float partial sums into a[c], b[c] (the caller's row
// functions keep float rounding small over one row); CF: rows are one channel's runs,
// `rowsPerPlane` per (n, c) plane, and cfRow(r, c, a, b) adds into the doubles a, b. Per-chunk
// accumulators summed in chunk order: reproducible for a given thread count.
template <typename ClRow, typename CfRow>
void ChannelSums(const Geometry& g, int64_t elements, int64_t rowsPerPlane, const ClRow& clRow, const CfRow& cfRow, std::vector<double>& first,
                 std::vector<double>& second) {
  const int64_t C = g.c;
  const int64_t chunks = std::max<int64_t>(1, at::get_num_threads());
  std::vector<double> acc(static_cast<size_t>(2 * chunks * C), 0.0);
  if (g.cl) {
    ForChunks(elements, g.n * rowsPerPlane, [&](int64_t k, int64_t b, int64_t e) {
      double* s = &acc[2 * k * C];
      double* t = s + C;
      std::vector<float> rs(C), rt(C);
      for (int64_t r = b; r < e; ++r) {
        std::fill(rs.begin(), rs.end(), 0.f);
        std::fill(rt.begin(), rt.end(), 0.f);
        clRow(r, rs.data(), rt.data());
        for (int64_t c = 0; c < C; ++c) s[c] += rs[c], t[c] += rt[c];
      }
    });
  } else {
    ForChunks(elements, g.n * C * rowsPerPlane, [&](int64_t k, int64_t b, int64_t e) {
      double* s = &acc[2 * k * C];
      double* t = s + C;
      for (int64_t r = b; r < e; ++r) {
        int64_t c = (r / rowsPerPlane) % C;
        cfRow(r, c, s[c], t[c]);
      }
    });
  }
  first.assign(C, 0.0);
  second.assign(C, 0.0);
  for (int64_t k = 0; k < chunks; ++k)
    for (int64_t c = 0; c < C; ++c) first[c] += acc[2 * k * C + c], second[c] += acc[2 * k * C + C + c];
}

// Per-channel mean and biased variance of x over N, H, W, in double. Shifted by each channel's
// first value so that the one-pass sum of squares does not cancel when |mean| >> std.
void BatchMoments(const at::Tensor& x, const Geometry& g, std::vector<double>& mean, std::vector<double>& var) {
  const float* px = x.data_ptr<float>();
  const int64_t C = g.c, HW = g.h * g.w;
  std::vector<float> shift(C);
  for (int64_t c = 0; c < C; ++c) shift[c] = g.cl ? px[c] : px[c * HW];
  std::vector<double> sums, squares;
  ChannelSums(
      g, x.numel(), g.h, [&](int64_t r, float* a, float* b) { StatsRowCL(px + r * g.w * C, g.w, C, shift.data(), a, b); },
      [&](int64_t r, int64_t c, double& a, double& b) { StatsRunCF(px + r * g.w, g.w, shift[c], a, b); }, sums, squares);
  const double count = static_cast<double>(g.n * HW);
  mean.assign(C, 0.0);
  var.assign(C, 0.0);
  for (int64_t c = 0; c < C; ++c) {
    double s = sums[c], ss = squares[c];
    double m = s / count;
    mean[c] = shift[c] + m;
    var[c] = std::max(0.0, ss / count - m * m);
  }
}

const float* DataOrNull(const at::Tensor& t) { return t.defined() ? t.data_ptr<float>() : nullptr; }

// The incoming gradient as the CL rows read it: row (n, h) at base + n * sn + h * sh, pixel w of a
// row at + w * gs, its C channels adjacent. A dense channels-last gradient is that; so is a channel
// slice of a wider channels-last tensor (torch.cat's backward hands each branch one), which is
// read in place instead of copied. Anything else (and every CF gradient) is made dense first.
struct GradRows {
  at::Tensor t;  // keeps a dense copy alive when one was made
  const float* base;
  int64_t sn, sh, gs;
  const float* Row(int64_t n, int64_t h) const { return base + n * sn + h * sh; }
};

GradRows GradRowsOf(const at::Tensor& grad, const Geometry& g, int64_t H, int64_t W) {
  if (g.cl && grad.dim() == 4 && grad.size(0) == g.n && grad.size(1) == g.c && grad.size(2) == H && grad.size(3) == W && grad.stride(1) == 1 &&
      grad.stride(3) >= g.c && grad.scalar_type() == at::kFloat)
    return {grad, grad.data_ptr<float>(), grad.stride(0), grad.stride(2), grad.stride(3)};
  at::Tensor dense = grad.contiguous(g.cl ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
  return {dense, dense.data_ptr<float>(), H * W * g.c, W * g.c, g.c};
}

// Batch norm as y = x * scale + shift per channel: scale = weight * invstd, shift = bias - mean *
// scale (ATen's batch_norm_cpu_collect_linear_and_constant_terms).
void ScaleShift(const at::Tensor& mean, const at::Tensor& invstd, const at::Tensor& w, const at::Tensor& b, std::vector<float>& scale,
                std::vector<float>& shift) {
  const int64_t C = mean.size(0);
  const float *pm = mean.data_ptr<float>(), *pi = invstd.data_ptr<float>(), *pw = DataOrNull(w), *pb = DataOrNull(b);
  scale.resize(C);
  shift.resize(C);
  for (int64_t c = 0; c < C; ++c) {
    scale[c] = (pw ? pw[c] : 1.f) * pi[c];
    shift[c] = (pb ? pb[c] : 0.f) - pm[c] * scale[c];
  }
}

// The input gradient's per-channel terms, dx = k * d + a + b * (x - mean) with d the gradient
// reaching the normalized value: k = weight * invstd; with batch statistics a = -k * mean(d),
// b = -k * invstd^2 * mean(d * (x - mean)) (Ioffe & Szegedy 2015, the backward pass; ATen's
// batch_norm_backward); with running statistics a = b = 0. Also the weight and bias gradients.
struct NormGradTerms {
  std::vector<float> k, a, b;
  at::Tensor dweight, dbias;
};

NormGradTerms GradTerms(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& w, const at::Tensor& invstd, const std::vector<double>& sg,
                        const std::vector<double>& sgx, bool training, double count) {
  const int64_t C = static_cast<int64_t>(sg.size());
  const float *pi = invstd.data_ptr<float>(), *pw = DataOrNull(w);
  NormGradTerms t;
  if (ctx->needs_input_grad(1)) {
    t.dweight = at::empty({C}, x.options().memory_format(at::MemoryFormat::Contiguous));
    float* p = t.dweight.data_ptr<float>();
    for (int64_t c = 0; c < C; ++c) p[c] = static_cast<float>(sgx[c] * pi[c]);
  }
  if (ctx->needs_input_grad(2)) {
    t.dbias = at::empty({C}, x.options().memory_format(at::MemoryFormat::Contiguous));
    float* p = t.dbias.data_ptr<float>();
    for (int64_t c = 0; c < C; ++c) p[c] = static_cast<float>(sg[c]);
  }
  t.k.assign(C, 0.f);
  t.a.assign(C, 0.f);
  t.b.assign(C, 0.f);
  for (int64_t c = 0; c < C; ++c) {
    double k = (pw ? pw[c] : 1.0) * pi[c];
    t.k[c] = static_cast<float>(k);
    if (training) {
      t.a[c] = static_cast<float>(-k * sg[c] / count);
      t.b[c] = static_cast<float>(-k * pi[c] * pi[c] * sgx[c] / count);
    }
  }
  return t;
}

// The autograd node: normalize (with the given per-channel mean and invstd), ReLU, pool. The
// statistics are inputs that do not take a gradient; `training` says whether they were the
// batch's own, in which case the backward adds the terms of their dependence on the input.
struct NormReluPool : public torch::autograd::Function<NormReluPool> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const c10::optional<at::Tensor>& weight,
                            const c10::optional<at::Tensor>& bias, const at::Tensor& mean, const at::Tensor& invstd, bool training,
                            int64_t kernel) {
    const Geometry g = GeometryOf(x, kernel);
    const int64_t C = g.c;
    at::Tensor w = weight.value_or(at::Tensor()), b = bias.value_or(at::Tensor());
    std::vector<float> scale, shift;
    ScaleShift(mean, invstd, w, b, scale, shift);
    auto format = g.cl ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
    at::Tensor out = at::empty({g.n, C, g.hp, g.wp}, x.options().memory_format(format));
    at::Tensor code = at::empty({g.n, C, g.hp, g.wp}, x.options().dtype(at::kByte).memory_format(format));
    at::Tensor xsel = kernel == 2 ? at::empty({g.n, C, g.hp, g.wp}, x.options().memory_format(format)) : at::Tensor();
    const float* px = x.data_ptr<float>();
    float* po = out.data_ptr<float>();
    uint8_t* pk = code.data_ptr<uint8_t>();
    float* ps = kernel == 2 ? xsel.data_ptr<float>() : nullptr;
    if (g.cl) {
      ForChunks(x.numel(), g.n * g.hp, [&](int64_t, int64_t b0, int64_t e0) {
        for (int64_t r = b0; r < e0; ++r) {
          int64_t n = r / g.hp, hp = r % g.hp, o = r * g.wp * C;
          if (kernel == 2) {
            const float* r0 = px + (n * g.h + 2 * hp) * g.w * C;
            PoolRowCL(r0, r0 + g.w * C, g.wp, C, scale.data(), shift.data(), po + o, pk + o, ps + o);
          } else {
            ReluRowCL(px + o, g.w, C, scale.data(), shift.data(), po + o, pk + o);
          }
        }
      });
    } else {
      ForChunks(x.numel(), g.n * C * g.hp, [&](int64_t, int64_t b0, int64_t e0) {
        for (int64_t r = b0; r < e0; ++r) {
          int64_t plane = r / g.hp, hp = r % g.hp, c = plane % C, o = r * g.wp;
          if (kernel == 2) {
            const float* r0 = px + (plane * g.h + 2 * hp) * g.w;
            PoolRowCF(r0, r0 + g.w, g.wp, scale[c], shift[c], po + o, pk + o, ps + o);
          } else {
            ReluRunCF(px + o, g.w, scale[c], shift[c], po + o, pk + o);
          }
        }
      });
    }
    ctx->save_for_backward({x, w, mean, invstd});
    ctx->saved_data["code"] = code;
    ctx->saved_data["xsel"] = xsel;
    ctx->saved_data["training"] = training;
    ctx->saved_data["kernel"] = kernel;
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    variable_list saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &w = saved[1], &mean = saved[2], &invstd = saved[3];
    const at::Tensor code = ctx->saved_data["code"].toTensor();
    const bool training = ctx->saved_data["training"].toBool();
    const int64_t kernel = ctx->saved_data["kernel"].toInt();
    const at::Tensor xsel = kernel == 2 ? ctx->saved_data["xsel"].toTensor() : x;
    const Geometry g = GeometryOf(x, kernel);
    const int64_t C = g.c;
    // The gradient arrives in whatever layout the next layer's backward made; CL rows read it in place.
    const GradRows gr = GradRowsOf(grads[0], g, g.hp, g.wp);
    const float *pg = gr.base, *ps = xsel.data_ptr<float>(), *pm = mean.data_ptr<float>();
    const uint8_t* pk = code.data_ptr<uint8_t>();

    // Pass 1: per channel, the sum of the live gradient and of gradient * (x at the maximum - mean).
    std::vector<double> sg, sgx;
    ChannelSums(
        g, x.numel(), g.hp,
        [&](int64_t r, float* a, float* b) {
          int64_t o = r * g.wp * C;
          GradSumRowCL(gr.Row(r / g.hp, r % g.hp), gr.gs, pk + o, ps + o, g.wp, C, pm, a, b);
        },
        [&](int64_t r, int64_t c, double& a, double& b) {
          int64_t o = r * g.wp;
          GradSumRunCF(pg + o, pk + o, ps + o, g.wp, pm[c], a, b);
        },
        sg, sgx);
    NormGradTerms t = GradTerms(ctx, x, w, invstd, sg, sgx, training, static_cast<double>(g.n * g.h * g.w));
    const std::vector<float>&kk = t.k, &a = t.a, &b = t.b;
    at::Tensor dx;
    if (ctx->needs_input_grad(0)) {
      dx = at::empty_like(x, g.cl ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
      const float* px = x.data_ptr<float>();
      float* pd = dx.data_ptr<float>();
      const int64_t covered = g.wp * kernel;
      if (g.cl) {
        ForChunks(x.numel(), g.n * g.h, [&](int64_t, int64_t b0, int64_t e0) {
          for (int64_t r = b0; r < e0; ++r) {
            int64_t n = r / g.h, h = r % g.h, hp = h / kernel;
            bool inside = hp < g.hp;
            int64_t o = (n * g.hp + hp) * g.wp * C;
            GradInputRowCL(px + r * g.w * C, inside ? gr.Row(n, hp) : nullptr, gr.gs, inside ? pk + o : nullptr, g.w, covered, C, static_cast<int>(kernel),
                           kernel == 2 ? 2 * static_cast<int>(h & 1) : 0, pm, a.data(), b.data(), kk.data(), pd + r * g.w * C);
          }
        });
      } else {
        ForChunks(x.numel(), g.n * C * g.h, [&](int64_t, int64_t b0, int64_t e0) {
          for (int64_t r = b0; r < e0; ++r) {
            int64_t plane = r / g.h, h = r % g.h, c = plane % C, hp = h / kernel;
            bool inside = hp < g.hp;
            int64_t o = (plane * g.hp + hp) * g.wp;
            GradInputRowCF(px + r * g.w, inside ? pg + o : nullptr, inside ? pk + o : nullptr, g.w, covered, static_cast<int>(kernel),
                           kernel == 2 ? 2 * static_cast<int>(h & 1) : 0, pm[c], a[c], b[c], kk[c], pd + r * g.w);
          }
        });
      }
    }
    return {dx, t.dweight, t.dbias, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// The autograd node for batch norm -> SiLU: saves only the input (and the statistics) and
// recomputes y and sigmoid(y) in the backward, which reads the input and the gradient twice
// (sums, then the input gradient) and writes one tensor.
struct NormSilu : public torch::autograd::Function<NormSilu> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const c10::optional<at::Tensor>& weight,
                            const c10::optional<at::Tensor>& bias, const at::Tensor& mean, const at::Tensor& invstd, bool training) {
    const Geometry g = GeometryOf(x, 1);
    const int64_t C = g.c;
    at::Tensor w = weight.value_or(at::Tensor()), b = bias.value_or(at::Tensor());
    std::vector<float> scale, shift;
    ScaleShift(mean, invstd, w, b, scale, shift);
    at::Tensor out = at::empty_like(x, g.cl ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
    const float* px = x.data_ptr<float>();
    float* po = out.data_ptr<float>();
    if (g.cl) {
      ForChunks(x.numel(), g.n * g.h, [&](int64_t, int64_t b0, int64_t e0) {
        for (int64_t r = b0; r < e0; ++r) SiluRowCL(px + r * g.w * C, g.w, C, scale.data(), shift.data(), po + r * g.w * C);
      });
    } else {
      ForChunks(x.numel(), g.n * C * g.h, [&](int64_t, int64_t b0, int64_t e0) {
        for (int64_t r = b0; r < e0; ++r) {
          int64_t c = (r / g.h) % C;
          SiluRunCF(px + r * g.w, g.w, scale[c], shift[c], po + r * g.w);
        }
      });
    }
    ctx->save_for_backward({x, w, b, mean, invstd});
    ctx->saved_data["training"] = training;
    return out;
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    variable_list saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &w = saved[1], &bias = saved[2], &mean = saved[3], &invstd = saved[4];
    const bool training = ctx->saved_data["training"].toBool();
    const Geometry g = GeometryOf(x, 1);
    const int64_t C = g.c;
    std::vector<float> scale, shift;
    ScaleShift(mean, invstd, w, bias, scale, shift);
    const GradRows gr = GradRowsOf(grads[0], g, g.h, g.w);
    const float *pg = gr.base, *px = x.data_ptr<float>(), *pm = mean.data_ptr<float>();

    std::vector<double> sg, sgx;
    ChannelSums(
        g, x.numel(), g.h,
        [&](int64_t r, float* a, float* b) {
          int64_t o = r * g.w * C;
          SiluGradSumRowCL(gr.Row(r / g.h, r % g.h), gr.gs, px + o, g.w, C, scale.data(), shift.data(), pm, a, b);
        },
        [&](int64_t r, int64_t c, double& a, double& b) {
          int64_t o = r * g.w;
          SiluGradSumRunCF(pg + o, px + o, g.w, scale[c], shift[c], pm[c], a, b);
        },
        sg, sgx);
    NormGradTerms t = GradTerms(ctx, x, w, invstd, sg, sgx, training, static_cast<double>(g.n * g.h * g.w));
    at::Tensor dx;
    if (ctx->needs_input_grad(0)) {
      dx = at::empty_like(x, g.cl ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
      float* pd = dx.data_ptr<float>();
      if (g.cl) {
        ForChunks(x.numel(), g.n * g.h, [&](int64_t, int64_t b0, int64_t e0) {
          for (int64_t r = b0; r < e0; ++r) {
            int64_t o = r * g.w * C;
            SiluGradInputRowCL(gr.Row(r / g.h, r % g.h), gr.gs, px + o, g.w, C, scale.data(), shift.data(), pm, t.a.data(), t.b.data(), t.k.data(),
                               pd + o);
          }
        });
      } else {
        ForChunks(x.numel(), g.n * C * g.h, [&](int64_t, int64_t b0, int64_t e0) {
          for (int64_t r = b0; r < e0; ++r) {
            int64_t c = (r / g.h) % C, o = r * g.w;
            SiluGradInputRunCF(pg + o, px + o, g.w, scale[c], shift[c], pm[c], t.a[c], t.b[c], t.k[c], pd + o);
          }
        });
      }
    }
    return {dx, t.dweight, t.dbias, at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

void CheckChannelVector(const c10::optional<at::Tensor>& t, const char* name, int64_t C) {
  if (!t.has_value() || !t->defined()) return;
  TORCH_CHECK(t->device().is_cpu() && t->scalar_type() == at::kFloat && t->dim() == 1 && t->size(0) == C && t->is_contiguous(),
              "alzbench::batch_norm_activation: ", name, " must be a contiguous float32 CPU tensor of shape [", C, "], got ",
              t->scalar_type(), " ", t->sizes(), " on ", t->device());
}

at::Tensor BatchNormActivation(const at::Tensor& input, const c10::optional<at::Tensor>& weight, const c10::optional<at::Tensor>& bias,
                               const c10::optional<at::Tensor>& running_mean, const c10::optional<at::Tensor>& running_var, bool training,
                               double momentum, double eps, c10::string_view activation, int64_t kernel_size) {
  const bool silu = activation == "silu";
  TORCH_CHECK(silu || activation == "relu", "alzbench::batch_norm_activation: activation must be \"relu\" or \"silu\", got \"", activation, "\"");
  TORCH_CHECK(kernel_size == 1 || (kernel_size == 2 && !silu),
              "alzbench::batch_norm_activation: kernel_size must be 1 (no pooling) or, after ReLU, 2, got ", kernel_size, " after ", activation);
  TORCH_CHECK(input.device().is_cpu() && input.scalar_type() == at::kFloat && input.dim() == 4,
              "alzbench::batch_norm_activation: input must be a 4-D float32 CPU tensor, got ", input.scalar_type(), " ", input.sizes(),
              " on ", input.device());
  TORCH_CHECK(input.is_contiguous() || input.is_contiguous(at::MemoryFormat::ChannelsLast),
              "alzbench::batch_norm_activation: input must be contiguous or channels-last, got strides ", input.strides());
  TORCH_CHECK(input.size(2) >= kernel_size && input.size(3) >= kernel_size && input.numel() > 0,
              "alzbench::batch_norm_activation: input ", input.sizes(), " is smaller than the ", kernel_size, "x", kernel_size, " window");
  const int64_t C = input.size(1);
  CheckChannelVector(weight, "weight", C);
  CheckChannelVector(bias, "bias", C);
  CheckChannelVector(running_mean, "running_mean", C);
  CheckChannelVector(running_var, "running_var", C);
  const bool hasRunning = running_mean.has_value() && running_mean->defined() && running_var.has_value() && running_var->defined();
  TORCH_CHECK(training || hasRunning, "alzbench::batch_norm_activation: running_mean and running_var are needed when training is false");

  at::Tensor mean = at::empty({C}, input.options().memory_format(at::MemoryFormat::Contiguous));
  at::Tensor invstd = at::empty({C}, input.options().memory_format(at::MemoryFormat::Contiguous));
  float* pm = mean.data_ptr<float>();
  float* pi = invstd.data_ptr<float>();
  if (training) {
    const Geometry g = GeometryOf(input, kernel_size);
    std::vector<double> m, v;
    BatchMoments(input, g, m, v);
    const double count = static_cast<double>(g.n * g.h * g.w);
    for (int64_t c = 0; c < C; ++c) {
      pm[c] = static_cast<float>(m[c]);
      pi[c] = static_cast<float>(1.0 / std::sqrt(v[c] + eps));
    }
    if (hasRunning) {
      // As aten::batch_norm: the running variance takes the unbiased batch variance.
      float* rm = running_mean->data_ptr<float>();
      float* rv = running_var->data_ptr<float>();
      for (int64_t c = 0; c < C; ++c) {
        rm[c] = static_cast<float>(momentum * m[c] + (1 - momentum) * rm[c]);
        rv[c] = static_cast<float>(momentum * v[c] * count / (count - 1) + (1 - momentum) * rv[c]);
      }
    }
  } else {
    const float* rm = running_mean->data_ptr<float>();
    const float* rv = running_var->data_ptr<float>();
    for (int64_t c = 0; c < C; ++c) {
      pm[c] = rm[c];
      pi[c] = static_cast<float>(1.0 / std::sqrt(static_cast<double>(rv[c]) + eps));
    }
  }
  if (silu) return NormSilu::apply(input, weight, bias, mean, invstd, training);
  return NormReluPool::apply(input, weight, bias, mean, invstd, training, kernel_size);
}

}  // namespace

TORCH_LIBRARY(alzbench, m) {
  m.def(
      "batch_norm_activation(Tensor input, Tensor? weight, Tensor? bias, Tensor(a!)? running_mean, Tensor(b!)? running_var, "
      "bool training, float momentum, float eps, str activation, int kernel_size) -> Tensor");
}

TORCH_LIBRARY_IMPL(alzbench, CompositeImplicitAutograd, m) { m.impl("batch_norm_activation", TORCH_FN(BatchNormActivation)); }

}  // namespace alz
