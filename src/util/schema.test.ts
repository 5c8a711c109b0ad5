import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { settingsFromFlags, validateSettings } from '../train/config.js';
import { ATTEMPTS, WORKERS } from '../cli/flag-rules.js';
import { flagValue, int, parseNumberText } from './schema.js';

test('one number syntax for every flag: decimal with optional fraction and exponent; hex, Infinity and blanks are not numbers', () => {
  assert.deepEqual(['8', '-1', '+2', '0.5', '.5', '1e3', '2E-2', ' 7 '].map(parseNumberText), [8, -1, 2, 0.5, 0.5, 1000, 0.02, 7]);
  for (const bad of ['0x2', '0b1', '0o7', 'Infinity', 'NaN', '', ' ', '1,5', '5px', '1e', '--1']) assert.ok(Number.isNaN(parseNumberText(bad)), bad);
});

test('--workers 0x2 is refused the same way by every command rule (demo, sweep, worker)', () => {
  for (const rule of [WORKERS, ATTEMPTS]) {
    assert.throws(() => flagValue(rule, '--workers', '0x2', 1), { message: 'Expected positive integer for --workers but received "0x2" of type string' });
  }
  assert.equal(flagValue(WORKERS, '--workers', '2', 1), 2);
  assert.equal(flagValue(WORKERS, '--workers', undefined, 1), 1);
});

test('every numeric setting is bounded, with a named error that says the limit and why', () => {
  const cores4 = availableParallelism() * 4;
  assert.throws(() => settingsFromFlags({ threads: '100000' }), {
    message: `Expected positive integer <= ${cores4} for --threads but received "100000" of type string`,
    hint: 'more threads than 4 per core only add contention',
  });
  assert.throws(() => settingsFromFlags({ epochs: '1e12' }), { message: 'Expected positive integer <= 10000 for --epochs but received "1e12" of type string' });
  assert.throws(() => settingsFromFlags({ 'image-size': '99999x99999' }), {
    message: 'Expected HxW size (two positive integers <= 4096) or auto for --image-size but received "99999x99999" of type string',
  });
  assert.throws(() => settingsFromFlags({ widths: '100000' }), {
    message: 'Expected non-empty list of at most 16 positive integers <= 4096 for --widths but received "100000" of type string',
  });
  assert.throws(() => settingsFromFlags({ widths: Array(17).fill('4').join(',') }), /non-empty list of at most 16 positive integers <= 4096 for --widths/);
  assert.throws(() => settingsFromFlags({ bootstrap: '1000001' }), {
    message: 'Expected non-negative integer <= 100000 for --bootstrap but received "1000001" of type string',
  });
  assert.throws(() => settingsFromFlags({ 'batch-size': '100000' }), {
    message: 'Expected positive integer <= 4096 for --batch-size but received "100000" of type string',
  });
  assert.throws(() => validateSettings({ pipeline: 'invert|'.repeat(1000) }), {
    message: `Expected string of at most 4096 characters for pipeline but received ${JSON.stringify('invert|'.repeat(9).slice(0, 60))}... (7000 characters) of type string`,
  });
  // Values below the limits pass, and keep the old messages below the minimum.
  assert.deepEqual(settingsFromFlags({ threads: String(cores4), epochs: '1e4', 'image-size': '4096x4096' }), {
    threads: cores4,
    epochs: 10000,
    imageSize: [4096, 4096],
  });
  assert.throws(() => settingsFromFlags({ epochs: '0' }), { message: 'Expected positive integer for --epochs but received "0" of type string' });
});

test('a rule gives the same verdict for a flag text and a file value', () => {
  const rule = int({ min: 1, max: 5 });
  assert.equal(flagValue(rule, '--n', '5'), 5);
  assert.throws(() => flagValue(rule, '--n', '6'), { message: 'Expected positive integer <= 5 for --n but received "6" of type string' });
  assert.throws(() => validateSettings({ epochs: 1e12 }), {
    message: 'Expected positive integer <= 10000 for epochs but received 1000000000000 of type number',
  });
});

test('sizes are text in files too ("64x56"); other kinds keep their YAML type', () => {
  assert.deepEqual(validateSettings({ imageSize: '64x56' }, { kind: 'file', file: 'c.yaml' }), { imageSize: [64, 56] });
  assert.deepEqual(validateSettings({ imageSize: [64, 56] }), { imageSize: [64, 56] });
  assert.throws(() => validateSettings({ epochs: '5' }, { kind: 'file', file: 'c.yaml' }), {
    message: 'Expected positive integer for epochs in c.yaml but received "5" of type string',
  });
});
