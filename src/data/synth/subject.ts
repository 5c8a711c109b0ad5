/**
 * One synthetic subject: its stage, atrophy, anatomy (deformation), appearance and the slice
 * levels cut from it. Everything is drawn from streams keyed by (seed, subject index), so a
 * subject is the same whatever else is generated with it.
 */
import { type Appearance, drawAppearance } from './appearance.js';
import { type Atrophy, drawAtrophy, type Stage, STAGES } from './atrophy.js';
import { type Deformation, drawDeformation } from './deformation.js';
import { createRng } from './rng.js';
import type { Template } from './template.js';

/** Width and height of every slice, pixels (1 pixel = 1 mm before the subject's head scale): the Kaggle set's 176x208. */
export const SLICE_WIDTH = 176;
export const SLICE_HEIGHT = 208;

/** Which axial levels to cut. */
export interface SliceOptions {
  /** Slices per subject (default 32, like the OASIS-derived Kaggle set). */
  readonly count?: number;
  /** Lowest and highest level, MNI mm (default -32 to 50: from the hippocampi to above the ventricles). */
  readonly zRange?: readonly [number, number];
}

/** Everything that makes one synthetic subject. */
export interface Subject {
  /** `sub-0001` style identifier, 1-based. */
  readonly id: string;
  /** 0-based position among the generated subjects. */
  readonly index: number;
  readonly stage: Stage;
  readonly atrophy: Atrophy;
  readonly deformation: Deformation;
  readonly appearance: Appearance;
  /** Output-space z (mm, relative to the frame centre) of each slice, bottom to top. */
  readonly sliceZ: readonly number[];
  /** Seed of the subject's pixel-noise stream. */
  readonly noiseSeed: number;
  /** Seed the subject was drawn from (the data set seed). */
  readonly seed: number;
}

/**
 * Draws subject `index` of a data set.
 *
 * @param seed the data set seed
 * @param index 0-based subject index
 * @param stage index into {@link STAGES}
 * @param template the loaded template (for its brain centre)
 * @param slices which levels to cut
 * @param atrophy overrides the drawn atrophy (tests use it to vary only the stage effect)
 * @returns the subject: id, stage, atrophy, deformation, appearance, slice levels (mm) and noise seed
 * @example
 * const subject = drawSubject(42, 0, 2, template, { count: 32 });
 */
export function drawSubject(seed: number, index: number, stage: number, template: Template, slices: SliceOptions = {}, atrophy?: Atrophy): Subject {
  const count = slices.count ?? 32;
  const [zLow, zHigh] = slices.zRange ?? [-32, 50];
  const zCentre = (zLow + zHigh) / 2;
  const halfExtent: [number, number, number] = [SLICE_WIDTH / 2, SLICE_HEIGHT / 2, (zHigh - zLow) / 2 + 8];
  const templateCentre: [number, number, number] = [template.brainCentre[0], template.brainCentre[1], zCentre];
  const step = count > 1 ? (zHigh - zLow) / (count - 1) : 0;
  // Each stream has its own key, so changing one part of the model leaves the others' draws alone.
  const levelRng = createRng(seed, 'subject', index, 'levels');
  const offset = levelRng.normal(0, 1.5); // slice levels differ a little between scans
  return {
    id: `sub-${String(index + 1).padStart(4, '0')}`,
    index,
    stage: STAGES[stage] as Stage,
    atrophy: atrophy ?? drawAtrophy(createRng(seed, 'subject', index, 'atrophy'), stage),
    deformation: drawDeformation(createRng(seed, 'subject', index, 'deformation'), { halfExtent, templateCentre }),
    appearance: drawAppearance(createRng(seed, 'subject', index, 'appearance'), halfExtent),
    sliceZ: Array.from({ length: count }, (_, k) => (count > 1 ? zLow + k * step : zCentre) - zCentre + offset),
    noiseSeed: Math.floor(createRng(seed, 'subject', index, 'noise').next() * 0x100000000),
    seed,
  };
}
