import type { StepDefinition } from '../step.js';

/**
 * `resize(256,256)`: bilinear resize to width x height (OpenCV order: width first), as
 * `cv2.resize(img, (width, height), interpolation=cv2.INTER_LINEAR)`.
 */
export const resize: StepDefinition = {
  name: 'resize',
  summary: 'bilinear resize to width x height',
  params: [
    { name: 'width', kind: 'int', default: 256, min: 1, max: 16384, aliases: ['w'] },
    { name: 'height', kind: 'int', default: 256, min: 1, max: 16384, aliases: ['h'] },
  ],
  apply(image, params, ops) {
    return ops.resize(image, params.width as number, params.height as number);
  },
};
