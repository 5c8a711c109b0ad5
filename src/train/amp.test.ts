import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../testing/data-helpers.js';
import { train } from './trainer.js';
import { expectNoLeaksAsync, writeToyDataset } from '../testing/train-helpers.js';

test('mixed precision: bf16 autocast trains on the CPU and resumes exactly; fp16 on the CPU is refused', async () => {
  const data = await writeToyDataset();
  const runsDir = await tempDir('alzbench-amp-');
  const settings = { task: 'binary', widths: [4, 8], epochs: 2, batchSize: 8, bootstrap: 0, camSamples: 0, seed: 5, amp: 'bf16', data, runsDir };
  await expectNoLeaksAsync(async () => {
    const run = await train(settings, { runId: 'bf16' });
    assert.equal(run.epochsDone, 2);
    assert.ok(
      run.history.every((e) => Number.isFinite(e.trainLoss)),
      'finite losses under autocast',
    );
    const plain = await train({ ...settings, amp: 'none' }, { runId: 'fp32' });
    assert.notEqual(run.history[1]!.trainLoss, plain.history[1]!.trainLoss, 'bf16 really changed the arithmetic');
    assert.ok(Math.abs(run.history[1]!.trainLoss - plain.history[1]!.trainLoss) < 0.1, 'but not the learning');
  });
  await assert.rejects(
    () => train({ ...settings, amp: 'fp16' }, { runId: 'fp16' }),
    /Expected none or bf16 on the CPU \(CPU autocast has no float16\) for amp but received "fp16"/,
  );
});
