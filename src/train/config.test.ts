import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../testing/data-helpers.js';
import { FIELDS, readConfigFile, resolveConfig, settingsFromFlags, validateSettings } from './config.js';

async function yamlFile(text: string): Promise<string> {
  const path = join(await tempDir('alzbench-config-'), 'run.yaml');
  writeFileSync(path, text);
  return path;
}
const KNOWN = FIELDS.map((f) => f.key).join(', ');

test('bad settings from the API name the key, what was expected and what came', () => {
  assert.throws(() => validateSettings({ epochs: -1 }), { message: 'Expected positive integer for epochs but received -1 of type number' });
  assert.throws(() => validateSettings({ lr: 0 }), { message: 'Expected number > 0 for lr but received 0 of type number' });
  assert.throws(() => validateSettings({ device: 'gpu' }), { message: 'Expected cpu, cuda or cuda:N for device but received "gpu" of type string' });
});

test('bad config files name the file and the key; unknown keys list the known ones', async () => {
  const f1 = await yamlFile('data: x\nepochs: -1\n');
  assert.throws(() => readConfigFile(f1), { message: `Expected positive integer for epochs in ${f1} but received -1 of type number` });
  const f2 = await yamlFile('batchSize: "16"\n');
  assert.throws(() => readConfigFile(f2), { message: `Expected positive integer for batchSize in ${f2} but received "16" of type string` });
  const f3 = await yamlFile('epoch: 3\n');
  assert.throws(
    () => readConfigFile(f3),
    (error: Error & { hint?: string; exitCode?: number }) => {
      assert.equal(error.message, `Unknown key "epoch" in ${f3}; known keys: ${KNOWN}`);
      assert.equal(error.hint, 'did you mean epochs?');
      assert.equal(error.exitCode, 2);
      return true;
    },
  );
  const f4 = await yamlFile('optimizer: rmsprop\n');
  assert.throws(() => readConfigFile(f4), { message: `Expected one of sgd, adam, adamw for optimizer in ${f4} but received "rmsprop" of type string` });
  const f5 = await yamlFile('dropout: 1\n');
  assert.throws(() => readConfigFile(f5), { message: `Expected number >= 0 and < 1 for dropout in ${f5} but received 1 of type number` });
  const f6 = await yamlFile('augment: [zoom, blur]\n');
  assert.throws(() => readConfigFile(f6), {
    message: `Expected list of zoom, rotate, shift, flip for augment in ${f6} but received ["zoom" of type string, "blur" of type string] of type array`,
  });
  const f7 = await yamlFile('epochs: [1\n');
  assert.throws(
    () => readConfigFile(f7),
    (error: Error) => error.message.startsWith(`Cannot parse config file ${f7} at line `),
  );
  const f8 = await yamlFile('- epochs\n');
  assert.throws(() => readConfigFile(f8), { message: `Expected a mapping of settings in ${f8} but received ["epochs" of type string] of type array` });
  assert.throws(() => readConfigFile('/nonexistent/run.yaml'), { message: 'Cannot read config file /nonexistent/run.yaml: ENOENT' });
});

test('flags arrive as strings and are named as flags in errors', () => {
  assert.throws(() => settingsFromFlags({ 'batch-size': '0' }), { message: 'Expected positive integer for --batch-size but received "0" of type string' });
  assert.throws(() => settingsFromFlags({ epochs: '2.5' }), { message: 'Expected positive integer for --epochs but received "2.5" of type string' });
  assert.throws(() => settingsFromFlags({ 'image-size': '208' }), {
    message: 'Expected HxW size (two positive integers) or auto for --image-size but received "208" of type string',
  });
  assert.deepEqual(settingsFromFlags({ 'image-size': '208x176', augment: 'zoom,rotate', betas: '0.5,0.9', nesterov: true, widths: '4,8', lr: '1e-3' }), {
    imageSize: [208, 176],
    augment: ['zoom', 'rotate'],
    betas: [0.5, 0.9],
    nesterov: true,
    widths: [4, 8],
    lr: 0.001,
  });
});

test('a resolved config writes out every default; later sources win; kebab-case keys work in files', async () => {
  const file = await yamlFile('data: d\nbatch-size: 8\nepochs: 5\n');
  const config = resolveConfig(readConfigFile(file), settingsFromFlags({ epochs: '7' }));
  assert.deepEqual(Object.keys(config).sort(), FIELDS.map((f) => f.key).sort());
  assert.equal(config.batchSize, 8);
  assert.equal(config.epochs, 7);
  assert.equal(config.selectMetric, 'balancedAccuracy');
  assert.deepEqual(config.augment, []);
  assert.throws(() => resolveConfig({ epochs: 3 }), { message: 'Expected a data set folder for data but received undefined' });
});
