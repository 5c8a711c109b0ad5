import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourcePath } from '../../testing/tensor-helpers.js';
import { openStore } from '../../store/open-store.js';

test('alzbench train --db records the finished run in the store at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-train-db-'));
  const db = join(dir, 'runs.db');
  const out = JSON.parse(
    execFileSync(
      process.execPath,
      [
        sourcePath('bin/alzbench.js'),
        'train',
        '--data',
        sourcePath('../shared/data/kaggle4-sample'),
        '--task',
        'binary',
        '--epochs',
        '1',
        '--image-size',
        '52x44',
        '--bootstrap',
        '20',
        '--cam-samples',
        '0',
        '--runs-dir',
        join(dir, 'runs'),
        '--db',
        db,
        '--progress',
        'none',
        '--json',
      ],
      { encoding: 'utf8' },
    ),
  ) as { id: string; status: string };
  const store = await openStore(db);
  try {
    const run = await store.getRun(out.id);
    assert.equal(run?.status, out.status);
    assert.equal(run?.id, out.id);
  } finally {
    await store.close();
  }
});
