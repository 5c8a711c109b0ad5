/**
 * MONAI's 3-D DenseNet-121 (monai/networks/nets/densenet.py, after Huang et al. 2017): a 7x7x7
 * stride-2 stem and 3x3x3 stride-2 max pool, four dense blocks of 6, 12, 24 and 16 layers (growth
 * 32, bottleneck 4x) joined by transitions (BN-ReLU-1x1x1 conv halving the channels-2x2x2 average
 * pool), a final batch norm, and `class_layers` (ReLU, global average pool, flatten, linear).
 * Parameter names are MONAI's (`features.denseblock1.denselayer1.layers.conv1.weight`,
 * `class_layers.out.weight`), so MONAI state dicts load by key.
 */
import type { Tensor } from '../torch/tensor.js';
import { tidy } from '../torch/scope.js';
import { cat } from '../torch/creation.js';
import { Module } from '../nn/module.js';
import { AdaptiveAvgPool3d, AvgPool3d, BatchNorm3d, Conv3d, Dropout3d, Flatten, Linear, MaxPool3d, ReLU, init } from '../nn/index.js';
import type { ResolvedModelOptions } from './common.js';
import { forEachModule } from './common.js';

/** DenseNet-121's table (Huang et al. 2017, Table 1; MONAI's DenseNet121 defaults). */
export const DENSENET121_3D = { initFeatures: 64, growthRate: 32, blockConfig: [6, 12, 24, 16], bnSize: 4 } as const;

/** A sequence of named children (PyTorch's nn.Sequential over an OrderedDict), chained in order. */
export class NamedSequential extends Module {
  private readonly layers: Module[] = [];

  /**
   * @param entries `[name, module]` pairs, registered and chained in order; default none
   */
  constructor(entries: [string, Module][] = []) {
    super();
    for (const [name, module] of entries) this.add(name, module);
  }

  /**
   * Appends a child (nn.Sequential.add_module).
   *
   * @param name the child's key in the state dict, e.g. `denseblock1`
   * @param module the child, run after the existing ones
   * @returns this, for chaining
   */
  add(name: string, module: Module): this {
    this.registerModule(name, module);
    this.layers.push(module);
    return this;
  }

  /**
   * @param x the first child's input
   * @returns the last child's output (`x` itself when there are no children)
   * @throws whatever a child's forward throws
   */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      let out = x;
      for (const layer of this.layers) out = layer.forward(out);
      return out;
    });
  }
}

/** MONAI's _DenseLayer: BN-ReLU-1x1x1 conv-BN-ReLU-3x3x3 conv (+ optional Dropout3d), concatenated to its input. */
export class DenseLayer3d extends Module {
  readonly layers: NamedSequential;

  /**
   * @param inChannels channels of the input
   * @param growthRate channels the layer adds (32 for DenseNet-121)
   * @param bnSize bottleneck width as a multiple of the growth rate (4)
   * @param dropout Dropout3d probability after the 3x3x3 conv; 0 adds none
   */
  constructor(inChannels: number, growthRate: number, bnSize: number, dropout: number) {
    super();
    const width = bnSize * growthRate;
    const entries: [string, Module][] = [
      ['norm1', new BatchNorm3d(inChannels)],
      ['relu1', new ReLU()],
      ['conv1', new Conv3d(inChannels, width, 1, { bias: false })],
      ['norm2', new BatchNorm3d(width)],
      ['relu2', new ReLU()],
      ['conv2', new Conv3d(width, growthRate, 3, { padding: 1, bias: false })],
    ];
    if (dropout > 0) entries.push(['dropout', new Dropout3d(dropout)]);
    this.layers = this.registerModule('layers', new NamedSequential(entries));
  }

  /**
   * @param x `[N, inChannels, D, H, W]`
   * @returns `[N, inChannels + growthRate, D, H, W]`: the input with the new features appended
   * @throws Error naming the op and the argument shapes when libtorch rejects the input (wrong rank or channel count)
   */
  forward(x: Tensor): Tensor {
    return tidy(() => cat([x, this.layers.forward(x)], 1));
  }
}

/**
 * MONAI's DenseNet121 with `spatial_dims=3`.
 *
 * @example
 * const model = new DenseNet3d({ inChannels: 1, numClasses: 2, dropout: 0, initWeights: true });
 */
export class DenseNet3d extends Module {
  readonly features: NamedSequential;
  readonly classLayers: NamedSequential;

  /**
   * Source: MONAI `monai.networks.nets.DenseNet121(spatial_dims=3)` (Huang et al. 2017).
   *
   * @param options `inChannels`, `numClasses`, `dropout` (Dropout3d in every dense layer; MONAI's default 0), and
   *   `initWeights` (MONAI's init: He normal convs, BN 1 / 0, zero linear bias)
   */
  constructor(options: Pick<ResolvedModelOptions, 'inChannels' | 'numClasses' | 'dropout' | 'initWeights'>) {
    super();
    const { initFeatures, growthRate, blockConfig, bnSize } = DENSENET121_3D;
    this.features = this.registerModule(
      'features',
      new NamedSequential([
        ['conv0', new Conv3d(options.inChannels, initFeatures, 7, { stride: 2, padding: 3, bias: false })],
        ['norm0', new BatchNorm3d(initFeatures)],
        ['relu0', new ReLU()],
        ['pool0', new MaxPool3d(3, { stride: 2, padding: 1 })],
      ]),
    );
    let channels: number = initFeatures;
    blockConfig.forEach((layers, i) => {
      const block = new NamedSequential();
      for (let j = 0; j < layers; j++) {
        block.add(`denselayer${j + 1}`, new DenseLayer3d(channels, growthRate, bnSize, options.dropout));
        channels += growthRate;
      }
      this.features.add(`denseblock${i + 1}`, block);
      if (i === blockConfig.length - 1) {
        this.features.add('norm5', new BatchNorm3d(channels));
      } else {
        const out = Math.floor(channels / 2);
        this.features.add(
          `transition${i + 1}`,
          new NamedSequential([
            ['norm', new BatchNorm3d(channels)],
            ['relu', new ReLU()],
            ['conv', new Conv3d(channels, out, 1, { bias: false })],
            ['pool', new AvgPool3d(2, { stride: 2 })],
          ]),
        );
        channels = out;
      }
    });
    this.classLayers = this.registerModule(
      'class_layers',
      new NamedSequential([
        ['relu', new ReLU()],
        ['pool', new AdaptiveAvgPool3d(1)],
        ['flatten', new Flatten()],
        ['out', new Linear(channels, options.numClasses)],
      ]),
    );
    if (options.initWeights) initDenseNet3d(this);
  }

  /**
   * @param x `[N, inChannels, D, H, W]`, each axis at least 29 voxels (three unpadded 2x2x2 transition pools)
   * @returns logits `[N, numClasses]`
   * @throws Error naming the op and the argument shapes when libtorch rejects the input (wrong rank or channel count), or a volume
   *   too small for the transition pools
   */
  forward(x: Tensor): Tensor {
    return tidy(() => this.classLayers.forward(this.features.forward(x)));
  }
}

/** MONAI's DenseNet init: He normal (fan_in, leaky_relu a=0) convs, BN weight 1 / bias 0, zero linear bias. */
function initDenseNet3d(model: DenseNet3d): void {
  forEachModule(model, (m) => {
    if (m instanceof Conv3d) init.kaimingNormal_(m.weight);
    else if (m instanceof BatchNorm3d) {
      init.constant_(m.weight!, 1);
      init.constant_(m.bias!, 0);
    } else if (m instanceof Linear) init.constant_(m.bias!, 0);
  });
}

/**
 * Parameter count of the 3-D DenseNet-121, from the table alone.
 *
 * @param options `inChannels` and `numClasses`
 * @returns the number of trainable scalars
 */
export function densenet3dParameterCount(options: Pick<ResolvedModelOptions, 'inChannels' | 'numClasses'>): number {
  const { initFeatures, growthRate, blockConfig, bnSize } = DENSENET121_3D;
  const width = bnSize * growthRate;
  let count = options.inChannels * initFeatures * 343 + 2 * initFeatures;
  let channels: number = initFeatures;
  blockConfig.forEach((layers, i) => {
    for (let j = 0; j < layers; j++) {
      count += 2 * channels + channels * width + 2 * width + width * growthRate * 27;
      channels += growthRate;
    }
    if (i === blockConfig.length - 1) count += 2 * channels;
    else {
      count += 2 * channels + channels * Math.floor(channels / 2);
      channels = Math.floor(channels / 2);
    }
  });
  return count + (channels + 1) * options.numClasses;
}
