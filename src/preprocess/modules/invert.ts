import { makeRaster, requireGray } from '../raster.js';
import type { StepDefinition } from '../step.js';

/** `invert`: 255 - x (cv2.bitwise_not), so dark structures become bright. */
export const invert: StepDefinition = {
  name: 'invert',
  summary: '255 - x: dark structures become bright',
  params: [],
  apply(image) {
    requireGray(image, 'invert');
    const out = new Uint8Array(image.data.length);
    const src = image.data;
    // A plain loop beats a round trip through the wasm heap for one byte operation.
    for (let i = 0; i < src.length; i++) out[i] = 255 - src[i]!;
    return makeRaster(image.width, image.height, 1, out);
  },
};
