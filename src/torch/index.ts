/** alzbench's tensor layer: libtorch tensors, ops, autograd and memory scopes from TypeScript. */
export { Tensor, type TensorOrScalar, type MemoryFormat } from './tensor.js';
export { type DType, isFloatingPoint } from './dtype.js';
export { opSchema } from './dispatch.js';
export { callOp, callTensorOp } from './tensor.js';
export * from './creation.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd.js';
export { autocast, type AutocastDtype } from './autocast.js';
export { manualSeed, getRngState, setRngState } from './random.js';
export { memoryStats, getNumThreads, setNumThreads, torchVersion, cudaDeviceCount, type MemoryStats } from './memory.js';
export { tidy, keep } from './scope.js';
export { traceOps, type OpTraceEvent } from './op-trace.js';
