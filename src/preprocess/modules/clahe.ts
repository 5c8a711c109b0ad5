import { requireGray } from '../raster.js';
import type { StepDefinition } from '../step.js';

/**
 * `clahe(clip=2,tile=7)`: contrast-limited adaptive histogram equalization, as
 * `cv2.createCLAHE(clipLimit=clip, tileGridSize=(tile, tile)).apply(img)`. Note that `tile` is
 * OpenCV's grid size (number of tiles per row and column), which is what the study's "tile size 7"
 * set in its platform.
 */
export const clahe: StepDefinition = {
  name: 'clahe',
  summary: 'contrast-limited adaptive histogram equalization',
  params: [
    { name: 'clip', kind: 'number', default: 2, min: 0, max: 1000, aliases: ['clipLimit'] },
    { name: 'tile', kind: 'int', default: 7, min: 1, max: 64, aliases: ['tiles', 'grid'] },
  ],
  apply(image, params, ops) {
    requireGray(image, 'clahe');
    return ops.clahe(image, params.clip as number, params.tile as number);
  },
};
