import { requireGray } from '../raster.js';
import type { StepDefinition } from '../step.js';

/**
 * `normalize(min=0,max=255)`: stretches the gray range linearly so the darkest pixel becomes `min`
 * and the brightest `max`, as `cv2.normalize(img, None, min, max, cv2.NORM_MINMAX)`.
 */
export const normalize: StepDefinition = {
  name: 'normalize',
  summary: 'min-max stretch of the gray range',
  params: [
    { name: 'min', kind: 'number', default: 0, min: 0, max: 255, aliases: ['alpha'] },
    { name: 'max', kind: 'number', default: 255, min: 0, max: 255, aliases: ['beta'] },
  ],
  validate(params, fail) {
    if ((params.max as number) <= (params.min as number)) fail('max', `number greater than min (${params.min})`, params.max);
  },
  apply(image, params, ops) {
    requireGray(image, 'normalize');
    return ops.normalize(image, params.min as number, params.max as number);
  },
};
