import { test } from 'node:test';
import { readTestReport } from '../run-folder/test-report.js';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../testing/data-helpers.js';
import { loadCheckpoint, disposeCheckpoint } from '../models/checkpoint.js';
import { resumeRun, train } from './trainer.js';
import { expectNoLeaksAsync, writeToyDataset } from '../testing/train-helpers.js';
import type { EpochRecord } from './events.js';
import type { RunRecord } from '../run-folder/run-folder.js';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const readLines = (path: string): EpochRecord[] =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

const base = {
  task: 'binary',
  widths: [4, 8],
  epochs: 3,
  batchSize: 8,
  augment: ['zoom', 'rotate', 'shift', 'flip'],
  bootstrap: 50,
  camSamples: 2,
  seed: 3,
};

test('a resumed run equals the uninterrupted one bit for bit (same seed); the run folder holds the contract', async () => {
  const data = await writeToyDataset();
  const runsDir = await tempDir('alzbench-runs-');
  await expectNoLeaksAsync(async () => {
    const full = await train({ ...base, data, runsDir }, { runId: 'full' });
    const halted = await train({ ...base, data, runsDir }, { runId: 'killed', haltAfterEpoch: 1 });
    assert.equal(halted.status, 'running');
    const killed = readJson(join(runsDir, 'killed', 'run.json')) as RunRecord;
    assert.equal(killed.status, 'running', 'a killed run stays running');
    assert.equal(killed.pid, process.pid);
    assert.equal(readLines(join(runsDir, 'killed', 'metrics.jsonl')).length, 1);
    // A line written after the last checkpoint by a process killed just then is dropped on resume.
    writeFileSync(join(runsDir, 'killed', 'metrics.jsonl'), `${readFileSync(join(runsDir, 'killed', 'metrics.jsonl'), 'utf8')}{"epoch":2,"partial":true}\n`);
    const resumed = await resumeRun(join(runsDir, 'killed'));

    const a = readLines(join(runsDir, 'full', 'metrics.jsonl'));
    const b = readLines(join(runsDir, 'killed', 'metrics.jsonl'));
    assert.deepEqual(
      b.map((r) => r.epoch),
      [1, 2, 3],
    );
    for (let i = 0; i < 3; i++) {
      assert.equal(b[i]!.trainLoss, a[i]!.trainLoss, `epoch ${i + 1} train loss`);
      assert.equal(b[i]!.trainAccuracy, a[i]!.trainAccuracy);
      assert.deepEqual(b[i]!.val, a[i]!.val, `epoch ${i + 1} validation metrics`);
      assert.equal(b[i]!.lr, a[i]!.lr);
    }
    assert.equal(resumed.status, full.status);
    assert.equal(resumed.bestEpoch, full.bestEpoch);
    assert.equal(readFileSync(join(runsDir, 'killed', 'predictions.csv'), 'utf8'), readFileSync(join(runsDir, 'full', 'predictions.csv'), 'utf8'));
    assert.deepEqual(readJson(join(runsDir, 'killed', 'test.json')).best.metrics, readJson(join(runsDir, 'full', 'test.json')).best.metrics);

    // The folder contract.
    const dir = join(runsDir, 'full');
    const record = readJson(join(dir, 'run.json')) as RunRecord;
    assert.equal(record.id, 'full');
    assert.ok(['done', 'collapsed'].includes(record.status));
    assert.equal(record.pid, undefined);
    for (const key of ['created', 'started', 'finished'] as const) assert.match(record[key]!, /^\d{4}-\d\d-\d\dT/);
    assert.equal(record.task, 'binary');
    assert.deepEqual(record.classes, ['Alzheimer', 'NonAlzheimer']);
    assert.match(record.dataset!.fingerprint, /^[0-9a-f]{64}$/);
    assert.equal(record.split!.grouping, 'subject', 'subjects.csv gives subject IDs');
    assert.ok(record.code.version.length > 0 && record.machine.cores > 0);
    assert.deepEqual(
      readJson(join(runsDir, 'killed', 'run.json')).resumed.map((r: { fromEpoch: number }) => r.fromEpoch),
      [1],
    );
    const config = readJson(join(dir, 'config.json'));
    assert.deepEqual(config.imageSize, [32, 32], 'auto size resolved');
    assert.equal(config.lr, 0.01, 'sgd default lr written out');
    assert.equal(config.dropout, 0.2, "the model's default dropout written out");
    assert.equal(readJson(join(dir, 'split.json')).format, 'alzbench-split-manifest');
    const testReport = readJson(join(dir, 'test.json'));
    // Round trip: what the test phase writes is what the readers' schema reads, unchanged.
    assert.deepEqual(readTestReport(join(dir, 'test.json')), testReport);
    assert.equal(testReport.best.epoch, full.bestEpoch);
    assert.equal(testReport.last.epoch, 3);
    assert.equal(testReport.best.ci.unit, 'subject');
    // Per subject beside per slice: the toy set's test subjects, each counted once.
    assert.equal(testReport.best.subject.rule, 'mean');
    assert.equal(testReport.best.subject.ci.unit, 'subject');
    assert.equal(testReport.best.subject.subjects, testReport.best.ci.units);
    assert.equal(testReport.calibration.test.bins, 15);
    const csv = readFileSync(join(dir, 'predictions.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], 'file,subject,label,predicted,p_Alzheimer,p_NonAlzheimer');
    assert.equal(csv.length - 1, testReport.samples);
    assert.match(csv[1]!, /^(Mild|Non)Demented\/[^,]+,(Mild|Non)Demented-\d,(Alzheimer|NonAlzheimer),(Alzheimer|NonAlzheimer),0\.\d{6},[01]\.\d{6}$/);
    assert.deepEqual(readdirSync(join(dir, 'checkpoints')).sort(), ['best.ckpt', 'last.ckpt']);
    assert.deepEqual(readdirSync(join(dir, 'plots')).sort(), ['loss.svg', 'reliability.svg', 'val-metrics.svg']);
    assert.equal(readdirSync(join(dir, 'cam')).filter((f) => f.endsWith('.png')).length, 2);
    const checkpoint = loadCheckpoint(join(dir, 'checkpoints', 'last.ckpt'));
    assert.equal(checkpoint.trainer.epoch, 3);
    assert.ok(checkpoint.optimizer && Object.keys(checkpoint.optimizer.state).length > 0, 'momentum buffers saved');
    assert.ok(checkpoint.rng.has('cpu'));
    assert.equal((checkpoint.config as { classes: string[] }).classes.length, 2);
    disposeCheckpoint(checkpoint);
    await assert.rejects(resumeRun(dir), { message: 'Run full has already ended (status ' + record.status + '); nothing to resume' });
  });
});

test('a NaN loss stops the run as diverged; a live process holding a run blocks resume', async () => {
  const data = await writeToyDataset();
  const runsDir = await tempDir('alzbench-runs-');
  await expectNoLeaksAsync(async () => {
    const result = await train({ ...base, data, runsDir, lr: 3e38, epochs: 2, augment: [] }, { runId: 'nan' });
    assert.equal(result.status, 'diverged');
    assert.match(result.reason!, /^training loss was NaN at epoch 1, batch 2 of \d+ \(lr 3e\+38\)$/);
    const record = readJson(join(runsDir, 'nan', 'run.json'));
    assert.equal(record.status, 'diverged');
    assert.equal(record.reason, result.reason);
    assert.equal(existsSync(join(runsDir, 'nan', 'test.json')), false, 'no epoch completed: nothing to test');

    const halted = await train({ ...base, data, runsDir, epochs: 2 }, { runId: 'held', haltAfterEpoch: 1 });
    assert.equal(halted.status, 'running');
    const path = join(runsDir, 'held', 'run.json');
    writeFileSync(path, JSON.stringify({ ...readJson(path), pid: process.ppid }));
    await assert.rejects(resumeRun('held', { runsDir }), { message: `Run held is still running in process ${process.ppid}` });
  });
});

test('a model that can only predict one class is flagged collapsed in metrics, run.json and test.json', async () => {
  const data = await writeToyDataset({ identical: true });
  const runsDir = await tempDir('alzbench-runs-');
  await expectNoLeaksAsync(async () => {
    const result = await train({ ...base, data, runsDir, epochs: 1, grouping: 'none', balance: 'weights', camSamples: 0 }, { runId: 'flat' });
    assert.equal(result.status, 'collapsed');
    assert.match(result.reason!, /predicts one class for at least 95 % of test slices/);
    const line = readLines(join(runsDir, 'flat', 'metrics.jsonl'))[0]!;
    assert.equal(line.collapsed, true);
    assert.deepEqual([...line.val.predictedShare].sort(), [0, 1]);
    assert.deepEqual(readJson(join(runsDir, 'flat', 'run.json')).collapse, { epochs: [1], final: true });
    assert.equal(readJson(join(runsDir, 'flat', 'test.json')).best.collapsed, true);
  });
});

test('the best epoch is the validation maximum of the selection metric; early stopping waits `patience` epochs', async () => {
  const data = await writeToyDataset();
  const runsDir = await tempDir('alzbench-runs-');
  await expectNoLeaksAsync(async () => {
    const result = await train(
      { ...base, data, runsDir, epochs: 6, patience: 1, selectMetric: 'loss', balance: 'sampling', camSamples: 0, bootstrap: 0 },
      { runId: 'es' },
    );
    const lines = readLines(join(runsDir, 'es', 'metrics.jsonl'));
    let best = 0;
    lines.forEach((l, i) => {
      if (l.val.loss < lines[best]!.val.loss) best = i;
    });
    assert.equal(result.bestEpoch, lines[best]!.epoch);
    assert.deepEqual(
      lines
        .filter((l) => l.best)
        .map((l) => l.epoch)
        .at(-1),
      result.bestEpoch,
    );
    // patience 1: the run stops right after the first epoch that does not improve (or at epoch 6).
    const stopped = lines.at(-1)!.epoch;
    assert.ok(
      lines.slice(0, -1).every((l) => l.best),
      'every epoch before the last improved',
    );
    assert.ok(stopped === 6 || !lines.at(-1)!.best, `stopped at ${stopped} after an improving epoch`);
    assert.equal(readJson(join(runsDir, 'es', 'run.json')).epochsDone, stopped);
    assert.equal(readJson(join(runsDir, 'es', 'test.json')).best.ci, null, 'bootstrap 0: no intervals');
  });
});
