import type { Tensor } from '../torch/tensor.js';
import { tidy } from '../torch/scope.js';
import { Module } from '../nn/module.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '../nn/index.js';

/** Options of {@link SimpleCNN}. */
export interface SimpleCNNOptions {
  /** 1 for grayscale MRI (default), 3 for RGB. */
  inChannels?: number;
  /** Default 2. */
  numClasses?: number;
  /** Output channels of each conv-BN-ReLU-pool block. Default [16, 32, 64, 128]. */
  widths?: number[];
  /** Dropout before the classifier. Default 0.2. */
  dropout?: number;
}

/**
 * A small, fast baseline CNN for CPU: blocks of 3x3 conv - batch norm - ReLU - 2x2 max pool,
 * global average pooling, dropout and a linear classifier. Any input size of at least
 * 2^blocks pixels per side works.
 *
 * @example
 * const model = new SimpleCNN({ inChannels: 1, numClasses: 4, widths: [16, 32, 64] });
 */
export class SimpleCNN extends Module {
  readonly features: Sequential;
  readonly pool = new AdaptiveAvgPool2d(1);
  readonly classifier: Sequential;

  /**
   * Builds the blocks, pooling and classifier with PyTorch's default layer initialization.
   *
   * @param options `inChannels` (default 1), `numClasses` (default 2), `widths` (default [16, 32, 64, 128]: one block per
   * entry), `dropout` (default 0.2)
   */
  constructor(options: SimpleCNNOptions = {}) {
    super();
    const widths = options.widths ?? [16, 32, 64, 128];
    const layers: Module[] = [];
    let channels = options.inChannels ?? 1;
    for (const width of widths) {
      layers.push(new Conv2d(channels, width, 3, { padding: 1, bias: false }), new BatchNorm2d(width), new ReLU({ inplace: true }), new MaxPool2d(2));
      channels = width;
    }
    this.features = this.registerModule('features', new Sequential(...layers));
    this.registerModule('avgpool', this.pool);
    this.classifier = this.registerModule(
      'classifier',
      new Sequential(new Flatten(), new Dropout(options.dropout ?? 0.2), new Linear(channels, options.numClasses ?? 2)),
    );
  }

  /**
   * Classifies a batch of images.
   *
   * @param x `[N, inChannels, H, W]` with H and W at least 2^blocks (16 with the default 4 blocks)
   * @returns logits `[N, numClasses]`
   * @throws Error `aten::conv2d(<argument shapes>) failed: ...` when `x` does not have the expected channels or is too small for the kernels.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => this.classifier.forward(this.pool.forward(this.features.forward(x))));
  }
}

/**
 * Parameter count of {@link SimpleCNN} or its 3-D twin (`SimpleCNN3d`), without building it: per
 * block a bias-free conv and batch norm's weight and bias, then the classifier's weights and bias.
 *
 * @param o `inChannels`, `numClasses` and `widths`, as the constructor's
 * @param kernelPoints weights per input-output channel pair: 9 for the 3x3 kernels, 27 for 3x3x3
 * @returns the number of trainable scalars
 */
export function simpleCnnParameterCount(o: { inChannels: number; numClasses: number; widths: readonly number[] }, kernelPoints: 9 | 27): number {
  let count = 0;
  let channels = o.inChannels;
  for (const w of o.widths) {
    count += channels * w * kernelPoints + 2 * w;
    channels = w;
  }
  return count + (channels + 1) * o.numClasses;
}
