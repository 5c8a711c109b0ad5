/** alzbench's model zoo: the registry and the families (VGG, EfficientNet, MnasNet, Inception-ResNet-v2, a baseline CNN; 3-D: Conv5_FC3, ResNet-10/18/34, DenseNet-121). */
export {
  registerModel,
  listModels,
  getModel,
  getModelSpec,
  resolveModelOptions,
  countParameters,
  type ModelSpec,
  type ModelFamily,
  type GetModelOptions,
} from './registry.js';
export type { ModelOptions, ResolvedModelOptions } from './common.js';
export { loadPretrained, type PretrainedLayout, type PretrainedReport } from './pretrained.js';
export { VGG, VGG_CONFIGS } from './vgg.js';
export { EfficientNet, EFFICIENTNET_STAGES, EFFICIENTNET_VARIANTS, MBConv, makeDivisible } from './efficientnet.js';
export { MNASNet, MNASNET_ALPHAS } from './mnasnet.js';
export { InceptionResNetV2 } from './inception-resnet-v2.js';
export { SimpleCNN, type SimpleCNNOptions } from './simple-cnn.js';
export { Conv5FC3, PadMaxPool3d, CONV5_FC3_INPUT_SHAPE } from './conv5-fc3.js';
export { ResNet3d, ResNet3dBlock, ZeroPadShortcut, RESNET3D_LAYERS, type ResNet3dDepth } from './resnet3d.js';
export { DenseNet3d, DenseLayer3d, NamedSequential, DENSENET121_3D } from './densenet3d.js';
