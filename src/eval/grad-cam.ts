import type { Tensor } from '../torch/tensor.js';
import { enableGrad } from '../torch/autograd.js';
import { keep, tidy } from '../torch/scope.js';
import type { Module } from '../nn/module.js';
import { interpolateBilinear } from '../nn/functional.js';

/** A Grad-CAM heat map for one image. */
export interface GradCamResult {
  /** Heat map at the input's size, row-major, scaled to [0, 1] (all 0 when nothing is positive). */
  readonly heatmap: Float32Array;
  readonly width: number;
  readonly height: number;
  /** The class explained. */
  readonly targetClass: number;
  /** Softmax of the model's output for the image. */
  readonly probabilities: number[];
}

/**
 * Grad-CAM (Selvaraju et al., 2017): the ReLU of the target layer's activation maps weighted by the
 * spatial mean of the gradient of the class score (logit) with respect to them, upsampled
 * bilinearly to the input size. The model runs in eval mode; its train/eval mode and gradients are
 * left as they were found.
 *
 * The layer's output is captured by wrapping that submodule's `forward` for the one call, so any
 * zoo model works with the `gradCamLayer` its registry entry names.
 *
 * Source: Selvaraju et al. 2017, "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization";
 * reference implementation jacobgil/pytorch-grad-cam (`GradCAM`).
 *
 * @param model the classifier; its forward must return logits `[1, classes]`
 * @param layerPath dotted path of the layer to explain (e.g. `features.35`), whose output is `[1, K, h, w]`
 * @param input one image, [1, C, H, W]
 * @param targetClass class to explain; default the predicted one
 * @returns the heat map at H x W (row-major, scaled to [0, 1] by its maximum), the class explained and the softmax probabilities
 *
 * @throws Error `<Type> has no submodule "<path>" (...)` when `layerPath` does not exist.
 * @throws Error `Grad-CAM: layer <path> was not called by the model's forward` and `Grad-CAM: no gradient reached layer <path>`.
 * @throws Error from libtorch naming the op and shapes when `input` does not fit the model.
 *
 * @example
 * const cam = gradCam(model, getModelSpec('vgg19').gradCamLayer, image);
 */
export function gradCam(model: Module, layerPath: string, input: Tensor, targetClass?: number): GradCamResult {
  const layer = model.submodule(layerPath);
  const [, , height, width] = input.shape as [number, number, number, number];
  const wasTraining = model.training;
  const ownForward = Object.hasOwn(layer, 'forward');
  const originalForward = layer.forward;
  let activation: Tensor | undefined;
  layer.forward = (x: Tensor) => {
    const out = originalForward.call(layer, x);
    // The model's own scopes would free the activation before we read its gradient.
    activation = keep(out);
    out.retainGrad();
    return out;
  };
  model.eval();
  try {
    return tidy(() =>
      enableGrad(() => {
        const logits = model.forward(input);
        const probabilities = logits.softmax(1).toNumbers();
        let cls = targetClass;
        if (cls === undefined) cls = probabilities.indexOf(Math.max(...probabilities));
        logits.narrow(1, cls, 1).sum().backward();
        if (!activation) throw new Error(`Grad-CAM: layer ${layerPath} was not called by the model's forward`);
        const grad = activation.grad;
        if (!grad) throw new Error(`Grad-CAM: no gradient reached layer ${layerPath}`);
        const weights = grad.mean([2, 3], true);
        const cam = weights.mul(activation.detach()).sum(1, true).relu();
        const up = interpolateBilinear(cam, [height, width]);
        const values = Float32Array.from(up.toNumbers());
        let max = 0;
        for (const v of values) if (v > max) max = v;
        if (max > 0) for (let i = 0; i < values.length; i++) values[i] = values[i]! / max;
        return { heatmap: values, width, height, targetClass: cls, probabilities };
      }),
    );
  } finally {
    if (ownForward) layer.forward = originalForward;
    else delete (layer as { forward?: unknown }).forward;
    activation?.dispose();
    model.zeroGrad();
    model.train(wasTraining);
  }
}
