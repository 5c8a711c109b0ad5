/**
 * MnasNet-B1 (Tan et al. 2019, "MnasNet: Platform-Aware Neural Architecture Search for Mobile") as
 * torchvision.models.mnasnet (its version 2, which scales the stem with the width multiplier):
 * a stem, six stacks of inverted residuals from one table, a 1x1 conv to 1280, global mean, dropout,
 * linear. Parameter names and initialization equal torchvision's.
 */
import type { Tensor } from '../torch/tensor.js';
import { tidy } from '../torch/scope.js';
import { Module } from '../nn/module.js';
import { BatchNorm2d, Conv2d, Dropout, Linear, ReLU, Sequential, init } from '../nn/index.js';
import { forEachModule, type ResolvedModelOptions } from './common.js';

/** TensorFlow's 0.9997 batch-norm decay as a PyTorch momentum (torchvision keeps the float expression). */
const BN_MOMENTUM = 1 - 0.9997;

/** Width multipliers of the registered variants. */
export const MNASNET_ALPHAS = { mnasnet0_5: 0.5, mnasnet0_75: 0.75, mnasnet1_0: 1.0, mnasnet1_3: 1.3 } as const;
export type MNASNetName = keyof typeof MNASNET_ALPHAS;

/** Stacks after the stem: kernel, stride, expansion, repeats (output widths are depths[2..7]). */
const STACKS: readonly { kernel: number; stride: number; expansion: number; repeats: number }[] = [
  { kernel: 3, stride: 2, expansion: 3, repeats: 3 },
  { kernel: 5, stride: 2, expansion: 3, repeats: 3 },
  { kernel: 5, stride: 2, expansion: 6, repeats: 3 },
  { kernel: 3, stride: 1, expansion: 6, repeats: 2 },
  { kernel: 5, stride: 2, expansion: 6, repeats: 4 },
  { kernel: 3, stride: 1, expansion: 6, repeats: 1 },
];
const BASE_DEPTHS = [32, 16, 24, 40, 80, 96, 192, 320];
const LAST_CHANNELS = 1280;

/** torchvision's `_round_to_multiple_of`: rounds to a multiple of `divisor`, up unless within 10 %. */
function roundToMultipleOf(value: number, divisor: number, roundUpBias = 0.9): number {
  const rounded = Math.max(divisor, Math.trunc(value + divisor / 2) - (Math.trunc(value + divisor / 2) % divisor));
  return rounded >= roundUpBias * value ? rounded : rounded + divisor;
}

/**
 * Channel widths of stem, stacks for a width multiplier.
 *
 * Source: torchvision `torchvision/models/mnasnet.py` `_get_depths`.
 *
 * @param alpha the width multiplier (0.5, 0.75, 1.0, 1.3 for the registered variants)
 * @returns 8 widths: stem (2), then the six stacks, each rounded to a multiple of 8 (up unless within 10 %)
 */
export function mnasnetDepths(alpha: number): number[] {
  return BASE_DEPTHS.map((d) => roundToMultipleOf(d * alpha, 8));
}

/** Inverted residual: 1x1 expand, depthwise kxk, 1x1 linear project; residual when shapes allow. */
export class InvertedResidual extends Module {
  readonly layers: Sequential;
  readonly applyResidual: boolean;

  /**
   * Builds `layers`: 1x1 expand - BN - ReLU - depthwise kxk - BN - ReLU - 1x1 project - BN.
   *
   * Source: torchvision `torchvision/models/mnasnet.py` `_InvertedResidual`.
   *
   * @param inCh input channels
   * @param outCh output channels
   * @param kernel depthwise kernel size (3 or 5), padding kernel / 2
   * @param stride depthwise stride (1 or 2)
   * @param expansion hidden channels = inCh × expansion
   */
  constructor(inCh: number, outCh: number, kernel: number, stride: number, expansion: number) {
    super();
    const mid = inCh * expansion;
    this.applyResidual = inCh === outCh && stride === 1;
    const bn = (c: number) => new BatchNorm2d(c, { momentum: BN_MOMENTUM });
    this.layers = this.registerModule(
      'layers',
      new Sequential(
        new Conv2d(inCh, mid, 1, { bias: false }),
        bn(mid),
        new ReLU({ inplace: true }),
        new Conv2d(mid, mid, kernel, { padding: kernel >> 1, stride, groups: mid, bias: false }),
        bn(mid),
        new ReLU({ inplace: true }),
        new Conv2d(mid, outCh, 1, { bias: false }),
        bn(outCh),
      ),
    );
  }

  /**
   * Runs the block, adding the input back when stride is 1 and inCh equals outCh.
   *
   * @param x `[N, inCh, H, W]`
   * @returns `[N, outCh, H / stride, W / stride]` (rounded up)
   * @throws Error from libtorch naming `aten::conv2d` and the shapes when `x` has the wrong number of channels.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => (this.applyResidual ? this.layers.forward(x).add(x) : this.layers.forward(x)));
  }
}

/**
 * MnasNet: `layers` (stem, stacks, head conv; 17 entries) and `classifier` (dropout, linear).
 * Any input size works (global mean).
 *
 * @example
 * const model = new MNASNet('mnasnet1_0', resolveModelOptions('mnasnet1_0', { numClasses: 4 }));
 */
export class MNASNet extends Module {
  readonly layers: Sequential;
  readonly classifier: Sequential;

  /**
   * Builds `layers` and `classifier` in torchvision's order, then (with `initWeights`) torchvision's init.
   *
   * Source: torchvision `torchvision/models/mnasnet.py` `MNASNet`.
   *
   * @param name `mnasnet0_5`, `mnasnet0_75`, `mnasnet1_0` or `mnasnet1_3`
   * @param options resolved model options (see `resolveModelOptions` in registry.ts): `inChannels`, `numClasses`, `dropout`, `initWeights`
   */
  constructor(name: MNASNetName, options: ResolvedModelOptions) {
    super();
    const depths = mnasnetDepths(MNASNET_ALPHAS[name]);
    const bn = (c: number) => new BatchNorm2d(c, { momentum: BN_MOMENTUM });
    // Built in torchvision's order, so the layers' default initializers draw in the same order.
    const layers: Module[] = [
      new Conv2d(options.inChannels, depths[0]!, 3, { padding: 1, stride: 2, bias: false }),
      bn(depths[0]!),
      new ReLU({ inplace: true }),
      new Conv2d(depths[0]!, depths[0]!, 3, { padding: 1, stride: 1, groups: depths[0]!, bias: false }),
      bn(depths[0]!),
      new ReLU({ inplace: true }),
      new Conv2d(depths[0]!, depths[1]!, 1, { bias: false }),
      bn(depths[1]!),
    ];
    STACKS.forEach((s, i) => {
      const blocks = [new InvertedResidual(depths[i + 1]!, depths[i + 2]!, s.kernel, s.stride, s.expansion)];
      for (let r = 1; r < s.repeats; r++) blocks.push(new InvertedResidual(depths[i + 2]!, depths[i + 2]!, s.kernel, 1, s.expansion));
      layers.push(new Sequential(...blocks));
    });
    layers.push(new Conv2d(depths[7]!, LAST_CHANNELS, 1, { bias: false }), bn(LAST_CHANNELS), new ReLU({ inplace: true }));
    this.layers = this.registerModule('layers', new Sequential(...layers));
    this.classifier = this.registerModule('classifier', new Sequential(new Dropout(options.dropout), new Linear(LAST_CHANNELS, options.numClasses)));
    if (options.initWeights) initMNASNet(this);
  }

  /**
   * Classifies a batch of images.
   *
   * @param x `[N, inChannels, H, W]`, any size of at least 1 pixel after the stride-32 reduction
   * @returns logits `[N, numClasses]`
   * @throws Error `aten::conv2d(<argument shapes>) failed: ...` when `x` does not have the expected channels or is too small for the kernels.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => this.classifier.forward(this.layers.forward(x).mean([2, 3])));
  }
}

/** torchvision's init: He normal (fan_out, ReLU) convs, He uniform (fan_out, sigmoid gain) linear, zero biases. */
function initMNASNet(model: MNASNet): void {
  forEachModule(model, (m) => {
    if (m instanceof Conv2d) {
      init.kaimingNormal_(m.weight, 0, 'fan_out', 'relu');
      if (m.bias) init.zeros_(m.bias);
    } else if (m instanceof BatchNorm2d) {
      init.ones_(m.weight!);
      init.zeros_(m.bias!);
    } else if (m instanceof Linear) {
      init.kaimingUniform_(m.weight, 0, 'fan_out', 'sigmoid');
      init.zeros_(m.bias!);
    }
  });
}

/**
 * Number of parameters of a MnasNet, from the tables alone (no tensors made).
 *
 * @param name `mnasnet0_5`, `mnasnet0_75`, `mnasnet1_0` or `mnasnet1_3`
 * @param options `inChannels` and `numClasses`
 * @returns the parameter count (4,383,312 for mnasnet1_0 with 3 channels and 1000 classes, torchvision's figure)
 */
export function mnasnetParameterCount(name: MNASNetName, options: Pick<ResolvedModelOptions, 'inChannels' | 'numClasses'>): number {
  const d = mnasnetDepths(MNASNET_ALPHAS[name]);
  let count = options.inChannels * d[0]! * 9 + 2 * d[0]! + d[0]! * 9 + 2 * d[0]! + d[0]! * d[1]! + 2 * d[1]!;
  const block = (inCh: number, outCh: number, k: number, e: number) => {
    const mid = inCh * e;
    return inCh * mid + 2 * mid + mid * k * k + 2 * mid + mid * outCh + 2 * outCh;
  };
  STACKS.forEach((s, i) => {
    count += block(d[i + 1]!, d[i + 2]!, s.kernel, s.expansion) + (s.repeats - 1) * block(d[i + 2]!, d[i + 2]!, s.kernel, s.expansion);
  });
  return count + d[7]! * LAST_CHANNELS + 2 * LAST_CHANNELS + (LAST_CHANNELS + 1) * options.numClasses;
}
