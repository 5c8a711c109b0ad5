import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { hardswish, relu, relu_, relu6, sigmoid, silu, silu_, gelu } from '../functional.js';

/** Options of {@link ReLU} and {@link SiLU}. */
export interface ActivationOptions {
  /**
   * Overwrite the input instead of making a new tensor, as PyTorch's `inplace=True` (torchvision
   * uses it after batch norm in VGG, MnasNet and EfficientNet): one allocation and one pass over
   * memory less per call. Only where nothing else reads the input afterwards. Default false.
   */
  inplace?: boolean;
}

/**
 * Identity: returns its input (a placeholder that keeps state-dict indices stable).
 *
 * Source: PyTorch `torch.nn.Identity`.
 */
export class Identity extends Module {
  /**
   * Returns its input.
   *
   * @param x any tensor
   * @returns `x` itself (not a copy)
   */
  forward(x: Tensor): Tensor {
    return x;
  }
}
/**
 * Rectified linear unit, `max(x, 0)`.
 *
 * Source: PyTorch `torch.nn.ReLU` (https://pytorch.org/docs/stable/generated/torch.nn.ReLU.html).
 */
export class ReLU extends Module {
  readonly inplace: boolean;

  /**
   * Source: PyTorch `torch.nn.ReLU(inplace=False)`.
   *
   * @param options `inplace` (default false)
   */
  constructor(options: ActivationOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  /**
   * Applies the activation elementwise.
   *
   * @param x input of any shape
   * @returns a new tensor of `x`'s shape, or `x` itself (overwritten) when `inplace`
   * @throws Error naming the op and `x`'s dtype and shape when libtorch does not support the dtype (see `relu` in nn/functional).
   */
  forward(x: Tensor): Tensor {
    return this.inplace ? relu_(x) : relu(x);
  }
}
/**
 * `min(max(x, 0), 6)`, MnasNet/MobileNet's activation.
 *
 * Source: PyTorch `torch.nn.ReLU6` (https://pytorch.org/docs/stable/generated/torch.nn.ReLU6.html).
 */
export class ReLU6 extends Module {
  /**
   * Applies the activation elementwise.
   *
   * @param x input of any shape
   * @returns a new tensor of `x`'s shape
   * @throws Error naming the op and `x`'s dtype and shape when libtorch does not support the dtype (see `relu6` in nn/functional).
   */
  forward(x: Tensor): Tensor {
    return relu6(x);
  }
}
/**
 * SiLU (swish): x * sigmoid(x).
 *
 * Source: PyTorch `torch.nn.SiLU` (https://pytorch.org/docs/stable/generated/torch.nn.SiLU.html).
 */
export class SiLU extends Module {
  readonly inplace: boolean;

  /**
   * Source: PyTorch `torch.nn.SiLU(inplace=False)`.
   *
   * @param options `inplace` (default false)
   */
  constructor(options: ActivationOptions = {}) {
    super();
    this.inplace = options.inplace ?? false;
  }

  /**
   * Applies the activation elementwise.
   *
   * @param x input of any shape
   * @returns a new tensor of `x`'s shape, or `x` itself (overwritten) when `inplace`
   * @throws Error naming the op and `x`'s dtype and shape when libtorch does not support the dtype (see `silu` in nn/functional).
   */
  forward(x: Tensor): Tensor {
    return this.inplace ? silu_(x) : silu(x);
  }
}
/**
 * Logistic sigmoid `1 / (1 + e^−x)`.
 *
 * Source: PyTorch `torch.nn.Sigmoid` (https://pytorch.org/docs/stable/generated/torch.nn.Sigmoid.html).
 */
export class Sigmoid extends Module {
  /**
   * Applies the activation elementwise.
   *
   * @param x input of any shape
   * @returns a new tensor of `x`'s shape
   * @throws Error naming the op and `x`'s dtype and shape when libtorch does not support the dtype (see `sigmoid` in nn/functional).
   */
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}
/**
 * Hard swish `x · relu6(x + 3) / 6`.
 *
 * Source: PyTorch `torch.nn.Hardswish` (https://pytorch.org/docs/stable/generated/torch.nn.Hardswish.html).
 */
export class Hardswish extends Module {
  /**
   * Applies the activation elementwise.
   *
   * @param x input of any shape
   * @returns a new tensor of `x`'s shape
   * @throws Error naming the op and `x`'s dtype and shape when libtorch does not support the dtype (see `hardswish` in nn/functional).
   */
  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}
/**
 * GELU `x · Φ(x)` (exact erf form).
 *
 * Source: PyTorch `torch.nn.GELU` (https://pytorch.org/docs/stable/generated/torch.nn.GELU.html).
 */
export class GELU extends Module {
  /**
   * Applies the activation elementwise.
   *
   * @param x input of any shape
   * @returns a new tensor of `x`'s shape
   * @throws Error naming the op and `x`'s dtype and shape when libtorch does not support the dtype (see `gelu` in nn/functional).
   */
  forward(x: Tensor): Tensor {
    return gelu(x);
  }
}
