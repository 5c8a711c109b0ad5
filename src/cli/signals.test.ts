// Signals with real processes: the user's Ctrl-C or kill reaches the launcher (bin/alzbench.js),
// which re-executes itself under jemalloc; the run must end `interrupted` with the resume command
// printed, and no training process may outlive its launcher.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../testing/data-helpers.js';
import { writeToyDataset } from '../testing/train-helpers.js';
import { processAlive } from '../run-folder/run-folder.js';

const bin = fileURLToPath(new URL('../../bin/alzbench.js', import.meta.url));

function startTraining(
  data: string,
  runsDir: string,
): { child: ChildProcess; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(
    process.execPath,
    [
      bin,
      'train',
      '--data',
      data,
      '--task',
      'binary',
      '--widths',
      '4,8',
      '--epochs',
      '10000',
      '--batch-size',
      '8',
      '--bootstrap',
      '0',
      '--cam-samples',
      '0',
      '--runs-dir',
      runsDir,
      '--progress',
      'lines',
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // As a user starts it: the launcher re-executes itself under the allocator (the test runner
      // may already run under it, which would skip the re-exec this test is about).
      env: { ...process.env, ALZBENCH_ALLOCATOR_SET: '' },
    },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => err, exited };
}

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function runRecord(runsDir: string): { id: string; status: string; pid?: number; reason?: string; epochsDone?: number } {
  const [id] = readdirSync(runsDir);
  return JSON.parse(readFileSync(join(runsDir, id!, 'run.json'), 'utf8'));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} to the launcher marks the run interrupted after its last checkpoint and prints the resume command`, async () => {
    const data = await writeToyDataset();
    const runsDir = await tempDir('alzbench-signal-');
    const { child, stderr, exited } = startTraining(data, runsDir);
    await until(() => /^epoch 1\/10000 /m.test(stderr()), 'the first epoch');
    child.kill(signal);
    const { code } = await exited;
    const record = runRecord(runsDir);
    assert.equal(code, 130, stderr());
    assert.equal(record.status, 'interrupted');
    assert.equal(record.pid, undefined);
    assert.match(record.reason!, new RegExp(`^stopped by ${signal} after epoch \\d+ \\(its last checkpoint\\)$`));
    assert.ok(stderr().includes(`resume with: alzbench train --resume ${record.id} --runs-dir ${runsDir}\n`), stderr());
    assert.ok(existsSync(join(runsDir, record.id, 'checkpoints', 'last.ckpt')));
  });
}

test('a training process does not outlive its launcher, even when the launcher is SIGKILLed', async () => {
  const data = await writeToyDataset();
  const runsDir = await tempDir('alzbench-signal-');
  const { child, stderr, exited } = startTraining(data, runsDir);
  await until(() => /^epoch 1\/10000 /m.test(stderr()), 'the first epoch');
  const trainer = runRecord(runsDir).pid!;
  assert.notEqual(trainer, child.pid, 'the launcher re-executed itself (jemalloc)');
  child.kill('SIGKILL');
  await exited;
  await until(() => !processAlive(trainer), 'the orphaned trainer to stop', 30_000);
  assert.equal(runRecord(runsDir).status, 'interrupted');
});
