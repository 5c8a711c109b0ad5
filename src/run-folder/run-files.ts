/**
 * Validation of the run folder's JSON as it is read back (run.json, metrics.jsonl), with the
 * same valibot rules and error shape as every other boundary. A run.json of `{}` or with an
 * unknown status is a named error, not a run called "undefined"; a damaged metrics line is
 * skipped with a warning that counts it, never silently.
 */
import * as v from 'valibot';
import { AlzbenchError, describeValue } from '../util/errors.js';
import { INPUT_LIMITS, readInputText } from '../util/read-input.js';
import { warn } from '../util/warn.js';
import { parseStoredJson } from '../util/stored-json.js';
import type { RunRecord, RunStatus } from './run-folder.js';

/** Every status a run record may hold. */
export const RUN_STATUS_VALUES = ['queued', 'running', 'done', 'failed', 'diverged', 'collapsed', 'interrupted'] as const satisfies readonly RunStatus[];

/** The fields of run.json that readers rely on; other fields pass through unchecked. */
const RUN_RECORD = v.looseObject({
  format: v.literal('alzbench-run'),
  version: v.literal(1),
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/)),
  name: v.nullish(v.string()),
  status: v.picklist(RUN_STATUS_VALUES),
  pid: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
  flags: v.optional(v.record(v.string(), v.unknown())),
  created: v.string(),
  epochsDone: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  bestEpoch: v.nullish(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
  machine: v.optional(v.looseObject({ hostname: v.string() })),
  resumed: v.optional(v.array(v.looseObject({ fromEpoch: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) }))),
});

/** Words for each checked field, for the error message. */
const EXPECTED: Record<string, string> = {
  format: '"alzbench-run"',
  version: '1',
  id: 'a run id (letters, digits, _ . -)',
  name: 'string or null',
  status: `one of ${RUN_STATUS_VALUES.join(', ')}`,
  pid: 'positive integer',
  flags: 'mapping',
  created: 'ISO date string',
  epochsDone: 'non-negative integer',
  bestEpoch: 'positive integer or null',
  machine: 'mapping with hostname',
  resumed: 'list of {at, fromEpoch, pid}',
};

/**
 * Checks a parsed run.json.
 *
 * @throws AlzbenchError (exit 2): `Expected one of queued, ... for status in runs/x/run.json but received "paused" of type string`.
 */
export function checkRunRecord(value: unknown, path: string): RunRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AlzbenchError(`Expected a run record (a JSON object) in ${path} but received ${describeValue(value)}`, {
      exitCode: 2,
      hint: 'run.json is written by alzbench train; restore it or remove the run folder',
    });
  }
  const result = v.safeParse(RUN_RECORD, value);
  if (result.success) return value as RunRecord;
  const issue = result.issues[0];
  const key = String(issue.path?.[0]?.key ?? 'run record');
  const got = (value as Record<string, unknown>)[key];
  throw new AlzbenchError(`Expected ${EXPECTED[key] ?? issue.expected ?? 'valid value'} for ${key} in ${path} but received ${describeValue(got)}`, {
    exitCode: 2,
    hint: 'run.json is written by alzbench train; restore it or remove the run folder',
  });
}

/** Reads and checks run.json (a regular file of at most the config cap). */
export function readRunRecord(path: string): RunRecord {
  const text = readInputText(path, 'run record', INPUT_LIMITS.config);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new AlzbenchError(`Cannot parse run record ${path}: ${(error as Error).message}`, {
      exitCode: 2,
      hint: 'run.json is written by alzbench train; restore it or remove the run folder',
    });
  }
  return checkRunRecord(doc, path);
}

/** One metrics.jsonl line as the readers need it: an object with a positive integer epoch. */
const METRICS_LINE = v.looseObject({ epoch: v.pipe(v.number(), v.safeInteger(), v.minValue(1)) });

/**
 * Parses metrics.jsonl text: one JSON object per epoch. Lines that are not JSON or have no
 * epoch are skipped, and one warning says how many and which (a line cut by a killed writer is
 * the usual cause). `source` names the file in the warning.
 *
 * @returns the good lines' objects, in file order.
 */
export function parseMetricsText(text: string, source: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const bad: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      bad.push(`line ${i + 1}: not JSON`);
      return;
    }
    if (!v.is(METRICS_LINE, record)) {
      bad.push(`line ${i + 1}: no epoch number`);
      return;
    }
    out.push(record);
  });
  if (bad.length > 0) {
    const total = out.length + bad.length;
    warn(
      `${source}: skipped ${bad.length} of ${total} metrics line${total === 1 ? '' : 's'} (${bad.slice(0, 3).join('; ')}${bad.length > 3 ? '; ...' : ''}); those epochs are missing from this view`,
    );
  }
  return out;
}

/**
 * config.json as the store and its readers use it: a mapping whose fields that listing, compare
 * and the dashboard read are of their kind; the others pass through (a resume checks every
 * setting with the settings table, train/config.ts).
 */
const RUN_CONFIG = v.looseObject(
  {
    model: v.optional(v.string('string (a registered model)')),
    task: v.optional(v.string('string')),
    input: v.optional(v.picklist(['slice', 'volume'], 'slice or volume')),
    pipeline: v.optional(v.string('string')),
    epochs: v.optional(v.pipe(v.number('positive integer'), v.safeInteger('positive integer'), v.minValue(1, 'positive integer'))),
    device: v.optional(v.string('string')),
  },
  'the run settings (a JSON object)',
);

/**
 * Parses config.json text (the resolved settings of a run).
 *
 * @throws AlzbenchError (exit 2) `Expected slice or volume for input in runs/x/config.json but received "3d" of type string`, or `Cannot parse ...`.
 */
export function parseRunConfig(text: string, where: string): Record<string, unknown> {
  return parseStoredJson(RUN_CONFIG, text, where, {
    what: 'the run settings (a JSON object)',
    hint: 'config.json is written by alzbench train with every setting; the file was edited or damaged: restore it, or train the run again',
  });
}

/** Reads and checks config.json (a regular file of at most the config cap), as {@link parseRunConfig}. */
export function readRunConfig(path: string): Record<string, unknown> {
  return parseRunConfig(readInputText(path, 'run settings', INPUT_LIMITS.config), path);
}
