import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../testing/data-helpers.js';
import { train } from './trainer.js';

test('the slice trainer refuses a volume model by name before reading any data', async () => {
  const runsDir = await tempDir('alzbench-volume-guard-');
  await assert.rejects(
    train({ data: '/nonexistent-data', model: 'resnet18_3d', runsDir, epochs: 1 }),
    /Expected a slice model \(this trainer feeds 2-D slices\) for model but received "resnet18_3d"/,
  );
});
