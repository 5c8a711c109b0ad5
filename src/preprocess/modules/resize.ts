import { viaMat } from '../mat.js';
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
  apply(image, params, cv) {
    return viaMat(cv, image, (src, dst) =>
      cv.resize(src, dst, new cv.Size(params.width as number, params.height as number), 0, 0, cv.INTER_LINEAR),
    );
  },
};
