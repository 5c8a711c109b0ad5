import { Module } from '../module.js';
import type { Tensor } from '../../torch/tensor.js';
import { tidy } from '../../torch/scope.js';
import { Conv2d } from './conv2d.js';
import { AdaptiveAvgPool2d } from './pooling.js';
import { ReLU, Sigmoid } from './activations.js';

/**
 * Squeeze-and-excitation (Hu et al. 2018) as torchvision.ops.SqueezeExcitation: global average
 * pool, 1x1 conv `fc1`, activation, 1x1 conv `fc2`, scale activation, channel-wise scaling.
 */
export class SqueezeExcitation extends Module {
  readonly avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
  readonly fc1: Conv2d;
  readonly fc2: Conv2d;
  readonly activation: Module;
  readonly scaleActivation: Module;

  /**
   * Source: torchvision `torchvision/ops/misc.py` SqueezeExcitation.
   *
   * @param inputChannels C of the input `[N, C, H, W]`
   * @param squeezeChannels channels of the bottleneck between `fc1` and `fc2`
   * @param activation applied after `fc1` (default ReLU)
   * @param scaleActivation applied after `fc2` to make the per-channel scale (default Sigmoid)
   */
  constructor(inputChannels: number, squeezeChannels: number, activation: Module = new ReLU(), scaleActivation: Module = new Sigmoid()) {
    super();
    this.fc1 = this.registerModule('fc1', new Conv2d(inputChannels, squeezeChannels, 1));
    this.fc2 = this.registerModule('fc2', new Conv2d(squeezeChannels, inputChannels, 1));
    this.activation = this.registerModule('activation', activation);
    this.scaleActivation = this.registerModule('scale_activation', scaleActivation);
  }

  /**
   * Scales each channel of `x` by a weight computed from its global average.
   *
   * @param x `[N, C, H, W]` with C = inputChannels
   * @returns `[N, C, H, W]`
   * @throws Error from libtorch naming `aten::conv2d` and the shapes when `x` does not have `inputChannels` channels.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const scale = this.scaleActivation.forward(this.fc2.forward(this.activation.forward(this.fc1.forward(this.avgpool.forward(x)))));
      return scale.mul(x);
    });
  }
}
