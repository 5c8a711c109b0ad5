import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../testing/data-helpers.js';
import { CheckpointError, disposeCheckpoint, loadCheckpoint } from '../models/checkpoint.js';
import { loadTrainedModel } from '../models/load-trained.js';
import { resumeRun, train } from './trainer.js';
import { expectNoLeaksAsync, writeToyDataset } from '../testing/train-helpers.js';
import type { RunRecord } from '../run-folder/run-folder.js';

const base = { task: 'binary', widths: [4, 8], epochs: 3, batchSize: 8, bootstrap: 10, camSamples: 0, seed: 3 };
const record = (dir: string) => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunRecord;

/** Flips `count` bytes near the end of a file (inside the tensor data). */
function flipBytes(path: string, count: number): void {
  const bytes = readFileSync(path);
  for (let i = 0; i < count; i++) bytes[bytes.length - 1 - i * 7] ^= 0xff;
  writeFileSync(path, bytes);
}

test('checkpoints carry a SHA-256 of their tensors: one flipped byte is a named error on resume, eval and predict', async () => {
  const data = await writeToyDataset();
  const runsDir = await tempDir('alzbench-ckpt-');
  await expectNoLeaksAsync(async () => {
    await train({ ...base, data, runsDir }, { runId: 'damaged', haltAfterEpoch: 1 });
    const dir = join(runsDir, 'damaged');
    const last = join(dir, 'checkpoints', 'last.ckpt');
    disposeCheckpoint(loadCheckpoint(last)); // intact: loads
    flipBytes(last, 40);
    const damaged = new RegExp(
      `^Cannot read checkpoint ${last}: ${last} is not a valid safetensors file: its tensor bytes do not match their recorded SHA-256 \\([0-9a-f]{12}\\.\\.\\. recorded, [0-9a-f]{12}\\.\\.\\. found\\): the file is damaged$`,
    );
    await assert.rejects(resumeRun(dir), (error: Error) => {
      assert.ok(error instanceof CheckpointError);
      assert.match(error.message, damaged);
      assert.equal((error as CheckpointError).hint, 'restore the file, or restart the run from epoch 1 with: alzbench train --resume damaged --from-scratch');
      return true;
    });
    assert.equal(record(dir).status, 'running', 'a refused resume changes nothing');
    // eval and predict load through loadTrainedModel: best.ckpt is a copy of the epoch-1 checkpoint.
    const best = join(dir, 'checkpoints', 'best.ckpt');
    flipBytes(best, 1);
    assert.throws(
      () => loadTrainedModel(dir),
      (error: Error) =>
        error instanceof CheckpointError &&
        error.message.startsWith(`Cannot read checkpoint ${best}: ${best} is not a valid safetensors file: its tensor bytes do not match`),
    );
    // The way out: restart explicitly.
    const restarted = await resumeRun(dir, { fromScratch: true });
    assert.equal(restarted.epochsDone, 3);
    assert.deepEqual(
      record(dir).resumed?.map((r) => r.fromEpoch),
      [0],
    );
  });
});

test("a deleted last.ckpt is a named error, not a silent restart; fromEpoch is the checkpoint's epoch", async () => {
  const data = await writeToyDataset();
  const runsDir = await tempDir('alzbench-ckpt-');
  await expectNoLeaksAsync(async () => {
    await train({ ...base, data, runsDir, epochs: 4 }, { runId: 'r', haltAfterEpoch: 1 });
    const dir = join(runsDir, 'r');
    // Resumed, then killed right after the next checkpoint, then resumed again.
    await resumeRun(dir, { haltAfterEpoch: 2 });
    await resumeRun(dir, { haltAfterEpoch: 3 });
    assert.deepEqual(
      record(dir).resumed?.map((r) => r.fromEpoch),
      [1, 2],
    );
    rmSync(join(dir, 'checkpoints', 'last.ckpt'));
    await assert.rejects(resumeRun(dir), {
      name: 'AlzbenchError',
      message: `Run r recorded 3 finished epoch(s) but its checkpoint ${join(dir, 'checkpoints', 'last.ckpt')} is missing; resuming would silently start over`,
      hint: 'restore the file, or restart the run from epoch 1 with: alzbench train --resume r --from-scratch',
    });
    const again = await resumeRun(dir, { fromScratch: true });
    assert.equal(again.status === 'done' || again.status === 'collapsed', true);
    assert.deepEqual(
      record(dir).resumed?.map((r) => r.fromEpoch),
      [1, 2, 0],
    );
    assert.equal(again.history.length, 4);
  });
});

test('a checkpoint without a tensor checksum, and a run.json of {}, are refused by name', async () => {
  const data = await writeToyDataset();
  const runsDir = await tempDir('alzbench-ckpt-');
  await expectNoLeaksAsync(async () => {
    await train({ ...base, data, runsDir }, { runId: 'x', haltAfterEpoch: 1 });
    const dir = join(runsDir, 'x');
    const last = join(dir, 'checkpoints', 'last.ckpt');
    // Rewrite the header without tensors_sha256 (same length, padded with spaces).
    const bytes = readFileSync(last);
    const n = Number(bytes.readBigUInt64LE(0));
    const header = bytes.subarray(8, 8 + n).toString('utf8');
    const stripped = header.replace(/,?"tensors_sha256":"[0-9a-f]{64}"/, '');
    writeFileSync(last, Buffer.concat([bytes.subarray(0, 8), Buffer.from(stripped.padEnd(n, ' ')), bytes.subarray(8 + n)]));
    assert.throws(
      () => loadCheckpoint(last),
      (e: Error) =>
        e instanceof CheckpointError &&
        e.message === `Cannot read checkpoint ${last}: it carries no checksum of its tensors (tensors_sha256), so its weights cannot be trusted`,
    );
    writeFileSync(join(dir, 'run.json'), '{}');
    await assert.rejects(resumeRun(dir), { message: `Expected "alzbench-run" for format in ${join(dir, 'run.json')} but received undefined` });
  });
});
