/**
 * Measurements of the signs the generator plants, taken from its outputs rather than its
 * parameters: ventricle area from the grey images, hippocampus and ventricle volume from the
 * label masks. Tests and the bench use them to check that stages move the anatomy the right way.
 */
import { SLICE_HEIGHT, SLICE_WIDTH } from './subject.js';

/**
 * Central box of a slice (pixels, [u0, u1) x [v0, v1)) that holds the lateral ventricles and
 * little else: about 30 mm either side of the midline, 50 mm in front of to 40 mm behind the
 * brain's centre.
 */
export const VENTRICLE_BOX = { u0: SLICE_WIDTH / 2 - 30, u1: SLICE_WIDTH / 2 + 30, v0: SLICE_HEIGHT / 2 - 50, v1: SLICE_HEIGHT / 2 + 40 } as const;

/**
 * Area (pixels = mm² before head scaling) of CSF-dark brain pixels in the central ventricle box.
 * "Dark" is below 45 % of the slice's median brain intensity: between CSF (10-22 % of white
 * matter) and grey matter (55-68 %), whatever the subject's contrast.
 *
 * @param image one 8-bit slice, `SLICE_WIDTH * SLICE_HEIGHT` bytes, background 0
 * @returns the number of dark pixels in the box (0 when the slice has no brain)
 * @example
 * darkCentralArea(images[20]); // ~300 for a NonDemented subject at the ventricle bodies
 */
export function darkCentralArea(image: Uint8Array): number {
  const histogram = new Uint32Array(256);
  let brain = 0;
  for (let i = 0; i < image.length; i++) {
    const v = image[i] as number;
    if (v > 0) {
      histogram[v]++;
      brain++;
    }
  }
  if (brain === 0) return 0;
  let seen = 0;
  let median = 0;
  while (median < 255 && seen + (histogram[median] as number) < brain / 2) seen += histogram[median++] as number;
  const threshold = 0.45 * median;
  let area = 0;
  const { u0, u1, v0, v1 } = VENTRICLE_BOX;
  for (let v = v0; v < v1; v++)
    for (let u = u0; u < u1; u++) {
      const value = image[v * SLICE_WIDTH + u] as number;
      if (value > 0 && value < threshold) area++;
    }
  return area;
}

/**
 * Counts pixels with a label bit over slices: with slices 1 mm apart this is the volume in mm³.
 *
 * @param labels label slices from `renderSubject(..., true)`
 * @param bit which structure, e.g. `LabelBit.hippocampus`
 * @returns the number of labelled pixels over all slices
 */
export function labelCount(labels: readonly Uint8Array[], bit: number): number {
  let count = 0;
  for (const label of labels) for (let i = 0; i < label.length; i++) if (((label[i] as number) & bit) !== 0) count++;
  return count;
}
