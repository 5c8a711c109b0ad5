/**
 * Fused layer runs for `Sequential`: batch norm → ReLU (→ 2x2 max pool) and batch norm → SiLU as
 * one native kernel (`alzbench::batch_norm_activation`, native/src/fused_norm.cc) on float32 CPU
 * inputs, and ReLU → max pool run as pool → ReLU everywhere. They give the values and gradients of
 * the layers run one by one (tested against them in fused.test.ts); they only move less memory.
 */
import type { Tensor } from '../torch/tensor.js';
import { callTensorOp } from '../torch/tensor.js';
import type { Module } from './module.js';
import { ReLU, SiLU } from './layers/activations.js';
import { BatchNorm2d } from './layers/batchnorm2d.js';
import { MaxPool2d } from './layers/pooling.js';

let enabled = true;

/**
 * Turns the fused batch-norm kernels on or off for this process (default on), e.g. to compare
 * against the unfused layers in a test or benchmark. The pool-before-ReLU reordering is exact
 * and always on.
 *
 * @param on whether `Sequential` may run batch norm → ReLU (→ max pool) as one kernel
 * @returns the previous setting
 */
export function setFusedKernels(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/**
 * Runs `fn` with the fused kernels on or off, restoring the previous setting afterwards (also when
 * `fn` throws): for comparing against the unfused layers in tests and benchmarks.
 *
 * @param on whether `Sequential` may fuse while `fn` runs
 * @param fn the code to run
 * @returns what `fn` returns
 * @throws whatever `fn` throws
 */
export function withFusedKernels<T>(on: boolean, fn: () => T): T {
  const previous = setFusedKernels(on);
  try {
    return fn();
  } finally {
    setFusedKernels(previous);
  }
}

/**
 * Batch norm → ReLU → max pool (kernel 2, stride 2), batch norm → ReLU or batch norm → SiLU
 * (kernel 1) as one kernel, with the running statistics updated as `F.batchNorm` updates them.
 *
 * Source: the compositions `max_pool2d(relu(batch_norm(x)), 2)`, `relu(batch_norm(x))`,
 * `silu(batch_norm(x))` of PyTorch's functions; ATen's CPU batch norm arithmetic (statistics in
 * double) and silu formulas; fused as oneDNN's batch norm + activation primitive.
 *
 * @param input `[N, C, H, W]` float32 on the CPU, contiguous or channels-last, H and W at least `kernelSize`
 * @param runningMean `[C]`, updated in place when `training`; null for none
 * @param runningVar `[C]`, as `runningMean` (the unbiased batch variance goes in)
 * @param weight `[C]` γ or null for 1
 * @param bias `[C]` β or null for 0
 * @param training normalize with the batch's statistics (true) or the running ones (false)
 * @param momentum weight of this batch in the running update
 * @param eps added to the variance
 * @param activation `relu` or `silu`
 * @param kernelSize 2 (ReLU only): pool 2x2 with stride 2 (floor: an odd last row or column is dropped); 1: no pooling (default)
 * @returns `[N, C, floor(H / k), floor(W / k)]` in `input`'s memory format
 * @throws Error `alzbench::batch_norm_activation(...) failed: alzbench::batch_norm_activation: input must be a 4-D float32 CPU tensor, ...`
 *   (and similar texts for the activation, the layout, the window, the `[C]` tensors, and missing running statistics in eval).
 */
export function batchNormActivation(
  input: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  training: boolean,
  momentum: number,
  eps: number,
  activation: 'relu' | 'silu',
  kernelSize: 1 | 2 = 1,
): Tensor {
  return callTensorOp('alzbench::batch_norm_activation', [input, weight, bias, runningMean, runningVar, training, momentum, eps, activation, kernelSize]);
}

/**
 * Whether `m` is exactly a `cls` (not a subclass, which may change forward) running its class's
 * own forward: Grad-CAM and users wrap a layer's `forward` to see its output, and a fused run
 * would skip it.
 */
function plain(m: Module | undefined, cls: abstract new (...args: never[]) => Module): boolean {
  return m !== undefined && Object.getPrototypeOf(m) === cls.prototype && !Object.hasOwn(m, 'forward');
}

/** A MaxPool2d of PyTorch's default 2x2 window, stride 2, no padding, dilation 1, floor. */
function isPool2(m: Module | undefined): m is MaxPool2d {
  if (!(m instanceof MaxPool2d) || !plain(m, MaxPool2d)) return false;
  const o = m.options;
  const two = (v: unknown) => v === 2 || (Array.isArray(v) && v[0] === 2 && v[1] === 2);
  const one = (v: unknown) => v === undefined || v === 1 || (Array.isArray(v) && v[0] === 1 && v[1] === 1);
  const zero = (v: unknown) => v === undefined || v === 0 || (Array.isArray(v) && v[0] === 0 && v[1] === 0);
  return two(m.kernelSize) && (o.stride === undefined || two(o.stride)) && zero(o.padding) && one(o.dilation) && !o.ceilMode;
}

/** Inputs the native kernel takes: float32 CPU, 4-D, contiguous or channels-last, at least the window. */
function fusable(x: Tensor, kernel: number): boolean {
  if (x.dtype !== 'float32' || x.device !== 'cpu') return false;
  const shape = x.shape;
  return shape.length === 4 && shape[2]! >= kernel && shape[3]! >= kernel && shape[0]! * shape[1]! > 0 && (x.isContiguous() || x.isContiguous('channelsLast'));
}

/**
 * Runs `layers[i]` and, where they make a fusable run, the layers after it:
 * - BatchNorm2d, ReLU, MaxPool2d(2): one fused kernel (3 layers);
 * - BatchNorm2d, ReLU or SiLU: one fused kernel (2 layers);
 * - ReLU, MaxPool2d (any window): the pool first, then the ReLU on a quarter of the pixels (2
 *   layers). ReLU and max are both monotone, so `relu(maxpool(x)) = maxpool(relu(x))` exactly, and
 *   the gradients are equal too (the same first-maximum index per window; zero where the window's
 *   maximum is not positive).
 * A layer whose `forward` was replaced on the instance (Grad-CAM's capture), or of a subclass, is
 * never fused.
 *
 * @param layers a Sequential's layers in order
 * @param i index of the layer to run
 * @param x its input
 * @returns the output of the last layer run and how many layers that was (1 when nothing fuses)
 * @throws whatever the layers throw (e.g. RangeError for a batch norm given a 3-D input)
 */
export function runFrom(layers: readonly Module[], i: number, x: Tensor): { output: Tensor; consumed: number } {
  const layer = layers[i]!;
  const next = layers[i + 1];
  const third = layers[i + 2];
  const activation = plain(next, ReLU) ? 'relu' : plain(next, SiLU) ? 'silu' : null;
  if (enabled && activation && layer instanceof BatchNorm2d && plain(layer, BatchNorm2d)) {
    const pool = activation === 'relu' && isPool2(third);
    const kernel = pool ? 2 : 1;
    if (fusable(x, kernel) && [layer.weight, layer.bias, layer.runningMean, layer.runningVar].every((t) => t === null || t.dtype === 'float32')) {
      const a = layer.batchArguments();
      const output = batchNormActivation(x, a.runningMean, a.runningVar, a.weight, a.bias, a.training, a.momentum, a.eps, activation, kernel);
      return { output, consumed: pool ? 3 : 2 };
    }
  }
  if (layer instanceof ReLU && next instanceof MaxPool2d && plain(layer, ReLU) && plain(next, MaxPool2d)) {
    return { output: layer.forward(next.forward(x)), consumed: 2 };
  }
  return { output: layer.forward(x), consumed: 1 };
}

/**
 * Runs `layers` in order as `Sequential` does, fusing where {@link runFrom} can: for modules that
 * hold conv, batch norm and activation as named children rather than in a Sequential (e.g.
 * Inception-ResNet's BasicConv2d).
 *
 * @param layers the layers in order
 * @param x the first layer's input
 * @returns the last layer's output (`x` itself when there are no layers)
 * @throws whatever the layers throw
 */
export function runLayers(layers: readonly Module[], x: Tensor): Tensor {
  let out = x;
  for (let i = 0; i < layers.length; ) {
    const run = runFrom(layers, i, out);
    out = run.output;
    i += run.consumed;
  }
  return out;
}
