import type { Tensor } from '../torch/tensor.js';
import type { Module } from '../nn/module.js';
import { interpolateTrilinear } from '../nn/functional.js';
import { withGradCamMap } from './grad-cam.js';

/** One plane of a 3-D heat map, row-major: `rows` x `columns`. */
export interface CamPlane {
  readonly rows: number;
  readonly columns: number;
  readonly data: Float32Array;
}

/** A 3-D Grad-CAM heat map for one volume, and its three orthogonal planes through the peak. */
export interface GradCam3dResult {
  /** Heat map at the input's size [X, Y, Z], C-order (Z fastest), scaled to [0, 1] (all 0 when nothing is positive). */
  readonly heatmap: Float32Array;
  readonly shape: [number, number, number];
  /** Voxel [x, y, z] of the largest value (the first, in C order, among ties). */
  readonly peak: [number, number, number];
  /**
   * Planes through the peak: `axial` at z = peak z (rows x, columns y), `coronal` at y = peak y
   * (rows x, columns z), `sagittal` at x = peak x (rows y, columns z). With RAS+ volumes these are
   * the radiologist's three views (to be flipped for display).
   */
  readonly axial: CamPlane;
  readonly coronal: CamPlane;
  readonly sagittal: CamPlane;
  readonly targetClass: number;
  /** Softmax of the model's output for the volume. */
  readonly probabilities: number[];
}

/**
 * Grad-CAM for volume models (Selvaraju et al., 2017, in 3-D as used for MRI by e.g. Wen et al.
 * 2020's saliency maps): the ReLU of the target layer's activation volumes weighted by the mean
 * over D, H, W of the gradient of the class logit, upsampled trilinearly to the input size, and
 * cut into three orthogonal planes through its peak. The model's mode and gradients are restored.
 *
 * @param model a volume classifier mapping `[1, C, X, Y, Z]` to logits `[1, K]`
 * @param layerPath dotted path of the layer whose activations are weighted (the registry's `gradCamLayer`,
 *   e.g. `layer4`)
 * @param input one volume, [1, C, X, Y, Z]
 * @param targetClass class to explain; default the predicted one
 * @returns the heat map at the input's size (values in [0, 1]), its peak voxel, the axial, coronal and sagittal
 *   planes through the peak, the class explained and the softmax probabilities
 * @throws RangeError `Grad-CAM 3-D: expected one volume [1, C, X, Y, Z], got ...` when the input is not 5-D with N = 1
 * @throws Error `<Type> has no submodule "<path>" (...)`, `Grad-CAM 3-D: layer <path> was not called by the
 *   model's forward` or `Grad-CAM 3-D: no gradient reached layer <path>`
 * @example
 * const cam = gradCam3d(model, getModelSpec('resnet18_3d').gradCamLayer, volume);
 * cam.peak; // [x, y, z] of the strongest evidence
 */
export function gradCam3d(model: Module, layerPath: string, input: Tensor, targetClass?: number): GradCam3dResult {
  if (input.ndim !== 5 || input.size(0) !== 1) throw new RangeError(`Grad-CAM 3-D: expected one volume [1, C, X, Y, Z], got ${input.describe()}`);
  const shape = input.shape.slice(2) as [number, number, number];
  return withGradCamMap(model, layerPath, input, targetClass, 'Grad-CAM 3-D', (cam, cls, probabilities) => {
    const values = Float32Array.from(interpolateTrilinear(cam, shape).toNumbers());
    let max = 0;
    let at = 0;
    for (let i = 0; i < values.length; i++) {
      if (values[i]! > max) {
        max = values[i]!;
        at = i;
      }
    }
    if (max > 0) for (let i = 0; i < values.length; i++) values[i] = values[i]! / max;
    const [nx, ny, nz] = shape;
    const peak: [number, number, number] = [Math.floor(at / (ny * nz)), Math.floor(at / nz) % ny, at % nz];
    const index = (x: number, y: number, z: number) => (x * ny + y) * nz + z;
    const plane = (rows: number, columns: number, voxel: (r: number, c: number) => number): CamPlane => {
      const data = new Float32Array(rows * columns);
      for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) data[r * columns + c] = values[voxel(r, c)]!;
      return { rows, columns, data };
    };
    return {
      heatmap: values,
      shape,
      peak,
      axial: plane(nx, ny, (x, y) => index(x, y, peak[2])),
      coronal: plane(nx, nz, (x, z) => index(x, peak[1], z)),
      sagittal: plane(ny, nz, (y, z) => index(peak[0], y, z)),
      targetClass: cls,
      probabilities,
    };
  });
}
