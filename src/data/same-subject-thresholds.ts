/**
 * Distances (`sliceDistance`: 1 - normalized cross-correlation at full resolution, plus brightness
 * and coarse-shape terms) that decide "same scan" for the pseudo-subject grouping and "same person"
 * for the leakage audit. Calibrated by `node bench/grouping/run.mjs <synth dir>` on synthetic data
 * with known subjects (`alzbench synth`, seeds 1 and 7); the figures it printed are in
 * BENCHMARKS.md ("Subject grouping and leakage audit").
 */

/**
 * Longest link between two slices of one scan in the pseudo-subject chains: about the 99th
 * percentile of neighbouring slices of one synthetic scan (0.26 at 2.6 mm between slices).
 */
export const SAME_SCAN_LINK_DISTANCE = 0.25;

/**
 * Largest distance of a near-duplicate ("twin") slice pair: below the closest slice of another
 * person at its 0.1st percentile in every calibration set (0.069 on 200 synthetic subjects, 0.070
 * between classes of the real sample), so different people's slices are flagged < 0.1 % of the time.
 */
export const TWIN_DISTANCE = 0.05;

/** Fewest slices of a held-out subject that must point at one train subject for a twin. */
export const TWIN_MIN_SLICES = 2;

/**
 * Largest distance at which a held-out slice counts as pointing at the train subject of its
 * closest train slice. 0.12 found every leaked synthetic subject (200 of 200) while 1 of 140
 * subject-disjoint test subjects (a synthetic look-alike) reached the share below.
 */
export const TWIN_CONSISTENT_DISTANCE = 0.12;

/** Share of a held-out subject's slices that must point at one and the same train subject for a twin. */
export const TWIN_CONSISTENT_SHARE = 0.5;
