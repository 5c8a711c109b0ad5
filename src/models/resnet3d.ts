/**
 * 3-D ResNets in MONAI's layout (monai/networks/nets/resnet.py, after Hara et al. 2018, "Can
 * Spatiotemporal 3D CNNs Retrace the History of 2D CNNs and ImageNet?"), built with the arguments
 * MONAI uses for MedicalNet's pretrained weights (Chen et al. 2019, "Med3D"): a 7x7x7 stride-2 stem,
 * a 3x3x3 stride-2 max pool, four stages of basic blocks (64, 128, 256, 512 channels), global
 * average pooling and a linear classifier. Keys (`conv1`, `layer2.0.downsample.0`, `fc`) are
 * MONAI's and MedicalNet's (after stripping its `module.` prefix).
 *
 * Shortcuts where the shape changes, as MedicalNet's weights need: type "A" (ResNet-18/34: subsample
 * by the stride and append zero channels, no parameters) or type "B" (ResNet-10: 1x1x1 conv without
 * bias + batch norm).
 */
import type { Tensor } from '../torch/tensor.js';
import { tidy } from '../torch/scope.js';
import { cat, zeros } from '../torch/creation.js';
import { Module } from '../nn/module.js';
import { AdaptiveAvgPool3d, BatchNorm3d, Conv3d, Linear, MaxPool3d, ReLU, Sequential, F, init } from '../nn/index.js';
import type { ResolvedModelOptions } from './common.js';
import { forEachModule } from './common.js';

/** Blocks per stage (Hara et al. / MONAI `resnet10`, `resnet18`, `resnet34`). */
export const RESNET3D_LAYERS = { 10: [1, 1, 1, 1], 18: [2, 2, 2, 2], 34: [3, 4, 6, 3] } as const;
export type ResNet3dDepth = keyof typeof RESNET3D_LAYERS;
/** Channels of the four stages (MONAI's `get_inplanes()`). */
export const RESNET3D_WIDTHS = [64, 128, 256, 512] as const;
/** Stride of the 7x7x7 stem (MedicalNet's; MONAI's default of 1 costs 8x the compute). */
export const RESNET3D_STEM_STRIDE = 2;

/**
 * Shortcut type per depth, as MONAI's `get_medicalnet_pretrained_resnet_args`.
 *
 * @param depth 10, 18 or 34
 * @returns `'B'` (1x1x1 conv + BN) for ResNet-10, `'A'` (zero padding) for ResNet-18 and -34
 */
export function resnet3dShortcut(depth: ResNet3dDepth): 'A' | 'B' {
  return depth === 10 ? 'B' : 'A';
}

/**
 * Type-"A" shortcut: subsample by the stride (avg_pool3d with kernel 1) and append zero channels.
 * As MONAI, MedicalNet and 3D-ResNets-PyTorch, the subsampled input enters detached (their
 * `out.data`): no gradient flows back through this shortcut, only through the block's convs.
 */
export class ZeroPadShortcut extends Module {
  /**
   * @param planes the output channel count (at least the input's)
   * @param stride the spatial subsampling factor
   */
  constructor(
    readonly planes: number,
    readonly stride: number,
  ) {
    super();
  }
  /**
   * @param x `[N, C, D, H, W]` with C <= `planes`
   * @returns `[N, planes, ceil(D / stride), ceil(H / stride), ceil(W / stride)]`, detached from `x`'s graph
   * @throws Error naming the op and the argument shapes when libtorch rejects the input (not 5-D, C > planes)
   */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const out = F.avgPool3d(x, 1, { stride: this.stride }).detach();
      const pad = zeros([out.size(0), this.planes - out.size(1), ...out.shape.slice(2)], { dtype: out.dtype, device: out.device });
      return cat([out, pad], 1);
    });
  }
}

/** MONAI's ResNetBlock: conv-BN-ReLU-conv-BN, plus the (downsampled) input, then ReLU. */
export class ResNet3dBlock extends Module {
  readonly conv1: Conv3d;
  readonly bn1: BatchNorm3d;
  readonly relu = new ReLU();
  readonly conv2: Conv3d;
  readonly bn2: BatchNorm3d;

  /**
   * @param inPlanes input channels
   * @param planes output channels of both convs
   * @param stride stride of the first conv; default 1
   * @param downsample the shortcut applied to the input when the shape changes; default null (identity)
   */
  constructor(
    inPlanes: number,
    planes: number,
    stride = 1,
    readonly downsample: Module | null = null,
  ) {
    super();
    this.conv1 = this.registerModule('conv1', new Conv3d(inPlanes, planes, 3, { stride, padding: 1, bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm3d(planes));
    this.registerModule('relu', this.relu);
    this.conv2 = this.registerModule('conv2', new Conv3d(planes, planes, 3, { padding: 1, bias: false }));
    this.bn2 = this.registerModule('bn2', new BatchNorm3d(planes));
    if (downsample) this.registerModule('downsample', downsample);
  }

  /**
   * @param x `[N, inPlanes, D, H, W]`
   * @returns `[N, planes, D', H', W']` (each axis `ceil(L / stride)`)
   * @throws Error naming the op and the argument shapes when libtorch rejects the input (wrong rank or channel count)
   */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      const out = this.bn2.forward(this.conv2.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x)))));
      const residual = this.downsample ? this.downsample.forward(x) : x;
      return F.relu(out.add(residual));
    });
  }
}

/**
 * A MONAI/MedicalNet 3-D ResNet of depth 10, 18 or 34 on NCDHW volumes.
 *
 * @example
 * const model = new ResNet3d(18, { inChannels: 1, numClasses: 2, initWeights: true });
 * model.forward(volumes); // [N, 1, 96, 112, 96] -> [N, 2]
 */
export class ResNet3d extends Module {
  readonly conv1: Conv3d;
  readonly bn1: BatchNorm3d;
  readonly relu = new ReLU();
  readonly maxpool = new MaxPool3d(3, { stride: 2, padding: 1 });
  readonly layer1: Sequential;
  readonly layer2: Sequential;
  readonly layer3: Sequential;
  readonly layer4: Sequential;
  readonly avgpool = new AdaptiveAvgPool3d(1);
  readonly fc: Linear;

  /**
   * Source: MONAI `monai.networks.nets.resnet10/18/34` (Hara et al. 2018; MedicalNet, Chen et al. 2019).
   *
   * @param depth 10, 18 or 34 (blocks per stage from {@link RESNET3D_LAYERS})
   * @param options `inChannels`, `numClasses`, and `initWeights` (MONAI's init: He normal fan_out convs, BN 1 / 0,
   *   zero linear bias; false keeps the layers' PyTorch defaults)
   */
  constructor(
    readonly depth: ResNet3dDepth,
    options: Pick<ResolvedModelOptions, 'inChannels' | 'numClasses' | 'initWeights'>,
  ) {
    super();
    const shortcut = resnet3dShortcut(depth);
    this.conv1 = this.registerModule('conv1', new Conv3d(options.inChannels, RESNET3D_WIDTHS[0], 7, { stride: RESNET3D_STEM_STRIDE, padding: 3, bias: false }));
    this.bn1 = this.registerModule('bn1', new BatchNorm3d(RESNET3D_WIDTHS[0]));
    this.registerModule('relu', this.relu);
    this.registerModule('maxpool', this.maxpool);
    let inPlanes: number = RESNET3D_WIDTHS[0];
    const stage = (index: number): Sequential => {
      const planes = RESNET3D_WIDTHS[index]!;
      const stride = index === 0 ? 1 : 2;
      // As MONAI: the shortcut is made before the block (its conv draws its default init first).
      let downsample: Module | null = null;
      if (stride !== 1 || inPlanes !== planes) {
        downsample =
          shortcut === 'A'
            ? new ZeroPadShortcut(planes, stride)
            : new Sequential(new Conv3d(inPlanes, planes, 1, { stride, bias: false }), new BatchNorm3d(planes));
      }
      const blocks = [new ResNet3dBlock(inPlanes, planes, stride, downsample)];
      inPlanes = planes;
      for (let i = 1; i < RESNET3D_LAYERS[depth][index]!; i++) blocks.push(new ResNet3dBlock(planes, planes));
      return new Sequential(...blocks);
    };
    this.layer1 = this.registerModule('layer1', stage(0));
    this.layer2 = this.registerModule('layer2', stage(1));
    this.layer3 = this.registerModule('layer3', stage(2));
    this.layer4 = this.registerModule('layer4', stage(3));
    this.registerModule('avgpool', this.avgpool);
    this.fc = this.registerModule('fc', new Linear(RESNET3D_WIDTHS[3], options.numClasses));
    if (options.initWeights) initResNet3d(this);
  }

  /**
   * @param x `[N, inChannels, D, H, W]` (any size: the convs and pools are padded)
   * @returns logits `[N, numClasses]`
   * @throws Error naming the op and the argument shapes when libtorch rejects the input (wrong rank or channel count)
   */
  forward(x: Tensor): Tensor {
    return tidy(() => {
      let y = this.maxpool.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x))));
      y = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(y))));
      return this.fc.forward(this.avgpool.forward(y).flatten(1));
    });
  }
}

/** MONAI's ResNet init: He normal (fan_out, ReLU) convs, BN weight 1 / bias 0, zero linear bias. */
function initResNet3d(model: ResNet3d): void {
  forEachModule(model, (m) => {
    if (m instanceof Conv3d) init.kaimingNormal_(m.weight, 0, 'fan_out', 'relu');
    else if (m instanceof BatchNorm3d) {
      init.constant_(m.weight!, 1);
      init.constant_(m.bias!, 0);
    } else if (m instanceof Linear) init.constant_(m.bias!, 0);
  });
}

/**
 * Parameter count of a 3-D ResNet, from the tables alone.
 *
 * @param depth 10, 18 or 34
 * @param options `inChannels` and `numClasses`
 * @returns the number of trainable scalars (type-A shortcuts have none)
 */
export function resnet3dParameterCount(depth: ResNet3dDepth, options: Pick<ResolvedModelOptions, 'inChannels' | 'numClasses'>): number {
  let count = options.inChannels * RESNET3D_WIDTHS[0] * 343 + 2 * RESNET3D_WIDTHS[0];
  let inPlanes: number = RESNET3D_WIDTHS[0];
  RESNET3D_WIDTHS.forEach((planes, index) => {
    for (let b = 0; b < RESNET3D_LAYERS[depth][index]!; b++) {
      count += inPlanes * planes * 27 + planes * planes * 27 + 4 * planes;
      // Stages 2-4 start with a stride-2 block; only a type-B shortcut has parameters.
      if (b === 0 && index > 0 && resnet3dShortcut(depth) === 'B') count += inPlanes * planes + 2 * planes;
      inPlanes = planes;
    }
  });
  return count + (RESNET3D_WIDTHS[3] + 1) * options.numClasses;
}
