/**
 * Disease stages and the atrophy they cause: the radiological signs of Alzheimer's disease in
 * SEED.md (ventricles enlarge, cortex thins, hippocampi shrink strongly), as millimetres by which
 * each boundary moves in a synthetic subject.
 */
import type { Rng } from './rng.js';

/** The four classes of the Kaggle set, in order of severity; also the folder names. */
export const STAGES = ['NonDemented', 'VeryMildDemented', 'MildDemented', 'ModerateDemented'] as const;
/** One of {@link STAGES}. */
export type Stage = (typeof STAGES)[number];

/** How far each boundary moves in one subject, in mm. */
export interface Atrophy {
  /** Latent disease severity: about the stage index (0..3) plus per-subject spread, never below 0. */
  readonly severity: number;
  /** The ventricles grow outwards by this much. */
  readonly ventricleMm: number;
  /** Cortex within this depth of sulcal CSF or the brain surface turns to CSF (scaled by region). */
  readonly cortexMm: number;
  /** The hippocampi lose this depth from their surface. */
  readonly hippocampusMm: number;
}

/**
 * The atrophy model's constants. Stage effects are moderate and per-subject spread is large, so
 * neighbouring stages overlap (as CDR 0 and 0.5 do in OASIS) and a classifier cannot be perfect.
 */
export const ATROPHY_MODEL = {
  /** Standard deviation of the latent severity around the stage index. */
  severitySd: 0.5,
  /** mm per unit of severity. */
  perSeverity: { ventricleMm: 0.8, cortexMm: 0.25, hippocampusMm: 0.45 },
  /** Age-like atrophy every subject has whatever its stage: uniform in [0, this) mm. */
  ageing: { ventricleMm: 1.5, cortexMm: 0.3, hippocampusMm: 0.2 },
  /** Log-normal spread of each sign around the shared severity, so the signs are not locked. */
  signSd: 0.25,
} as const;

/**
 * Draws one subject's atrophy for a stage.
 *
 * @param rng the subject's random stream
 * @param stage index into {@link STAGES} (0 = NonDemented .. 3 = ModerateDemented)
 * @returns the latent severity (>= 0) and the ventricle enlargement, cortical thinning and hippocampal shrinkage in mm
 * @example
 * drawAtrophy(createRng(1, 'subject', 0), 3).hippocampusMm; // about 1 mm
 */
export function drawAtrophy(rng: Rng, stage: number): Atrophy {
  const m = ATROPHY_MODEL;
  const severity = Math.max(0, stage + rng.normal(0, m.severitySd));
  const sign = (perSeverity: number, ageing: number): number => rng.uniform(0, ageing) + perSeverity * severity * Math.exp(rng.normal(0, m.signSd));
  return {
    severity,
    ventricleMm: sign(m.perSeverity.ventricleMm, m.ageing.ventricleMm),
    cortexMm: sign(m.perSeverity.cortexMm, m.ageing.cortexMm),
    hippocampusMm: sign(m.perSeverity.hippocampusMm, m.ageing.hippocampusMm),
  };
}

/**
 * Share of a 1 mm box filter around `depth` that lies inside the band [lo, hi] (mm): the
 * anti-aliased indicator of "this point is in the band", 0 when the band is empty.
 *
 * @param depth the point's depth in mm
 * @param lo the band's lower bound in mm
 * @param hi the band's upper bound in mm
 * @returns the covered share, 0..1
 */
export function bandCoverage(depth: number, lo: number, hi: number): number {
  const overlap = Math.min(depth + 0.5, hi) - Math.max(depth - 0.5, lo);
  return overlap > 0 ? (overlap > 1 ? 1 : overlap) : 0;
}
