/**
 * Subject-level training end to end on generated volumes: `alzbench synth --volumes` writes one
 * NIfTI volume per synthetic person (BIDS); trainVolumeModel reads them, splits by person, prepares
 * them with the volume transforms, trains simple_cnn_3d, picks the epoch on validation people and
 * reports held-out people's metrics with subject-level CIs, well above chance.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { memoryStats } from '../torch/memory.js';
import { generateVolumes } from '../data/synth/generate-volumes.js';
import { loadTemplate } from '../data/synth/template.js';
import { tempDir } from '../testing/data-helpers.js';
import { trainVolumeModel } from './volume-trainer.js';

let root = '';
before(async () => {
  root = await tempDir('alzbench-volume-training-');
  // 32 people, NonDemented vs ModerateDemented, 30 % of each stage's people held out for test.
  await generateVolumes({
    out: root,
    subjects: 32,
    seed: 5,
    depth: 16,
    downsample: 4,
    stageWeights: [1, 0, 0, 1],
    testFraction: 0.3,
    template: loadTemplate(),
  });
});
after(() => rmSync(root, { recursive: true, force: true }));

test('simple_cnn_3d learns generated NIfTI volumes (NonDemented vs ModerateDemented) well above chance on held-out people', async () => {
  const tensors = memoryStats().tensors;
  const result = await trainVolumeModel({
    data: root,
    model: 'simple_cnn_3d',
    widths: [4, 8, 16],
    dropout: 0,
    inputShape: [40, 48, 16],
    epochs: 60,
    batchSize: 18,
    lr: 0.01,
    seed: 0,
  });
  assert.deepEqual(result.classes, ['ModerateDemented', 'NonDemented']);
  assert.equal(result.splitSource, 'participants.tsv');
  assert.deepEqual(result.counts, { train: 18, val: 4, test: 10 });
  assert.equal(new Set(result.test.subjects).size, 10);
  assert.equal(result.test.intervals.unit, 'subject');
  const { accuracy, balancedAccuracy } = result.test.metrics;
  console.log(
    `# best epoch ${result.bestEpoch}; held-out people: accuracy ${accuracy}, balanced accuracy ${balancedAccuracy.toFixed(3)} [${result.test.intervals.balancedAccuracy.low.toFixed(2)}, ${result.test.intervals.balancedAccuracy.high.toFixed(2)}]; train loss/val balanced accuracy per epoch ${result.history.map((h) => `${h.trainLoss.toFixed(2)}/${h.valBalancedAccuracy.toFixed(2)}`).join(' ')}`,
  );
  assert.ok(accuracy >= 0.8, `held-out accuracy ${accuracy} (chance 0.5)`);
  assert.equal(memoryStats().tensors, tensors, 'live tensor count changed: a tensor leaked');
  await assert.rejects(
    trainVolumeModel({ data: root, model: 'vgg19', inputShape: [8, 8, 8] }),
    /Expected a volume model \(alzbench models marks them\) for model but received "vgg19"/,
  );
});
