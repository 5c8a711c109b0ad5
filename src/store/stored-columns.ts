/**
 * The store's JSON columns read back through valibot schemas: a row edited or damaged by hand is a
 * named error (`Expected list of class names in the stored classes of run x but received ...`),
 * not a run whose fields are silently of the wrong kind. test.json's column has its own schema
 * (run-folder/test-report.ts).
 */
import * as v from 'valibot';
import { parseStoredJson } from '../util/stored-json.js';

const mapping = v.record(v.string(), v.unknown(), 'mapping');

/** The schema of each JSON column (by its name in the messages). */
const COLUMNS = {
  config: mapping,
  flags: mapping,
  point: v.record(v.string(), v.string('string'), 'mapping of strings'),
  classes: v.array(v.string('string'), 'list of class names'),
  dataset: mapping,
  split: mapping,
  leakage: mapping,
  machine: mapping,
  'epoch record': v.looseObject({ epoch: v.number('number') }, 'mapping with an epoch'),
  // A NaN probability (a diverged model) was stored as null by JSON.
  probabilities: v.pipe(
    v.array(v.nullable(v.number('number or null')), 'list of probabilities'),
    v.transform((list) => list.map((p) => p ?? NaN)),
  ),
  'sweep spec': mapping,
} as const;

type Column = keyof typeof COLUMNS;

/**
 * Parses a JSON column of a stored row; null text is null.
 *
 * @param owner whose column it is, for the message: `run 2025...`, `sweep s1`
 * @throws AlzbenchError (exit 2) `Expected <words>[ for <field>] in the stored <column> of <owner> but received ...`, with a hint to re-store it
 */
export function storedColumn<C extends Column>(column: C, text: string, owner: string): v.InferOutput<(typeof COLUMNS)[C]>;
export function storedColumn<C extends Column>(column: C, text: string | null, owner: string): v.InferOutput<(typeof COLUMNS)[C]> | null;
export function storedColumn<C extends Column>(column: C, text: string | null, owner: string): v.InferOutput<(typeof COLUMNS)[C]> | null {
  if (text === null) return null;
  const schema = COLUMNS[column];
  return parseStoredJson(schema, text, `the stored ${column} of ${owner}`, {
    what: schema.type === 'record' || schema.type === 'loose_object' ? 'a mapping (a JSON object)' : 'a list',
    hint: owner.startsWith('run ')
      ? `the store's copy was edited or damaged: remove the run from the store (alzbench runs delete ${owner.slice(4)} --keep-files); the next listing reads its run folder again`
      : "the store's copy was edited or damaged: create the sweep again from its file",
  });
}
