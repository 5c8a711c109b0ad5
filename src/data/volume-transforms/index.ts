/**
 * Volume transforms with MONAI's contract: samples are channel-first images [C, X, Y, Z] with
 * their voxel-to-world affine; one call shape; seeded randomness per instance; errors naming the
 * transform and the input's shape.
 */
export {
  applyTransform,
  Compose,
  RandomTransform,
  VolumeTransformError,
  isRandomizable,
  type Randomizable,
  type VolumeSample,
  type VolumeTransform,
} from './transform.js';
export { volumeToSample, sampleToVoxels } from './volume-sample.js';
export { Spacing } from './spacing.js';
export { CropForeground, ResizeWithPadOrCrop, RoiCrop, extractRegion, foregroundBox, type RegionOfInterest } from './spatial-crop.js';
export { NormalizeIntensity, ScaleIntensityRangePercentiles, percentile } from './intensity.js';
export { RandVolumeAugment, type VolumeAugmentSettings, type VolumeAugmentDraw } from './rand-augment.js';
