import type { GradCam3dResult } from './grad-cam-3d.js';
import { writeCamPng } from './cam-overlay.js';

/** The three planes of a 3-D Grad-CAM laid out side by side: gray (0-255) and heat (0-1), row-major. */
export interface Cam3dPicture {
  readonly gray: Uint8Array;
  readonly heat: Float32Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Lays out a 3-D Grad-CAM as one picture: the axial, coronal and sagittal planes through the heat
 * map's peak, side by side (left to right), each the volume's plane in gray with its heat map.
 * Planes are shown as a radiologist looks at RAS+ volumes: superior (axial: anterior) at the top.
 * Gray is the volume's intensity scaled from its minimum to its maximum over the three planes.
 *
 * @param volume the model's input volume, C-order [X, Y, Z] (as `cam.shape`), any intensity scale
 * @param cam the result of `gradCam3d` on that volume
 * @returns gray (uint8) and heat (float32, 0-1) pictures of `width x height` pixels, row-major: the three planes
 *   bottom-aligned; the 2-pixel gaps between them and the space above a shorter plane are 0 in both
 * @example
 * const { gray, heat, width, height } = cam3dPicture(voxels, gradCam3d(model, layer, input));
 */
export function cam3dPicture(volume: ArrayLike<number>, cam: GradCam3dResult): Cam3dPicture {
  const [, ny, nz] = cam.shape;
  const [px, py, pz] = cam.peak;
  const at = (x: number, y: number, z: number) => volume[(x * ny + y) * nz + z]!;
  // Each plane as (rows r, columns c) in grad-cam-3d's layout, with the voxel behind each cell.
  const planes = [
    { plane: cam.axial, voxel: (r: number, c: number) => at(r, c, pz) },
    { plane: cam.coronal, voxel: (r: number, c: number) => at(r, py, c) },
    { plane: cam.sagittal, voxel: (r: number, c: number) => at(px, r, c) },
  ];
  // Display: columns = the plane's rows (x, or y for sagittal), rows = its columns reversed (top = A or S).
  const height = Math.max(...planes.map((p) => p.plane.columns));
  const gap = 2;
  const width = planes.reduce((w, p) => w + p.plane.rows, 0) + gap * (planes.length - 1);
  let lo = Infinity;
  let hi = -Infinity;
  for (const { plane, voxel } of planes) {
    for (let r = 0; r < plane.rows; r++) {
      for (let c = 0; c < plane.columns; c++) {
        const v = voxel(r, c);
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const gray = new Uint8Array(width * height);
  const heat = new Float32Array(width * height);
  let left = 0;
  for (const { plane, voxel } of planes) {
    const top = height - plane.columns;
    for (let r = 0; r < plane.rows; r++) {
      for (let c = 0; c < plane.columns; c++) {
        const i = (top + plane.columns - 1 - c) * width + left + r;
        gray[i] = Math.round((voxel(r, c) - lo) * scale);
        heat[i] = plane.data[r * plane.columns + c]!;
      }
    }
    left += plane.rows + gap;
  }
  return { gray, heat, width, height };
}

/**
 * Writes a 3-D Grad-CAM as one PNG ({@link cam3dPicture}: axial, coronal and sagittal planes
 * through the peak, side by side), the heat map blended over the gray planes as
 * {@link writeCamPng} does for a 2-D slice.
 *
 * @param path the PNG file (parent folders are created)
 * @param volume the model's input volume, C-order [X, Y, Z] (as `cam.shape`), any intensity scale
 * @param cam the result of `gradCam3d` on that volume
 * @returns the PNG's size in pixels
 * @example
 * await writeCam3dPng('cam.png', voxels, gradCam3d(model, layer, input));
 */
export async function writeCam3dPng(path: string, volume: ArrayLike<number>, cam: GradCam3dResult): Promise<{ width: number; height: number }> {
  const { gray, heat, width, height } = cam3dPicture(volume, cam);
  await writeCamPng(path, gray, heat, width, height);
  return { width, height };
}
