import type { Tensor } from '../torch/tensor.js';
import { SGD, Adam, AdamW, StepLR, CosineAnnealingLR, LinearLR, ReduceLROnPlateau, type Optimizer } from '../optim/index.js';
import { WarmupCosineLR } from '../optim/warmup-cosine.js';
import type { TrainConfig } from './config.js';

/** The lr a config means: its own, else 0.01 for SGD and 0.001 for Adam/AdamW. */
export function resolvedLr(config: Pick<TrainConfig, 'lr' | 'optimizer'>): number {
  return config.lr ?? (config.optimizer === 'sgd' ? 0.01 : 0.001);
}

/** The weight decay a config means: its own, else PyTorch's default (AdamW 0.01, others 0). */
export function resolvedWeightDecay(config: Pick<TrainConfig, 'weightDecay' | 'optimizer'>): number {
  return config.weightDecay ?? (config.optimizer === 'adamw' ? 0.01 : 0);
}

/** Builds the configured optimizer over `params`. */
export function makeOptimizer(config: TrainConfig, params: Tensor[]): Optimizer<{ lr: number }> {
  const lr = resolvedLr(config);
  const weightDecay = resolvedWeightDecay(config);
  switch (config.optimizer) {
    case 'sgd':
      return new SGD(params, { lr, momentum: config.momentum, nesterov: config.nesterov, weightDecay });
    case 'adam':
      return new Adam(params, { lr, betas: config.betas, weightDecay });
    case 'adamw':
      return new AdamW(params, { lr, betas: config.betas, weightDecay });
  }
}

/** An LR schedule stepped once per epoch (plateau: with the validation loss). */
export interface EpochSchedule {
  step(valLoss: number): void;
  stateDict(): object;
  loadStateDict(state: Record<string, unknown>): void;
}

/** Builds the configured schedule, or null for `none`. */
export function makeSchedule(config: TrainConfig, optimizer: Optimizer<{ lr: number }>): EpochSchedule | null {
  switch (config.schedule) {
    case 'none':
      return null;
    case 'plateau': {
      const plateau = new ReduceLROnPlateau(optimizer, { mode: 'min', factor: config.gamma, patience: config.plateauPatience, minLr: config.minLr });
      return {
        step: (valLoss) => plateau.step(valLoss),
        stateDict: () => plateau.stateDict(),
        loadStateDict: (s) => plateau.loadStateDict(s as Record<string, number>),
      };
    }
    default: {
      const s =
        config.schedule === 'step'
          ? new StepLR(optimizer, config.stepSize, config.gamma)
          : config.schedule === 'cosine'
            ? new CosineAnnealingLR(optimizer, config.epochs, config.minLr)
            : config.schedule === 'warmup_cosine'
              ? new WarmupCosineLR(optimizer, config.warmupEpochs, config.epochs, config.minLr)
              : new LinearLR(optimizer, 1 / 3, 1, config.warmupEpochs);
      return {
        step: () => s.step(),
        stateDict: () => s.stateDict(),
        loadStateDict: (state) => s.loadStateDict(state as never),
      };
    }
  }
}
