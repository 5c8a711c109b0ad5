import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { memoryStats } from '../torch/memory.js';
import { Linear } from '../nn/layers/linear.js';
import { disposeCheckpoint, loadCheckpoint } from '../models/checkpoint.js';
import { readRunRecord } from '../run-folder/run-files.js';
import type { SplitManifest } from '../data/manifest.js';
import type { EpochRecord } from './events.js';
import { RunRecorder } from './run-recorder.js';

const runsDir = mkdtempSync(join(tmpdir(), 'alzbench-run-recorder-'));
const epochRecord = (epoch: number, best: boolean): EpochRecord => ({
  epoch,
  lr: 0.01,
  trainLoss: 1 / epoch,
  trainAccuracy: 0.5,
  val: {
    loss: 0.9 / epoch,
    accuracy: 0.5,
    balancedAccuracy: 0.5,
    sensitivity: 0.5,
    specificity: 0.5,
    precision: 0.5,
    f1: 0.5,
    auc: 0.5,
    confusion: [
      [1, 1],
      [1, 1],
    ],
    predictedShare: [0.5, 0.5],
  },
  collapsed: false,
  best,
  seconds: 1,
  trainSeconds: 0.5,
  imagesPerSecond: 8,
  valSeconds: 0.5,
});
const manifest: SplitManifest = {
  format: 'alzbench-split-manifest',
  version: 1,
  layout: 'test',
  task: 'binary',
  classes: ['a', 'b'],
  seed: 0,
  grouping: 'none',
  fingerprint: 'f',
  entries: [],
};
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { epoch: number });

test('a run folder goes queued -> running -> interrupted -> running -> done through the recorder alone', async () => {
  const before = memoryStats().tensors;
  const run = RunRecorder.create({ runsDir, id: 'r1', name: 'n', flags: { epochs: 3 }, config: { epochs: 3 } });
  assert.equal(readRunRecord(run.paths.record).status, 'queued');
  assert.equal(readFileSync(run.paths.metrics, 'utf8'), '');
  assert.throws(() => RunRecorder.create({ runsDir, id: 'r1', name: null, flags: {}, config: {} }), { message: `Run folder ${run.paths.dir} already exists` });

  run.start();
  assert.equal(readRunRecord(run.paths.record).pid, process.pid);
  await run.describe({ epochs: 3, task: 'binary' }, manifest, { task: 'binary', classes: ['a', 'b'] });
  assert.deepEqual(JSON.parse(readFileSync(run.paths.config, 'utf8')), { epochs: 3, task: 'binary' });
  assert.ok(existsSync(run.paths.split));

  const model = new Linear(3, 2);
  const history = [epochRecord(1, true)];
  const trainer = { epoch: 1, best: { epoch: 1, value: 0.5 }, badEpochs: 0, history };
  run.saveCheckpoint({ model, optimizer: null, scheduler: null, config: {}, trainer }, true);
  run.epochDone(history[0]!, history, { bestEpoch: 1, collapsedEpochs: [] });
  assert.ok(run.hasLastCheckpoint() && run.hasBestCheckpoint());
  assert.deepEqual(
    lines(run.paths.metrics).map((l) => l.epoch),
    [1],
  );
  assert.ok(existsSync(join(run.paths.plots, 'loss.svg')) && existsSync(join(run.paths.plots, 'val-metrics.svg')));
  assert.deepEqual(readRunRecord(run.paths.record).epochsDone, 1);

  const reason = run.interrupt('SIGTERM', 1);
  assert.equal(reason, 'stopped by SIGTERM after epoch 1 (its last checkpoint)');
  const interrupted = readRunRecord(run.paths.record);
  assert.equal(interrupted.status, 'interrupted');
  assert.equal(interrupted.pid, undefined);
  assert.equal(run.resumeCommand, `alzbench train --resume r1 --runs-dir ${runsDir}`);

  // Resume: the checkpoint's history becomes metrics.jsonl again, run.json notes the resume.
  const again = RunRecorder.reopen('r1', runsDir);
  again.start();
  assert.equal(readRunRecord(again.paths.record).reason, undefined, "the interruption's reason is not how the resumed run ends");
  const checkpoint = loadCheckpoint(again.paths.last);
  try {
    again.restoreMetrics(checkpoint.trainer.history);
    again.resumed(checkpoint.trainer.epoch);
  } finally {
    disposeCheckpoint(checkpoint);
  }
  assert.deepEqual(
    lines(again.paths.metrics).map((l) => l.epoch),
    [1],
  );
  assert.deepEqual(
    readRunRecord(again.paths.record).resumed?.map((r) => r.fromEpoch),
    [1],
  );
  again.finish({ status: 'done', collapsedEpochs: [], finalCollapsed: false, test: { accuracy: 0.5 } });
  const done = readRunRecord(again.paths.record);
  assert.equal(done.status, 'done');
  assert.equal(done.reason, undefined);
  assert.deepEqual(done.test, { accuracy: 0.5 });
  assert.deepEqual(done.collapse, { epochs: [], final: false });
  assert.throws(() => RunRecorder.reopen('r1', runsDir), { message: 'Run r1 has already ended (status done); nothing to resume' });
  model.dispose();
  assert.equal(memoryStats().tensors, before);
});

test('a failed run keeps the error as its reason; from scratch drops both checkpoints', () => {
  const run = RunRecorder.create({ runsDir, id: 'r2', name: null, flags: {}, config: {} });
  run.start();
  run.fail(new Error('disk full'));
  const failed = readRunRecord(run.paths.record);
  assert.equal(failed.status, 'failed');
  assert.equal(failed.reason, 'disk full');
  const again = RunRecorder.reopen(run.paths.dir);
  again.dropCheckpoints();
  assert.equal(again.record.epochsDone, 0);
  assert.ok(!again.hasLastCheckpoint());
  // Resumed after the failure and finished: done, with neither the old reason nor the old end time.
  again.start();
  const running = readRunRecord(again.paths.record);
  assert.equal(running.status, 'running');
  assert.equal(running.reason, undefined);
  assert.equal(running.finished, undefined);
  again.finish({ status: 'done', collapsedEpochs: [], finalCollapsed: false });
  assert.equal(readRunRecord(again.paths.record).reason, undefined);
});
