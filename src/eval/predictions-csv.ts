import { readFileSync } from 'node:fs';
import { parseCsv } from '../data/csv.js';
import { AlzbenchError } from '../util/errors.js';
import { argmax } from './metrics.js';
import { mcnemarFromCorrectness, type McNemarResult } from './mcnemar.js';

/** One evaluated sample. */
export interface Prediction {
  /** Item id relative to the data set root. */
  readonly file: string;
  /** Subject ID or pseudo-subject, '' when none. */
  readonly subject: string;
  /** True class index. */
  readonly label: number;
  /** Class probabilities in task class order. */
  readonly probabilities: readonly number[];
}

const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/**
 * predictions.csv: `file,subject,label,predicted,p_<class>...` with class names for label and
 * predicted and probabilities to 6 decimals, one row per sample in evaluation order.
 */
export function formatPredictionsCsv(predictions: readonly Prediction[], classes: readonly string[]): string {
  const lines = [['file', 'subject', 'label', 'predicted', ...classes.map((c) => `p_${c}`)].map(quote).join(',')];
  for (const p of predictions) {
    const predicted = argmax(p.probabilities);
    lines.push([quote(p.file), quote(p.subject), quote(classes[p.label]!), quote(classes[predicted]!), ...p.probabilities.map((v) => v.toFixed(6))].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Reads a predictions.csv back: the classes from its `p_` columns and every row. */
export function readPredictionsCsv(path: string): { classes: string[]; predictions: Prediction[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AlzbenchError(`Cannot read predictions ${path}: ${(error as Error).message}`);
  }
  const [header, ...rows] = parseCsv(text);
  if (!header || header[0] !== 'file' || header[2] !== 'label') throw new AlzbenchError(`${path} is not an alzbench predictions.csv (header ${JSON.stringify(header)})`);
  const classes = header.slice(4).map((h) => h.replace(/^p_/, ''));
  const predictions = rows.map((row) => {
    const label = classes.indexOf(row[2]!);
    if (label < 0) throw new AlzbenchError(`${path}: label ${JSON.stringify(row[2])} of ${row[0]} is not one of ${classes.join(', ')}`);
    return { file: row[0]!, subject: row[1]!, label, probabilities: row.slice(4).map(Number) };
  });
  return { classes, predictions };
}

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
 */
export function compareRunPredictions(pathA: string, pathB: string): RunComparison {
  const a = readPredictionsCsv(pathA);
  const b = readPredictionsCsv(pathB);
  if (a.classes.join(',') !== b.classes.join(',')) throw new AlzbenchError(`Expected the same classes in both runs but received ${a.classes.join(', ')} and ${b.classes.join(', ')}`);
  const byFile = new Map(b.predictions.map((p) => [p.file, p]));
  if (byFile.size !== a.predictions.length || a.predictions.some((p) => byFile.get(p.file)?.label !== p.label)) {
    throw new AlzbenchError(`The two runs were not evaluated on the same test set (${pathA}: ${a.predictions.length} samples, ${pathB}: ${b.predictions.length})`, {
      hint: 'McNemar needs both runs on the same samples: use the same data set, task, grouping and split seed',
    });
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
