import { AlzbenchError } from '../util/errors.js';
import { argmax } from '../util/argmax.js';
import { readPredictionsCsv } from '../run-folder/predictions-csv.js';
import { mcnemarFromCorrectness, type McNemarResult } from './mcnemar.js';

/** Result of comparing two runs' predictions on one test set. */
export interface RunComparison extends McNemarResult {
  readonly samples: number;
  readonly accuracyA: number;
  readonly accuracyB: number;
}

/**
 * McNemar's test between two runs from their predictions.csv files. The files must cover the same
 * samples with the same labels (same test set); rows are matched by file.
 *
 * @example
 * compareRunPredictions('runs/a/predictions.csv', 'runs/b/predictions.csv').pValue;
 *
 * @param pathA predictions.csv of run A
 * @param pathB predictions.csv of run B
 * @returns the McNemar test (see `mcnemar`), the number of samples and each run's accuracy (fractions)
 * @throws AlzbenchError `Cannot read predictions <path>: ...` or `<path> is not an alzbench predictions.csv (...)` for unreadable files.
 * @throws AlzbenchError `Expected the same classes in both runs but received ...` when the class lists differ.
 * @throws AlzbenchError `The two runs were not evaluated on the same test set (...)`, with a hint, when the files or labels differ.
 */
export function compareRunPredictions(pathA: string, pathB: string): RunComparison {
  const a = readPredictionsCsv(pathA);
  const b = readPredictionsCsv(pathB);
  if (a.classes.join(',') !== b.classes.join(','))
    throw new AlzbenchError(`Expected the same classes in both runs but received ${a.classes.join(', ')} and ${b.classes.join(', ')}`);
  const byFile = new Map(b.predictions.map((p) => [p.file, p]));
  if (byFile.size !== a.predictions.length || a.predictions.some((p) => byFile.get(p.file)?.label !== p.label)) {
    throw new AlzbenchError(
      `The two runs were not evaluated on the same test set (${pathA}: ${a.predictions.length} samples, ${pathB}: ${b.predictions.length})`,
      {
        hint: 'McNemar needs both runs on the same samples: use the same data set, task, grouping and split seed',
      },
    );
  }
  const correctA = a.predictions.map((p) => argmax(p.probabilities) === p.label);
  const correctB = a.predictions.map((p) => {
    const q = byFile.get(p.file)!;
    return argmax(q.probabilities) === q.label;
  });
  const n = correctA.length;
  return {
    ...mcnemarFromCorrectness(correctA, correctB),
    samples: n,
    accuracyA: correctA.filter(Boolean).length / n,
    accuracyB: correctB.filter(Boolean).length / n,
  };
}
