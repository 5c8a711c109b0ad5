/** alzbench's neural-network layer: modules, layers, functions, initializers, state-dict files. */
export { Module, StateDictError, type StateDict } from './module.js';
export * as F from './functional.js';
export * as init from './init.js';
export { Conv2d, type Conv2dLayerOptions } from './layers/conv2d.js';
export { Conv3d, type Conv3dLayerOptions } from './layers/conv3d.js';
export { Linear } from './layers/linear.js';
export { BatchNorm, type BatchNormOptions, type BatchNormArguments } from './layers/batchnorm.js';
export { BatchNorm2d } from './layers/batchnorm2d.js';
export { BatchNorm3d } from './layers/batchnorm3d.js';
export { Dropout, Dropout2d, Dropout3d } from './layers/dropout.js';
export { Identity, ReLU, ReLU6, SiLU, Sigmoid, Hardswish, GELU, type ActivationOptions } from './layers/activations.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d } from './layers/pooling.js';
export { MaxPool3d, AvgPool3d, AdaptiveAvgPool3d } from './layers/pooling3d.js';
export { Flatten } from './layers/flatten.js';
export { Sequential, ModuleList } from './layers/sequential.js';
export { setFusedKernels, withFusedKernels, batchNormActivation, runLayers } from './fused.js';
export { SqueezeExcitation } from './layers/squeeze-excitation.js';
export { saveSafetensors, loadSafetensors, SafetensorsError, type SafetensorsContent } from './safetensors.js';
