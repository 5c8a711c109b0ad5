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
import { AlzbenchError, describeValue } from '../util/errors.js';
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
      v.array(v.looseObject({ low: num, high: num, count, confidence: num, accuracy: num }, 'reliability bin {low, high, count, confidence, accuracy}'), 'list of reliability bins'),
    ),
    n: v.optional(count),
  },
  'mapping of calibration figures',
);

/** The whole of test.json. */
const TEST_REPORT = v.looseObject(
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
            v.looseObject({ value: num, fittedOn: v.optional(text), valNllBefore: v.optional(num), valNllAfter: v.optional(num), test: CALIBRATION }, 'mapping of temperature scaling'),
          ),
        },
        'mapping of calibration',
      ),
    ),
    cam: v.optional(v.array(text, 'list of image paths')),
  },
  'a test report (a JSON object)',
);

/** test.json as readers see it: every field that earlier versions did not write is optional. */
export type TestReportRead = v.InferOutput<typeof TEST_REPORT>;

/** Readonly all the way down, without the loose objects' `[key: string]: unknown` (interfaces have none). */
type Written<T> = T extends (infer U)[] ? readonly Written<U>[] : T extends object ? { readonly [K in keyof T as string extends K ? never : K]: Written<T[K]> } : T;

/**
 * What the test phase may write as test.json: what the schema accepts (readonly lists allowed;
 * a field the writer renames or retypes fails to compile until the schema follows).
 */
export type TestReportWrite = Written<v.InferInput<typeof TEST_REPORT>>;

type AnySchema = { message?: unknown; wrapped?: AnySchema; entries?: Record<string, AnySchema>; item?: AnySchema; value?: AnySchema; pipe?: AnySchema[] };

/** The schema under optional/nullable wrappers and the first item of a pipe. */
function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  let s = schema;
  while (s?.wrapped) s = s.wrapped;
  return s?.pipe?.[0] && s.pipe[0] !== s ? unwrap(s.pipe[0]) : s;
}

/** The words of the schema at `keys` (for a missing required field, whose issue names only its mapping). */
function wordsAt(keys: readonly PropertyKey[]): string | undefined {
  let s: AnySchema | undefined = TEST_REPORT as unknown as AnySchema;
  for (const key of keys) {
    s = unwrap(s);
    s = s?.entries?.[String(key)] ?? s?.item ?? s?.value;
  }
  const message = unwrap(s)?.message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * Checks a parsed test.json. `where` names it in the message (a file path, or the store's copy).
 *
 * @returns the report, typed as the readers see it
 * @throws AlzbenchError (exit 2): `Expected number or null for best.metrics.accuracy in runs/x/test.json but received "high" of type string`.
 */
export function checkTestReport(value: unknown, where: string): TestReportRead {
  // valibot takes an array for an object (its entries then read as missing): say what it is.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AlzbenchError(`Expected a test report (a JSON object) in ${where} but received ${describeValue(value)}`, { exitCode: 2, hint: TEST_REPORT_HINT });
  }
  const result = v.safeParse(TEST_REPORT, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const keys = (issue.path ?? []).map((p) => p.key as PropertyKey);
  const field = keys.map(String).join('.');
  // A missing required field is reported by its mapping; its own words come from the schema.
  const missing = issue.input === undefined && issue.type === 'loose_object';
  const expected = (missing ? wordsAt(keys) : undefined) ?? issue.message;
  throw new AlzbenchError(`Expected ${expected} for ${field} in ${where} but received ${describeValue(issue.input)}`, { exitCode: 2, hint: TEST_REPORT_HINT });
}

/**
 * Reads and checks test.json (a regular file of at most the config cap).
 *
 * @throws AlzbenchError (exit 2) when the file is not JSON or not a test report, as {@link checkTestReport}.
 */
export function readTestReport(path: string): TestReportRead {
  const content = readInputText(path, 'test report', INPUT_LIMITS.config);
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (error) {
    throw new AlzbenchError(`Cannot parse test report ${path}: ${(error as Error).message}`, { exitCode: 2, hint: TEST_REPORT_HINT });
  }
  return checkTestReport(doc, path);
}
