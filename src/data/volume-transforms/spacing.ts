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
  constructor(readonly pixdim: number | readonly [number, number, number]) {}

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
