/** Optimizers and learning-rate schedules with torch.optim's update rules. */
export { Optimizer, type OptimizerState, type ParamGroup, type ParamState } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { LRScheduler, StepLR, CosineAnnealingLR, LinearLR, type SchedulerState } from './lr-scheduler.js';
export { ReduceLROnPlateau, type PlateauOptions } from './reduce-lr-on-plateau.js';
