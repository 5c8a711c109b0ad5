import type { Tensor } from '../torch/tensor.js';
import { tidy } from '../torch/scope.js';
import { Module } from '../nn/module.js';
import { AdaptiveAvgPool3d, BatchNorm3d, Conv3d, Dropout, Flatten, Linear, MaxPool3d, ReLU, Sequential } from '../nn/index.js';

/**
 * The baseline CNN in 3-D, for whole volumes on a CPU: blocks of 3x3x3 conv - batch norm - ReLU -
 * 2x2x2 max pool, global average pooling, dropout and a linear classifier (alzbench's own; the
 * network of bench/engine/step3d.mjs with widths [8, 16, 32, 64]).
 *
 * @example
 * const model = new SimpleCNN3d({ inChannels: 1, numClasses: 2, widths: [8, 16, 32], dropout: 0.2 });
 */
export class SimpleCNN3d extends Module {
  readonly features: Sequential;
  readonly pool = new AdaptiveAvgPool3d(1);
  readonly classifier: Sequential;

  /**
   * @param options `inChannels`, `numClasses`, `widths` (output channels of each conv block; the registry's default
   *   [8, 16, 32, 64]) and `dropout` before the classifier
   */
  constructor(options: { inChannels: number; numClasses: number; widths: readonly number[]; dropout: number }) {
    super();
    const layers: Module[] = [];
    let channels = options.inChannels;
    for (const width of options.widths) {
      layers.push(new Conv3d(channels, width, 3, { padding: 1, bias: false }), new BatchNorm3d(width), new ReLU(), new MaxPool3d(2));
      channels = width;
    }
    this.features = this.registerModule('features', new Sequential(...layers));
    this.registerModule('avgpool', this.pool);
    this.classifier = this.registerModule('classifier', new Sequential(new Flatten(), new Dropout(options.dropout), new Linear(channels, options.numClasses)));
  }

  /**
   * @param x `[N, inChannels, D, H, W]`, each axis at least 2^(number of blocks) voxels
   * @returns logits `[N, numClasses]`
   * @throws Error naming the op and the argument shapes when libtorch rejects the input (wrong rank or channel count)
   */
  forward(x: Tensor): Tensor {
    return tidy(() => this.classifier.forward(this.pool.forward(this.features.forward(x))));
  }
}
