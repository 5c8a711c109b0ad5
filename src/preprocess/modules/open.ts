import { requireGray } from '../raster.js';
import type { StepDefinition } from '../step.js';

const SHAPES = ['rect', 'ellipse', 'cross'] as const;

/**
 * `open(k=5,shape=rect,iter=1)`: morphological opening (erode then dilate), as
 * `cv2.morphologyEx(img, cv2.MORPH_OPEN, cv2.getStructuringElement(shape, (k, k)), iterations=iter)`.
 * Removes small bright specks and sharpens ventricle and sulcus edges.
 */
export const open: StepDefinition = {
  name: 'open',
  summary: 'morphological opening (erode then dilate)',
  params: [
    { name: 'k', kind: 'int', default: 5, min: 1, max: 255, aliases: ['kernel', 'size'] },
    { name: 'shape', kind: 'choice', default: 'rect', choices: SHAPES },
    { name: 'iter', kind: 'int', default: 1, min: 1, max: 100, aliases: ['iterations'] },
  ],
  apply(image, params, ops) {
    requireGray(image, 'open');
    return ops.morphOpen(image, params.shape as (typeof SHAPES)[number], params.k as number, params.iter as number);
  },
};
