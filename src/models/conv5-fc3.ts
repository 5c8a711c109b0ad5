/**
 * ClinicaDL's subject-level 3-D CNN "Conv5_FC3" (Wen et al. 2020, "Convolutional neural networks
 * for classification of Alzheimer's disease: overview and reproducible evaluation"; the reference
 * is clinicadl/utils/network/cnn/models.py): five blocks of 3x3x3 conv - batch norm - ReLU -
 * padded 2x2x2 max pool (8, 16, 32, 64, 128 channels), then dropout and three linear layers
 * (1300, 50, classes). Parameter names are ClinicaDL's (`convolutions.N`, `fc.N`), so its saved
 * state dicts load by key. The first linear layer's size depends on the input volume's shape.
 */
import type { Tensor } from '../torch/tensor.js';
import { tidy } from '../torch/scope.js';
import { Module } from '../nn/module.js';
import { BatchNorm3d, Conv3d, Dropout, Flatten, Linear, MaxPool3d, ReLU, Sequential, F } from '../nn/index.js';
import type { ResolvedModelOptions } from './common.js';

/** Output channels of the five conv blocks. */
export const CONV5_FC3_WIDTHS = [8, 16, 32, 64, 128] as const;
/** Widths of the two hidden linear layers. */
export const CONV5_FC3_HIDDEN = [1300, 50] as const;
/** ClinicaDL's t1-linear crop of the MNI-registered T1w volume (voxels), the size its Conv5_FC3 was published at. */
export const CONV5_FC3_INPUT_SHAPE = [169, 208, 179] as const;

/**
 * ClinicaDL's PadMaxPool3d: zero-pads the front of every axis whose length is not a multiple of
 * the stride, then max-pools, so no voxel is dropped (169 -> 85). Parameter-free.
 */
export class PadMaxPool3d extends Module {
  readonly pool: MaxPool3d;

  /**
   * @param kernelSize the pooling window in voxels (one number for all three axes)
   * @param stride the stride in voxels; each axis is front-padded to a multiple of it
   */
  constructor(
    readonly kernelSize: number,
    readonly stride: number,
  ) {
    super();
    this.pool = this.registerModule('pool', new MaxPool3d(kernelSize, { stride }));
  }

  /**
   * @param x `[N, C, D, H, W]`
   * @returns `[N, C, ceil(D / stride), ceil(H / stride), ceil(W / stride)]` for kernel = stride
   * @throws Error naming the op and the argument shapes when libtorch rejects the input (not 5-D)
   */
  forward(x: Tensor): Tensor {
    const [d, h, w] = x.shape.slice(2) as [number, number, number];
    const extra = [d, h, w].map((n) => (this.stride - (n % this.stride)) % this.stride);
    if (extra.every((e) => e === 0)) return this.pool.forward(x);
    // F.pad order: last axis first, (front, back) per axis; ClinicaDL pads the front only.
    return tidy(() => this.pool.forward(F.pad(x, [extra[2]!, 0, extra[1]!, 0, extra[0]!, 0])));
  }
}

/**
 * Shape [d, h, w] after the five padded pools: ceil(n / 2) five times.
 *
 * @param inputShape the input volume's [D, H, W] in voxels
 * @returns the feature map's [d, h, w] in voxels, e.g. [6, 7, 6] for ClinicaDL's [169, 208, 179]
 */
export function conv5Fc3FeatureShape(inputShape: readonly number[]): [number, number, number] {
  const out = inputShape.map((n) => {
    let m = n;
    for (let i = 0; i < CONV5_FC3_WIDTHS.length; i++) m = Math.ceil(m / 2);
    return m;
  });
  return out as [number, number, number];
}

/**
 * ClinicaDL's Conv5_FC3 for volumes of `inputShape` [d, h, w] (default ClinicaDL's 169x208x179).
 *
 * @example
 * const model = new Conv5FC3({ inChannels: 1, numClasses: 2, dropout: 0.5, inputShape: [96, 112, 96] });
 * model.forward(volumes); // [N, 1, 96, 112, 96] -> [N, 2]
 */
export class Conv5FC3 extends Module {
  readonly convolutions: Sequential;
  readonly fc: Sequential;

  /**
   * @param options `inChannels`, `numClasses`, `dropout` (before the first linear layer; ClinicaDL's 0.5 is the
   *   registry's default) and `inputShape` [D, H, W] voxels, which fixes the first linear layer's size
   */
  constructor(options: Pick<ResolvedModelOptions, 'inChannels' | 'numClasses' | 'dropout'> & { inputShape: readonly number[] }) {
    super();
    const layers: Module[] = [];
    let channels = options.inChannels;
    for (const width of CONV5_FC3_WIDTHS) {
      layers.push(new Conv3d(channels, width, 3, { padding: 1 }), new BatchNorm3d(width), new ReLU(), new PadMaxPool3d(2, 2));
      channels = width;
    }
    this.convolutions = this.registerModule('convolutions', new Sequential(...layers));
    const flat = channels * conv5Fc3FeatureShape(options.inputShape).reduce((a, b) => a * b, 1);
    const [h1, h2] = CONV5_FC3_HIDDEN;
    this.fc = this.registerModule(
      'fc',
      new Sequential(
        new Flatten(),
        new Dropout(options.dropout),
        new Linear(flat, h1),
        new ReLU(),
        new Linear(h1, h2),
        new ReLU(),
        new Linear(h2, options.numClasses),
      ),
    );
  }

  /**
   * @param x `[N, inChannels, D, H, W]` with [D, H, W] = the `inputShape` the model was built for
   * @returns logits `[N, numClasses]`
   * @throws Error naming the op and the argument shapes when libtorch rejects the input (wrong rank or channel count), or a volume of
   *   another size (the first linear layer's input length differs)
   */
  forward(x: Tensor): Tensor {
    return tidy(() => this.fc.forward(this.convolutions.forward(x)));
  }
}

/**
 * Parameter count of Conv5_FC3 for these options, without building it.
 *
 * @param options `inChannels`, `numClasses` and `inputShape` [D, H, W] voxels
 * @returns the number of trainable scalars (BatchNorm running statistics are buffers, not counted)
 */
export function conv5Fc3ParameterCount(options: Pick<ResolvedModelOptions, 'inChannels' | 'numClasses'> & { inputShape: readonly number[] }): number {
  let count = 0;
  let channels = options.inChannels;
  for (const width of CONV5_FC3_WIDTHS) {
    count += channels * width * 27 + width + 2 * width;
    channels = width;
  }
  const flat = channels * conv5Fc3FeatureShape(options.inputShape).reduce((a, b) => a * b, 1);
  const [h1, h2] = CONV5_FC3_HIDDEN;
  return count + (flat + 1) * h1 + (h1 + 1) * h2 + (h2 + 1) * options.numClasses;
}
