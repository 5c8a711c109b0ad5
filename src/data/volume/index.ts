/**
 * Reading MRI volumes as nibabel reads them: NIfTI-1/2 and Analyze 7.5 (either byte order,
 * scaling, 4-D), the affine from sform/qform, reorientation to RAS+ (closest canonical), and
 * resampling to a voxel size. The package's `alzbench/volume` entry.
 */
export { readVolume, type Volume } from './read-volume.js';
export { resampleToSpacing } from './resample.js';
export { affineAxcodes, applyOrientation } from './orientation.js';
export { VolumeError } from './volume-error.js';
