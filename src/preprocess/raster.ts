import { AlzbenchError } from '../util/errors.js';

/**
 * An 8-bit image in row-major order: `data[(y * width + x) * channels + c]`. Slices are 1-channel
 * (gray); a decoded colour upload is 3-channel RGB until the `grayscale` step converts it.
 */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

/** Makes a raster, checking that `data` holds exactly width x height x channels bytes. */
export function makeRaster(width: number, height: number, channels: 1 | 3, data: Uint8Array): Raster {
  if (data.length !== width * height * channels) {
    throw new AlzbenchError(`Expected ${width * height * channels} bytes for a ${width}x${height}x${channels} image but received ${data.length}`);
  }
  return { width, height, channels, data };
}

/** Throws a step-naming error unless the raster is 1-channel; modules after `grayscale` need gray input. */
export function requireGray(image: Raster, step: string): void {
  if (image.channels !== 1) {
    throw new AlzbenchError(`Expected 1-channel image for step ${step} but received ${image.channels} channels`, {
      hint: 'put "grayscale" first in the pipeline',
      exitCode: 2,
    });
  }
}
