import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '../torch/creation.js';
import { tidy } from '../torch/scope.js';
import { tempDir } from '../testing/data-helpers.js';
import { BatchReadback } from './batch-readback.js';
import { train } from './trainer.js';
import { expectNoLeaksAsync, writeToyDataset } from '../testing/train-helpers.js';
import type { TrainEvent } from './events.js';

test('BatchReadback returns what item() gives per batch, in order, and frees what it held', async () => {
  await expectNoLeaksAsync(async () => {
    const readback = new BatchReadback();
    const direct: number[] = [];
    for (const v of [0.1, 2.5, Number.NaN]) {
      tidy(() => {
        const loss = tensor([v, v * 3], { requiresGrad: true }).mean();
        direct.push(loss.item());
        readback.push(loss, tensor([1, 0, 1], { dtype: 'int64' }).sum(), 3);
      });
    }
    assert.equal(readback.length, 3);
    const { losses, hits, sizes } = readback.read();
    assert.deepEqual(losses, direct);
    assert.deepEqual(hits, [2, 2, 2]);
    assert.deepEqual(sizes, [3, 3, 3]);
    assert.equal(readback.length, 0);
    tidy(() => readback.push(tensor([1]).sum(), tensor([1]).sum(), 1));
    readback.dispose();
  });
});

test('reading the loss back every batch or once per epoch gives the same run', async () => {
  const data = await writeToyDataset({ subjectsPerClass: 6, slices: 2, size: 24 });
  const runsDir = await tempDir('alzbench-runs-');
  const settings = { data, runsDir, task: 'binary', widths: [4], epochs: 2, batchSize: 4, bootstrap: 0, camSamples: 0, seed: 5 };
  const events: Record<string, TrainEvent[]> = { every: [], once: [] };
  await expectNoLeaksAsync(async () => {
    await train({ ...settings, logEvery: 1 }, { runId: 'every', onEvent: (e) => events.every!.push(e) });
    await train({ ...settings, logEvery: 1000 }, { runId: 'once', onEvent: (e) => events.once!.push(e) });
  });
  const lines = (id: string) =>
    readFileSync(join(runsDir, id, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  const [a, b] = [lines('every'), lines('once')];
  assert.deepEqual(
    b.map((r) => [r.trainLoss, r.trainAccuracy, r.val]),
    a.map((r) => [r.trainLoss, r.trainAccuracy, r.val]),
  );
  const batches = (id: string) => events[id]!.filter((e) => e.type === 'batch').length;
  // 12 training slices or so per epoch at batch 4: several progress events vs one per epoch.
  assert.ok(batches('every') > batches('once'));
  assert.equal(batches('once'), 2);
});
