/**
 * Intensity normalization of volumes, as MONAI's NormalizeIntensity(nonzero=True) and
 * ScaleIntensityRangePercentiles.
 */
import { stack } from '../../torch/creation.js';
import { tidy } from '../../torch/scope.js';
import { expectVolumeImage, type VolumeSample, type VolumeTransform } from './transform.js';
import { quantile } from '../../util/quantile.js';

/**
 * Z-score over the non-zero voxels (the brain after skull stripping), per channel: (x - mean) /
 * std with the population std (MONAI: `torch.std(unbiased=False)`); zero voxels stay 0, so the
 * background does not dilute the statistics. A std of 0 divides by 1 (as MONAI).
 */
export class NormalizeIntensity implements VolumeTransform {
  readonly name = 'NormalizeIntensity';
  /**
   * Source: MONAI `NormalizeIntensity(nonzero=True, channel_wise=True)`.
   *
   * @param sample channel-first image [C, X, Y, Z] and its voxel-to-world affine (mm); not changed
   * @returns a new float32 sample of the same shape (affine unchanged); a channel with no non-zero voxel is copied
   * @throws RangeError when the image is not [C, X, Y, Z]
   */
  apply(sample: VolumeSample): VolumeSample {
    expectVolumeImage(sample.image);
    const image = tidy(() => {
      const channels = [];
      for (let c = 0; c < sample.image.size(0); c++) {
        const x = sample.image.select(0, c).to('float32');
        const mask = x.ne(0).float();
        const count = mask.sum().item();
        if (count === 0) {
          channels.push(x.clone());
          continue;
        }
        // Statistics in float64: sums over millions of voxels lose digits in float32.
        const x64 = x.to('float64');
        const mask64 = mask.to('float64');
        const mean = x64.mul(mask64).sum().item() / count;
        const variance = x64.sub(mean).square().mul(mask64).sum().item() / count;
        const std = Math.sqrt(variance) || 1;
        channels.push(x.sub(mean).div(std).mul(mask));
      }
      return stack(channels, 0);
    });
    return { image, affine: sample.affine };
  }
}

/**
 * The q-th percentile (0..100) of `sorted`, linear interpolation between order statistics (numpy.percentile's
 * default `method='linear'`).
 *
 * @param sorted the values in ascending order, at least one
 * @param q the percentile, 0..100
 * @returns the interpolated value (NaN for an empty array)
 */
export function percentile(sorted: Float32Array, q: number): number {
  return quantile(sorted, q / 100);
}

/**
 * MONAI's ScaleIntensityRangePercentiles: maps the `lower`..`upper` percentiles of the image (all
 * voxels, or the non-zero ones with `nonzero`) to `bMin`..`bMax`, clipping outside with `clip`.
 * A robust window: a few bright vessels or artefacts do not set the scale.
 */
export class ScaleIntensityRangePercentiles implements VolumeTransform {
  readonly name = 'ScaleIntensityRangePercentiles';
  /**
   * Source: MONAI `ScaleIntensityRangePercentiles` (`relative=False`).
   *
   * @param options `lower` and `upper` percentiles (0..100, lower < upper); `bMin`, `bMax` the target range (default
   *   0, 1); `clip` to [bMin, bMax] (default false); `nonzero` takes percentiles of non-zero voxels only (default false)
   * @throws RangeError `ScaleIntensityRangePercentiles: expected 0 <= lower < upper <= 100, got ...`
   */
  constructor(readonly options: { lower: number; upper: number; bMin?: number; bMax?: number; clip?: boolean; nonzero?: boolean }) {
    const { lower, upper } = options;
    if (!(lower >= 0 && lower < upper && upper <= 100))
      throw new RangeError(`ScaleIntensityRangePercentiles: expected 0 <= lower < upper <= 100, got lower ${lower}, upper ${upper}`);
  }
  /**
   * @param sample channel-first image [C, X, Y, Z] and its voxel-to-world affine (mm); not changed
   * @returns a new sample of the same shape (affine unchanged); percentiles are taken over all channels together
   * @throws RangeError when the image is not [C, X, Y, Z], or `no non-zero voxel to take percentiles of` with
   *   `nonzero` on an all-zero image
   */
  apply(sample: VolumeSample): VolumeSample {
    expectVolumeImage(sample.image);
    const { lower, upper, bMin = 0, bMax = 1, clip = false, nonzero = false } = this.options;
    let values = tidy(() => sample.image.to('float32').contiguous().toArray() as Float32Array);
    if (nonzero) values = values.filter((v) => v !== 0);
    if (values.length === 0) throw new RangeError('no non-zero voxel to take percentiles of');
    const sorted = values.slice().sort();
    const a = percentile(sorted, lower);
    const b = percentile(sorted, upper);
    const image = tidy(() => {
      // A flat image (b == a) maps to bMin, as MONAI (which then subtracts a only).
      const scaled =
        b - a === 0
          ? sample.image.sub(a).add(bMin)
          : sample.image
              .sub(a)
              .div(b - a)
              .mul(bMax - bMin)
              .add(bMin);
      return clip ? scaled.clamp(Math.min(bMin, bMax), Math.max(bMin, bMax)) : scaled;
    });
    return { image, affine: sample.affine };
  }
}
