/**
 * `train --input volume` end to end on generated volumes (alzbench synth --volumes: 12 people,
 * 44x52x16 voxels): the run folder is a normal one (run.json passes the run-file validation, the
 * store lists it, show and compare read it), eval reproduces the saved test metrics, predict on
 * one .nii.gz gives the probabilities predictions.csv holds for that person, resume continues
 * exactly, and slice settings or a non-volume file are named errors. The CLI is run as a user
 * runs it (a process per command) where its output is checked.
 */
import { readTestReport } from '../run-folder/test-report.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { generateVolumes } from '../data/synth/generate-volumes.js';
import { loadTemplate } from '../data/synth/template.js';
import { tempDir } from '../testing/data-helpers.js';
import { expectNoLeaksAsync } from '../testing/train-helpers.js';
import { readPredictionsCsv } from '../run-folder/predictions-csv.js';
import { readRunRecord, parseMetricsText } from '../run-folder/run-files.js';
import { loadCheckpoint, disposeCheckpoint } from '../models/checkpoint.js';
import { resumeRun, train } from './trainer.js';
import { loadTrainedModel } from '../models/load-trained.js';
import { evaluateVolumeDataset } from '../eval/evaluate-volumes.js';
import { predictSlice } from '../server/inference.js';
import type { TrainEvent } from './events.js';

const bin = fileURLToPath(new URL('../../bin/alzbench.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

let data = '';
before(async () => {
  data = await tempDir('alzbench-volume-run-');
  // 12 people, NonDemented vs ModerateDemented; participants.tsv gives 30 % of each stage to test.
  await generateVolumes({
    out: data,
    subjects: 12,
    seed: 3,
    depth: 16,
    downsample: 4,
    stageWeights: [1, 0, 0, 1],
    testFraction: 0.3,
    template: loadTemplate(),
  });
});
after(() => rmSync(data, { recursive: true, force: true }));

/** Tiny settings: simple_cnn_3d with widths 4,8 on 32x40x16 volumes. */
const tiny = { input: 'volume', task: 'binary', widths: [4, 8], volumeShape: '32x40x16', batchSize: 4, bootstrap: 50, camSamples: 1 } as const;

test('train --input volume writes a normal run folder that runs, compare, eval and predict read', async () => {
  const runsDir = await tempDir('alzbench-volume-runs-');
  const db = join(runsDir, 'runs.db');
  const messages: string[] = [];
  const onEvent = (e: TrainEvent) => (e.type === 'message' ? messages.push(e.text) : undefined);
  const result = await expectNoLeaksAsync(() => train({ ...tiny, data, runsDir, epochs: 2 }, { handleSignals: false, onEvent }));
  assert.match(messages.join('\n'), /train \d+ \/ val \d+ \/ test 4 sessions \(split by person, participants\.tsv\)/);
  assert.equal(result.epochsDone, 2);
  assert.equal(result.test?.samples, 4);

  // run.json passes the run-file validation and says what the run was.
  const record = readRunRecord(join(result.dir, 'run.json'));
  assert.equal(record.input, 'volume');
  assert.equal(record.dataset?.layout, 'bids-volumes');
  assert.equal(record.dataset?.volumes, 12);
  assert.deepEqual(record.preprocessing?.volume, {
    spacing: null,
    shape: [32, 40, 16],
    chain: 'CropForeground|NormalizeIntensity(nonzero)|ResizeWithPadOrCrop(32x40x16)',
  });
  assert.equal(record.split?.grouping, 'subject');
  const config = JSON.parse(readFileSync(join(result.dir, 'config.json'), 'utf8'));
  assert.deepEqual([config.input, config.model, config.volumeShape, config.task], ['volume', 'simple_cnn_3d', '32x40x16', 'binary']);
  assert.equal(parseMetricsText(readFileSync(join(result.dir, 'metrics.jsonl'), 'utf8'), 'metrics.jsonl').length, 2);
  // The split is by person: no one is on two sides.
  const split = JSON.parse(readFileSync(join(result.dir, 'split.json'), 'utf8')) as { entries: { subject: string; split: string }[] };
  const sides = new Map<string, Set<string>>();
  for (const e of split.entries) (sides.get(e.subject) ?? sides.set(e.subject, new Set()).get(e.subject)!).add(e.split);
  assert.equal(sides.size, 12);
  assert.ok([...sides.values()].every((s) => s.size === 1));
  // Checkpoint with its checksum, loadable; its config records the volume settings.
  const checkpoint = loadCheckpoint(join(result.dir, 'checkpoints', 'best.ckpt'));
  assert.equal(checkpoint.config.volumeShape, '32x40x16');
  disposeCheckpoint(checkpoint);
  // test.json: one sample per held-out session, CIs over people; predictions.csv one row each.
  const testJson = JSON.parse(readFileSync(join(result.dir, 'test.json'), 'utf8'));
  assert.deepEqual(readTestReport(join(result.dir, 'test.json')), testJson, 'the test phase writes what the schema reads');
  assert.equal(testJson.samples, 4);
  assert.equal(testJson.best.ci.unit, 'subject');
  assert.equal(testJson.best.ci.units, 4);
  const predictions = readPredictionsCsv(join(result.dir, 'predictions.csv'));
  assert.equal(predictions.predictions.length, 4);
  assert.ok(predictions.predictions.every((p) => /^sub-\d+\/anat\/sub-\d+_T1w\.nii\.gz$/.test(p.file) && p.file.startsWith(p.subject)));
  const cam = await sharp(join(result.dir, testJson.cam[0])).metadata();
  // Axial (32 wide, 40 high), coronal (32 x 16) and sagittal (40 x 16) planes with 2-pixel gaps.
  assert.deepEqual([cam.format, cam.width, cam.height], ['png', 32 + 32 + 40 + 4, 40]);

  // The store lists it; compare reads it.
  const listed = cli('runs', '--runs-dir', runsDir, '--db', db, '--json');
  assert.equal(listed.status, 0, listed.stderr);
  assert.deepEqual(
    JSON.parse(listed.stdout).runs.map((r: { id: string }) => r.id),
    [result.id],
  );
  const compared = cli('compare', result.id, '--runs-dir', runsDir, '--db', db);
  assert.equal(compared.status, 0, compared.stderr);
  assert.match(compared.stdout, new RegExp(result.id));
  assert.match(compared.stdout, /1 volume run\(s\) \(input: volume\): their "per slice" columns count whole volumes, one per scan session/);

  // eval on the run's own test split reproduces test.json.
  const evaluated = cli('eval', result.dir, '--data', data, '--split', 'test', '--bootstrap', '50', '--json');
  assert.equal(evaluated.status, 0, evaluated.stderr);
  const report = JSON.parse(evaluated.stdout);
  assert.equal(report.samples, 4);
  for (const key of ['accuracy', 'balancedAccuracy', 'sensitivity', 'specificity', 'auc', 'loss'])
    assert.ok(
      Math.abs(report.metrics[key] - testJson.best.metrics[key]) < 1e-6,
      `${key}: eval ${report.metrics[key]}, test.json ${testJson.best.metrics[key]}`,
    );

  // predict on one held-out volume: probabilities sum to 1 and equal predictions.csv's row.
  const row = predictions.predictions[0]!;
  const camPng = join(runsDir, 'cam.png');
  const predicted = cli('predict', result.dir, join(data, row.file), '--cam', camPng, '--json');
  assert.equal(predicted.status, 0, predicted.stderr);
  const p = JSON.parse(predicted.stdout).predictions[0];
  const probabilities = predictions.classes.map((c) => p.probabilities[c] as number);
  assert.ok(Math.abs(probabilities[0]! + probabilities[1]! - 1) < 1e-6);
  probabilities.forEach((v, k) => assert.ok(Math.abs(v - row.probabilities[k]!) < 1e-5, `p_${predictions.classes[k]} ${v} vs ${row.probabilities[k]}`));
  assert.equal((await sharp(camPng).metadata()).width, 108);

  // The dashboard's single-slice predict refuses a volume run by name.
  const trained = loadTrainedModel(result.dir);
  try {
    assert.equal(trained.input, 'volume');
    await assert.rejects(predictSlice(trained, result.id, { width: 8, height: 8, channels: 1, data: new Uint8Array(64) }), {
      message: `Run ${result.id} was trained on whole volumes (--input volume); it cannot classify a single slice`,
    });
  } finally {
    trained.model.dispose();
  }

  // A file that is not a volume: the volume reader's named error.
  const notVolume = cli('predict', result.dir, join(result.dir, 'run.json'));
  assert.equal(notVolume.status, 1);
  assert.match(notVolume.stderr, /not-a-volume: .*run\.json: not a NIfTI or Analyze volume: it is a text file/);
});

test('a volume run resumed after a kill equals the uninterrupted run, epoch for epoch', async () => {
  const runsDir = await tempDir('alzbench-volume-resume-');
  await expectNoLeaksAsync(async () => {
    const settings = { ...tiny, data, runsDir, epochs: 2, bootstrap: 0, camSamples: 0, volumeAugment: true };
    await train(settings, { runId: 'whole', handleSignals: false });
    await train(settings, { runId: 'killed', haltAfterEpoch: 1, handleSignals: false });
    assert.equal(readRunRecord(join(runsDir, 'killed', 'run.json')).status, 'running');
    const resumed = await resumeRun('killed', { runsDir, handleSignals: false });
    assert.equal(resumed.epochsDone, 2);
    const lines = (id: string) =>
      parseMetricsText(readFileSync(join(runsDir, id, 'metrics.jsonl'), 'utf8'), id).map((r) => [r.trainLoss, (r.val as { loss: number }).loss]);
    assert.deepEqual(lines('killed'), lines('whole'));
    assert.deepEqual(
      readRunRecord(join(runsDir, 'killed', 'run.json')).resumed?.map((r) => r.fromEpoch),
      [1],
    );
  });
});

test('cross-validation folds of volume runs hold out disjoint people; no person is on two sides of a fold', async () => {
  const runsDir = await tempDir('alzbench-volume-folds-');
  await expectNoLeaksAsync(async () => {
    const testPeople: string[][] = [];
    for (const fold of [0, 1, 2]) {
      const result = await train(
        { ...tiny, data, runsDir, epochs: 1, bootstrap: 0, camSamples: 0, folds: 3, fold },
        { runId: `fold${fold}`, handleSignals: false },
      );
      assert.equal(result.epochsDone, 1);
      const split = JSON.parse(readFileSync(join(runsDir, `fold${fold}`, 'split.json'), 'utf8')) as { entries: { subject: string; split: string }[] };
      assert.deepEqual([...new Set(split.entries.map((e) => e.split))].sort(), ['test', 'train', 'val']);
      testPeople.push(split.entries.filter((e) => e.split === 'test').map((e) => e.subject));
      assert.equal((readRunRecord(join(runsDir, `fold${fold}`, 'run.json')).split!.groups as { source: string }).source, `fold ${fold} of 3`);
    }
    const all = testPeople.flat();
    assert.equal(all.length, 12, 'every person is tested once over the 3 folds');
    assert.equal(new Set(all).size, 12);

    // eval --split test of a fold run scores that fold's held-out people: its test.json, exactly.
    const foldDir = join(runsDir, 'fold1');
    const testJson = readTestReport(join(foldDir, 'test.json'));
    const trained = loadTrainedModel(foldDir);
    try {
      const report = await evaluateVolumeDataset(trained, data, { split: 'test', bootstrap: 0 });
      assert.deepEqual([...new Set(report.predictions.map((p) => p.subject))].sort(), [...new Set(testPeople[1])].sort());
      for (const key of ['accuracy', 'balancedAccuracy', 'auc', 'loss'] as const)
        assert.ok(
          Math.abs((report.metrics[key] as number) - (testJson.best.metrics[key] as number)) < 1e-6,
          `${key}: eval ${report.metrics[key]}, test.json ${testJson.best.metrics[key]}`,
        );
      // A split.json whose test people differ (the data moved under the run) is a named error.
      const splitPath = join(foldDir, 'split.json');
      const manifest = JSON.parse(readFileSync(splitPath, 'utf8')) as { entries: { file: string; split: string }[] };
      const moved = manifest.entries.find((e) => e.split === 'test')!;
      moved.split = 'train';
      writeFileSync(splitPath, JSON.stringify(manifest));
      await assert.rejects(evaluateVolumeDataset(trained, data, { split: 'test', bootstrap: 0 }), {
        message: `1 session(s) of the test split were in another split of the run (${splitPath}): ${moved.file} (train)`,
      });
    } finally {
      trained.model.dispose();
    }
  });
});

test('a split that fails to load after the others frees the volumes already prepared (no tensor leaks)', async () => {
  const copy = await tempDir('alzbench-volume-damaged-');
  const runsDir = await tempDir('alzbench-volume-damaged-runs-');
  cpSync(data, copy, { recursive: true });
  // The test split is loaded last: cut one of its volumes short, so train and val are in memory when it fails.
  const rows = readFileSync(join(copy, 'participants.tsv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'));
  const subject = rows.find((row) => row[2] === 'test')![0]!;
  const file = join(copy, subject, 'anat', `${subject}_T1w.nii.gz`);
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await expectNoLeaksAsync(async () => {
    await assert.rejects(train({ ...tiny, data: copy, runsDir, epochs: 1, bootstrap: 0, camSamples: 0 }, { handleSignals: false }), (error: Error) =>
      error.message.includes(subject),
    );
  });
  rmSync(copy, { recursive: true, force: true });
});

test('slice settings with --input volume, volume settings with slices, and unsupported ones are named errors', async () => {
  const runsDir = await tempDir('alzbench-volume-errors-');
  await assert.rejects(train({ ...tiny, data, runsDir, pipeline: 'grayscale' }), {
    message: '--pipeline is a slice setting; --input volume does not take it',
  });
  await assert.rejects(train({ ...tiny, data, runsDir, imageSize: [64, 64], augment: ['zoom'] }), {
    message: '--image-size, --augment are slice settings; --input volume does not take them',
  });
  await assert.rejects(train({ data, runsDir, volumeShape: '32x40x16' }), {
    message: "--volume-shape is a setting of --input volume; this run's input is slice",
  });
  await assert.rejects(train({ ...tiny, data, runsDir, ema: 0.99, calibrate: 'temperature' }), { message: '--calibrate, --ema: not yet for --input volume' });
  // The slice trainer's batch-loading settings: given, a named error; their defaults (not given) pass, as every run above shows.
  await assert.rejects(train({ ...tiny, data, runsDir, prefetch: false, logEvery: 2, memoryBudget: 64 }), {
    message: '--prefetch, --log-every, --memory-budget: not yet for --input volume',
  });
  await assert.rejects(train({ ...tiny, data, runsDir, model: 'simple_cnn' }), {
    message: 'Expected a volume model for --input volume (alzbench models marks them) for model but received "simple_cnn" of type string',
  });
  await assert.rejects(train({ ...tiny, data, runsDir, model: 'densenet121_3d', volumeShape: '28x40x40' }), {
    message:
      'Expected [depth, height, width] of integers >= 29 for input shape of densenet121_3d but received [28 of type number, 40 of type number, 40 of type number] of type array',
  });
  await assert.rejects(train({ ...tiny, data, runsDir, volumeShape: '32x40' }), {
    message: /Expected XxYxZ voxels, e\.g\. 96x112x96 for volumeShape but received "32x40"/,
  });
});
