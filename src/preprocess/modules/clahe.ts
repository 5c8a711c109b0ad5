import { AlzbenchError } from '../../util/errors.js';
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
    // OpenCV's CLAHE (native 4.6 and opencv.js alike) never returns on an image with no rows or
    // no columns: refuse it here, for every backend, rather than hang the process.
    if (image.width === 0 || image.height === 0) {
      throw new AlzbenchError(`Expected an image with rows and columns for step clahe but received a ${image.width}x${image.height} image`, {
        hint: 'an image with no pixels cannot be equalized',
      });
    }
    return ops.clahe(image, params.clip as number, params.tile as number);
  },
};
