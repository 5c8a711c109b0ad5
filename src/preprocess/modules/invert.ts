import { requireGray } from '../raster.js';
import type { StepDefinition } from '../step.js';

/** `invert`: 255 - x (cv2.bitwise_not), so dark structures become bright. */
export const invert: StepDefinition = {
  name: 'invert',
  summary: '255 - x: dark structures become bright',
  params: [],
  apply(image, _params, ops) {
    requireGray(image, 'invert');
    return ops.invert(image);
  },
};
