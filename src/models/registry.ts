/**
 * The model zoo's registry, in the manner of torchvision.models._api: every model is registered
 * once under a unique name with what callers need to know without building it (family, default
 * input size, parameter count, Grad-CAM target layer, first-conv and classifier names for
 * pretrained weights), and `getModel` builds one with validated options.
 */
import type { Module } from '../nn/module.js';
import { invalid, AlzbenchError } from '../util/errors.js';
import type { ModelOptions, ResolvedModelOptions } from './common.js';
import { VGG, VGG_CONFIGS, VGG_DEFAULT_DROPOUT, vggLastReluIndex, vggParameterCount, type VGGDepth } from './vgg.js';
import { EfficientNet, EFFICIENTNET_VARIANTS, efficientNetBlocks, efficientNetParameterCount, type EfficientNetName } from './efficientnet.js';
import { MNASNet, MNASNET_ALPHAS, mnasnetParameterCount, type MNASNetName } from './mnasnet.js';
import { InceptionResNetV2, inceptionResNetV2ParameterCount } from './inception-resnet-v2.js';
import { SimpleCNN, simpleCnnParameterCount } from './simple-cnn.js';
import { Conv5FC3, CONV5_FC3_INPUT_SHAPE, conv5Fc3ParameterCount } from './conv5-fc3.js';
import { ResNet3d, RESNET3D_LAYERS, resnet3dParameterCount, type ResNet3dDepth } from './resnet3d.js';
import { DenseNet3d, densenet3dParameterCount } from './densenet3d.js';
import { SimpleCNN3d } from './simple-cnn-3d.js';
import { loadPretrained } from './pretrained.js';

export type { ModelOptions, ResolvedModelOptions } from './common.js';

/** The families of the zoo. */
export type ModelFamily = 'vgg' | 'efficientnet' | 'mnasnet' | 'inception_resnet_v2' | 'simple_cnn' | 'conv5_fc3' | 'resnet3d' | 'densenet3d' | 'simple_cnn_3d';

/** Everything known about a registered model without building it. */
export interface ModelSpec {
  readonly name: string;
  readonly family: ModelFamily;
  /** Where its architecture and parameter names come from. */
  readonly reference: 'torchvision' | 'timm' | 'alzbench' | 'clinicadl' | 'monai';
  /**
   * What one sample is: a 2-D slice [N, C, H, W] (default) or a whole 3-D volume [N, C, D, H, W].
   */
  readonly input?: 'slice' | 'volume';
  /**
   * Input size its reference was trained at: [height, width] for slice models (simple_cnn: the
   * study's 208x176 slices), [depth, height, width] voxels for volume models.
   */
  readonly defaultInputSize: readonly [number, number] | readonly [number, number, number];
  /** Smallest input side the architecture accepts. */
  readonly minInputSize: number;
  /** Dropout used when the options do not give one. */
  readonly defaultDropout: number;
  /** Dotted path of the module whose output Grad-CAM uses (the last conv block). */
  readonly gradCamLayer: string;
  /** Dotted path of the first convolution (its weight is summed to 1 channel for grayscale). */
  readonly firstConv: string;
  /** Dotted path of the final linear layer (replaced when the class count differs). */
  readonly classifier: string;
  /** Builds the model with resolved options. */
  build(options: ResolvedModelOptions): Module;
  /** Parameter count for these options, computed from the family's tables (nothing is allocated). */
  countParameters(options: ResolvedModelOptions): number;
}

const registry = new Map<string, ModelSpec>();

/**
 * Adds a model to the registry; a second registration under the same name is an error (as
 * torchvision's `register_model`).
 *
 * @param spec the model's name, family, reference, sizes, layer paths, builder and parameter counter
 * @throws Error `An entry is already registered under the name '<name>'.` (torchvision's message)
 *
 * @example
 * registerModel({ name: 'my_cnn', family: 'simple_cnn', ... });
 */
export function registerModel(spec: ModelSpec): void {
  if (registry.has(spec.name)) throw new Error(`An entry is already registered under the name '${spec.name}'.`);
  registry.set(spec.name, spec);
}

/**
 * Names of every registered model, sorted (as torchvision.models.list_models).
 *
 * @param family only this family's models; default every family
 * @returns model names in code-point order, e.g. `['densenet121_3d', 'efficientnet_b0', ...]`
 */
export function listModels(family?: ModelFamily): string[] {
  return [...registry.values()]
    .filter((s) => family === undefined || s.family === family)
    .map((s) => s.name)
    .sort();
}

/**
 * The registry entry of `name`.
 *
 * @param name a registered model name, e.g. `vgg19_bn`
 * @returns its {@link ModelSpec}
 * @throws AlzbenchError (exit 2) `Expected one of the registered models (<names>) for model name but received ...`
 */
export function getModelSpec(name: string): ModelSpec {
  const spec = registry.get(name);
  if (!spec) throw invalid(`one of the registered models (${listModels().join(', ')})`, 'model name', name);
  return spec;
}

/**
 * Fills in defaults (1 input channel, 2 classes, the family's dropout) and validates every option,
 * throwing the CLI's error shape naming the option.
 *
 * @param name a registered model name
 * @param options as {@link ModelOptions}; defaults inChannels 1, numClasses 2, dropout the family's, stochasticDepth
 *   0.2 (EfficientNet only), widths [16, 32, 64, 128] ([8, 16, 32, 64] for simple_cnn_3d; simple_cnn* only),
 *   initWeights true, inputShape the spec's `defaultInputSize` for volume models ([D, H, W] voxels; volume models only)
 * @returns every option filled in
 * @throws AlzbenchError (exit 2) `Expected <what> for <option> but received ...` for an unknown model, inChannels
 *   other than 1 or 3, a non-positive or fractional class count, dropout or stochastic depth outside [0, 1), an
 *   option the family does not take, empty or non-integer widths, or an input shape that is not 3 integers >=
 *   the spec's `minInputSize`
 */
export function resolveModelOptions(name: string, options: ModelOptions = {}): ResolvedModelOptions {
  const spec = getModelSpec(name);
  const inChannels = options.inChannels ?? 1;
  if (inChannels !== 1 && inChannels !== 3) throw invalid('1 (grayscale) or 3 (RGB)', 'input channels', inChannels);
  const numClasses = options.numClasses ?? 2;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw invalid('positive integer', 'number of classes', numClasses);
  const dropout = options.dropout ?? spec.defaultDropout;
  if (!(typeof dropout === 'number' && dropout >= 0 && dropout < 1)) throw invalid('number in [0, 1)', 'dropout', dropout);
  if (options.stochasticDepth !== undefined && spec.family !== 'efficientnet') {
    throw invalid('no stochastic depth (only EfficientNet has it)', `stochastic depth of ${name}`, options.stochasticDepth);
  }
  const stochasticDepth = options.stochasticDepth ?? 0.2;
  if (!(typeof stochasticDepth === 'number' && stochasticDepth >= 0 && stochasticDepth < 1))
    throw invalid('number in [0, 1)', 'stochastic depth', stochasticDepth);
  const takesWidths = spec.family === 'simple_cnn' || spec.family === 'simple_cnn_3d';
  if (options.widths !== undefined && !takesWidths) throw invalid('no widths (only simple_cnn takes them)', `widths of ${name}`, options.widths);
  const widths = options.widths ?? (spec.family === 'simple_cnn_3d' ? [8, 16, 32, 64] : [16, 32, 64, 128]);
  if (!Array.isArray(widths) || widths.length === 0 || !widths.every((w) => Number.isInteger(w) && w > 0))
    throw invalid('non-empty list of positive integers', 'widths', widths);
  const volume = spec.input === 'volume';
  if (options.inputShape !== undefined && !volume) throw invalid('no input shape (only volume models take one)', `input shape of ${name}`, options.inputShape);
  const inputShape: readonly number[] = options.inputShape ?? (volume ? spec.defaultInputSize : []);
  if (
    volume &&
    !(Array.isArray(inputShape) && inputShape.length === 3 && inputShape.every((n: unknown) => Number.isInteger(n) && (n as number) >= spec.minInputSize))
  ) {
    throw invalid(`[depth, height, width] of integers >= ${spec.minInputSize}`, `input shape of ${name}`, inputShape);
  }
  return { inChannels, numClasses, dropout, stochasticDepth, widths, initWeights: options.initWeights ?? true, inputShape: [...inputShape] };
}

/** Options of {@link getModel}: the model's options plus optional pretrained weights. */
export interface GetModelOptions extends ModelOptions {
  /** A safetensors file with the reference's state dict (see README "Pretrained weights"). */
  weights?: string;
}

/**
 * Builds a registered model in train mode, optionally starting from pretrained weights (see {@link loadPretrained}).
 *
 * @param name a registered model name
 * @param options the model options ({@link resolveModelOptions} for defaults) and `weights`, a safetensors file of
 *   the reference's state dict (default none: fresh initialization)
 * @returns the model, on the CPU, in train mode
 * @throws AlzbenchError for an unknown name or invalid options (as {@link resolveModelOptions}), for weights that
 *   do not fit (`the weights do not fit <Type>: missing ...; unexpected ...`), or `cannot load weights <path> into
 *   <name>: <reason>` when the file cannot be read or its tensors do not load (the model is disposed first)
 *
 * @example
 * const model = getModel('efficientnet_b1', { inChannels: 1, numClasses: 2, dropout: 0.25 });
 * const tuned = getModel('vgg19', { numClasses: 2, weights: 'vgg19.safetensors' }); // ImageNet start
 */
export function getModel(name: string, options: GetModelOptions = {}): Module {
  const spec = getModelSpec(name);
  const { weights, ...rest } = options;
  // As torchvision: no point drawing initial weights that the loaded ones replace.
  const resolved = resolveModelOptions(name, weights === undefined ? rest : { initWeights: false, ...rest });
  const model = spec.build(resolved);
  if (weights !== undefined) {
    try {
      loadPretrained(model, weights, { firstConv: spec.firstConv, classifier: spec.classifier });
    } catch (error) {
      model.dispose();
      if (error instanceof AlzbenchError) throw error;
      throw new AlzbenchError(`cannot load weights ${weights} into ${name}: ${(error as Error).message}`, { cause: error });
    }
  }
  return model;
}

/**
 * Parameter count of a registered model for these options, without building it (no tensor is allocated).
 *
 * @param name a registered model name
 * @param options as {@link resolveModelOptions}; the class count, input channels, widths and (for conv5_fc3) the
 *   input shape change the count
 * @returns the number of trainable scalars, as `sum(p.numel() for p in model.parameters())`
 * @throws AlzbenchError for an unknown name or invalid options, as {@link resolveModelOptions}
 */
export function countParameters(name: string, options: ModelOptions = {}): number {
  return getModelSpec(name).countParameters(resolveModelOptions(name, options));
}

// ---------------------------------------------------------------------------------------------
// The zoo. Minimum sizes: VGG's five 2x2 pools need 32 pixels; EfficientNet and MnasNet pad every
// conv (any size >= 1 works); Inception-ResNet-v2's unpadded stem needs 75.

for (const depth of Object.keys(VGG_CONFIGS) as VGGDepth[]) {
  for (const batchNorm of [false, true]) {
    registerModel({
      name: batchNorm ? `${depth}_bn` : depth,
      family: 'vgg',
      reference: 'torchvision',
      defaultInputSize: [224, 224],
      minInputSize: 32,
      defaultDropout: VGG_DEFAULT_DROPOUT,
      gradCamLayer: `features.${vggLastReluIndex(depth, batchNorm)}`,
      firstConv: 'features.0',
      classifier: 'classifier.6',
      build: (o) => new VGG(depth, batchNorm, o),
      countParameters: (o) => vggParameterCount(depth, batchNorm, o),
    });
  }
}

for (const name of Object.keys(EFFICIENTNET_VARIANTS) as EfficientNetName[]) {
  const variant = EFFICIENTNET_VARIANTS[name];
  registerModel({
    name,
    family: 'efficientnet',
    reference: 'torchvision',
    defaultInputSize: [variant.inputSize, variant.inputSize],
    minInputSize: 1,
    defaultDropout: variant.dropout,
    gradCamLayer: `features.${efficientNetBlocks(variant, 0).length + 1}`,
    firstConv: 'features.0.0',
    classifier: 'classifier.1',
    build: (o) => new EfficientNet(name, o),
    countParameters: (o) => efficientNetParameterCount(name, o),
  });
}

for (const name of Object.keys(MNASNET_ALPHAS) as MNASNetName[]) {
  registerModel({
    name,
    family: 'mnasnet',
    reference: 'torchvision',
    defaultInputSize: [224, 224],
    minInputSize: 1,
    defaultDropout: 0.2,
    gradCamLayer: 'layers.16',
    firstConv: 'layers.0',
    classifier: 'classifier.1',
    build: (o) => new MNASNet(name, o),
    countParameters: (o) => mnasnetParameterCount(name, o),
  });
}

registerModel({
  name: 'inception_resnet_v2',
  family: 'inception_resnet_v2',
  reference: 'timm',
  defaultInputSize: [299, 299],
  minInputSize: 75,
  defaultDropout: 0,
  gradCamLayer: 'conv2d_7b',
  firstConv: 'conv2d_1a.conv',
  classifier: 'classif',
  build: (o) => new InceptionResNetV2(o),
  countParameters: (o) => inceptionResNetV2ParameterCount(o),
});

registerModel({
  name: 'simple_cnn',
  family: 'simple_cnn',
  reference: 'alzbench',
  defaultInputSize: [208, 176],
  minInputSize: 16,
  defaultDropout: 0.2,
  gradCamLayer: 'features',
  firstConv: 'features.0',
  classifier: 'classifier.2',
  build: (o) => new SimpleCNN({ inChannels: o.inChannels, numClasses: o.numClasses, widths: o.widths, dropout: o.dropout }),
  countParameters: (o) => simpleCnnParameterCount(o, 9),
});

// ---------------------------------------------------------------------------------------------
// Volume models (one sample = one person's 3-D scan). Conv5_FC3's padded pools and the ResNets'
// padded stride-2 convs accept any size; DenseNet's three unpadded 2x2x2 transition pools need 8
// voxels after the stride-2 stem and pool, so 29 per axis.

registerModel({
  name: 'conv5_fc3',
  family: 'conv5_fc3',
  reference: 'clinicadl',
  input: 'volume',
  defaultInputSize: CONV5_FC3_INPUT_SHAPE,
  minInputSize: 1,
  defaultDropout: 0.5,
  gradCamLayer: 'convolutions.18',
  firstConv: 'convolutions.0',
  classifier: 'fc.6',
  build: (o) => new Conv5FC3({ ...o }),
  countParameters: (o) => conv5Fc3ParameterCount(o),
});

for (const depth of Object.keys(RESNET3D_LAYERS).map(Number) as ResNet3dDepth[]) {
  registerModel({
    name: `resnet${depth}_3d`,
    family: 'resnet3d',
    reference: 'monai',
    input: 'volume',
    // MedicalNet's and MONAI's tutorials' size for brain MRI (1.5-2 mm voxels).
    defaultInputSize: [96, 112, 96],
    minInputSize: 1,
    defaultDropout: 0,
    gradCamLayer: 'layer4',
    firstConv: 'conv1',
    classifier: 'fc',
    build: (o) => new ResNet3d(depth, o),
    countParameters: (o) => resnet3dParameterCount(depth, o),
  });
}

registerModel({
  name: 'densenet121_3d',
  family: 'densenet3d',
  reference: 'monai',
  input: 'volume',
  defaultInputSize: [96, 112, 96],
  minInputSize: 29,
  defaultDropout: 0,
  gradCamLayer: 'features.norm5',
  firstConv: 'features.conv0',
  classifier: 'class_layers.out',
  build: (o) => new DenseNet3d(o),
  countParameters: (o) => densenet3dParameterCount(o),
});

registerModel({
  name: 'simple_cnn_3d',
  family: 'simple_cnn_3d',
  reference: 'alzbench',
  input: 'volume',
  defaultInputSize: [96, 112, 96],
  minInputSize: 16,
  defaultDropout: 0.2,
  gradCamLayer: 'features',
  firstConv: 'features.0',
  classifier: 'classifier.2',
  build: (o) => new SimpleCNN3d(o),
  countParameters: (o) => simpleCnnParameterCount(o, 27),
});
