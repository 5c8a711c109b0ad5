/** alzbench's model zoo: the registry and the families (VGG, EfficientNet, MnasNet, Inception-ResNet-v2, a baseline CNN). */
export { registerModel, listModels, getModel, getModelSpec, resolveModelOptions, countParameters, type ModelSpec, type ModelFamily, type GetModelOptions } from './registry.js';
export type { ModelOptions, ResolvedModelOptions } from './common.js';
export { loadPretrained, type PretrainedLayout, type PretrainedReport } from './pretrained.js';
export { VGG, VGG_CONFIGS } from './vgg.js';
export { EfficientNet, EFFICIENTNET_STAGES, EFFICIENTNET_VARIANTS, MBConv, makeDivisible } from './efficientnet.js';
export { MNASNet, MNASNET_ALPHAS } from './mnasnet.js';
export { InceptionResNetV2 } from './inception-resnet-v2.js';
export { SimpleCNN, type SimpleCNNOptions } from './simple-cnn.js';
