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
  const [, , height, width] = input.shape as [number, number, number, number];
  return withGradCamMap(model, layerPath, input, targetClass, 'Grad-CAM', (cam, cls, probabilities) => {
    const values = Float32Array.from(interpolateBilinear(cam, [height, width]).toNumbers());
    let max = 0;
    for (const v of values) if (v > max) max = v;
    if (max > 0) for (let i = 0; i < values.length; i++) values[i] = values[i]! / max;
    return { heatmap: values, width, height, targetClass: cls, probabilities };
  });
}

/**
 * The Grad-CAM core shared by the 2-D and 3-D maps: runs `model` on `input` in eval mode with the
 * output of `layerPath` captured (its `forward` wrapped for the one call), backpropagates the
 * target class's logit, and hands `finish` the map ReLU(sum_k w_k A_k), `[1, 1, ...spatial]`,
 * where w_k is the mean of the gradient over the layer's spatial dims. `finish` runs inside the
 * call's tensor scope; the model's mode, gradients and `forward` are restored afterwards.
 *
 * @param model the classifier; its forward must return logits `[1, classes]`
 * @param layerPath dotted path of the layer to explain; its output is `[1, K, ...spatial]`
 * @param input one image or volume, `[1, C, ...]`
 * @param targetClass class to explain; default the predicted one
 * @param name the method's name in error messages (`Grad-CAM`, `Grad-CAM 3-D`)
 * @param finish turns the map, the class explained and the softmax probabilities into the result
 * @returns what `finish` returns
 * @throws Error `<name>: layer <path> was not called by the model's forward` and `<name>: no gradient reached layer <path>`
 */
export function withGradCamMap<R>(
  model: Module,
  layerPath: string,
  input: Tensor,
  targetClass: number | undefined,
  name: string,
  finish: (cam: Tensor, targetClass: number, probabilities: number[]) => R,
): R {
  const layer = model.submodule(layerPath);
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
        const cls = targetClass ?? probabilities.indexOf(Math.max(...probabilities));
        logits.narrow(1, cls, 1).sum().backward();
        if (!activation) throw new Error(`${name}: layer ${layerPath} was not called by the model's forward`);
        const grad = activation.grad;
        if (!grad) throw new Error(`${name}: no gradient reached layer ${layerPath}`);
        const spatial = Array.from({ length: activation.ndim - 2 }, (_, i) => i + 2);
        const cam = grad.mean(spatial, true).mul(activation.detach()).sum(1, true).relu();
        return finish(cam, cls, probabilities);
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
