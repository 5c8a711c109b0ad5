import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { captureWarnings } from '../util/warn.js';
import { parseMetricsText, readRunConfig, readRunRecord } from './run-files.js';
import type { AlzbenchError } from '../util/errors.js';
import { parseMetricsLines } from '../store/read-run-folder.js';

const dir = mkdtempSync(join(tmpdir(), 'alzbench-run-files-'));
const good = {
  format: 'alzbench-run',
  version: 1,
  id: '20250101-120000-simple_cnn-1a2b3c',
  name: null,
  status: 'done',
  flags: {},
  created: '2025-01-01T12:00:00.000Z',
  code: { version: 'x', package: '0.1.0' },
  machine: { hostname: 'h', cpu: 'c', cores: 2 },
};
const write = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const hint = 'run.json is written by alzbench train; restore it or remove the run folder';

test('run.json is validated when read: {} and unknown statuses are named errors', () => {
  assert.deepEqual(readRunRecord(write('good.json', JSON.stringify(good))), good);
  const empty = write('empty.json', '{}');
  assert.throws(() => readRunRecord(empty), { message: `Expected "alzbench-run" for format in ${empty} but received undefined`, hint });
  const paused = write('paused.json', JSON.stringify({ ...good, status: 'paused' }));
  assert.throws(() => readRunRecord(paused), {
    message: `Expected one of queued, running, done, failed, diverged, collapsed, interrupted for status in ${paused} but received "paused" of type string`,
    hint,
  });
  const badId = write('badid.json', JSON.stringify({ ...good, id: '../../etc' }));
  assert.throws(() => readRunRecord(badId), {
    message: `Expected a run id (letters, digits, _ . -) for id in ${badId} but received "../../etc" of type string`,
  });
  const list = write('list.json', '[]');
  assert.throws(() => readRunRecord(list), { message: `Expected a run record (a JSON object) in ${list} but received [] of type array` });
  const cut = write('cut.json', '{"format": "alzb');
  assert.throws(
    () => readRunRecord(cut),
    (e: Error) => e.message.startsWith(`Cannot parse run record ${cut}: `),
  );
  assert.throws(() => readRunRecord('/dev/zero'), { message: 'Cannot read run record /dev/zero: it is a character device, not a regular file' });
});

test('damaged metrics lines are skipped with one warning that counts them, never silently', () => {
  const text = '{"epoch":1,"trainLoss":0.5}\n{"epoch":2,"trainLoss":0.4}\n{"epo\n[1,2]\n{"epoch":4,"trainLoss":0.3}\n{"epoch":"5"}\n';
  const { result, warnings } = captureWarnings(() => parseMetricsText(text, 'runs/x/metrics.jsonl'));
  assert.deepEqual(
    result.map((r) => r.epoch),
    [1, 2, 4],
  );
  assert.deepEqual(warnings, [
    'runs/x/metrics.jsonl: skipped 3 of 6 metrics lines (line 3: not JSON; line 4: no epoch number; line 6: no epoch number); those epochs are missing from this view',
  ]);
  const clean = captureWarnings(() => parseMetricsLines('{"epoch":1}\n\n{"epoch":2}\n', 'm.jsonl'));
  assert.deepEqual([clean.result.length, clean.warnings], [2, []]);
});

test('config.json is validated when read: the fields readers use are of their kind, a damaged file is a named error', () => {
  const configHint = 'config.json is written by alzbench train with every setting; the file was edited or damaged: restore it, or train the run again';
  const settings = { model: 'simple_cnn', task: 'binary', epochs: 3, lr: 0.01, pipeline: 'none', device: 'cpu' };
  assert.deepEqual(readRunConfig(write('config-old.json', JSON.stringify(settings))), settings, 'a config of before volumes (no input) reads unchanged');
  const bad = write('config-bad.json', JSON.stringify({ ...settings, input: '3d' }));
  assert.throws(
    () => readRunConfig(bad),
    (error: AlzbenchError) => {
      assert.equal(error.message, `Expected slice or volume for input in ${bad} but received "3d" of type string`);
      assert.equal(error.hint, configHint);
      return true;
    },
  );
  const list = write('config-list.json', '["simple_cnn"]');
  assert.throws(() => readRunConfig(list), {
    message: `Expected the run settings (a JSON object) in ${list} but received ["simple_cnn" of type string] of type array`,
  });
  const cut = write('config-cut.json', '{"model": "simple_');
  assert.throws(
    () => readRunConfig(cut),
    (error: AlzbenchError) => error.message.startsWith(`Cannot parse ${cut}: `) && error.hint === configHint,
  );
});
