import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../testing/data-helpers.js';
import { Linear } from '../nn/index.js';
import { noGrad, tensor, tidy } from '../torch/index.js';
import { expectNoLeaks } from '../testing/tensor-helpers.js';
import { resumeRun, train } from './trainer.js';
import { WeightEma } from './ema.js';
import { expectNoLeaksAsync, writeToyDataset } from '../testing/train-helpers.js';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

test('EMA of the weights: shadow = d_t * shadow + (1 - d_t) * w, d_t = min(d, (1 + t) / (10 + t)); swap in and out exchanges them', () => {
  expectNoLeaks(() => {
    const layer = new Linear(2, 1);
    const set = (values: number[][]) => tidy(() => noGrad(() => layer.weight.copy_(tensor(values))));
    set([[1, 2]]);
    const ema = new WeightEma(layer, 0.9);
    set([[3, 4]]);
    ema.update(layer); // t = 0: d = min(0.9, 1/10) = 0.1: 0.1 * [1, 2] + 0.9 * [3, 4] = [2.8, 3.8]
    set([[5, 6]]);
    ema.update(layer); // t = 1: d = 2/11: (2/11) [2.8, 3.8] + (9/11) [5, 6]
    ema.swapIn(layer);
    const averaged = Array.from(layer.weight.toArray() as Float32Array);
    const expected = [(2 / 11) * 2.8 + (9 / 11) * 5, (2 / 11) * 3.8 + (9 / 11) * 6];
    assert.ok(Math.abs(averaged[0]! - expected[0]!) < 1e-5 && Math.abs(averaged[1]! - expected[1]!) < 1e-5, `${averaged} vs ${expected}`);
    assert.equal(ema.updates, 2);
    assert.throws(() => ema.update(layer), /while the averaged weights are swapped in/);
    ema.swapOut(layer);
    assert.deepEqual(Array.from(layer.weight.toArray() as Float32Array), [5, 6], 'training weights back');
    ema.dispose();
    layer.dispose();
  });
});

test('the strong recipe resolves into config.json; with EMA and TTA a resumed run equals the uninterrupted one', async () => {
  const data = await writeToyDataset({ subjectsPerClass: 10, slices: 2, size: 24 });
  const runsDir = await tempDir('alzbench-runs-');
  const settings = {
    data,
    runsDir,
    task: 'binary',
    widths: [4, 8],
    epochs: 3,
    batchSize: 8,
    bootstrap: 20,
    camSamples: 0,
    seed: 1,
    recipe: 'strong',
    optimizer: 'adam',
    calibrate: 'temperature',
  };
  await expectNoLeaksAsync(async () => {
    const full = await train(settings, { runId: 'full' });
    await train(settings, { runId: 'killed', haltAfterEpoch: 1 });
    const resumed = await resumeRun(join(runsDir, 'killed'));
    const config = readJson(join(runsDir, 'full', 'config.json'));
    // Recipe values under the given ones: optimizer adam was given and wins over the recipe's adamw.
    assert.equal(config.optimizer, 'adam');
    assert.deepEqual(
      {
        schedule: config.schedule,
        warmupEpochs: config.warmupEpochs,
        labelSmoothing: config.labelSmoothing,
        ema: config.ema,
        tta: config.tta,
        augment: config.augment,
        weightDecay: config.weightDecay,
      },
      {
        schedule: 'warmup_cosine',
        warmupEpochs: 2,
        labelSmoothing: 0.1,
        ema: 0.99,
        tta: 'flip',
        augment: ['zoom', 'rotate', 'shift', 'flip'],
        weightDecay: 0.05,
      },
    );
    const record = readJson(join(runsDir, 'full', 'run.json'));
    assert.deepEqual(record.recipe, {
      name: 'strong',
      settings: {
        augment: ['zoom', 'rotate', 'shift', 'flip'],
        lr: 0.001,
        weightDecay: 0.05,
        schedule: 'warmup_cosine',
        warmupEpochs: 2,
        labelSmoothing: 0.1,
        ema: 0.99,
        tta: 'flip',
      },
      overridden: ['optimizer'],
    });
    const a = readFileSync(join(runsDir, 'full', 'metrics.jsonl'), 'utf8');
    const b = readFileSync(join(runsDir, 'killed', 'metrics.jsonl'), 'utf8');
    const strip = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((l) => {
          const { seconds: _s, trainSeconds: _t, imagesPerSecond: _i, valSeconds: _v, ...rest } = JSON.parse(l);
          return rest;
        });
    assert.deepEqual(strip(b), strip(a), 'resume restores the EMA and the training weights');
    assert.equal(resumed.status, full.status);
    const testJson = readJson(join(runsDir, 'full', 'test.json'));
    assert.equal(testJson.calibration.test.bins, 15);
    assert.ok(testJson.calibration.temperature.value > 0);
    assert.equal(
      testJson.best.subject.subjects,
      new Set(
        readFileSync(join(runsDir, 'full', 'predictions.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => l.split(',')[1]),
      ).size,
    );
    assert.match(readFileSync(join(runsDir, 'full', 'plots', 'reliability.svg'), 'utf8'), /after temperature scaling/);
  });
});

test('cross-validation runs: each fold tests its own subjects, and together they test every subject once', async () => {
  const data = await writeToyDataset({ subjectsPerClass: 6, slices: 2, size: 24 });
  const runsDir = await tempDir('alzbench-runs-');
  const tested = new Map<string, number>();
  await expectNoLeaksAsync(async () => {
    for (let fold = 0; fold < 3; fold++) {
      await train(
        { data, runsDir, task: 'binary', widths: [4], epochs: 1, batchSize: 8, bootstrap: 0, camSamples: 0, folds: 3, fold, runGroup: 'g' },
        { runId: `fold${fold}` },
      );
      const manifest = readJson(join(runsDir, `fold${fold}`, 'split.json')) as { entries: { subject: string; split: string }[] };
      const sides = new Map<string, Set<string>>();
      for (const e of manifest.entries) (sides.get(e.subject) ?? sides.set(e.subject, new Set()).get(e.subject)!).add(e.split);
      for (const [subject, set] of sides) {
        assert.equal(set.size, 1, `fold ${fold}: subject ${subject} on one side`);
        if (set.has('test')) tested.set(subject, (tested.get(subject) ?? 0) + 1);
      }
    }
  });
  assert.equal(tested.size, 12);
  assert.ok([...tested.values()].every((n) => n === 1));
  await assert.rejects(train({ data, runsDir, folds: 3 }), /fold/);
});
