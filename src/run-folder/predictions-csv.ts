import { readFileSync } from 'node:fs';
import { parseCsv } from '../util/csv.js';
import { AlzbenchError } from '../util/errors.js';
import { argmax } from '../util/argmax.js';

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
  if (header?.[0] !== 'file' || header[2] !== 'label') throw new AlzbenchError(`${path} is not an alzbench predictions.csv (header ${JSON.stringify(header)})`);
  const classes = header.slice(4).map((h) => h.replace(/^p_/, ''));
  const predictions = rows.map((row) => {
    const label = classes.indexOf(row[2]!);
    if (label < 0) throw new AlzbenchError(`${path}: label ${JSON.stringify(row[2])} of ${row[0]} is not one of ${classes.join(', ')}`);
    return { file: row[0]!, subject: row[1]!, label, probabilities: row.slice(4).map(Number) };
  });
  return { classes, predictions };
}
