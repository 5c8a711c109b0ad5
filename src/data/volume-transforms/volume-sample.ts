/**
 * Between the volume reader's {@link Volume} (x-fastest Float32Array, RAS+ after canonical
 * reading) and a transform sample (tensor [1, X, Y, Z], C-order, so array axis 0 is x = R).
 */
import { tensor } from '../../torch/creation.js';
import { tidy } from '../../torch/scope.js';
import type { Volume } from '../volume/read-volume.js';
import type { VolumeSample } from './transform.js';
import { expectVolumeImage } from './transform.js';

/**
 * A one-channel sample [1, X, Y, Z] of a volume (axes as the volume's array axes: RAS+ when read canonical).
 *
 * @param volume a volume from `readVolume` (x-fastest float32 voxels)
 * @returns a float32 tensor [1, X, Y, Z] (a copy; the caller disposes it) and a copy of the affine (mm)
 */
export function volumeToSample(volume: Volume): VolumeSample {
  const [x, y, z] = volume.shape;
  // x is fastest in memory: as a C-order tensor that is [Z, Y, X]; permute to [X, Y, Z].
  const image = tidy(() =>
    tensor(volume.data, { shape: [z, y, x] })
      .permute([2, 1, 0])
      .contiguous()
      .unsqueeze(0),
  );
  return { image, affine: [...volume.affine] };
}

/**
 * One channel of a sample as x-fastest voxels with its shape and affine (for writing NIfTI, or the reader's resampling).
 *
 * @param sample a channel-first sample [C, X, Y, Z]
 * @param channel which channel; default 0 (the first)
 * @returns float32 voxels in Fortran order (x fastest), the shape [X, Y, Z] in voxels and a copy of the affine (mm)
 * @throws RangeError when the image is not [C, X, Y, Z] (see {@link expectVolumeImage})
 * @throws Error from libtorch when `channel` is out of range
 */
export function sampleToVoxels(sample: VolumeSample, channel = 0): { data: Float32Array; shape: [number, number, number]; affine: number[] } {
  const [, x, y, z] = expectVolumeImage(sample.image);
  const data = tidy(() => sample.image.select(0, channel).permute([2, 1, 0]).to('float32').contiguous().toArray() as Float32Array);
  return { data, shape: [x, y, z], affine: [...sample.affine] };
}
