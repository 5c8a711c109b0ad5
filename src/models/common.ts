/**
 * What every model family shares: the options a model is built with, and a walk over modules for
 * the family-specific weight initialization (torchvision's `for m in self.modules(): ...`).
 */
import type { Module } from '../nn/module.js';

/** Options every registered model takes; `resolveModelOptions` in registry.ts fills the defaults. */
export interface ModelOptions {
  /** Input channels: 1 for grayscale MRI (default), 3 for ImageNet-style RGB. */
  inChannels?: number;
  /** Output classes. Default 2 (the study's binary task). */
  numClasses?: number;
  /** Dropout probability before the classifier (VGG: both dropout layers); 0 turns it off. Default: the family's. */
  dropout?: number;
  /** EfficientNet only: stochastic depth probability of the last block (scaled linearly from 0). Default 0.2. */
  stochasticDepth?: number;
  /** simple_cnn only: output channels of each conv block. Default [16, 32, 64, 128]. */
  widths?: number[];
  /**
   * Run the family's own initialization after the layers' defaults (default true). Set false when
   * weights are loaded anyway (torchvision passes `init_weights=False` then).
   */
  initWeights?: boolean;
  /**
   * Volume models only: the input volume's shape [d, h, w] in voxels (Conv5_FC3's first linear
   * layer depends on it). Default: the model's published input size.
   */
  inputShape?: readonly [number, number, number];
}

/** Options with every default filled in (`inputShape` stays empty for slice models). */
export type ResolvedModelOptions = Required<Omit<ModelOptions, 'widths' | 'inputShape'>> & { widths: number[]; inputShape: readonly number[] };

/**
 * Calls `fn` on the model and every descendant, parents first in registration order, exactly the
 * order of PyTorch's `self.modules()`, so initializers draw random numbers in PyTorch's order.
 *
 * Source: PyTorch `torch.nn.Module.modules`.
 *
 * @param model the root module (visited first)
 * @param fn called once per module, e.g. an initializer that tests `instanceof Conv2d`
 */
export function forEachModule(model: Module, fn: (module: Module) => void): void {
  for (const [, module] of model.namedModules()) fn(module);
}
