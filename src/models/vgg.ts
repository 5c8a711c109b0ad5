/**
 * VGG (Simonyan & Zisserman 2015, "Very Deep Convolutional Networks for Large-Scale Image
 * Recognition") as torchvision.models.vgg: one config table (the paper's Table 1, columns A, B, D,
 * E) interpreted by one builder. Parameter names and initialization equal torchvision's, so its
 * state dicts load directly and a seeded model starts with torchvision's weights.
 */
import type { Tensor } from '../torch/tensor.js';
import { tidy } from '../torch/scope.js';
import { Module } from '../nn/module.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Linear, MaxPool2d, ReLU, Sequential, init } from '../nn/index.js';
import { forEachModule, type ResolvedModelOptions } from './common.js';

/** Output channels of each 3x3 conv; 'M' is a 2x2 max pool. The paper's configurations A, B, D, E. */
export const VGG_CONFIGS = {
  vgg11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  vgg16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  vgg19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
} as const satisfies Record<string, readonly (number | 'M')[]>;

export type VGGDepth = keyof typeof VGG_CONFIGS;

/** torchvision's default dropout of both classifier dropout layers. */
export const VGG_DEFAULT_DROPOUT = 0.5;

/** The classifier's hidden width and the pooled feature map it reads (512 x 7 x 7). */
const HIDDEN = 4096;
const POOLED = 512 * 7 * 7;

/**
 * VGG: `features` (conv[-BN]-ReLU stacks and max pools), `avgpool` (adaptive to 7x7, so any input
 * of at least 32x32 works, e.g. 208x176), `classifier` (Linear-ReLU-Dropout x2, Linear).
 *
 * @example
 * const model = new VGG('vgg19', false, resolveModelOptions('vgg19', { inChannels: 1, numClasses: 2 }));
 */
export class VGG extends Module {
  readonly features: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly classifier: Sequential;

  /**
   * Builds `features`, `avgpool` and `classifier`, then (with `initWeights`) torchvision's init.
   *
   * Source: torchvision `torchvision/models/vgg.py` (`VGG`, `make_layers`, `cfgs`).
   *
   * @param depth `vgg11`, `vgg13`, `vgg16` or `vgg19` (paper configurations A, B, D, E)
   * @param batchNorm insert BatchNorm2d after every conv (torchvision's `vgg19_bn` etc.)
   * @param options resolved model options (see `resolveModelOptions` in registry.ts): `inChannels`, `numClasses`, `dropout`, `initWeights` (default {@link VGG_DEFAULT_DROPOUT} for both dropout layers)
   */
  constructor(depth: VGGDepth, batchNorm: boolean, options: ResolvedModelOptions) {
    super();
    const layers: Module[] = [];
    let channels = options.inChannels;
    for (const v of VGG_CONFIGS[depth]) {
      if (v === 'M') {
        layers.push(new MaxPool2d(2, { stride: 2 }));
        continue;
      }
      layers.push(new Conv2d(channels, v, 3, { padding: 1 }));
      if (batchNorm) layers.push(new BatchNorm2d(v));
      layers.push(new ReLU({ inplace: true }));
      channels = v;
    }
    this.features = this.registerModule('features', new Sequential(...layers));
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d([7, 7]));
    this.classifier = this.registerModule(
      'classifier',
      new Sequential(
        new Linear(POOLED, HIDDEN),
        new ReLU({ inplace: true }),
        new Dropout(options.dropout),
        new Linear(HIDDEN, HIDDEN),
        new ReLU({ inplace: true }),
        new Dropout(options.dropout),
        new Linear(HIDDEN, options.numClasses),
      ),
    );
    if (options.initWeights) initVGG(this);
  }

  /**
   * Classifies a batch of images.
   *
   * @param x `[N, inChannels, H, W]`, H and W at least 32 (five 2x2 max pools)
   * @returns logits `[N, numClasses]`
   * @throws Error `aten::conv2d(<argument shapes>) failed: ...` when `x` does not have the expected channels or is too small for the kernels.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => this.classifier.forward(this.avgpool.forward(this.features.forward(x)).flatten(1)));
  }
}

/** torchvision's VGG init: He normal (fan_out, ReLU) convs, N(0, 0.01) linears, zero biases. */
function initVGG(model: VGG): void {
  forEachModule(model, (m) => {
    if (m instanceof Conv2d) {
      init.kaimingNormal_(m.weight, 0, 'fan_out', 'relu');
      if (m.bias) init.constant_(m.bias, 0);
    } else if (m instanceof BatchNorm2d) {
      init.constant_(m.weight!, 1);
      init.constant_(m.bias!, 0);
    } else if (m instanceof Linear) {
      init.normal_(m.weight, 0, 0.01);
      init.constant_(m.bias!, 0);
    }
  });
}

/**
 * Index in `features` of the last ReLU (the last conv block's output, Grad-CAM's target).
 *
 * @param depth `vgg11`, `vgg13`, `vgg16` or `vgg19`
 * @param batchNorm whether the model has batch norm (3 entries per conv rather than 2)
 * @returns the index, e.g. 35 for vgg19 without batch norm (torchvision's `features[35]`)
 */
export function vggLastReluIndex(depth: VGGDepth, batchNorm: boolean): number {
  let index = -1;
  for (const v of VGG_CONFIGS[depth]) index += v === 'M' ? 1 : batchNorm ? 3 : 2;
  return index - 1; // the final entry is a max pool
}

/**
 * Number of parameters of a VGG, from the config table alone (no tensors made).
 *
 * @param depth `vgg11`, `vgg13`, `vgg16` or `vgg19`
 * @param batchNorm count the batch norms' weight and bias
 * @param options `inChannels` and `numClasses`
 * @returns the parameter count (e.g. 143,667,240 for vgg19 with 3 channels and 1000 classes, torchvision's figure)
 */
export function vggParameterCount(depth: VGGDepth, batchNorm: boolean, options: Pick<ResolvedModelOptions, 'inChannels' | 'numClasses'>): number {
  let count = 0;
  let channels = options.inChannels;
  for (const v of VGG_CONFIGS[depth]) {
    if (v === 'M') continue;
    count += channels * v * 9 + v + (batchNorm ? 2 * v : 0);
    channels = v;
  }
  return count + (POOLED + 1) * HIDDEN + (HIDDEN + 1) * HIDDEN + (HIDDEN + 1) * options.numClasses;
}
