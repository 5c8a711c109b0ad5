/**
 * The shapes of the API's query strings and path parameters, checked with valibot (the project's
 * schema library, numbers in BENCHMARKS.md, "Robustness") instead of casting `request.query`: a repeated
 * key (`?run=a&run=b` arrives as an array), an over-long id or a non-numeric index is a 400 with
 * the project's message (`Expected ... for query parameter run but received ...`), never a value
 * of the wrong type reaching the store.
 */
import * as v from 'valibot';
import { invalid } from '../util/errors.js';

/** One field: its schema and what it expects, in words for the message. */
interface Field {
  readonly schema: v.GenericSchema<string, unknown>;
  readonly expected: string;
}

const text = (max: number, expected: string, pattern?: RegExp): Field => ({
  schema: pattern ? v.pipe(v.string(), v.maxLength(max), v.regex(pattern)) : v.pipe(v.string(), v.maxLength(max)),
  expected,
});

/** A run or sweep id (or name or prefix, as the store resolves them). */
const id = text(200, 'one run or sweep id (a single value of at most 200 characters)', /^[^\0]+$/);
/** A non-negative index of at most `digits` digits. */
const index = (digits: number) => text(digits, `an index of at most ${digits} digits`, new RegExp(`^\\d{1,${digits}}$`));

/** A set of fields read from one place (`query parameter`, `path parameter`). */
export interface RouteSchema<K extends string> {
  readonly where: string;
  readonly fields: Readonly<Record<K, Field>>;
}

const schema = <K extends string>(where: string, fields: Record<K, Field>): RouteSchema<K> => ({ where, fields });

/** `GET /api/compare?runs=a,b&baseline=a` or `?sweep=s`. */
export const compareQuery = schema('query parameter', { runs: text(20_000, 'a comma-separated list of run ids (one value)'), sweep: id, baseline: id });
/** `POST /api/predict?run=<id>`. */
export const predictQuery = schema('query parameter', { run: id });
/** `POST /api/preprocess?chain=<spec>`. */
export const preprocessUploadQuery = schema('query parameter', { chain: text(2000, 'a pipeline spec of at most 2000 characters (one value)') });
/** `GET /api/preprocess?run=<id>&slice=<index>&chain=<spec>`. */
export const preprocessSliceQuery = schema('query parameter', { run: id, slice: index(6), chain: preprocessUploadQuery.fields.chain });
/** `/api/runs/:id` and its sub-routes. */
export const runParams = schema('path parameter', { id });
/** `/api/runs/:id/cam/:index`. */
export const camParams = schema('path parameter', { id, index: text(200, 'a Grad-CAM index (one value of at most 200 characters)') });
/** `/api/runs/:id/files/*`. */
export const fileParams = schema('path parameter', { id, '*': text(1000, 'a file path of at most 1000 characters') });

/**
 * Reads the named fields of `value` (a parsed query string or route params) through their
 * schemas; absent fields stay undefined, unknown keys are ignored.
 *
 * @throws AlzbenchError (answered 400) `Expected <what> for query parameter <key> but received <value>`
 */
export function parseRoute<K extends string>(route: RouteSchema<K>, value: unknown): Partial<Record<K, string>> {
  const record = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const out: Partial<Record<K, string>> = {};
  for (const key of Object.keys(route.fields) as K[]) {
    const given = record[key];
    if (given === undefined) continue;
    const field = route.fields[key];
    const result = v.safeParse(field.schema, given);
    if (!result.success)
      throw invalid(field.expected, `${route.where} ${key}`, typeof given === 'string' && given.length > 80 ? `${given.slice(0, 80)}...` : given);
    out[key] = result.output as string;
  }
  return out;
}
