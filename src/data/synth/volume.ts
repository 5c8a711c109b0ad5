/**
 * A synthetic subject as one 3-D volume (the unit of subject-level training): the subject's axial
 * slices stacked bottom to top and turned into RAS+ voxel order, optionally block-averaged in plane
 * to keep volumes tiny for tests and CPU runs.
 */
import { renderSubject } from './slicer.js';
import { SLICE_HEIGHT, SLICE_WIDTH, type Subject } from './subject.js';
import type { Template } from './template.js';

/** A rendered subject volume, laid out as the volume reader returns volumes. */
export interface SynthVolume {
  /** Grey values 0..255 as float32, x fastest, RAS+ (x toward the subject's right, y anterior, z superior). */
  readonly data: Float32Array;
  /** Voxels along x, y, z. */
  readonly shape: [number, number, number];
  /** Voxel index to world mm, 4x4 row-major (diagonal: RAS+ axes; centred on the frame). */
  readonly affine: number[];
}

/**
 * Renders `subject` (drawn with the slice count and z range that set the volume's depth) and
 * stacks its slices into a RAS+ volume. The slices are radiological (subject's right on the
 * image's left, anterior at the top), so image column u is x = width - 1 - u and row v is
 * y = height - 1 - v.
 *
 * @param template the loaded template
 * @param subject the subject to render
 * @param options `downsample`: in-plane block size (default 1: 1 mm, 176x208 per slice; 4: 44x52); `zStepMm`: distance
 *   between the subject's slices in mm (for the affine; default 1)
 * @returns grey values 0..255 as float32 (x fastest, RAS+), the shape [X, Y, Z] in voxels and the affine (mm)
 * @throws RangeError `downsample must be a positive integer dividing 176 and 208, got ...`
 * @example
 * const subject = drawSubject(1, 0, 3, template, { count: 24 });
 * const volume = renderVolume(template, subject, { downsample: 4, zStepMm: 82 / 23 });
 */
export function renderVolume(template: Template, subject: Subject, options: { downsample?: number; zStepMm?: number } = {}): SynthVolume {
  const f = options.downsample ?? 1;
  if (!(Number.isInteger(f) && f >= 1 && SLICE_WIDTH % f === 0 && SLICE_HEIGHT % f === 0)) {
    throw new RangeError(`downsample must be a positive integer dividing ${SLICE_WIDTH} and ${SLICE_HEIGHT}, got ${f}`);
  }
  const { images } = renderSubject(template, subject);
  const nx = SLICE_WIDTH / f;
  const ny = SLICE_HEIGHT / f;
  const nz = images.length;
  const data = new Float32Array(nx * ny * nz);
  const norm = 1 / (f * f);
  for (let k = 0; k < nz; k++) {
    const image = images[k]!;
    for (let v = 0; v < SLICE_HEIGHT; v++) {
      const j = ny - 1 - Math.floor(v / f);
      for (let u = 0; u < SLICE_WIDTH; u++) {
        const i = nx - 1 - Math.floor(u / f);
        data[i + nx * (j + ny * k)]! += image[v * SLICE_WIDTH + u]! * norm;
      }
    }
  }
  const dz = options.zStepMm ?? 1;
  const affine = [f, 0, 0, -((nx - 1) * f) / 2, 0, f, 0, -((ny - 1) * f) / 2, 0, 0, dz, -((nz - 1) * dz) / 2, 0, 0, 0, 1];
  return { data, shape: [nx, ny, nz], affine };
}
