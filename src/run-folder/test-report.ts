/**
 * test.json, the test phase's report, as one valibot schema: the trainer writes through
 * {@link TestReportWrite} (its input type, so the writer cannot produce what the readers refuse)
 * and every reader (store, dashboard, compare, show, run cards, group summaries) gets
 * {@link TestReportRead} (its output type) from {@link checkTestReport}. Fields added over time
 * (`headline`, `subject`, `calibration`, `cam`) are optional, so run folders of earlier versions
 * still read; a damaged file is a named error (field path, expected, received), never a crash
 * further on or a silent null. Numbers that were NaN when written are stored as null by JSON.
 */
import * as v from 'valibot';
import { checkStoredJson, parseStoredJson } from '../util/stored-json.js';
import { INPUT_LIMITS, readInputText } from '../util/read-input.js';

/** What the hint says when test.json does not read. */
export const TEST_REPORT_HINT =
  'test.json is written by the test phase of alzbench train; the file was edited or damaged: restore it, or train the run again to rewrite it';

// Each base schema's message is what it expects, in words, for the error message.
const num = v.nullable(v.number('number or null'));
const count = v.pipe(v.number('non-negative integer'), v.safeInteger('non-negative integer'), v.minValue(0, 'non-negative integer'));
const epoch = v.pipe(v.number('positive integer'), v.safeInteger('positive integer'), v.minValue(1, 'positive integer'));
const bool = v.boolean('boolean');
const text = v.string('string');

/** A value with its bootstrap interval (eval/bootstrap.ts `Interval`). */
const INTERVAL = v.looseObject({ value: num, low: num, high: num }, 'mapping {value, low, high}');

/** Bootstrap confidence intervals (eval/bootstrap.ts `BootstrapResult`). */
const CI = v.looseObject(
  {
    accuracy: v.optional(INTERVAL),
    balancedAccuracy: v.optional(INTERVAL),
    sensitivity: v.optional(INTERVAL),
    specificity: v.optional(INTERVAL),
    auc: v.optional(INTERVAL),
    resamples: v.optional(count),
    level: v.optional(num),
    seed: v.optional(v.number('number')),
    unit: v.optional(v.picklist(['subject', 'slice'], 'subject or slice')),
    units: v.optional(count),
  },
  'mapping of confidence intervals',
);

/** Metrics of one class (eval/metrics.ts `ClassMetrics`). */
const CLASS_METRICS = v.looseObject(
  { recall: v.optional(num), precision: v.optional(num), specificity: v.optional(num), f1: v.optional(num), auc: v.optional(num), support: v.optional(num) },
  'mapping of class metrics',
);

/** Metrics of one set of predictions (eval/metrics.ts `Metrics`). */
const METRICS = v.looseObject(
  {
    n: v.optional(count),
    classes: v.optional(v.array(text, 'list of class names')),
    positiveClass: v.optional(count),
    loss: v.optional(num),
    accuracy: v.optional(num),
    balancedAccuracy: v.optional(num),
    sensitivity: v.optional(num),
    specificity: v.optional(num),
    precision: v.optional(num),
    f1: v.optional(num),
    auc: v.optional(num),
    macro: v.optional(v.looseObject({}, 'mapping of macro averages')),
    perClass: v.optional(v.record(v.string(), CLASS_METRICS, 'mapping of class name to metrics')),
    confusion: v.optional(v.array(v.array(count, 'list of counts'), 'confusion matrix (list of lists of counts)')),
  },
  'mapping of metrics',
);

/** Subject-level figures (eval/subject-aggregate.ts `SubjectLevelReport`). */
const SUBJECT = v.looseObject(
  {
    rule: v.optional(text),
    subjects: v.optional(count),
    reconstructed: v.optional(bool),
    metrics: METRICS,
    headline: v.optional(v.record(v.string(), num, 'mapping of numbers')),
    ci: v.optional(v.nullable(CI)),
  },
  'mapping of subject-level figures',
);

/** One model's test evaluation (train/test-phase.ts `TestEvaluation`). */
const EVALUATION_ENTRIES = {
  epoch,
  metrics: METRICS,
  headline: v.optional(v.record(v.string(), num, 'mapping of numbers')),
  collapsed: v.optional(bool),
  subject: v.optional(v.nullable(SUBJECT)),
};

/** Calibration of one set of predictions (eval/calibration.ts `Calibration`). */
const CALIBRATION = v.looseObject(
  {
    ece: num,
    mce: v.optional(num),
    bins: v.optional(count),
    reliability: v.optional(
      v.array(
        v.looseObject({ low: num, high: num, count, confidence: num, accuracy: num }, 'reliability bin {low, high, count, confidence, accuracy}'),
        'list of reliability bins',
      ),
    ),
    n: v.optional(count),
  },
  'mapping of calibration figures',
);

/** The whole of test.json (also the `test` of a run card, store/run-card.ts). */
export const TEST_REPORT = v.looseObject(
  {
    selectedBy: v.optional(text),
    samples: v.optional(count),
    best: v.looseObject({ ...EVALUATION_ENTRIES, ci: v.optional(v.nullable(CI)) }, 'mapping (the best epoch)'),
    last: v.optional(v.nullable(v.looseObject(EVALUATION_ENTRIES, 'mapping (the last epoch) or null'))),
    calibration: v.optional(
      v.looseObject(
        {
          method: text,
          test: CALIBRATION,
          temperature: v.optional(
            v.looseObject(
              { value: num, fittedOn: v.optional(text), valNllBefore: v.optional(num), valNllAfter: v.optional(num), test: CALIBRATION },
              'mapping of temperature scaling',
            ),
          ),
        },
        'mapping of calibration',
      ),
    ),
    cam: v.optional(v.array(text, 'list of image paths')),
  },
  'a test report (a JSON object)',
);

const DOC = { what: 'a test report (a JSON object)', hint: TEST_REPORT_HINT };

/** test.json as readers see it: every field that earlier versions did not write is optional. */
export type TestReportRead = v.InferOutput<typeof TEST_REPORT>;

/** Readonly all the way down, without the loose objects' `[key: string]: unknown` (interfaces have none). */
type Written<T> = T extends (infer U)[]
  ? readonly Written<U>[]
  : T extends object
    ? { readonly [K in keyof T as string extends K ? never : K]: Written<T[K]> }
    : T;

/**
 * What the test phase may write as test.json: what the schema accepts (readonly lists allowed;
 * a field the writer renames or retypes fails to compile until the schema follows).
 */
export type TestReportWrite = Written<v.InferInput<typeof TEST_REPORT>>;

/**
 * Checks a parsed test.json. `where` names it in the message (a file path, or the store's copy).
 *
 * @returns the report, typed as the readers see it
 * @throws AlzbenchError (exit 2): `Expected number or null for best.metrics.accuracy in runs/x/test.json but received "high" of type string`.
 */
export function checkTestReport(value: unknown, where: string): TestReportRead {
  return checkStoredJson(TEST_REPORT, value, where, DOC);
}

/** Parses and checks test.json text (the store's copy), as {@link checkTestReport}; text that is not JSON: `Cannot parse <where>: ...`. */
export function parseTestReport(text: string, where: string): TestReportRead {
  return parseStoredJson(TEST_REPORT, text, where, DOC);
}

/**
 * Reads and checks test.json (a regular file of at most the config cap).
 *
 * @throws AlzbenchError (exit 2) `Cannot parse runs/x/test.json: ...` when the file is not JSON, or as {@link checkTestReport}.
 */
export function readTestReport(path: string): TestReportRead {
  return parseStoredJson(TEST_REPORT, readInputText(path, 'test report', INPUT_LIMITS.config), path, DOC);
}
