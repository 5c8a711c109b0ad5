import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMetrics } from '../eval/metrics.js';
import type { TrainerState } from '../models/checkpoint.js';
import { selectionScore, validatedEpoch } from './validated-epoch.js';

const classes = ['AD', 'CN'];
// Four validation samples: 3 of 4 right (balanced accuracy 0.75), and all predicted CN (collapsed).
const good = computeMetrics([0, 0, 1, 1], [0.9, 0.1, 0.2, 0.8, 0.3, 0.7, 0.4, 0.6], classes, { loss: 0.5 });
const allCn = computeMetrics([0, 0, 1, 1], [0.4, 0.6, 0.4, 0.6, 0.4, 0.6, 0.4, 0.6], classes, { loss: 0.7 });
const config = { selectMetric: 'balancedAccuracy' as const, collapseThreshold: 0.95 };
const training = (epoch: number) => ({ epoch, lr: 0.01, lossSum: 8, correct: 12, seen: 16, started: performance.now(), trainSeconds: 2 });

test('an epoch closes with its record, the best so far (ties keep the earlier epoch) and epochs without improvement', () => {
  let state: TrainerState = { epoch: 0, best: null, badEpochs: 0, history: [] };
  const first = validatedEpoch(config, classes, training(1), { metrics: good, seconds: 0.5 }, state);
  assert.equal(first.collapsed, false);
  assert.deepEqual(
    {
      lr: first.record.lr,
      trainLoss: first.record.trainLoss,
      trainAccuracy: first.record.trainAccuracy,
      imagesPerSecond: first.record.imagesPerSecond,
      best: first.record.best,
    },
    { lr: 0.01, trainLoss: 0.5, trainAccuracy: 0.75, imagesPerSecond: 8, best: true },
  );
  assert.equal(first.record.val.balancedAccuracy, 0.75);
  assert.deepEqual(first.record.val.predictedShare, [0.25, 0.75]);
  assert.deepEqual(first.state.best, { epoch: 1, value: 0.75 });
  state = first.state;
  const tie = validatedEpoch(config, classes, training(2), { metrics: good, seconds: 0.5 }, state);
  assert.equal(tie.record.best, false);
  assert.deepEqual(tie.state.best, { epoch: 1, value: 0.75 });
  assert.equal(tie.state.badEpochs, 1);
  const collapsed = validatedEpoch(config, classes, training(3), { metrics: allCn, seconds: 0.5 }, tie.state);
  assert.equal(collapsed.collapsed, true);
  assert.equal(collapsed.state.badEpochs, 2);
  assert.deepEqual(
    collapsed.state.history.map((r) => (r as { epoch: number }).epoch),
    [1, 2, 3],
  );
});

test('the selection score orients loss so that larger is better, and a NaN metric ranks last', () => {
  assert.equal(selectionScore({ selectMetric: 'loss' }, good), -0.5);
  assert.equal(selectionScore({ selectMetric: 'auc' }, { ...good, auc: Number.NaN }), -Infinity);
});
