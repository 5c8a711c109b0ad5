/**
 * card.json of a run card archive (`alzbench runs export`) read back through one valibot schema
 * on import: a card edited or damaged after export is a named error (field path, expected,
 * received) before anything is written, not a run stored with fields of the wrong kind.
 */
import * as v from 'valibot';
import { RUN_STATUS_VALUES } from '../run-folder/run-files.js';
import { TEST_REPORT } from '../run-folder/test-report.js';
import { checkStoredJson } from '../util/stored-json.js';

const text = v.string('string');
const maybeText = v.nullable(v.string('string or null'));
const maybeMapping = v.nullable(v.record(v.string(), v.unknown(), 'mapping or null'));
const mapping = v.record(v.string(), v.unknown(), 'mapping');
const count = v.pipe(v.number('non-negative integer'), v.safeInteger('non-negative integer'), v.minValue(0, 'non-negative integer'));
const maybeNumber = v.nullable(v.number('number or null'));

/** What card.json holds (store/archive.ts `RunCard`); extra fields of later versions pass through. */
const RUN_CARD = v.looseObject(
  {
    format: v.literal('alzbench-run-card', '"alzbench-run-card"'),
    version: v.literal(1, '1'),
    exported: text,
    run: v.looseObject(
      {
        id: text,
        name: maybeText,
        status: v.picklist(RUN_STATUS_VALUES, `one of ${RUN_STATUS_VALUES.join(', ')}`),
        reason: maybeText,
        config: mapping,
        flags: mapping,
        model: maybeText,
        task: maybeText,
        classes: v.array(text, 'list of class names'),
        datasetFingerprint: maybeText,
        dataset: maybeMapping,
        split: maybeMapping,
        leakage: maybeMapping,
        codeVersion: maybeText,
        machine: maybeMapping,
        device: maybeText,
        createdAt: text,
        startedAt: maybeText,
        finishedAt: maybeText,
        epochsDone: count,
        bestEpoch: v.nullable(count),
        test: v.nullable(TEST_REPORT),
        tags: v.array(text, 'list of tags'),
      },
      'mapping (the stored run)',
    ),
    splitManifest: maybeText,
    epochs: v.array(
      v.looseObject(
        {
          epoch: count,
          lr: maybeNumber,
          trainLoss: maybeNumber,
          trainAccuracy: maybeNumber,
          valLoss: maybeNumber,
          valAccuracy: maybeNumber,
          valBalancedAccuracy: maybeNumber,
          valSensitivity: maybeNumber,
          valSpecificity: maybeNumber,
          valAuc: maybeNumber,
          collapsed: v.boolean('boolean'),
          best: v.boolean('boolean'),
          seconds: maybeNumber,
          record: mapping,
        },
        'stored epoch (mapping)',
      ),
      'list of epochs',
    ),
    predictions: v.array(
      v.looseObject(
        {
          index: count,
          file: text,
          subject: text,
          label: count,
          predicted: count,
          // A NaN probability (a diverged model) was written as null by JSON.
          probabilities: v.pipe(
            v.array(maybeNumber, 'list of probabilities'),
            v.transform((list) => list.map((p) => p ?? NaN)),
          ),
        },
        'stored prediction (mapping)',
      ),
      'list of predictions',
    ),
    files: v.array(v.looseObject({ path: text, bytes: count, sha256: text }, 'file entry {path, bytes, sha256}'), 'list of files'),
  },
  'a run card (a JSON object)',
);

/** card.json as read back. */
export type RunCardRead = v.InferOutput<typeof RUN_CARD>;

/**
 * Checks a parsed card.json (format and version already checked by the caller, for their own messages).
 *
 * @throws AlzbenchError (exit 2) `Expected list of class names for run.classes in <path> but received ...`
 */
export function checkRunCard(value: unknown, where: string): RunCardRead {
  return checkStoredJson(RUN_CARD, value, where, {
    what: 'a run card (a JSON object)',
    hint: 'card.json is written by alzbench runs export; the archive was edited or damaged: export the run again',
  });
}
