/**
 * Distances (`sliceDistance`: 1 - normalized cross-correlation at full resolution, plus brightness
 * and coarse-shape terms) that decide "same scan" for the pseudo-subject grouping and "same person"
 * for the leakage audit. Calibrated by `node bench/grouping/run.mjs <synth dir>` on synthetic data
 * with known subjects (`alzbench synth`, seeds 1 and 7); the figures it printed are in
 * BENCHMARKS.md ("Subject grouping and leakage audit").
 */

/**
 * Longest link between two slices of one scan in the pseudo-subject chains, in the link cost of
 * `scanLinkCost` (slice distance in the slices' own frame plus the head's left-right shift): about
 * the 99th percentile of neighbouring slices of one synthetic scan (0.212 at 2.6 mm between
 * slices, seed 7, 200 subjects).
 */
export const SAME_SCAN_LINK_DISTANCE = 0.21;

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

/**
 * Largest ratio of a held-out slice's distance to its closest train slice over its distance to the
 * closest slice of another train subject, for the slice to count as pointing at that subject (the
 * ratio test of Lowe 2004, "Distinctive image features from scale-invariant keypoints", who used
 * 0.8). A leaked person is clearly closer than everyone else; a look-alike of another person sits
 * among several about as close. 0.85 kept every leaked synthetic subject (recall 1.0) and removed
 * 2 of the 3 look-alikes that the share rule alone flagged on subject-disjoint splits (seed 7,
 * bench/grouping/run.mjs; BENCHMARKS.md).
 */
export const TWIN_DISTINCT_RATIO = 0.85;
