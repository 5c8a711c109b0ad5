/**
 * Reference parity: torchvision's models (and the PyTorch transcription of timm's
 * Inception-ResNet-v2), built with a fixed seed by scripts/fixtures/make_zoo_reference.py into a
 * temporary folder, must load into alzbench's by key and give the same eval-mode output. Needs
 * Debian's python3-torchvision (scripts/install-system-deps.sh); skipped with the reason otherwise.
 * ALZBENCH_PARITY=all checks every registered model (minutes: eight VGGs of ~135 M parameters).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '../torch/index.js';
import { assertClose, expectNoLeaks, fromJson, maxAbsDiff, sourcePath, type JsonTensor } from '../testing/tensor-helpers.js';
import { getModel, getModelSpec, listModels } from './registry.js';

const PYTHON = '/usr/bin/python3';
const DEFAULT_MODELS = [
  'vgg19',
  'vgg19_bn',
  'efficientnet_b0',
  'efficientnet_b1',
  'efficientnet_b2',
  'efficientnet_b3',
  'mnasnet0_5',
  'mnasnet0_75',
  'mnasnet1_0',
  'mnasnet1_3',
  'inception_resnet_v2',
];
const models = process.env.ALZBENCH_PARITY === 'all' ? listModels().filter((m) => m !== 'simple_cnn' && getModelSpec(m).input !== 'volume') : DEFAULT_MODELS;

function missingReason(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (install python3-torchvision: scripts/install-system-deps.sh)`;
  if (probe.status !== 0) return `python3-torch / python3-torchvision missing: ${probe.stderr.trim().split('\n').at(-1)}`;
  return undefined;
}
const skip = missingReason();
let dir = '';

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'alzbench-zoo-'));
  const run = spawnSync(PYTHON, [sourcePath('scripts/fixtures/make_zoo_reference.py'), 'parity', dir, ...models], { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0) throw new Error(`make_zoo_reference.py failed (${run.status ?? run.signal}): ${run.stderr}`);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Reference {
  parameters: number;
  input: JsonTensor;
  output: JsonTensor;
}

for (const name of models) {
  test(`${name}: the reference's weights load by key and give its output (max abs diff <= 1e-4) and parameter count`, { skip: skip ?? false }, () => {
    const reference = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Reference;
    expectNoLeaks(() => {
      const model = getModel(name, { inChannels: 3, numClasses: 1000, weights: join(dir, `${name}.safetensors`) }).eval();
      assert.equal(model.numParameters(), reference.parameters, 'parameter count');
      const y = noGrad(() => model.forward(fromJson(reference.input)));
      const diff = maxAbsDiff(y, reference.output.data.map(Number));
      const scale = Math.max(...reference.output.data.map((v) => Math.abs(Number(v))));
      console.log(`# ${name}: max abs diff ${diff.toExponential(2)} (outputs up to ${scale.toFixed(2)}), ${reference.parameters} parameters`);
      assertClose(y, reference.output, 1e-4, 0, name);
      model.dispose();
    });
  });
}
