import type { Module } from '../nn/module.js';
import { BatchNorm } from '../nn/layers/batchnorm.js';
import type { Tensor } from '../torch/tensor.js';
import { noGrad } from '../torch/autograd.js';
import { tidy } from '../torch/scope.js';

/**
 * Recomputes every BatchNorm layer's running mean and variance for the model's current weights,
 * as a plain average over the given training batches (torch.optim.swa_utils.update_bn does the
 * same). Why: with running averages (momentum 0.1) the statistics lag behind weights that move
 * fast early in training, and a small CNN's eval-mode predictions then swing to one class between
 * epochs while its training loss falls (seen on the Kaggle set and on the demo data). Only
 * training images are used, so validation and test stay held out. Returns the number of layers.
 *
 * @param batches model inputs (already on the model's device), e.g. un-augmented training batches
 */
export function recalibrateBatchNorm(model: Module, batches: Iterable<() => Tensor>): number {
  const layers = model
    .namedModules()
    .map(([, m]) => m)
    .filter((m): m is BatchNorm => m instanceof BatchNorm && m.runningMean !== null);
  if (layers.length === 0) return 0;
  const momenta = layers.map((l) => l.momentum);
  const wasTraining = model.training;
  noGrad(() => {
    for (const l of layers) {
      l.runningMean!.zero_();
      l.runningVar!.fill_(1);
      l.numBatchesTracked?.zero_();
      l.momentum = null; // cumulative average over the batches below
    }
    model.train();
    try {
      for (const batch of batches) {
        tidy(() => {
          model.forward(batch()); // only the statistics matter: nothing escapes the scope
        });
      }
    } finally {
      layers.forEach((l, i) => (l.momentum = momenta[i]!));
      model.train(wasTraining);
    }
  });
  return layers.length;
}
