/**
 * EfficientNet-B0..B7 (Tan & Le 2019, "EfficientNet: Rethinking Model Scaling for Convolutional
 * Neural Networks") as torchvision.models.efficientnet: the B0 stage table (the paper's Table 1)
 * scaled by per-variant width and depth multipliers, with stochastic depth growing linearly over
 * the blocks and a per-variant classifier dropout. Parameter names, rounding rules and
 * initialization equal torchvision's.
 */
import type { Tensor } from '../torch/tensor.js';
import { tidy } from '../torch/scope.js';
import { Module } from '../nn/module.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Linear, SiLU, Sequential, SqueezeExcitation, F, init } from '../nn/index.js';
import { forEachModule, type ResolvedModelOptions } from './common.js';

/** One stage of MBConv blocks, at B0 scale. */
export interface StageConfig {
  expandRatio: number;
  kernel: number;
  stride: number;
  inputChannels: number;
  outChannels: number;
  numLayers: number;
}

/** B0's stages (paper, Table 1): expand ratio, kernel, stride, in, out, layers. */
export const EFFICIENTNET_STAGES: readonly StageConfig[] = [
  [1, 3, 1, 32, 16, 1],
  [6, 3, 2, 16, 24, 2],
  [6, 5, 2, 24, 40, 2],
  [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3],
  [6, 5, 2, 112, 192, 4],
  [6, 3, 1, 192, 320, 1],
].map(
  ([expandRatio, kernel, stride, inputChannels, outChannels, numLayers]) =>
    ({ expandRatio, kernel, stride, inputChannels, outChannels, numLayers }) as StageConfig,
);

/** Per-variant scaling, as torchvision's builders: width and depth multipliers, dropout, batch norm, crop size. */
export interface EfficientNetVariant {
  widthMult: number;
  depthMult: number;
  dropout: number;
  /** B5..B7 use TensorFlow's batch-norm settings (eps 1e-3, momentum 0.01). */
  bnEps: number;
  bnMomentum: number;
  /** Input size of torchvision's ImageNet weights (crop_size). */
  inputSize: number;
}

const TORCH_BN = { bnEps: 1e-5, bnMomentum: 0.1 };
const TF_BN = { bnEps: 1e-3, bnMomentum: 0.01 };

export const EFFICIENTNET_VARIANTS = {
  efficientnet_b0: { widthMult: 1.0, depthMult: 1.0, dropout: 0.2, ...TORCH_BN, inputSize: 224 },
  efficientnet_b1: { widthMult: 1.0, depthMult: 1.1, dropout: 0.2, ...TORCH_BN, inputSize: 240 },
  efficientnet_b2: { widthMult: 1.1, depthMult: 1.2, dropout: 0.3, ...TORCH_BN, inputSize: 288 },
  efficientnet_b3: { widthMult: 1.2, depthMult: 1.4, dropout: 0.3, ...TORCH_BN, inputSize: 300 },
  efficientnet_b4: { widthMult: 1.4, depthMult: 1.8, dropout: 0.4, ...TORCH_BN, inputSize: 380 },
  efficientnet_b5: { widthMult: 1.6, depthMult: 2.2, dropout: 0.4, ...TF_BN, inputSize: 456 },
  efficientnet_b6: { widthMult: 1.8, depthMult: 2.6, dropout: 0.5, ...TF_BN, inputSize: 528 },
  efficientnet_b7: { widthMult: 2.0, depthMult: 3.1, dropout: 0.5, ...TF_BN, inputSize: 600 },
} as const satisfies Record<string, EfficientNetVariant>;

export type EfficientNetName = keyof typeof EFFICIENTNET_VARIANTS;

/**
 * torchvision's `_make_divisible` (from TF's mobilenet): nearest multiple of `divisor`, never 10 % below `v`.
 *
 * Source: torchvision `torchvision/models/_utils.py` `_make_divisible`.
 *
 * @param v the scaled channel count
 * @param divisor the multiple to round to (default 8)
 * @param minValue the smallest result (default `divisor`)
 * @returns a multiple of `divisor`, at least `minValue` and at least 0.9·v
 */
export function makeDivisible(v: number, divisor = 8, minValue = divisor): number {
  let newV = Math.max(minValue, Math.trunc(v + divisor / 2) - (Math.trunc(v + divisor / 2) % divisor));
  if (newV < 0.9 * v) newV += divisor;
  return newV;
}

/** One MBConv block after scaling: what its layers are built from. */
export interface BlockConfig {
  expandRatio: number;
  kernel: number;
  stride: number;
  inputChannels: number;
  outChannels: number;
  stochasticDepth: number;
}

/**
 * The scaled stages: each a list of blocks (the first may stride and change width; the rest keep both).
 *
 * Source: torchvision `torchvision/models/efficientnet.py` (`_efficientnet_conf`, `EfficientNet.__init__`).
 *
 * @param variant width and depth multipliers of the variant (channels rounded by {@link makeDivisible}, layer counts by ceil)
 * @param stochasticDepth drop probability reached by the last block; block i gets `stochasticDepth · i / total`
 * @returns 7 stages of block configurations
 */
export function efficientNetBlocks(variant: EfficientNetVariant, stochasticDepth: number): BlockConfig[][] {
  const stages = EFFICIENTNET_STAGES.map((s) => ({
    ...s,
    inputChannels: makeDivisible(s.inputChannels * variant.widthMult),
    outChannels: makeDivisible(s.outChannels * variant.widthMult),
    numLayers: Math.ceil(s.numLayers * variant.depthMult),
  }));
  const total = stages.reduce((n, s) => n + s.numLayers, 0);
  let blockId = 0;
  return stages.map((s) =>
    Array.from({ length: s.numLayers }, (_, i) => ({
      expandRatio: s.expandRatio,
      kernel: s.kernel,
      stride: i === 0 ? s.stride : 1,
      inputChannels: i === 0 ? s.inputChannels : s.outChannels,
      outChannels: s.outChannels,
      // torchvision: stochastic_depth_prob * block_id / total_blocks (float arithmetic, same order).
      stochasticDepth: (stochasticDepth * blockId++) / total,
    })),
  );
}

/**
 * torchvision.ops.Conv2dNormActivation: Sequential(conv (no bias), batch norm[, activation]), "same" padding.
 *
 * Source: torchvision `torchvision/ops/misc.py` `Conv2dNormActivation`.
 *
 * @param inChannels input channels
 * @param outChannels output channels
 * @param kernel square kernel size; padding (kernel − 1) / 2
 * @param options `stride` (default 1), `groups` (default 1; = channels for depthwise), `bn` eps and momentum,
 * `activation` (append SiLU)
 * @returns a Sequential with keys `0` (conv), `1` (batch norm) and, with activation, `2` (SiLU)
 * @throws RangeError from Conv2d when the channels are not divisible by `groups`.
 */
export function conv2dNormActivation(
  inChannels: number,
  outChannels: number,
  kernel: number,
  options: { stride?: number; groups?: number; bn: { eps: number; momentum: number }; activation: boolean },
): Sequential {
  const layers: Module[] = [
    new Conv2d(inChannels, outChannels, kernel, { stride: options.stride ?? 1, padding: (kernel - 1) >> 1, groups: options.groups ?? 1, bias: false }),
    new BatchNorm2d(outChannels, options.bn),
  ];
  // In place as torchvision's Conv2dNormActivation (batch norm's backward does not read its output).
  if (options.activation) layers.push(new SiLU({ inplace: true }));
  return new Sequential(...layers);
}

/** torchvision.ops.StochasticDepth in "row" mode: drops a sample's residual branch in training. */
export class StochasticDepth extends Module {
  /**
   * Source: torchvision `torchvision/ops/stochastic_depth.py` `StochasticDepth`.
   *
   * @param p probability of dropping a sample's residual branch in training, in [0, 1]
   */
  constructor(readonly p: number) {
    super();
  }
  /**
   * Drops each sample's branch with probability `p` in training (survivors scaled by 1/(1 − p)); identity in eval.
   *
   * @param x `[N, C, H, W]` residual branch output
   * @returns `x` itself in eval (or with p = 0), else a new tensor of `x`'s shape
   * @throws Error `aten::bernoulli_.float(...) failed: ...` when p is outside [0, 1].
   */
  forward(x: Tensor): Tensor {
    return F.stochasticDepth(x, this.p, this.training);
  }
}

/** Mobile inverted bottleneck with squeeze-excitation: [expand 1x1], depthwise kxk, SE, project 1x1. */
export class MBConv extends Module {
  readonly block: Sequential;
  readonly stochasticDepth: StochasticDepth;
  readonly useResidual: boolean;

  /**
   * Builds `block` ([expand,] depthwise, SE, project) and `stochastic_depth` from one block configuration.
   *
   * Source: torchvision `torchvision/models/efficientnet.py` `MBConv`.
   *
   * @param config the block's expand ratio, kernel, stride, channels and stochastic-depth probability
   * @param bn batch-norm eps and momentum of the variant
   */
  constructor(config: BlockConfig, bn: { eps: number; momentum: number }) {
    super();
    this.useResidual = config.stride === 1 && config.inputChannels === config.outChannels;
    const expanded = makeDivisible(config.inputChannels * config.expandRatio);
    const layers: Module[] = [];
    if (expanded !== config.inputChannels) layers.push(conv2dNormActivation(config.inputChannels, expanded, 1, { bn, activation: true }));
    layers.push(conv2dNormActivation(expanded, expanded, config.kernel, { stride: config.stride, groups: expanded, bn, activation: true }));
    // torchvision passes partial(nn.SiLU, inplace=True) to the SE block too.
    layers.push(new SqueezeExcitation(expanded, Math.max(1, Math.floor(config.inputChannels / 4)), new SiLU({ inplace: true })));
    layers.push(conv2dNormActivation(expanded, config.outChannels, 1, { bn, activation: false }));
    this.block = this.registerModule('block', new Sequential(...layers));
    this.stochasticDepth = this.registerModule('stochastic_depth', new StochasticDepth(config.stochasticDepth));
  }

  /**
   * Runs the block, adding the input back (after stochastic depth) when stride is 1 and the channels match.
   *
   * @param x `[N, inputChannels, H, W]`
   * @returns `[N, outChannels, H / stride, W / stride]` (rounded up)
   * @throws Error from libtorch naming `aten::conv2d` and the shapes when `x` has the wrong number of channels.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const out = this.block.forward(x);
      return this.useResidual ? this.stochasticDepth.forward(out).add(x) : out;
    });
  }
}

/**
 * EfficientNet-B0..B7: `features` (stem, 7 stages of MBConv, 1x1 head conv), `avgpool` (global),
 * `classifier` (dropout, linear). Any input size works (global pooling).
 *
 * @example
 * const model = new EfficientNet('efficientnet_b1', resolveModelOptions('efficientnet_b1', { numClasses: 2 }));
 */
export class EfficientNet extends Module {
  readonly features: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly classifier: Sequential;

  /**
   * Builds `features`, `avgpool` and `classifier`, then (with `initWeights`) torchvision's init.
   *
   * Source: torchvision `torchvision/models/efficientnet.py` `EfficientNet`.
   *
   * @param name `efficientnet_b0` .. `efficientnet_b7`
   * @param options resolved model options (see `resolveModelOptions` in registry.ts): `inChannels`, `numClasses`, `dropout`, `initWeights`, `stochasticDepth` (default 0.2)
   */
  constructor(name: EfficientNetName, options: ResolvedModelOptions) {
    super();
    const variant: EfficientNetVariant = EFFICIENTNET_VARIANTS[name];
    const bn = { eps: variant.bnEps, momentum: variant.bnMomentum };
    const stages = efficientNetBlocks(variant, options.stochasticDepth);
    const stemChannels = stages[0]![0]!.inputChannels;
    const lastStageChannels = stages[stages.length - 1]![0]!.outChannels;
    const headChannels = 4 * lastStageChannels;
    this.features = this.registerModule(
      'features',
      new Sequential(
        conv2dNormActivation(options.inChannels, stemChannels, 3, { stride: 2, bn, activation: true }),
        ...stages.map((blocks) => new Sequential(...blocks.map((b) => new MBConv(b, bn)))),
        conv2dNormActivation(lastStageChannels, headChannels, 1, { bn, activation: true }),
      ),
    );
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.classifier = this.registerModule('classifier', new Sequential(new Dropout(options.dropout), new Linear(headChannels, options.numClasses)));
    if (options.initWeights) initEfficientNet(this);
  }

  /**
   * Classifies a batch of images.
   *
   * @param x `[N, inChannels, H, W]`, any size of at least 1 pixel after the stride-32 reduction (e.g. 224x224 for B0)
   * @returns logits `[N, numClasses]`
   * @throws Error `aten::conv2d(<argument shapes>) failed: ...` when `x` does not have the expected channels or is too small for the kernels.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => this.classifier.forward(this.avgpool.forward(this.features.forward(x)).flatten(1)));
  }
}

/** torchvision's init: He normal (fan_out) convs, U(-1/sqrt(out), 1/sqrt(out)) linears, zero biases. */
function initEfficientNet(model: EfficientNet): void {
  forEachModule(model, (m) => {
    if (m instanceof Conv2d) {
      init.kaimingNormal_(m.weight, 0, 'fan_out');
      if (m.bias) init.zeros_(m.bias);
    } else if (m instanceof BatchNorm2d) {
      init.ones_(m.weight!);
      init.zeros_(m.bias!);
    } else if (m instanceof Linear) {
      const range = 1 / Math.sqrt(m.outFeatures);
      init.uniform_(m.weight, -range, range);
      init.zeros_(m.bias!);
    }
  });
}

/**
 * Number of parameters of an EfficientNet, from the tables alone (no tensors made).
 *
 * @param name `efficientnet_b0` .. `efficientnet_b7`
 * @param options `inChannels` and `numClasses`
 * @returns the parameter count (5,288,548 for B0 with 3 channels and 1000 classes, torchvision's figure)
 */
export function efficientNetParameterCount(name: EfficientNetName, options: Pick<ResolvedModelOptions, 'inChannels' | 'numClasses'>): number {
  const stages = efficientNetBlocks(EFFICIENTNET_VARIANTS[name], 0);
  const convBn = (cin: number, cout: number, k: number, groups = 1) => (cin / groups) * cout * k * k + 2 * cout;
  let count = convBn(options.inChannels, stages[0]![0]!.inputChannels, 3);
  for (const b of stages.flat()) {
    const expanded = makeDivisible(b.inputChannels * b.expandRatio);
    const squeeze = Math.max(1, Math.floor(b.inputChannels / 4));
    if (expanded !== b.inputChannels) count += convBn(b.inputChannels, expanded, 1);
    count += convBn(expanded, expanded, b.kernel, expanded);
    count += expanded * squeeze + squeeze + squeeze * expanded + expanded;
    count += convBn(expanded, b.outChannels, 1);
  }
  const last = stages[stages.length - 1]![0]!.outChannels;
  return count + convBn(last, 4 * last, 1) + (4 * last + 1) * options.numClasses;
}
