import type { StepDefinition } from '../step.js';

/**
 * `grayscale`: 3-channel to 1-channel with cv2's weights (`cvtColor(..., COLOR_RGB2GRAY)`,
 * 0.299 R + 0.587 G + 0.114 B in cv2's fixed point). A gray image passes through unchanged.
 */
export const grayscale: StepDefinition = {
  name: 'grayscale',
  summary: 'colour to 1-channel gray (cv2 weights); gray input unchanged',
  params: [],
  apply(image, _params, ops) {
    if (image.channels === 1) return image;
    return ops.rgbToGray(image);
  },
};
