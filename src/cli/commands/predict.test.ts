import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { tempDir } from '../../testing/data-helpers.js';
import { writeToyDataset } from '../../testing/train-helpers.js';

const bin = fileURLToPath(new URL('../../../bin/alzbench.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('alzbench predict applies the run recipe test-time augmentation, as eval does', async () => {
  const data = await writeToyDataset();
  const runsDir = await tempDir('alzbench-predict-runs-');
  const config = join(runsDir, 'run.yaml');
  writeFileSync(config, 'task: binary\nwidths: [4, 8]\nepochs: 1\nbatch-size: 8\nbootstrap: 0\ncamSamples: 0\ntta: flip\n');
  const trained = run('train', '--data', data, '--config', config, '--runs-dir', runsDir, '--json');
  assert.equal(trained.status, 0, trained.stderr);
  const dir = JSON.parse(trained.stdout).dir as string;

  const csv = join(runsDir, 'eval.csv');
  const evaluated = run('eval', dir, '--data', data, '--bootstrap', '0', '--predictions', csv, '--json');
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const file = 'MildDemented/MildDemented-0-0.png';
  const lines = readFileSync(csv, 'utf8').split('\n');
  const classes = lines[0]!
    .split(',')
    .slice(4)
    .map((h) => h.replace(/^"?p_|"$/g, ''));
  const fromEval = lines
    .find((l) => l.includes(file))!
    .split(',')
    .slice(4)
    .map(Number);
  assert.deepEqual(classes, ['Alzheimer', 'NonAlzheimer']);

  // The image and its left-right mirror: with flip TTA both are the mean over the same two views.
  const image = join(data, file);
  const mirror = join(runsDir, 'mirror.png');
  await sharp(image).flop().toFile(mirror);
  const predicted = run('predict', dir, image, mirror, '--json');
  assert.equal(predicted.status, 0, predicted.stderr);
  const [p, q] = JSON.parse(predicted.stdout).predictions as Array<{ probabilities: Record<string, number> }>;
  classes.forEach((c, k) => {
    assert.ok(Math.abs(p!.probabilities[c]! - fromEval[k]!) < 2e-6, `${c}: predict ${p!.probabilities[c]} vs eval ${fromEval[k]}`);
    assert.ok(Math.abs(p!.probabilities[c]! - q!.probabilities[c]!) < 1e-6, `${c}: slice ${p!.probabilities[c]} vs its mirror ${q!.probabilities[c]}`);
  });
});
