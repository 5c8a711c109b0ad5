/**
 * Distances (1 - normalized cross-correlation at full resolution, see `sliceDistance`) that decide
 * "same scan" for the pseudo-subject grouping and "same person" for the leakage audit. Calibrated
 * by `node bench/grouping/calibrate.mjs` on synthetic data with known subjects (`alzbench synth`);
 * the numbers it printed are in BENCHMARKS.md ("Subject grouping and leakage audit").
 */

/** Longest link between two slices of one scan in the pseudo-subject chains. PLACEHOLDER */
export const SAME_SCAN_LINK_DISTANCE = 0.25;

/** Largest distance at which the audit calls a test slice and a train slice the same person. PLACEHOLDER */
export const TWIN_DISTANCE = 0.05;

/** Fewest slices of a held-out subject that must point at one train subject for a twin. */
export const TWIN_MIN_SLICES = 2;

/** Largest distance at which a held-out slice counts as pointing at the train subject of its closest train slice. */
export const TWIN_CONSISTENT_DISTANCE = 0.12;

/** Share of a held-out subject's slices that must point at one train subject for a twin. */
export const TWIN_CONSISTENT_SHARE = 0.5;
