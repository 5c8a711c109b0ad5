/**
 * Subject-level training learns: `train({ input: 'volume' })`, the function behind `alzbench train
 * --input volume`, reads a BIDS folder of toy volumes (9 people per class, 16x16x16 voxels, two
 * classes told apart by the size of a dark centre), splits by person, trains simple_cnn_3d, selects
 * the epoch by validation balanced accuracy (validated-epoch.ts, as slice runs) and scores the held-out
 * people well above chance, with subject-level CIs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tempDir } from '../testing/data-helpers.js';
import { writeToyVolumeDataset } from '../testing/toy-volumes.js';
import { expectNoLeaksAsync } from '../testing/train-helpers.js';
import { readRunRecord } from '../run-folder/run-files.js';
import { join } from 'node:path';
import { train } from './trainer.js';

let data = '';
before(async () => {
  // participants.tsv: a third of each class in test; validation people are drawn from the rest.
  data = await writeToyVolumeDataset();
});
after(() => rmSync(data, { recursive: true, force: true }));

test('simple_cnn_3d learns toy volumes well above chance on held-out people, selected as slice runs select', async () => {
  const runsDir = await tempDir('alzbench-volume-training-');
  const result = await expectNoLeaksAsync(() =>
    train(
      {
        data,
        runsDir,
        input: 'volume',
        task: 'folders',
        model: 'simple_cnn_3d',
        widths: [4, 8],
        dropout: 0,
        volumeShape: '16x16x16',
        epochs: 8,
        batchSize: 4,
        optimizer: 'adam',
        lr: 0.01,
        bootstrap: 200,
        camSamples: 0,
        seed: 0,
      },
      { handleSignals: false },
    ),
  );
  const record = readRunRecord(join(result.dir, 'run.json'));
  assert.deepEqual(record.classes, ['MildDemented', 'NonDemented']);
  assert.deepEqual((record.split!.groups as { people: unknown }).people, { train: 10, val: 2, test: 6 });
  assert.equal((record.split!.groups as { source: string }).source, 'participants.tsv');
  const test = result.test!;
  assert.equal(test.samples, 6);
  assert.equal(test.best.ci?.unit, 'subject');
  assert.equal(test.best.ci?.units, 6);
  // The selected epoch is the first with the best validation balanced accuracy (ties keep the earlier one).
  const top = Math.max(...result.history.map((r) => r.val.balancedAccuracy));
  assert.equal(result.bestEpoch, result.history.find((r) => r.val.balancedAccuracy === top)!.epoch);
  assert.equal(test.best.epoch, result.bestEpoch);
  const { accuracy, balancedAccuracy } = test.best.metrics;
  console.log(
    `# best epoch ${result.bestEpoch}; held-out people: accuracy ${accuracy}, balanced accuracy ${balancedAccuracy.toFixed(3)} [${test.best.ci!.balancedAccuracy.low.toFixed(2)}, ${test.best.ci!.balancedAccuracy.high.toFixed(2)}]; train loss/val balanced accuracy per epoch ${result.history.map((h) => `${h.trainLoss.toFixed(2)}/${h.val.balancedAccuracy.toFixed(2)}`).join(' ')}`,
  );
  // Untrained (lr 1e-9) the same run scores 0.5 with a flat loss: these fail when training does.
  assert.ok(accuracy >= 5 / 6, `held-out accuracy ${accuracy} (chance 0.5)`);
  assert.ok(result.history.at(-1)!.trainLoss < 0.7 * result.history[0]!.trainLoss, 'the training loss falls');
  assert.equal(result.status, 'done');
});
