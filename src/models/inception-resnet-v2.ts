/**
 * Inception-ResNet-v2 (Szegedy et al. 2017, "Inception-v4, Inception-ResNet and the Impact of
 * Residual Connections on Learning") with timm's module and parameter names
 * (`timm/models/inception_resnet_v2.py`, itself a port of the TF-slim network), so timm's state
 * dict loads directly: stem conv2d_1a..conv2d_4a, mixed_5b, 10x Block35 (`repeat`), mixed_6a,
 * 20x Block17 (`repeat_1`), mixed_7a, 9x Block8 (`repeat_2`), a final Block8 without ReLU
 * (`block8`), conv2d_7b to 1536 channels, global average pool, dropout, linear (`classif`).
 * Every BasicConv2d is conv (no bias) - batch norm (eps 1e-3) - ReLU; the residual blocks scale
 * their branch (0.17, 0.10, 0.20) before adding it. Like timm, it keeps PyTorch's default
 * initialization. Its unpadded stem needs inputs of at least 75x75.
 */
import type { Tensor } from '../torch/tensor.js';
import { tidy } from '../torch/scope.js';
import { cat } from '../torch/creation.js';
import { Module } from '../nn/module.js';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential, runLayers } from '../nn/index.js';
import type { Size2 } from '../nn/functional.js';
import type { ResolvedModelOptions } from './common.js';

/** Conv (no bias) - batch norm (eps 0.001, TF's) - ReLU: timm's `BasicConv2d` (`conv`, `bn`, `relu`). */
export class BasicConv2d extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  readonly relu = new ReLU();

  /**
   * Source: timm `timm/models/inception_resnet_v2.py` `BasicConv2d`.
   *
   * @param inPlanes input channels
   * @param outPlanes output channels
   * @param kernel kernel size, an int or `[kH, kW]` (e.g. `[1, 7]`)
   * @param stride conv stride
   * @param padding zero padding (default 0), an int or a pair
   */
  constructor(inPlanes: number, outPlanes: number, kernel: Size2, stride: number, padding: Size2 = 0) {
    super();
    this.conv = this.registerModule('conv', new Conv2d(inPlanes, outPlanes, kernel, { stride, padding, bias: false }));
    this.bn = this.registerModule('bn', new BatchNorm2d(outPlanes, { eps: 0.001 }));
    this.registerModule('relu', this.relu);
  }

  /**
   * conv, batch norm, ReLU (batch norm and ReLU as one fused kernel where `runLayers` can).
   *
   * @param x `[N, inPlanes, H, W]`
   * @returns `[N, outPlanes, H', W']` with the conv's output size
   * @throws Error `aten::conv2d(<argument shapes>) failed: ...` when `x` does not have `inPlanes` channels or is smaller than the kernel.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => runLayers([this.conv, this.bn, this.relu], x));
  }
}

/** A block whose output is its branches concatenated along channels. */
abstract class Branching extends Module {
  protected branches: Module[] = [];
  protected branch<M extends Module>(name: string, module: M): M {
    this.branches.push(module);
    return this.registerModule(name, module);
  }
  protected concat(x: Tensor): Tensor {
    return cat(
      this.branches.map((b) => b.forward(x)),
      1,
    );
  }
}

/** 35x35 grid stem output: 192 -> 320 channels (96 + 64 + 96 + 64). */
export class Mixed5b extends Branching {
  /**
   * Builds the four branches (timm's `Mixed_5b`).
   *
   * Source: timm `timm/models/inception_resnet_v2.py` `Mixed_5b`.
   */
  constructor() {
    super();
    this.branch('branch0', new BasicConv2d(192, 96, 1, 1));
    this.branch('branch1', new Sequential(new BasicConv2d(192, 48, 1, 1), new BasicConv2d(48, 64, 5, 1, 2)));
    this.branch('branch2', new Sequential(new BasicConv2d(192, 64, 1, 1), new BasicConv2d(64, 96, 3, 1, 1), new BasicConv2d(96, 96, 3, 1, 1)));
    this.branch('branch3', new Sequential(new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }), new BasicConv2d(192, 64, 1, 1)));
  }
  /**
   * Runs the branches and concatenates them along channels.
   *
   * @param x `[N, 192, 35, 35]` (any spatial size)
   * @returns `[N, 320, 35, 35]`
   * @throws Error from libtorch naming the op and shapes when `x` does not have 192 channels.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => this.concat(x));
  }
}

/** Residual block: relu?(x + scale * conv2d(concat(branches(x)))). */
abstract class ScaledResidual extends Branching {
  protected conv2d!: Conv2d;
  protected relu: ReLU | null = null;
  constructor(readonly scale: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const out = this.conv2d.forward(this.concat(x)).mul(this.scale).add(x);
      return this.relu ? this.relu.forward(out) : out;
    });
  }
}

/** Inception-ResNet-A on the 35x35 grid (320 channels). */
export class Block35 extends ScaledResidual {
  /**
   * Builds the three branches and the 1x1 `conv2d` back to 320 channels.
   *
   * Source: timm `timm/models/inception_resnet_v2.py` `Block35`.
   *
   * @param scale factor on the residual branch before it is added (default 1.0; the network uses 0.17)
   */
  constructor(scale = 1.0) {
    super(scale);
    this.branch('branch0', new BasicConv2d(320, 32, 1, 1));
    this.branch('branch1', new Sequential(new BasicConv2d(320, 32, 1, 1), new BasicConv2d(32, 32, 3, 1, 1)));
    this.branch('branch2', new Sequential(new BasicConv2d(320, 32, 1, 1), new BasicConv2d(32, 48, 3, 1, 1), new BasicConv2d(48, 64, 3, 1, 1)));
    this.conv2d = this.registerModule('conv2d', new Conv2d(128, 320, 1));
    this.relu = this.registerModule('relu', new ReLU());
  }
}

/** Reduction-A: 35x35x320 -> 17x17x1088. */
export class Mixed6a extends Branching {
  /**
   * Builds the three branches (two strided convs and a max pool).
   *
   * Source: timm `timm/models/inception_resnet_v2.py` `Mixed_6a`.
   */
  constructor() {
    super();
    this.branch('branch0', new BasicConv2d(320, 384, 3, 2));
    this.branch('branch1', new Sequential(new BasicConv2d(320, 256, 1, 1), new BasicConv2d(256, 256, 3, 1, 1), new BasicConv2d(256, 384, 3, 2)));
    this.branch('branch2', new MaxPool2d(3, { stride: 2 }));
  }
  /**
   * Reduces the grid and concatenates the branches along channels.
   *
   * @param x `[N, 320, 35, 35]`
   * @returns `[N, 1088, 17, 17]` (spatial sizes (H − 3) / 2 + 1)
   * @throws Error from libtorch naming the op and shapes when `x` does not have 320 channels.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => this.concat(x));
  }
}

/** Inception-ResNet-B on the 17x17 grid (1088 channels), with factorized 1x7 / 7x1 convs. */
export class Block17 extends ScaledResidual {
  /**
   * Builds the two branches and the 1x1 `conv2d` back to 1088 channels.
   *
   * Source: timm `timm/models/inception_resnet_v2.py` `Block17`.
   *
   * @param scale factor on the residual branch before it is added (default 1.0; the network uses 0.10)
   */
  constructor(scale = 1.0) {
    super(scale);
    this.branch('branch0', new BasicConv2d(1088, 192, 1, 1));
    this.branch(
      'branch1',
      new Sequential(new BasicConv2d(1088, 128, 1, 1), new BasicConv2d(128, 160, [1, 7], 1, [0, 3]), new BasicConv2d(160, 192, [7, 1], 1, [3, 0])),
    );
    this.conv2d = this.registerModule('conv2d', new Conv2d(384, 1088, 1));
    this.relu = this.registerModule('relu', new ReLU());
  }
}

/** Reduction-B: 17x17x1088 -> 8x8x2080. */
export class Mixed7a extends Branching {
  /**
   * Builds the four branches (three strided convs and a max pool).
   *
   * Source: timm `timm/models/inception_resnet_v2.py` `Mixed_7a`.
   */
  constructor() {
    super();
    this.branch('branch0', new Sequential(new BasicConv2d(1088, 256, 1, 1), new BasicConv2d(256, 384, 3, 2)));
    this.branch('branch1', new Sequential(new BasicConv2d(1088, 256, 1, 1), new BasicConv2d(256, 288, 3, 2)));
    this.branch('branch2', new Sequential(new BasicConv2d(1088, 256, 1, 1), new BasicConv2d(256, 288, 3, 1, 1), new BasicConv2d(288, 320, 3, 2)));
    this.branch('branch3', new MaxPool2d(3, { stride: 2 }));
  }
  /**
   * Reduces the grid and concatenates the branches along channels.
   *
   * @param x `[N, 1088, 17, 17]`
   * @returns `[N, 2080, 8, 8]` (spatial sizes (H − 3) / 2 + 1)
   * @throws Error from libtorch naming the op and shapes when `x` does not have 1088 channels.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => this.concat(x));
  }
}

/** Inception-ResNet-C on the 8x8 grid (2080 channels), with 1x3 / 3x1 convs; the last has no ReLU. */
export class Block8 extends ScaledResidual {
  /**
   * Builds the two branches, the 1x1 `conv2d` back to 2080 channels and (unless `noRelu`) the ReLU.
   *
   * Source: timm `timm/models/inception_resnet_v2.py` `Block8`.
   *
   * @param scale factor on the residual branch before it is added (default 1.0; the network uses 0.20, the last block 1.0)
   * @param noRelu leave out the final ReLU (default false; true for the last block, timm's `block8`)
   */
  constructor(scale = 1.0, noRelu = false) {
    super(scale);
    this.branch('branch0', new BasicConv2d(2080, 192, 1, 1));
    this.branch(
      'branch1',
      new Sequential(new BasicConv2d(2080, 192, 1, 1), new BasicConv2d(192, 224, [1, 3], 1, [0, 1]), new BasicConv2d(224, 256, [3, 1], 1, [1, 0])),
    );
    this.conv2d = this.registerModule('conv2d', new Conv2d(448, 2080, 1));
    if (!noRelu) this.relu = this.registerModule('relu', new ReLU());
  }
}

/** timm's `SelectAdaptivePool2d(pool_type='avg', flatten=True)`: `pool` then `flatten` (no parameters). */
class GlobalAvgPool extends Module {
  readonly pool = this.registerModule('pool', new AdaptiveAvgPool2d(1));
  readonly flatten = this.registerModule('flatten', new Flatten(1));
  forward(x: Tensor): Tensor {
    return tidy(() => this.flatten.forward(this.pool.forward(x)));
  }
}

const NUM_FEATURES = 1536;

/**
 * Inception-ResNet-v2 with timm's names. Input at least 75x75 (timm's default 299x299; the
 * study used 256x256).
 *
 * @example
 * const model = new InceptionResNetV2(resolveModelOptions('inception_resnet_v2', { inChannels: 1, numClasses: 2 }));
 */
export class InceptionResNetV2 extends Module {
  readonly stem: Module[];
  readonly globalPool: GlobalAvgPool;
  readonly headDrop: Dropout;
  readonly classif: Linear;

  /**
   * Builds the stem, mixed and repeated blocks, head conv, pooling, dropout and `classif` with PyTorch's default
   * layer initialization (as timm).
   *
   * Source: timm `timm/models/inception_resnet_v2.py` `InceptionResnetV2`.
   *
   * @param options resolved model options (see `resolveModelOptions` in registry.ts): `inChannels`, `numClasses`, `dropout`, `initWeights` (`initWeights` has no effect: there is no family-specific init)
   */
  constructor(options: ResolvedModelOptions) {
    super();
    this.stem = [
      this.registerModule('conv2d_1a', new BasicConv2d(options.inChannels, 32, 3, 2)),
      this.registerModule('conv2d_2a', new BasicConv2d(32, 32, 3, 1)),
      this.registerModule('conv2d_2b', new BasicConv2d(32, 64, 3, 1, 1)),
      this.registerModule('maxpool_3a', new MaxPool2d(3, { stride: 2 })),
      this.registerModule('conv2d_3b', new BasicConv2d(64, 80, 1, 1)),
      this.registerModule('conv2d_4a', new BasicConv2d(80, 192, 3, 1)),
      this.registerModule('maxpool_5a', new MaxPool2d(3, { stride: 2 })),
      this.registerModule('mixed_5b', new Mixed5b()),
      this.registerModule('repeat', new Sequential(...Array.from({ length: 10 }, () => new Block35(0.17)))),
      this.registerModule('mixed_6a', new Mixed6a()),
      this.registerModule('repeat_1', new Sequential(...Array.from({ length: 20 }, () => new Block17(0.1)))),
      this.registerModule('mixed_7a', new Mixed7a()),
      this.registerModule('repeat_2', new Sequential(...Array.from({ length: 9 }, () => new Block8(0.2)))),
      this.registerModule('block8', new Block8(1.0, true)),
      this.registerModule('conv2d_7b', new BasicConv2d(2080, NUM_FEATURES, 1, 1)),
    ];
    this.globalPool = this.registerModule('global_pool', new GlobalAvgPool());
    this.headDrop = this.registerModule('head_drop', new Dropout(options.dropout));
    this.classif = this.registerModule('classif', new Linear(NUM_FEATURES, options.numClasses));
  }

  /**
   * The 1536-channel feature map before pooling (timm's `forward_features`).
   *
   * @param x `[N, inChannels, H, W]`, H and W at least 75
   * @returns `[N, 1536, h, w]` (8x8 for 299x299 input)
   * @throws Error `aten::conv2d(<argument shapes>) failed: ...` when `x` does not have the expected channels or is too small for the kernels.
   */
  forwardFeatures(x: Tensor): Tensor {
    return tidy(() => {
      let out = x;
      for (const layer of this.stem) out = layer.forward(out);
      return out;
    });
  }

  /**
   * Classifies a batch of images.
   *
   * @param x `[N, inChannels, H, W]`, H and W at least 75 (timm's default 299x299)
   * @returns logits `[N, numClasses]`
   * @throws Error `aten::conv2d(<argument shapes>) failed: ...` when `x` does not have the expected channels or is too small for the kernels.
   */
  forward(x: Tensor): Tensor {
    return tidy(() => this.classif.forward(this.headDrop.forward(this.globalPool.forward(this.forwardFeatures(x)))));
  }
}

/**
 * Parameters of the network without the first conv's weight and the classifier: fixed by the
 * architecture (checked in the tests against a built model and timm's published 55,843,464).
 */
const TRUNK_PARAMETERS = 55_843_464 - 3 * 32 * 9 - (NUM_FEATURES + 1) * 1000;

/**
 * Number of parameters of Inception-ResNet-v2 for the given input channels and classes (no tensors made).
 *
 * @param options `inChannels` and `numClasses`
 * @returns the parameter count (55,843,464 with 3 channels and 1000 classes, timm's figure)
 */
export function inceptionResNetV2ParameterCount(options: Pick<ResolvedModelOptions, 'inChannels' | 'numClasses'>): number {
  return TRUNK_PARAMETERS + options.inChannels * 32 * 9 + (NUM_FEATURES + 1) * options.numClasses;
}
