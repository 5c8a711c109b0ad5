/**
 * Stored JSON read back (test.json, split.json, config.json, the store's JSON columns) checked by
 * its valibot schema, failing with the one error shape: `Expected <words> for <field.path> in
 * <where> but received <value>`, with a hint that says how the file came to be and what to do.
 * Each base schema's message is what it expects, in words (`v.number('number or null')`).
 */
import * as v from 'valibot';
import { AlzbenchError, describeValue } from './errors.js';

/** What a stored document is and what to do when it is damaged. */
export interface StoredDoc {
  /** What the document is, for a value that is not an object: `a test report (a JSON object)`. */
  readonly what: string;
  /** How it is written and what to do: `test.json is written by ...; restore it or ...`. */
  readonly hint: string;
}

type AnySchema = { message?: unknown; wrapped?: AnySchema; entries?: Record<string, AnySchema>; item?: AnySchema; value?: AnySchema; pipe?: AnySchema[] };

/** The schema under optional/nullable wrappers and the first item of a pipe. */
function unwrap(schema: AnySchema | undefined): AnySchema | undefined {
  let s = schema;
  while (s?.wrapped) s = s.wrapped;
  return s?.pipe?.[0] && s.pipe[0] !== s ? unwrap(s.pipe[0]) : s;
}

/** The words of the schema at `keys` (a missing required field's issue names only its mapping). */
function wordsAt(root: AnySchema, keys: readonly PropertyKey[]): string | undefined {
  let s: AnySchema | undefined = root;
  for (const key of keys) {
    s = unwrap(s);
    s = s?.entries?.[String(key)] ?? s?.item ?? s?.value;
  }
  const message = unwrap(s)?.message;
  return typeof message === 'string' ? message : undefined;
}

/**
 * Checks a parsed stored document against its schema (an object schema).
 *
 * @param where names the document in the message: a file path, or `the stored test report of run x`
 * @returns the schema's output
 * @throws AlzbenchError (exit 2): `Expected number or null for best.metrics.accuracy in runs/x/test.json but received "high" of type string`,
 *   or `Expected a test report (a JSON object) in runs/x/test.json but received [1 of type number] of type array`.
 */
export function checkStoredJson<S extends v.GenericSchema>(schema: S, value: unknown, where: string, doc: StoredDoc): v.InferOutput<S> {
  // valibot takes an array for an object (its entries then read as missing): say what it is.
  const wantsMapping = ['object', 'loose_object', 'strict_object', 'record'].includes((schema as { type?: string }).type ?? '');
  if (wantsMapping && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new AlzbenchError(`Expected ${doc.what} in ${where} but received ${describeValue(value)}`, { exitCode: 2, hint: doc.hint });
  }
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const keys = (issue.path ?? []).map((p) => p.key as PropertyKey);
  const missing = issue.input === undefined && (issue.type === 'loose_object' || issue.type === 'object');
  const expected = (missing ? wordsAt(schema as unknown as AnySchema, keys) : undefined) ?? issue.message;
  const field = keys.length > 0 ? ` for ${keys.map(String).join('.')}` : '';
  throw new AlzbenchError(`Expected ${expected}${field} in ${where} but received ${describeValue(issue.input)}`, { exitCode: 2, hint: doc.hint });
}

/**
 * Parses stored JSON text and checks it, as {@link checkStoredJson}.
 *
 * @throws AlzbenchError (exit 2) `Cannot parse <where>: <JSON error>` for text that is not JSON.
 */
export function parseStoredJson<S extends v.GenericSchema>(schema: S, text: string, where: string, doc: StoredDoc): v.InferOutput<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AlzbenchError(`Cannot parse ${where}: ${(error as Error).message}`, { exitCode: 2, hint: doc.hint });
  }
  return checkStoredJson(schema, value, where, doc);
}
