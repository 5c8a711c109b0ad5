import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { sourcePath } from '../../testing/tensor-helpers.js';

const alzbench = (...args: string[]) => spawnSync(process.execPath, [sourcePath('bin/alzbench.js'), ...args], { encoding: 'utf8' });

test('alzbench models --json prints one JSON document: every model with family, parameter count for the chosen channels and classes, input size', () => {
  const run = alzbench('models', '--json', '--in-channels', '3', '--num-classes', '1000');
  assert.equal(run.status, 0, run.stderr);
  const doc = JSON.parse(run.stdout) as {
    inChannels: number;
    numClasses: number;
    models: { name: string; family: string; parameters: number; inputSize: number[]; gradCamLayer: string }[];
  };
  assert.equal(doc.models.length, 28);
  assert.equal(doc.models.filter((m) => (m as { input?: string }).input === 'volume').length, 6);
  const byName = new Map(doc.models.map((m) => [m.name, m]));
  assert.deepEqual(byName.get('vgg19'), {
    ...byName.get('vgg19')!,
    family: 'vgg',
    parameters: 143_667_240,
    inputSize: [224, 224],
    gradCamLayer: 'features.35',
  });
  assert.equal(byName.get('efficientnet_b1')!.parameters, 7_794_184);
  assert.deepEqual(byName.get('efficientnet_b1')!.inputSize, [240, 240]);
  assert.equal(byName.get('inception_resnet_v2')!.parameters, 55_843_464);
  // Defaults: grayscale, 2 classes.
  const gray = JSON.parse(alzbench('models', '--json').stdout) as typeof doc;
  assert.deepEqual([gray.inChannels, gray.numClasses], [1, 2]);
  assert.equal(gray.models.find((m) => m.name === 'mnasnet1_0')!.parameters, 4_383_312 - 2 * 32 * 9 - 1281 * 998);
});

test('alzbench models prints a table, and rejects a bad flag value naming it', () => {
  const run = alzbench('models');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^vgg19_bn\s+vgg\s+139,588,290\s+224x224/m);
  assert.match(run.stdout, /^conv5_fc3\s+conv5_fc3\s+42,293,972\s+169x208x179 \(volume\)/m);
  const bad = alzbench('models', '--in-channels', '2');
  assert.equal(bad.status, 2);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /alzbench models: error: Expected 1 or 3 for --in-channels but received "2" of type string/);
});
