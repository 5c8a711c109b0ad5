import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { tempDir } from '../../testing/data-helpers.js';
import { writeToyDataset } from '../../testing/train-helpers.js';
import { compareRunPredictions } from '../../eval/compare-predictions.js';

const bin = fileURLToPath(new URL('../../../bin/alzbench.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('alzbench train --json, eval --json, predict --cam: one JSON document each on stdout, progress on stderr', async () => {
  const data = await writeToyDataset();
  const runsDir = await tempDir('alzbench-cli-runs-');
  const config = join(runsDir, 'run.yaml');
  writeFileSync(config, 'task: binary\nwidths: [4, 8]\nepochs: 2\nbatch-size: 8\nbootstrap: 20\ncamSamples: 1\n');
  const trained = run('train', '--data', data, '--config', config, '--epochs', '1', '--runs-dir', runsDir, '--augment', 'zoom,rotate', '--json');
  assert.equal(trained.status, 0, trained.stderr);
  const result = JSON.parse(trained.stdout);
  assert.ok(['done', 'collapsed'].includes(result.status));
  assert.equal(result.epochsDone, 1, 'the flag overrides the file');
  assert.equal(result.test.samples, 4);
  assert.match(
    trained.stderr,
    /^epoch 1\/1 {2}train loss \d\.\d{4} {2}val loss \d\.\d{4} {2}val acc \d\.\d{3} {2}val sens \d\.\d{3} {2}val bal acc \d\.\d{3} {2}\d+\.\d s {2}\d+\.\d img\/s/m,
  );
  const runJson = JSON.parse(readFileSync(join(result.dir, 'run.json'), 'utf8'));
  assert.deepEqual(runJson.flags, { config, data, epochs: '1', 'runs-dir': runsDir, augment: 'zoom,rotate' });

  const evaluated = run('eval', result.dir, '--data', data, '--bootstrap', '30', '--json');
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout);
  assert.equal(report.samples, 40);
  assert.equal(report.ci.unit, 'subject');
  assert.equal(
    report.metrics.confusion.flat().reduce((a: number, b: number) => a + b, 0),
    40,
  );

  const image = join(data, 'MildDemented', 'MildDemented-0-0.png');
  const cam = join(runsDir, 'cam.png');
  const predicted = run('predict', result.dir, image, '--cam', cam, '--json');
  assert.equal(predicted.status, 0, predicted.stderr);
  const p = JSON.parse(predicted.stdout).predictions[0];
  assert.ok(Math.abs(p.probabilities.Alzheimer + p.probabilities.NonAlzheimer - 1) < 1e-6);
  assert.equal(p.cam, cam);
  const meta = await sharp(cam).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', 32, 32, 3]);

  // McNemar between two runs on the same test set: a run against itself has no discordant pairs.
  const same = compareRunPredictions(join(result.dir, 'predictions.csv'), join(result.dir, 'predictions.csv'));
  assert.equal(same.table.onlyA + same.table.onlyB, 0);
  assert.equal(same.pValue, 1);
  assert.equal(same.samples, 4);
});

test('alzbench train: bad settings fail before any run folder, with the exact message', async () => {
  const runsDir = await tempDir('alzbench-cli-runs-');
  const config = join(runsDir, 'bad.yaml');
  writeFileSync(config, 'data: x\nlearning-rate: 0.1\n');
  const bad = run('train', '--config', config, '--runs-dir', runsDir);
  assert.equal(bad.status, 2);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, new RegExp(`^alzbench train: error: Unknown key "learning-rate" in ${config}; known keys: name, data, task, model, `));
  const neg = run('train', '--data', 'x', '--epochs=-1');
  assert.equal(neg.status, 2);
  assert.equal(neg.stderr.trim(), 'alzbench train: error: Expected positive integer for --epochs but received "-1" of type string');
  const resume = run('train', '--resume', 'nope', '--runs-dir', runsDir);
  assert.equal(resume.status, 2);
  assert.match(resume.stderr, /^alzbench train: error: No run folder found for "nope"/);
  assert.equal(existsSync(join(runsDir, 'runs')), false);
});
