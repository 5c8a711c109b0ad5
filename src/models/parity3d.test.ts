/**
 * Reference parity of the volume models: the PyTorch references (scripts/fixtures/volume_models.py,
 * written from ClinicaDL's and MONAI's code) with random batch-norm statistics, saved as
 * safetensors by scripts/fixtures/make_volume_model_fixtures.py into a temporary folder, must load into
 * alzbench's by key (the published state dicts' names, num_batches_tracked included) and give the
 * same eval-mode output. Needs Debian's python3-torch; skipped with the reason otherwise.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '../torch/index.js';
import { assertClose, expectNoLeaks, fromJson, maxAbsDiff, sourcePath, type JsonTensor } from '../testing/tensor-helpers.js';
import { getModel } from './registry.js';

const PYTHON = '/usr/bin/python3';
const MODELS = ['conv5_fc3', 'resnet10_3d', 'resnet18_3d', 'densenet121_3d'];

function missingReason(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not found (install python3-torch: scripts/install-system-deps.sh)`;
  if (probe.status !== 0) return `python3-torch missing: ${probe.stderr.trim().split('\n').at(-1)}`;
  return undefined;
}
const skip = missingReason();
let dir = '';

before(() => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'alzbench-zoo3d-'));
  const run = spawnSync(PYTHON, [sourcePath('scripts/fixtures/make_volume_model_fixtures.py'), 'parity', dir, ...MODELS], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (run.status !== 0) throw new Error(`make_volume_model_fixtures.py failed (${run.status ?? run.signal}): ${run.stderr}`);
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Reference {
  parameters: number;
  input: JsonTensor;
  output: JsonTensor;
}

for (const name of MODELS) {
  test(`${name}: the reference's state dict loads by key and gives its eval-mode output`, { skip: skip ?? false }, () => {
    const reference = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Reference;
    expectNoLeaks(() => {
      const inputShape = reference.input.shape.slice(2) as [number, number, number];
      const model = getModel(name, {
        inChannels: 1,
        numClasses: 2,
        weights: join(dir, `${name}.safetensors`),
        ...(name === 'conv5_fc3' ? { inputShape } : {}),
      }).eval();
      assert.equal(model.numParameters(), reference.parameters, 'parameter count');
      const y = noGrad(() => model.forward(fromJson(reference.input)));
      console.log(`# ${name}: max abs diff ${maxAbsDiff(y, reference.output.data.map(Number)).toExponential(2)}`);
      assertClose(y, reference.output, 1e-4, 1e-4, name);
      model.dispose();
    });
  });
}
