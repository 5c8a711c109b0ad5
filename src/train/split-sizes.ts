/**
 * How full a run's splits must be: one rule for slice runs (trainer.ts) and volume runs
 * (volume-run.ts). Training and validation must hold someone (validation selects the epoch), so
 * an empty one stops the run before any training with the counts and a way out. An empty test
 * split does not stop it: a data set's own split may hold no one out (participants.tsv with only
 * train and val rows), and a small one may leave no one to hold out. Such a run trains and
 * validates, and says plainly that it has no test figures: the note this returns is logged at the
 * start and ends up in run.json's `reason` (and so in the CLI's last line and compare's verdict).
 */
import { AlzbenchError } from '../util/errors.js';

/** A number per split. */
export interface SplitCounts {
  readonly train: number;
  readonly val: number;
  readonly test: number;
}

/** What {@link checkSplitSizes} counts and how it names them. */
export interface SplitSizes {
  /** Samples per split (slices, or sessions for volume runs). */
  readonly samples: SplitCounts;
  /** The split's units per split (people, subjects, pseudo-subjects; the samples themselves without grouping). */
  readonly groups: SplitCounts;
  /** Plural noun of a sample: `slices`, `sessions`. */
  readonly sampleNoun: string;
  /** Plural noun of a unit of the split: `people`, `subjects`, `pseudo-subjects`, or `sampleNoun` when ungrouped. */
  readonly groupNoun: string;
  /** Where the split came from, for the message: `participants.tsv`, `drawn`, `fold 0 of 5`, `subject grouping`. */
  readonly source: string;
}

/**
 * Applies the split-size rule of training runs.
 *
 * @param split samples and units per split, their nouns and where the split came from
 * @returns null when the test split holds someone, else the note that the run has no test
 *   figures, e.g. `no test people: the split (participants.tsv) put all 8 people in training and
 *   validation, so this run has no test metrics, predictions or Grad-CAM; for held-out figures use
 *   more people, a split with test people, or --folds K`
 * @throws AlzbenchError (exit 2) when training or validation is empty, e.g. `The split (drawn) left
 *   4 people in training, 0 in validation and 2 in test`, with a hint
 */
export function checkSplitSizes(split: SplitSizes): string | null {
  const { samples, groups, sampleNoun, groupNoun, source } = split;
  // The samples beside the units only when they differ (several slices or sessions per person).
  const same = samples.train === groups.train && samples.val === groups.val && samples.test === groups.test;
  const bySamples = same ? '' : ` (${samples.train}, ${samples.val} and ${samples.test} ${sampleNoun})`;
  if (groups.train === 0 || groups.val === 0) {
    throw new AlzbenchError(
      `The split (${source}) left ${groups.train} ${groupNoun} in training, ${groups.val} in validation and ${groups.test} in test${bySamples}`,
      {
        exitCode: 2,
        hint: `validation selects the best epoch, so training and validation both need ${groupNoun}: use a data set with more ${groupNoun}, or a split that puts some in each`,
      },
    );
  }
  if (groups.test > 0) return null;
  return (
    `no test ${groupNoun}: the split (${source}) put all ${groups.train + groups.val} ${groupNoun} in training and validation, ` +
    `so this run has no test metrics, predictions or Grad-CAM; for held-out figures use more ${groupNoun}, a split with test ${groupNoun}, or --folds K`
  );
}
