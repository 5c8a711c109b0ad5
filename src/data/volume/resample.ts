/**
 * Resampling a volume to a chosen voxel size, as nibabel's `processing.resample_to_output(img,
 * voxel_sizes, order=1)`: the output grid is aligned with the world (RAS+) axes, covers the
 * bounding box of the input's voxel centres starting at its lowest corner
 * (`spaces.vox2out_vox`: shape ceil(extent / spacing) + 1), and each output voxel is the trilinear
 * interpolation of the input at its position (scipy.ndimage.affine_transform, order 1,
 * mode 'constant': positions outside the input's first..last voxel are 0).
 */
import { applyAffine, invertAffine, multiply4 } from './affine-math.js';
import type { Volume } from './read-volume.js';
import { MAX_VOLUME_VOXELS } from './limits.js';
import { AlzbenchError } from '../../util/errors.js';

/**
 * Resamples `volume` to `spacing` mm (one number for all axes, or three), trilinear.
 * Returns a new volume whose affine is diag(spacing) plus the bounding box's lowest corner, so
 * its axes are RAS+; other fields are kept.
 *
 * @param volume a volume from `readVolume` (any orientation; its affine is used)
 * @param spacing the output voxel size in mm: one number for all three axes, or [x, y, z]
 * @returns a new volume with the output grid, voxels float32 (0 outside the input's first..last voxel)
 * @throws AlzbenchError (exit 2) `Expected a positive voxel size in mm (or three) for spacing ...` when a spacing
 *   is not a positive finite number, or `resampling ... gives ... voxels, more than the limit ...` when the output
 *   would exceed {@link MAX_VOLUME_VOXELS}
 * @throws Error `affine is singular (...)` when the volume's affine cannot be inverted
 * @example
 * const iso = resampleToSpacing(await readVolume('t1.nii.gz'), 1); // 1 mm isotropic
 */
export function resampleToSpacing(volume: Volume, spacing: number | readonly [number, number, number]): Volume {
  const out3 = (typeof spacing === 'number' ? [spacing, spacing, spacing] : [...spacing]) as [number, number, number];
  if (out3.length !== 3 || out3.some((s) => !(Number.isFinite(s) && s > 0))) {
    throw new AlzbenchError(`Expected a positive voxel size in mm (or three) for spacing but received ${JSON.stringify(spacing)}`, { exitCode: 2 });
  }
  const [n0, n1, n2] = volume.shape;
  const corners: Array<[number, number, number]> = [];
  for (const i of [0, n0 - 1]) for (const j of [0, n1 - 1]) for (const k of [0, n2 - 1]) corners.push(applyAffine(volume.affine, [i, j, k]));
  const low = [0, 1, 2].map((a) => Math.min(...corners.map((c) => c[a]!)));
  const high = [0, 1, 2].map((a) => Math.max(...corners.map((c) => c[a]!)));
  const shape = [0, 1, 2].map((a) => Math.ceil((high[a]! - low[a]!) / out3[a]!) + 1) as [number, number, number];
  const count = shape[0] * shape[1] * shape[2];
  if (count > MAX_VOLUME_VOXELS) {
    throw new AlzbenchError(
      `resampling ${volume.shape.join('x')} to ${out3.join('x')} mm gives ${shape.join('x')} = ${count} voxels, more than the limit ${MAX_VOLUME_VOXELS}`,
      { exitCode: 2 },
    );
  }
  const affine = [out3[0], 0, 0, low[0]!, 0, out3[1], 0, low[1]!, 0, 0, out3[2], low[2]!, 0, 0, 0, 1];
  // Output voxel -> input voxel.
  const m = multiply4(invertAffine(volume.affine), affine);
  const src = volume.data;
  const data = new Float32Array(count);
  const sy = n0;
  const sz = n0 * n1;
  let o = 0;
  for (let k = 0; k < shape[2]; k++) {
    for (let j = 0; j < shape[1]; j++) {
      let x = m[1]! * j + m[2]! * k + m[3]!;
      let y = m[5]! * j + m[6]! * k + m[7]!;
      let z = m[9]! * j + m[10]! * k + m[11]!;
      for (let i = 0; i < shape[0]; i++, o++, x += m[0]!, y += m[4]!, z += m[8]!) {
        if (!(x >= 0 && x <= n0 - 1 && y >= 0 && y <= n1 - 1 && z >= 0 && z <= n2 - 1)) continue;
        const x0 = Math.min(Math.floor(x), n0 - 2 < 0 ? 0 : n0 - 2);
        const y0 = Math.min(Math.floor(y), n1 - 2 < 0 ? 0 : n1 - 2);
        const z0 = Math.min(Math.floor(z), n2 - 2 < 0 ? 0 : n2 - 2);
        const fx = x - x0;
        const fy = y - y0;
        const fz = z - z0;
        const dx = n0 > 1 ? 1 : 0;
        const dy = n1 > 1 ? sy : 0;
        const dz = n2 > 1 ? sz : 0;
        const p = x0 + sy * y0 + sz * z0;
        const c00 = src[p]! * (1 - fx) + src[p + dx]! * fx;
        const c10 = src[p + dy]! * (1 - fx) + src[p + dy + dx]! * fx;
        const c01 = src[p + dz]! * (1 - fx) + src[p + dz + dx]! * fx;
        const c11 = src[p + dz + dy]! * (1 - fx) + src[p + dz + dy + dx]! * fx;
        data[o] = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz;
      }
    }
  }
  // The mask marked input voxels; windows are taken before resampling (see axial slicing).
  return { ...volume, data, shape, spacing: out3, affine, nonFiniteMask: undefined };
}
