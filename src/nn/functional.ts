/**
 * Stateless neural-network functions (torch.nn.functional). Each is one ATen op (or a few), so
 * values and gradients equal PyTorch's.
 */
import type { Tensor } from '../torch/tensor.js';
import { callOp, callTensorOp as op } from '../torch/tensor.js';
import { empty } from '../torch/creation.js';

/** One int or a pair, as PyTorch accepts for kernel sizes, strides and paddings. */
export type Size2 = number | readonly [number, number];

function pair(v: Size2): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  stride?: Size2;
  /** Zero padding per side, or `same` / `valid`. Default 0. */
  padding?: Size2 | 'same' | 'valid';
  dilation?: Size2;
  groups?: number;
}

/**
 * 2-D convolution of NCHW `input` with `weight` [out, in/groups, kh, kw].
 *
 * Source: PyTorch `torch.nn.functional.conv2d` (https://pytorch.org/docs/stable/generated/torch.nn.functional.conv2d.html).
 *
 * @param input `[N, C_in, H, W]` (or unbatched `[C_in, H, W]`)
 * @param weight `[C_out, C_in / groups, kH, kW]`
 * @param bias `[C_out]`, or null (default) for none
 * @param options `stride` (default 1), `padding` (default 0; an int/pair of zeros per side, or `same` / `valid`),
 * `dilation` (default 1), `groups` (default 1)
 * @returns `[N, C_out, H_out, W_out]` with `H_out = floor((H + 2·padH − dilH·(kH − 1) − 1) / strideH) + 1` (likewise W)
 * @throws Error `aten::conv2d(<argument dtypes and shapes>) failed: <libtorch message>` when the channels do not match (e.g. "Given groups=1, weight of size [4, 3, 3, 3], expected input[1, 2, 5, 5] to have 3 channels"), the kernel is larger than the padded input, or the dtypes differ; `aten::conv2d.padding` for string paddings.
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const stride = pair(options.stride ?? 1);
  const dilation = pair(options.dilation ?? 1);
  const groups = options.groups ?? 1;
  const padding = options.padding ?? 0;
  if (typeof padding === 'string') return op('aten::conv2d.padding', [input, weight, bias, stride, padding, dilation, groups]);
  return op('aten::conv2d', [input, weight, bias, stride, pair(padding), dilation, groups]);
}

/**
 * x W^T + b.
 *
 * Source: PyTorch `torch.nn.functional.linear` (https://pytorch.org/docs/stable/generated/torch.nn.functional.linear.html).
 *
 * @param input `[..., in_features]`
 * @param weight `[out_features, in_features]`
 * @param bias `[out_features]`, or null (default) for none
 * @returns `[..., out_features]`
 * @throws Error `aten::linear(<argument dtypes and shapes>) failed: <libtorch message>` when `input`'s last dimension is not `in_features`.
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return op('aten::linear', [input, weight, bias]);
}

/**
 * Batch normalization. In training, batch statistics normalize and the running ones are updated
 * in place with `momentum`; in eval the running ones normalize.
 *
 * Source: Ioffe & Szegedy 2015, "Batch Normalization"; PyTorch `torch.nn.functional.batch_norm`.
 *
 * @param input `[N, C, ...]` (e.g. `[N, C, H, W]`)
 * @param runningMean `[C]` running mean, updated in place in training; null to always use batch statistics
 * @param runningVar `[C]` running (unbiased) variance, updated in place in training; null as above
 * @param weight `[C]` scale γ, or null for 1
 * @param bias `[C]` shift β, or null for 0
 * @param training use batch statistics and update the running ones (true) or normalize with the running ones (false)
 * @param momentum weight of the new batch statistic in the running update (default 0.1)
 * @param eps added to the variance for stability (default 1e-5)
 * @returns a tensor of `input`'s shape: `(x − mean) / sqrt(var + eps) · γ + β`
 * @throws Error `aten::batch_norm(<argument dtypes and shapes>) failed: <libtorch message>` when a `[C]` tensor's length is not the input's channel count C. (Unlike PyTorch's Python wrapper it does not
 * refuse training with one value per channel: the output is then about 0 and the running variance becomes NaN.)
 */
export function batchNorm(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  training: boolean,
  momentum = 0.1,
  eps = 1e-5,
): Tensor {
  return op('aten::batch_norm', [input, weight, bias, runningMean, runningVar, training, momentum, eps, true]);
}

/**
 * Rectified linear unit, `max(x, 0)`.
 *
 * Source: PyTorch `torch.nn.functional.relu` (https://pytorch.org/docs/stable/generated/torch.nn.functional.relu.html).
 *
 * @param x input of any shape
 * @returns a new tensor of `x`'s shape (`aten::relu`)
 * @throws Error `aten::relu(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch does not support `x`'s dtype for this op, or `x` was disposed.
 */
export function relu(x: Tensor): Tensor {
  return op('aten::relu', [x]);
}
/**
 * In-place ReLU: overwrites `x` with `max(x, 0)` (no new tensor; autograd's version counter
 * rejects it when `x` was saved for a backward that needs its old value).
 *
 * Source: PyTorch `torch.nn.functional.relu_` / `F.relu(x, inplace=True)`.
 *
 * @param x input of any shape; overwritten
 * @returns `x` itself (`aten::relu_`)
 * @throws Error `aten::relu_(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch does not support `x`'s dtype, `x` is a leaf that requires grad, or `x` was disposed.
 */
export function relu_(x: Tensor): Tensor {
  callOp('aten::relu_', [x]);
  return x;
}
/**
 * min(max(x, 0), 6), as F.relu6 (hardtanh(0, 6)).
 *
 * Source: PyTorch `torch.nn.functional.relu6` (https://pytorch.org/docs/stable/generated/torch.nn.functional.relu6.html).
 *
 * @param x input of any shape
 * @returns a new tensor of `x`'s shape (`aten::hardtanh`)
 * @throws Error `aten::hardtanh(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch does not support `x`'s dtype for this op, or `x` was disposed.
 */
export function relu6(x: Tensor): Tensor {
  return op('aten::hardtanh', [x, 0, 6]);
}
/**
 * SiLU (swish), `x · sigmoid(x)`; EfficientNet's activation.
 *
 * Source: PyTorch `torch.nn.functional.silu` (https://pytorch.org/docs/stable/generated/torch.nn.functional.silu.html).
 *
 * @param x input of any shape
 * @returns a new tensor of `x`'s shape (`aten::silu`)
 * @throws Error `aten::silu(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch does not support `x`'s dtype for this op, or `x` was disposed.
 */
export function silu(x: Tensor): Tensor {
  return op('aten::silu', [x]);
}
/**
 * In-place SiLU: overwrites `x` with `x · sigmoid(x)`.
 *
 * Source: PyTorch `F.silu(x, inplace=True)`.
 *
 * @param x input of any shape; overwritten
 * @returns `x` itself (`aten::silu_`)
 * @throws Error `aten::silu_(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch does not support `x`'s dtype, `x` is a leaf that requires grad, or `x` was disposed.
 */
export function silu_(x: Tensor): Tensor {
  callOp('aten::silu_', [x]);
  return x;
}
/**
 * Logistic sigmoid `1 / (1 + e^−x)`.
 *
 * Source: PyTorch `torch.sigmoid` (https://pytorch.org/docs/stable/generated/torch.sigmoid.html).
 *
 * @param x input of any shape
 * @returns a new tensor of `x`'s shape (`aten::sigmoid`)
 * @throws Error `aten::sigmoid(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch does not support `x`'s dtype for this op, or `x` was disposed.
 */
export function sigmoid(x: Tensor): Tensor {
  return op('aten::sigmoid', [x]);
}
/**
 * Hard swish `x · relu6(x + 3) / 6` (Howard et al. 2019, MobileNetV3).
 *
 * Source: PyTorch `torch.nn.functional.hardswish` (https://pytorch.org/docs/stable/generated/torch.nn.functional.hardswish.html).
 *
 * @param x input of any shape
 * @returns a new tensor of `x`'s shape (`aten::hardswish`)
 * @throws Error `aten::hardswish(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch does not support `x`'s dtype for this op, or `x` was disposed.
 */
export function hardswish(x: Tensor): Tensor {
  return op('aten::hardswish', [x]);
}
/**
 * GELU `x · Φ(x)` with the exact erf form (Hendrycks & Gimpel 2016).
 *
 * Source: PyTorch `torch.nn.functional.gelu` (https://pytorch.org/docs/stable/generated/torch.nn.functional.gelu.html).
 *
 * @param x input of any shape
 * @returns a new tensor of `x`'s shape (`aten::gelu`)
 * @throws Error `aten::gelu(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch does not support `x`'s dtype for this op, or `x` was disposed.
 */
export function gelu(x: Tensor): Tensor {
  return op('aten::gelu', [x]);
}
/**
 * Leaky ReLU: `x` for x ≥ 0, `negativeSlope · x` below.
 *
 * Source: PyTorch `torch.nn.functional.leaky_relu` (https://pytorch.org/docs/stable/generated/torch.nn.functional.leaky_relu.html).
 *
 * @param x input of any shape
 * @param negativeSlope slope below 0 (default 0.01)
 * @returns a new tensor of `x`'s shape (`aten::leaky_relu`)
 * @throws Error `aten::leaky_relu(<argument dtypes and shapes>) failed: <libtorch message>` when libtorch does not support `x`'s dtype for this op, or `x` was disposed.
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return op('aten::leaky_relu', [x, negativeSlope]);
}
/**
 * Softmax along `dim`: `exp(x) / sum(exp(x))`, computed stably.
 *
 * Source: PyTorch `torch.nn.functional.softmax` (https://pytorch.org/docs/stable/generated/torch.nn.functional.softmax.html).
 *
 * @param x input, e.g. logits `[N, classes]`
 * @param dim the dimension that sums to 1
 * @returns a tensor of `x`'s shape
 * @throws Error `aten::softmax.int(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or `x` is not floating point.
 */
export function softmax(x: Tensor, dim: number): Tensor {
  return op('aten::softmax.int', [x, dim]);
}
/**
 * Log of the softmax along `dim`, computed stably.
 *
 * Source: PyTorch `torch.nn.functional.log_softmax` (https://pytorch.org/docs/stable/generated/torch.nn.functional.log_softmax.html).
 *
 * @param x input, e.g. logits `[N, classes]`
 * @param dim the dimension that is normalised
 * @returns a tensor of `x`'s shape
 * @throws Error `aten::log_softmax.int(<argument dtypes and shapes>) failed: <libtorch message>` when `dim` is out of range or `x` is not floating point.
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return op('aten::log_softmax.int', [x, dim]);
}

/** Options of the 2-D pools. */
export interface Pool2dOptions {
  /** Default: the kernel size. */
  stride?: Size2;
  padding?: Size2;
  ceilMode?: boolean;
}

/**
 * 2-D max pooling.
 *
 * Source: PyTorch `torch.nn.functional.max_pool2d` (https://pytorch.org/docs/stable/generated/torch.nn.functional.max_pool2d.html).
 *
 * @param x `[N, C, H, W]` (or `[C, H, W]`)
 * @param kernelSize window size, an int or `[kH, kW]`
 * @param options `stride` (default: the kernel size), `padding` (default 0, at most half the kernel; pads with −inf),
 * `dilation` (default 1), `ceilMode` (default false: floor the output size)
 * @returns `[N, C, H_out, W_out]`, `H_out = floor((H + 2·pad − dil·(kH − 1) − 1) / stride) + 1` (ceil with `ceilMode`)
 * @throws Error `aten::max_pool2d(<argument dtypes and shapes>) failed: <libtorch message>` when the window does not fit the input or the padding exceeds half the kernel.
 */
export function maxPool2d(x: Tensor, kernelSize: Size2, options: Pool2dOptions & { dilation?: Size2 } = {}): Tensor {
  const k = pair(kernelSize);
  return op('aten::max_pool2d', [x, k, pair(options.stride ?? k), pair(options.padding ?? 0), pair(options.dilation ?? 1), options.ceilMode ?? false]);
}
/**
 * 2-D average pooling.
 *
 * Source: PyTorch `torch.nn.functional.avg_pool2d` (https://pytorch.org/docs/stable/generated/torch.nn.functional.avg_pool2d.html).
 *
 * @param x `[N, C, H, W]` (or `[C, H, W]`)
 * @param kernelSize window size, an int or `[kH, kW]`
 * @param options `stride` (default: the kernel size), `padding` (default 0), `ceilMode` (default false),
 * `countIncludePad` (default true: padded zeros count in the divisor)
 * @returns `[N, C, H_out, W_out]`, `H_out = floor((H + 2·pad − kH) / stride) + 1` (ceil with `ceilMode`)
 * @throws Error `aten::avg_pool2d(<argument dtypes and shapes>) failed: <libtorch message>` when the window does not fit the input or the padding exceeds half the kernel.
 */
export function avgPool2d(x: Tensor, kernelSize: Size2, options: Pool2dOptions & { countIncludePad?: boolean } = {}): Tensor {
  const k = pair(kernelSize);
  return op('aten::avg_pool2d', [
    x,
    k,
    pair(options.stride ?? k),
    pair(options.padding ?? 0),
    options.ceilMode ?? false,
    options.countIncludePad ?? true,
    null,
  ]);
}
/**
 * Average pooling to a fixed output size, whatever the input size (window i covers
 * `[floor(i·H/h), ceil((i+1)·H/h))`).
 *
 * Source: PyTorch `torch.nn.functional.adaptive_avg_pool2d` (https://pytorch.org/docs/stable/generated/torch.nn.functional.adaptive_avg_pool2d.html).
 *
 * @param x `[N, C, H, W]` (or `[C, H, W]`)
 * @param outputSize `[h, w]`, or one int for a square
 * @returns `[N, C, h, w]`
 * @throws Error `aten::adaptive_avg_pool2d(<argument dtypes and shapes>) failed: <libtorch message>` when `x` has another number of dimensions or a zero-sized dimension.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: Size2): Tensor {
  return op('aten::adaptive_avg_pool2d', [x, pair(outputSize)]);
}
/**
 * Max pooling to a fixed output size, whatever the input size (the indices are dropped).
 *
 * Source: PyTorch `torch.nn.functional.adaptive_max_pool2d` (https://pytorch.org/docs/stable/generated/torch.nn.functional.adaptive_max_pool2d.html).
 *
 * @param x `[N, C, H, W]` (or `[C, H, W]`)
 * @param outputSize `[h, w]`, or one int for a square
 * @returns `[N, C, h, w]`
 * @throws Error `aten::adaptive_max_pool2d(<argument dtypes and shapes>) failed: <libtorch message>` when `x` has another number of dimensions or a zero-sized dimension.
 */
export function adaptiveMaxPool2d(x: Tensor, outputSize: Size2): Tensor {
  return (callOp('aten::adaptive_max_pool2d', [x, pair(outputSize)]) as Tensor[])[0]!;
}

/**
 * Zeroes elements with probability p and scales the rest by 1/(1-p) in training; identity otherwise.
 * Draws from the global generator (see `manualSeed`).
 *
 * Source: Srivastava et al. 2014, "Dropout"; PyTorch `torch.nn.functional.dropout`.
 *
 * @param x input of any shape
 * @param p probability of zeroing, in [0, 1] (default 0.5)
 * @param training apply dropout (default true); false returns the input values unchanged
 * @returns a tensor of `x`'s shape
 * @throws Error `aten::dropout(<argument dtypes and shapes>) failed: <libtorch message>` when p is outside [0, 1].
 */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  return op('aten::dropout', [x, p, training]);
}
/**
 * Zeroes whole channels with probability p (Dropout2d), scaling the rest by 1/(1-p), in training.
 *
 * Source: Tompson et al. 2015; PyTorch `torch.nn.functional.dropout2d`.
 *
 * @param x `[N, C, H, W]`: each (sample, channel) map is kept or zeroed as a whole
 * @param p probability of zeroing a channel, in [0, 1] (default 0.5)
 * @param training apply dropout (default true); false returns the input values unchanged
 * @returns a tensor of `x`'s shape
 * @throws Error `aten::feature_dropout(<argument dtypes and shapes>) failed: <libtorch message>` when p is outside [0, 1].
 */
export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  return op('aten::feature_dropout', [x, p, training]);
}

/**
 * Drops whole samples' residual branch with probability p (torchvision.ops.stochastic_depth,
 * mode "row"), scaling survivors by 1/(1-p). EfficientNet uses it.
 *
 * Source: Huang et al. 2016, "Deep Networks with Stochastic Depth"; torchvision `torchvision/ops/stochastic_depth.py`.
 *
 * @param x `[N, ...]` residual branch output; each sample is kept or zeroed as a whole
 * @param p drop probability, in [0, 1]; with 1 every sample is zeroed
 * @param training apply it; false (or p = 0) returns `x` itself (not a copy)
 * @returns `x`, or a new tensor of `x`'s shape
 * @throws Error `aten::bernoulli_.float(...) failed: ...` when p is outside [0, 1].
 */
export function stochasticDepth(x: Tensor, p: number, training: boolean): Tensor {
  if (!training || p === 0) return x;
  const survival = 1 - p;
  const noise = empty([x.size(0), ...x.shape.slice(1).map(() => 1)], { dtype: x.dtype, device: x.device });
  noise.bernoulli_(survival);
  if (survival > 0) noise.div_(survival);
  const out = x.mul(noise);
  noise.dispose();
  return out;
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Per-class weights (float tensor of length C), e.g. inverse class frequencies. */
  weight?: Tensor | null;
  /** Default `mean` (weighted mean when `weight` is given, as PyTorch). */
  reduction?: 'none' | 'mean' | 'sum';
  ignoreIndex?: number;
  /** Mixes the one-hot target with the uniform distribution: 0 (default) to 1. */
  labelSmoothing?: number;
}

const REDUCTION = { none: 0, mean: 1, sum: 2 } as const;

/**
 * Cross entropy of logits [N, C] and int64 class indices [N], as F.cross_entropy.
 *
 * Source: PyTorch `torch.nn.functional.cross_entropy` (https://pytorch.org/docs/stable/generated/torch.nn.functional.cross_entropy.html).
 *
 * @param logits `[N, C]` unnormalized scores (or `[N, C, d1, ...]`)
 * @param target `[N]` int64 class indices in `[0, C)` (or `[N, d1, ...]`)
 * @param options `weight` per-class `[C]` (default none), `reduction` (default `mean`), `ignoreIndex`
 * (default −100: targets with this value contribute nothing), `labelSmoothing` (default 0)
 * @returns a 0-d loss (nats) for `mean`/`sum`, `[N]` for `none`
 * @throws Error `aten::cross_entropy_loss(<argument dtypes and shapes>) failed: <libtorch message>` when the target is not int64 ("expected scalar type Long but found Float"), a class index is out of range, or the shapes do not match.
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  return op('aten::cross_entropy_loss', [
    logits,
    target,
    options.weight ?? null,
    REDUCTION[options.reduction ?? 'mean'],
    options.ignoreIndex ?? -100,
    options.labelSmoothing ?? 0,
  ]);
}

/**
 * Negative log-likelihood of log-probabilities [N, C] and class indices [N].
 *
 * Source: PyTorch `torch.nn.functional.nll_loss` (https://pytorch.org/docs/stable/generated/torch.nn.functional.nll_loss.html).
 *
 * @param logProbs `[N, C]` log-probabilities (e.g. from {@link logSoftmax})
 * @param target `[N]` int64 class indices in `[0, C)`
 * @param options `weight` per-class `[C]` (default none), `reduction` (default `mean`), `ignoreIndex` (default −100)
 * @returns a 0-d loss for `mean`/`sum`, `[N]` for `none`
 * @throws Error `aten::nll_loss(<argument dtypes and shapes>) failed: <libtorch message>` when the target is not int64, a class index is out of range, or the shapes do not match.
 */
export function nllLoss(logProbs: Tensor, target: Tensor, options: Omit<CrossEntropyOptions, 'labelSmoothing'> = {}): Tensor {
  return op('aten::nll_loss', [logProbs, target, options.weight ?? null, REDUCTION[options.reduction ?? 'mean'], options.ignoreIndex ?? -100]);
}

/**
 * Mean squared error `(input − target)²`, reduced.
 *
 * Source: PyTorch `torch.nn.functional.mse_loss` (https://pytorch.org/docs/stable/generated/torch.nn.functional.mse_loss.html).
 *
 * @param input predictions, any shape
 * @param target the same shape as `input` (broadcast otherwise, silently: PyTorch's Python wrapper warns, ATen does not)
 * @param reduction `mean` (default), `sum` or `none`
 * @returns a 0-d loss for `mean`/`sum`, the broadcast shape for `none`
 * @throws Error `aten::mse_loss(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not broadcast or the dtypes differ.
 */
export function mseLoss(input: Tensor, target: Tensor, reduction: 'none' | 'mean' | 'sum' = 'mean'): Tensor {
  return op('aten::mse_loss', [input, target, REDUCTION[reduction]]);
}

/**
 * Binary cross entropy on logits, computed stably (log-sum-exp).
 *
 * Source: PyTorch `torch.nn.functional.binary_cross_entropy_with_logits` (https://pytorch.org/docs/stable/generated/torch.nn.functional.binary_cross_entropy_with_logits.html).
 *
 * @param logits any shape, unnormalized scores
 * @param target probabilities in [0, 1], `logits`' shape
 * @param options `weight` per element (broadcastable; default none), `posWeight` per class for positives
 * (broadcastable to the last dimension; default none), `reduction` (default `mean`)
 * @returns a 0-d loss for `mean`/`sum`, `logits`' shape for `none`
 * @throws Error `aten::binary_cross_entropy_with_logits(<argument dtypes and shapes>) failed: <libtorch message>` when the shapes do not match or the target is not floating point.
 */
export function binaryCrossEntropyWithLogits(
  logits: Tensor,
  target: Tensor,
  options: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: 'none' | 'mean' | 'sum' } = {},
): Tensor {
  return op('aten::binary_cross_entropy_with_logits', [
    logits,
    target,
    options.weight ?? null,
    options.posWeight ?? null,
    REDUCTION[options.reduction ?? 'mean'],
  ]);
}

/**
 * Sampling grid [N, H, W, 2] for affine matrices theta [N, 2, 3] and output size [N, C, H, W].
 *
 * Source: PyTorch `torch.nn.functional.affine_grid` (https://pytorch.org/docs/stable/generated/torch.nn.functional.affine_grid.html).
 *
 * @param theta `[N, 2, 3]` affine matrices mapping output to input coordinates in [−1, 1]
 * @param size `[N, C, H, W]` of the output
 * @param alignCorners −1 and 1 are the centres of the corner pixels (true) or their outer edges (default false)
 * @returns `[N, H, W, 2]` (x, y) coordinates for {@link gridSample}
 * @throws Error `aten::affine_grid_generator(<argument dtypes and shapes>) failed: <libtorch message>` when `theta` is not `[N, 2, 3]` with N matching `size`.
 */
export function affineGrid(theta: Tensor, size: readonly [number, number, number, number], alignCorners = false): Tensor {
  return op('aten::affine_grid_generator', [theta, size, alignCorners]);
}

const INTERPOLATION = { bilinear: 0, nearest: 1, bicubic: 2 } as const;
const PADDING = { zeros: 0, border: 1, reflection: 2 } as const;

/**
 * Samples `input` [N, C, H, W] at `grid` [N, H', W', 2] (coordinates in [-1, 1]), as F.grid_sample; a 5-D
 * input [N, C, D, H, W] with a grid [N, D', H', W', 3] samples a volume (`bilinear` is then trilinear).
 *
 * Source: PyTorch `torch.nn.functional.grid_sample` (https://pytorch.org/docs/stable/generated/torch.nn.functional.grid_sample.html).
 *
 * @param input `[N, C, H, W]` (or `[N, C, D, H, W]`)
 * @param grid `[N, H', W', 2]` (x, y) in [−1, 1] (or `[N, D', H', W', 3]` (x, y, z))
 * @param options `mode` `bilinear` (default), `nearest` or `bicubic`; `paddingMode` `zeros` (default), `border` or
 * `reflection` for points outside; `alignCorners` (default false), as in {@link affineGrid}
 * @returns `[N, C, H', W']` (or `[N, C, D', H', W']`)
 * @throws Error `aten::grid_sampler(<argument dtypes and shapes>) failed: <libtorch message>` when the batch sizes differ, the grid is not `[N, Ho, Wo, 2]`, or the dtypes differ.
 */
export function gridSample(
  input: Tensor,
  grid: Tensor,
  options: { mode?: keyof typeof INTERPOLATION; paddingMode?: keyof typeof PADDING; alignCorners?: boolean } = {},
): Tensor {
  return op('aten::grid_sampler', [
    input,
    grid,
    INTERPOLATION[options.mode ?? 'bilinear'],
    PADDING[options.paddingMode ?? 'zeros'],
    options.alignCorners ?? false,
  ]);
}

/**
 * Resizes NCHW images by bilinear interpolation to [h, w], as F.interpolate(mode='bilinear').
 *
 * Source: PyTorch `torch.nn.functional.interpolate` (https://pytorch.org/docs/stable/generated/torch.nn.functional.interpolate.html).
 *
 * @param x `[N, C, H, W]`, floating point
 * @param size `[h, w]` of the output, in pixels
 * @param alignCorners align the corner pixels' centres (default false, as PyTorch's default)
 * @returns `[N, C, h, w]`
 * @throws Error `aten::upsample_bilinear2d(<argument dtypes and shapes>) failed: <libtorch message>` when `x` is not 4-D or a size is not positive.
 */
export function interpolateBilinear(x: Tensor, size: readonly [number, number], alignCorners = false): Tensor {
  return op('aten::upsample_bilinear2d', [x, size, alignCorners, null, null]);
}

/**
 * Pads the last dimensions with a constant, `pad` as in F.pad: [left, right, top, bottom, ...].
 *
 * Source: PyTorch `torch.nn.functional.pad` (https://pytorch.org/docs/stable/generated/torch.nn.functional.pad.html).
 *
 * @param x input of any shape
 * @param padding pairs of (before, after) counts starting from the last dimension; negative values crop
 * @param value the fill value (default 0)
 * @returns a new tensor, each padded dimension grown by its two counts
 * @throws Error `aten::constant_pad_nd(<argument dtypes and shapes>) failed: <libtorch message>` when the list has an odd length, more pairs than dimensions, or crops below size 0.
 */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  return op('aten::constant_pad_nd', [x, padding, value]);
}

/**
 * One-hot encoding of int64 class indices.
 *
 * Source: PyTorch `torch.nn.functional.one_hot` (https://pytorch.org/docs/stable/generated/torch.nn.functional.one_hot.html).
 *
 * @param indices int64 class indices in `[0, numClasses)`, any shape
 * @param numClasses the number of classes; −1 infers max + 1
 * @returns an int64 tensor of shape `[...indices.shape, numClasses]`
 * @throws Error `aten::one_hot(<argument dtypes and shapes>) failed: <libtorch message>` when the indices are not int64 or one is out of range.
 */
export function oneHot(indices: Tensor, numClasses: number): Tensor {
  return op('aten::one_hot', [indices, numClasses]);
}

// ---- 3-D (volumes: N, C, D, H, W) ---------------------------------------------------------------

/** One int or a triple (depth, height, width), as PyTorch accepts for 3-D kernel sizes, strides and paddings. */
export type Size3 = number | readonly [number, number, number];

function triple(v: Size3): [number, number, number] {
  return typeof v === 'number' ? [v, v, v] : [v[0], v[1], v[2]];
}

/** Options of {@link conv3d}. */
export interface Conv3dOptions {
  stride?: Size3;
  /** Zero padding per side, or `same` / `valid`. Default 0. */
  padding?: Size3 | 'same' | 'valid';
  dilation?: Size3;
  groups?: number;
}

/**
 * 3-D convolution of NCDHW `input` with `weight` [out, in/groups, kd, kh, kw], as F.conv3d.
 *
 * Source: PyTorch `torch.nn.functional.conv3d`.
 *
 * @param input `[N, C_in, D, H, W]`
 * @param weight `[C_out, C_in / groups, kD, kH, kW]`
 * @param bias `[C_out]` or null (default)
 * @param options stride (default 1), padding (voxels or `same`/`valid`, default 0), dilation (default 1), groups (default 1)
 * @returns `[N, C_out, D', H', W']`
 * @throws Error naming the op and the argument shapes when libtorch rejects the call (e.g. a non-5-D input).
 */
export function conv3d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv3dOptions = {}): Tensor {
  const stride = triple(options.stride ?? 1);
  const dilation = triple(options.dilation ?? 1);
  const groups = options.groups ?? 1;
  const padding = options.padding ?? 0;
  if (typeof padding === 'string') return op('aten::conv3d.padding', [input, weight, bias, stride, padding, dilation, groups]);
  return op('aten::conv3d', [input, weight, bias, stride, triple(padding), dilation, groups]);
}

/** Options of the 3-D pools. */
export interface Pool3dOptions {
  /** Default: the kernel size. */
  stride?: Size3;
  padding?: Size3;
  ceilMode?: boolean;
}

/**
 * 3-D max pooling of NCDHW input, as F.max_pool3d.
 *
 * @param x `[N, C, D, H, W]`
 * @param kernelSize window in voxels (one number for all three axes)
 * @param options stride (default the kernel size), padding (default 0), dilation (default 1), ceilMode (default false)
 * @returns `[N, C, D', H', W']`
 * @throws Error naming the op and the argument shapes when libtorch rejects the call (e.g. a non-5-D input).
 */
export function maxPool3d(x: Tensor, kernelSize: Size3, options: Pool3dOptions & { dilation?: Size3 } = {}): Tensor {
  const k = triple(kernelSize);
  return op('aten::max_pool3d', [x, k, triple(options.stride ?? k), triple(options.padding ?? 0), triple(options.dilation ?? 1), options.ceilMode ?? false]);
}
/**
 * 3-D average pooling of NCDHW input, as F.avg_pool3d.
 *
 * @param x `[N, C, D, H, W]`
 * @param kernelSize window in voxels (one number for all three axes)
 * @param options stride (default the kernel size), padding (default 0), ceilMode (default false), countIncludePad (default true)
 * @returns `[N, C, D', H', W']`
 * @throws Error naming the op and the argument shapes when libtorch rejects the call (e.g. a non-5-D input).
 */
export function avgPool3d(x: Tensor, kernelSize: Size3, options: Pool3dOptions & { countIncludePad?: boolean } = {}): Tensor {
  const k = triple(kernelSize);
  return op('aten::avg_pool3d', [
    x,
    k,
    triple(options.stride ?? k),
    triple(options.padding ?? 0),
    options.ceilMode ?? false,
    options.countIncludePad ?? true,
    null,
  ]);
}
/**
 * Any NCDHW input to a fixed [d, h, w] output, as F.adaptive_avg_pool3d.
 *
 * @param x `[N, C, D, H, W]`
 * @param outputSize `[d, h, w]` (one number for a cube)
 * @returns `[N, C, d, h, w]`
 * @throws Error naming the op and the argument shapes when libtorch rejects the call (e.g. a non-5-D input).
 */
export function adaptiveAvgPool3d(x: Tensor, outputSize: Size3): Tensor {
  return op('aten::adaptive_avg_pool3d', [x, triple(outputSize)]);
}
/**
 * Zeroes whole channels of NCDHW input with probability p and scales the rest by 1/(1-p), as F.dropout3d.
 *
 * @param x `[N, C, D, H, W]`
 * @param p probability of zeroing a channel (default 0.5)
 * @param training only drops while training (default true); otherwise returns the input's values
 * @returns a tensor of the input's shape
 * @throws Error naming the op and the argument shapes when libtorch rejects the call (e.g. a non-5-D input).
 */
export function dropout3d(x: Tensor, p = 0.5, training = true): Tensor {
  return op('aten::feature_dropout', [x, p, training]);
}

/**
 * Sampling grid for 3-D affine matrices, as F.affine_grid on 5-D sizes.
 *
 * @param theta `[N, 3, 4]` affine matrices in normalized coordinates ([-1, 1])
 * @param size output size `[N, C, D, H, W]`
 * @param alignCorners as in F.affine_grid (default false)
 * @returns grid `[N, D, H, W, 3]` of (x, y, z), for {@link gridSample}
 * @throws Error naming the op and the argument shapes when libtorch rejects the call (e.g. a non-5-D input).
 */
export function affineGrid3d(theta: Tensor, size: readonly [number, number, number, number, number], alignCorners = false): Tensor {
  return op('aten::affine_grid_generator', [theta, size, alignCorners]);
}

/**
 * Resizes NCDHW volumes by trilinear interpolation, as F.interpolate(mode='trilinear').
 *
 * @param x `[N, C, D, H, W]`
 * @param size output `[d, h, w]`
 * @param alignCorners as in F.interpolate (default false)
 * @returns `[N, C, d, h, w]`
 * @throws Error naming the op and the argument shapes when libtorch rejects the call (e.g. a non-5-D input).
 */
export function interpolateTrilinear(x: Tensor, size: readonly [number, number, number], alignCorners = false): Tensor {
  return op('aten::upsample_trilinear3d', [x, size, alignCorners, null, null, null]);
}
