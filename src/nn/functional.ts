/**
 * Stateless neural-network functions (torch.nn.functional). Each is one ATen op (or a few), so
 * values and gradients equal PyTorch's.
 */
import { Tensor } from '../torch/tensor.js';
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

/** 2-D convolution of NCHW `input` with `weight` [out, in/groups, kh, kw]. */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const stride = pair(options.stride ?? 1);
  const dilation = pair(options.dilation ?? 1);
  const groups = options.groups ?? 1;
  const padding = options.padding ?? 0;
  if (typeof padding === 'string') return op('aten::conv2d.padding', [input, weight, bias, stride, padding, dilation, groups]);
  return op('aten::conv2d', [input, weight, bias, stride, pair(padding), dilation, groups]);
}

/** x W^T + b. */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return op('aten::linear', [input, weight, bias]);
}

/**
 * Batch normalization. In training, batch statistics normalize and the running ones are updated
 * in place with `momentum`; in eval the running ones normalize.
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

export function relu(x: Tensor): Tensor {
  return op('aten::relu', [x]);
}
/** min(max(x, 0), 6), as F.relu6 (hardtanh(0, 6)). */
export function relu6(x: Tensor): Tensor {
  return op('aten::hardtanh', [x, 0, 6]);
}
export function silu(x: Tensor): Tensor {
  return op('aten::silu', [x]);
}
export function sigmoid(x: Tensor): Tensor {
  return op('aten::sigmoid', [x]);
}
export function hardswish(x: Tensor): Tensor {
  return op('aten::hardswish', [x]);
}
export function gelu(x: Tensor): Tensor {
  return op('aten::gelu', [x]);
}
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return op('aten::leaky_relu', [x, negativeSlope]);
}
export function softmax(x: Tensor, dim: number): Tensor {
  return op('aten::softmax.int', [x, dim]);
}
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

export function maxPool2d(x: Tensor, kernelSize: Size2, options: Pool2dOptions & { dilation?: Size2 } = {}): Tensor {
  const k = pair(kernelSize);
  return op('aten::max_pool2d', [x, k, pair(options.stride ?? k), pair(options.padding ?? 0), pair(options.dilation ?? 1), options.ceilMode ?? false]);
}
export function avgPool2d(x: Tensor, kernelSize: Size2, options: Pool2dOptions & { countIncludePad?: boolean } = {}): Tensor {
  const k = pair(kernelSize);
  return op('aten::avg_pool2d', [x, k, pair(options.stride ?? k), pair(options.padding ?? 0), options.ceilMode ?? false, options.countIncludePad ?? true, null]);
}
export function adaptiveAvgPool2d(x: Tensor, outputSize: Size2): Tensor {
  return op('aten::adaptive_avg_pool2d', [x, pair(outputSize)]);
}
export function adaptiveMaxPool2d(x: Tensor, outputSize: Size2): Tensor {
  return (callOp('aten::adaptive_max_pool2d', [x, pair(outputSize)]) as Tensor[])[0]!;
}

/** Zeroes elements with probability p and scales the rest by 1/(1-p) in training; identity otherwise. */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  return op('aten::dropout', [x, p, training]);
}
/** Zeroes whole channels with probability p (Dropout2d). */
export function dropout2d(x: Tensor, p = 0.5, training = true): Tensor {
  return op('aten::feature_dropout', [x, p, training]);
}

/**
 * Drops whole samples' residual branch with probability p (torchvision.ops.stochastic_depth,
 * mode "row"), scaling survivors by 1/(1-p). EfficientNet uses it.
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

/** Cross entropy of logits [N, C] and int64 class indices [N], as F.cross_entropy. */
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

/** Negative log-likelihood of log-probabilities [N, C] and class indices [N]. */
export function nllLoss(logProbs: Tensor, target: Tensor, options: Omit<CrossEntropyOptions, 'labelSmoothing'> = {}): Tensor {
  return op('aten::nll_loss', [logProbs, target, options.weight ?? null, REDUCTION[options.reduction ?? 'mean'], options.ignoreIndex ?? -100]);
}

export function mseLoss(input: Tensor, target: Tensor, reduction: 'none' | 'mean' | 'sum' = 'mean'): Tensor {
  return op('aten::mse_loss', [input, target, REDUCTION[reduction]]);
}

export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor, options: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: 'none' | 'mean' | 'sum' } = {}): Tensor {
  return op('aten::binary_cross_entropy_with_logits', [logits, target, options.weight ?? null, options.posWeight ?? null, REDUCTION[options.reduction ?? 'mean']]);
}

/** Sampling grid [N, H, W, 2] for affine matrices theta [N, 2, 3] and output size [N, C, H, W]. */
export function affineGrid(theta: Tensor, size: readonly [number, number, number, number], alignCorners = false): Tensor {
  return op('aten::affine_grid_generator', [theta, size, alignCorners]);
}

const INTERPOLATION = { bilinear: 0, nearest: 1, bicubic: 2 } as const;
const PADDING = { zeros: 0, border: 1, reflection: 2 } as const;

/**
 * Samples `input` [N, C, H, W] at `grid` [N, H', W', 2] (coordinates in [-1, 1]), as F.grid_sample; a 5-D
 * input [N, C, D, H, W] with a grid [N, D', H', W', 3] samples a volume (`bilinear` is then trilinear).
 */
export function gridSample(
  input: Tensor,
  grid: Tensor,
  options: { mode?: keyof typeof INTERPOLATION; paddingMode?: keyof typeof PADDING; alignCorners?: boolean } = {},
): Tensor {
  return op('aten::grid_sampler', [input, grid, INTERPOLATION[options.mode ?? 'bilinear'], PADDING[options.paddingMode ?? 'zeros'], options.alignCorners ?? false]);
}

/** Resizes NCHW images by bilinear interpolation to [h, w], as F.interpolate(mode='bilinear'). */
export function interpolateBilinear(x: Tensor, size: readonly [number, number], alignCorners = false): Tensor {
  return op('aten::upsample_bilinear2d', [x, size, alignCorners, null, null]);
}

/** Pads the last dimensions with a constant, `pad` as in F.pad: [left, right, top, bottom, ...]. */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  return op('aten::constant_pad_nd', [x, padding, value]);
}

/** One-hot encoding of int64 class indices. */
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

/** 3-D convolution of NCDHW `input` with `weight` [out, in/groups, kd, kh, kw], as F.conv3d. */
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

/** 3-D max pooling of NCDHW input, as F.max_pool3d. */
export function maxPool3d(x: Tensor, kernelSize: Size3, options: Pool3dOptions & { dilation?: Size3 } = {}): Tensor {
  const k = triple(kernelSize);
  return op('aten::max_pool3d', [x, k, triple(options.stride ?? k), triple(options.padding ?? 0), triple(options.dilation ?? 1), options.ceilMode ?? false]);
}
/** 3-D average pooling of NCDHW input, as F.avg_pool3d. */
export function avgPool3d(x: Tensor, kernelSize: Size3, options: Pool3dOptions & { countIncludePad?: boolean } = {}): Tensor {
  const k = triple(kernelSize);
  return op('aten::avg_pool3d', [x, k, triple(options.stride ?? k), triple(options.padding ?? 0), options.ceilMode ?? false, options.countIncludePad ?? true, null]);
}
/** Any NCDHW input to a fixed [d, h, w] output, as F.adaptive_avg_pool3d. */
export function adaptiveAvgPool3d(x: Tensor, outputSize: Size3): Tensor {
  return op('aten::adaptive_avg_pool3d', [x, triple(outputSize)]);
}
/** Zeroes whole channels of NCDHW input with probability p (Dropout3d). */
export function dropout3d(x: Tensor, p = 0.5, training = true): Tensor {
  return op('aten::feature_dropout', [x, p, training]);
}

/** Sampling grid [N, D, H, W, 3] for affine matrices theta [N, 3, 4] and output size [N, C, D, H, W], as F.affine_grid. */
export function affineGrid3d(theta: Tensor, size: readonly [number, number, number, number, number], alignCorners = false): Tensor {
  return op('aten::affine_grid_generator', [theta, size, alignCorners]);
}

/** Resizes NCDHW volumes by trilinear interpolation to [d, h, w], as F.interpolate(mode='trilinear'). */
export function interpolateTrilinear(x: Tensor, size: readonly [number, number, number], alignCorners = false): Tensor {
  return op('aten::upsample_trilinear3d', [x, size, alignCorners, null, null, null]);
}
