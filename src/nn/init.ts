/**
 * Weight initializers equal to torch.nn.init: same formulas, and the same draws from the global
 * generator in the same order, so a seeded model starts bit-identical to PyTorch's.
 */
import type { Tensor } from '../torch/tensor.js';
import { noGrad } from '../torch/autograd.js';

export type Nonlinearity = 'linear' | 'conv2d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/**
 * Recommended gain for a nonlinearity (torch.nn.init.calculate_gain).
 *
 * Source: PyTorch `torch.nn.init.calculate_gain` (https://pytorch.org/docs/stable/nn.init.html).
 *
 * @param nonlinearity the activation that follows the layer
 * @param param the negative slope for `leaky_relu` (default 0.01); ignored otherwise
 * @returns 1 (linear, conv2d, sigmoid), 5/3 (tanh), √2 (relu), √(2 / (1 + slope²)) (leaky_relu), 3/4 (selu)
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.sqrt(2);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
  }
}

/**
 * fan_in = in_channels * receptive field; fan_out = out_channels * receptive field.
 *
 * Source: PyTorch `torch.nn.init._calculate_fan_in_and_fan_out`.
 *
 * @param t a weight of at least 2 dimensions: `[out, in]` (Linear) or `[out, in/groups, kH, kW]` (Conv2d)
 * @returns `fanIn` = shape[1] × prod(shape[2:]), `fanOut` = shape[0] × prod(shape[2:])
 * @throws Error `Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (<dtype and shape>)` for 0-D and 1-D tensors.
 */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  const shape = t.shape;
  if (shape.length < 2) throw new Error(`Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (${t.describe()})`);
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: shape[1]! * receptive, fanOut: shape[0]! * receptive };
}

function fan(t: Tensor, mode: 'fan_in' | 'fan_out'): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return mode === 'fan_in' ? fanIn : fanOut;
}

/**
 * Fills `t` in place with U(a, b) samples from the global generator, without recording autograd.
 *
 * Source: PyTorch `torch.nn.init.uniform_`.
 *
 * @param t the tensor to fill (floating point)
 * @param a lower bound (default 0)
 * @param b upper bound (default 1)
 * @returns `t`
 * @throws Error `aten::uniform_(...) failed: ...` when `t` is not floating point or a > b.
 */
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return noGrad(() => t.uniform_(a, b));
}
/**
 * Fills `t` in place with N(mean, std²) samples from the global generator, without recording autograd.
 *
 * Source: PyTorch `torch.nn.init.normal_`.
 *
 * @param t the tensor to fill (floating point)
 * @param mean mean (default 0)
 * @param std standard deviation (default 1), at least 0
 * @returns `t`
 * @throws Error `aten::normal_(...) failed: ...` when `t` is not floating point or std < 0.
 */
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => t.normal_(mean, std));
}
/**
 * Fills `t` in place with `value`, without recording autograd.
 *
 * Source: PyTorch `torch.nn.init.constant_`.
 *
 * @param t the tensor to fill
 * @param value the fill value
 * @returns `t`
 * @throws Error `aten::fill_.Scalar(...) failed: ...` when `t` was disposed.
 */
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}
/**
 * Fills `t` in place with 0, without recording autograd.
 *
 * Source: PyTorch `torch.nn.init.zeros_`.
 *
 * @param t the tensor to fill
 * @returns `t`
 * @throws Error `aten::zero_(...) failed: ...` when `t` was disposed.
 */
export function zeros_(t: Tensor): Tensor {
  return noGrad(() => t.zero_());
}
/**
 * Fills `t` in place with 1, without recording autograd.
 *
 * Source: PyTorch `torch.nn.init.ones_`.
 *
 * @param t the tensor to fill
 * @returns `t`
 * @throws Error `aten::fill_.Scalar(...) failed: ...` when `t` was disposed.
 */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/**
 * He uniform: U(-b, b) with b = gain * sqrt(3 / fan). Defaults as PyTorch (a=0, fan_in, leaky_relu).
 *
 * Source: He et al. 2015, "Delving Deep into Rectifiers"; PyTorch `torch.nn.init.kaiming_uniform_`.
 *
 * @param t a weight of at least 2 dimensions, filled in place
 * @param a negative slope of the leaky ReLU that follows (default 0); PyTorch layers use √5 by default
 * @param mode `fan_in` (default: preserves the forward variance) or `fan_out` (the backward one)
 * @param nonlinearity the activation whose gain is used (default `leaky_relu`)
 * @returns `t`
 * @throws Error `Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (<dtype and shape>)` for 0-D and 1-D tensors.
 */
export function kaimingUniform_(t: Tensor, a = 0, mode: 'fan_in' | 'fan_out' = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu'): Tensor {
  const std = calculateGain(nonlinearity, a) / Math.sqrt(fan(t, mode));
  const bound = Math.sqrt(3) * std;
  return uniform_(t, -bound, bound);
}

/**
 * He normal: N(0, gain / sqrt(fan)).
 *
 * Source: He et al. 2015, "Delving Deep into Rectifiers"; PyTorch `torch.nn.init.kaiming_normal_`.
 *
 * @param t a weight of at least 2 dimensions, filled in place
 * @param a negative slope of the leaky ReLU that follows (default 0)
 * @param mode `fan_in` (default) or `fan_out` (torchvision's choice for VGG and EfficientNet convolutions)
 * @param nonlinearity the activation whose gain is used (default `leaky_relu`)
 * @returns `t`
 * @throws Error `Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (<dtype and shape>)` for 0-D and 1-D tensors.
 */
export function kaimingNormal_(t: Tensor, a = 0, mode: 'fan_in' | 'fan_out' = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu'): Tensor {
  const std = calculateGain(nonlinearity, a) / Math.sqrt(fan(t, mode));
  return normal_(t, 0, std);
}

/**
 * Glorot uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).
 *
 * Source: Glorot & Bengio 2010; PyTorch `torch.nn.init.xavier_uniform_`.
 *
 * @param t a weight of at least 2 dimensions, filled in place
 * @param gain scale (default 1), e.g. from {@link calculateGain}
 * @returns `t`
 * @throws Error `Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (<dtype and shape>)` for 0-D and 1-D tensors.
 */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound);
}

/**
 * PyTorch's default for Conv2d and Linear: kaiming_uniform_(a=sqrt(5)) on the weight, then the
 * bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 *
 * Source: PyTorch `torch.nn.Linear.reset_parameters` / `torch.nn.Conv2d.reset_parameters`.
 *
 * @param weight `[out, in]` or `[out, in/groups, kH, kW]`, filled in place
 * @param bias `[out]` filled in place, or null
 * @throws Error `Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (<dtype and shape>)` for 0-D and 1-D tensors.
 */
export function defaultLayerInit(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, Math.sqrt(5));
  if (bias) {
    const { fanIn } = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}
