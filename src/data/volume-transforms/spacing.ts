/** MONAI's Spacing on a sample: resampling to a voxel size with the volume reader's resampler. */
import { tensor, stack } from '../../torch/creation.js';
import { tidy } from '../../torch/scope.js';
import { resampleToSpacing } from '../volume/resample.js';
import type { Volume } from '../volume/read-volume.js';
import { expectVolumeImage, type VolumeSample, type VolumeTransform } from './transform.js';
import { sampleToVoxels } from './volume-sample.js';

/**
 * Resamples every channel to `pixdim` mm (one number or three), trilinear, on a grid aligned with
 * the world axes, exactly as `resampleToSpacing` (nibabel's `resample_to_output(order=1)`), so the
 * result's array axes are RAS+ and its affine is diag(pixdim) plus the lowest corner.
 */
export class Spacing implements VolumeTransform {
  readonly name = 'Spacing';
  /**
   * Source: MONAI `Spacing` (with `mode='bilinear'`), computed as nibabel `processing.resample_to_output`.
   *
   * @param pixdim the output voxel size in mm: one number for all three axes, or [x, y, z]
   */
  constructor(readonly pixdim: number | readonly [number, number, number]) {}

  /**
   * @param sample channel-first image [C, X, Y, Z] and its voxel-to-world affine (mm); not changed
   * @returns a new sample [C, X', Y', Z'] (float32) with the world-aligned affine diag(pixdim) + lowest corner
   * @throws RangeError when the image is not [C, X, Y, Z]
   * @throws AlzbenchError for a spacing that is not a positive finite number, or an output above the voxel limit
   */
  apply(sample: VolumeSample): VolumeSample {
    const [channels] = expectVolumeImage(sample.image);
    let affine: number[] = [];
    const images = [];
    try {
      for (let c = 0; c < channels; c++) {
        const voxels = sampleToVoxels(sample, c);
        // resampleToSpacing reads only data, shape and affine (spacing is recomputed from the affine).
        const resampled = resampleToSpacing({ ...voxels, spacing: [1, 1, 1] } as unknown as Volume, this.pixdim);
        affine = resampled.affine;
        const [x, y, z] = resampled.shape;
        images.push(
          tidy(() =>
            tensor(resampled.data, { shape: [z, y, x] })
              .permute([2, 1, 0])
              .contiguous(),
          ),
        );
      }
      return { image: stack(images, 0), affine };
    } finally {
      for (const image of images) image.dispose();
    }
  }
}
