/**
 * Loads a reference state dict (torchvision's or timm's, saved as safetensors; README "Pretrained
 * weights") into a zoo model for transfer learning, adapting the two places where an MRI model
 * differs from an ImageNet one: the input channels and the class count.
 */
import type { Tensor } from '../torch/tensor.js';
import { noGrad } from '../torch/autograd.js';
import { tidy } from '../torch/scope.js';
import type { Module, StateDict } from '../nn/module.js';
import { loadSafetensors } from '../nn/safetensors.js';
import { AlzbenchError } from '../util/errors.js';

/** Where the adapted layers are: dotted module paths, as in the registry. */
export interface PretrainedLayout {
  /** The first convolution, e.g. `features.0`. */
  firstConv: string;
  /** The final linear layer, e.g. `classifier.6`. */
  classifier: string;
}

/** What {@link loadPretrained} did. */
export interface PretrainedReport {
  /** Keys copied into the model. */
  loaded: number;
  /** The first conv's weight was summed over its 3 input channels (grayscale model), or spread from 1 to 3. */
  firstConvAdapted: 'summed' | 'spread' | null;
  /** The classifier kept its fresh initialization: the class count differs, or the weights are a backbone without one. */
  classifierReplaced: boolean;
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Copies a reference state dict (a safetensors path or tensors by PyTorch key) into `model`:
 * - the first conv's RGB weight [out, 3, k, k] is summed to [out, 1, k, k] when the model takes
 *   grayscale: on a gray image replicated to RGB the conv computes exactly that sum, so the
 *   pretrained filters respond as they did (a 1-channel weight for an RGB model is spread as w/3);
 * - when the classifier's shape differs (another class count), its weight and bias are skipped
 *   and the model's freshly initialized classifier stays, as in fine-tuning; weights without any
 *   classifier key (a backbone, e.g. MedicalNet's 3-D ResNets) keep it fresh too;
 * - `num_batches_tracked` may be absent (checkpoints from before PyTorch 0.4.1 lack it; the
 *   model's counter stays).
 * Any other missing or unexpected key, or any other shape mismatch, is an error naming them.
 * Tensors read from a file are freed; tensors passed in are not touched.
 *
 * @param model the zoo model to fill (its own parameters are overwritten in place)
 * @param source a safetensors file path, or a state dict (tensors by PyTorch key)
 * @param layout dotted paths of the model's first conv and final linear layer (the registry's)
 * @returns how many keys were loaded, whether the first conv was summed or spread, and whether the classifier was
 *   kept fresh
 * @throws AlzbenchError `the weights do not fit <Type>: missing <keys>; unexpected <keys>` (up to 8 keys each)
 * @throws StateDictError when a shape other than the first conv's or classifier's differs
 * @throws SafetensorsError or a node:fs Error when the file is missing or not valid safetensors
 *
 * @example
 * const model = getModelSpec('vgg19').build(resolveModelOptions('vgg19', { numClasses: 2 }));
 * loadPretrained(model, 'vgg19.safetensors', { firstConv: 'features.0', classifier: 'classifier.6' });
 */
export function loadPretrained(model: Module, source: string | StateDict, layout: PretrainedLayout): PretrainedReport {
  const fromFile = typeof source === 'string';
  const incoming: StateDict = fromFile ? loadSafetensors(source).tensors : new Map(source);
  // Freed at the end: what was read from the file, and what was made here.
  const made: Tensor[] = fromFile ? [...incoming.values()] : [];
  try {
    const own = model.stateDict();
    const report: PretrainedReport = { loaded: 0, firstConvAdapted: null, classifierReplaced: false };

    const convKey = `${layout.firstConv}.weight`;
    const conv = incoming.get(convKey);
    const target = own.get(convKey);
    if (
      conv &&
      target &&
      !same(conv.shape, target.shape) &&
      conv.ndim >= 4 &&
      same(conv.shape.slice(2), target.shape.slice(2)) &&
      conv.shape[0] === target.shape[0]
    ) {
      let adapted: Tensor | null = null;
      if (conv.shape[1] === 3 && target.shape[1] === 1) {
        adapted = noGrad(() => conv.sum(1, true));
        report.firstConvAdapted = 'summed';
      } else if (conv.shape[1] === 1 && target.shape[1] === 3) {
        adapted = noGrad(() => tidy(() => conv.expand([conv.shape[0]!, 3, ...conv.shape.slice(2)]).div(3)));
        report.firstConvAdapted = 'spread';
      }
      if (adapted) {
        made.push(adapted);
        incoming.set(convKey, adapted);
      }
    }

    for (const suffix of ['weight', 'bias']) {
      const key = `${layout.classifier}.${suffix}`;
      const ref = incoming.get(key);
      const mine = own.get(key);
      if (ref && mine && !same(ref.shape, mine.shape)) {
        incoming.delete(key);
        report.classifierReplaced = true;
      }
    }

    // A backbone without a head (MedicalNet's 3-D ResNets): the classifier keeps its fresh initialization.
    if (![...incoming.keys()].some((k) => k.startsWith(`${layout.classifier}.`))) report.classifierReplaced = true;
    const classifierKeys = new Set([`${layout.classifier}.weight`, `${layout.classifier}.bias`]);
    const { missing, unexpected } = model.loadStateDict(incoming, { strict: false });
    const reallyMissing = missing.filter((k) => !k.endsWith('.num_batches_tracked') && !(report.classifierReplaced && classifierKeys.has(k)));
    if (reallyMissing.length || unexpected.length) {
      const list = (keys: string[]) => keys.slice(0, 8).join(', ') + (keys.length > 8 ? `, ... (${keys.length} in all)` : '');
      const parts = [];
      if (reallyMissing.length) parts.push(`missing ${list(reallyMissing)}`);
      if (unexpected.length) parts.push(`unexpected ${list(unexpected)}`);
      // loadStateDict copied the matching keys already; the caller disposes the model on error.
      throw new AlzbenchError(`the weights do not fit ${model.typeName}: ${parts.join('; ')}`, {
        hint: 'save the state dict of the same architecture (README "Pretrained weights")',
      });
    }
    report.loaded = own.size - missing.length;
    return report;
  } finally {
    for (const t of made) t.dispose();
  }
}
