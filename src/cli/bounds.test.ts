// The probes of issue 17 that used to crash, hang or end in "internal error", run through the
// real CLI: each must be a named error with exit code 2, quickly.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { tempDir } from '../testing/data-helpers.js';
import { train } from '../train/trainer.js';
import { writeToyDataset } from '../testing/train-helpers.js';

const bin = fileURLToPath(new URL('../../bin/alzbench.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

function namedError(result: ReturnType<typeof run>, command: string, message: string, hint?: string, code = 2): void {
  assert.equal(result.status, code, result.stderr);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, `alzbench ${command}: error: ${message}\n${hint ? `hint: ${hint}\n` : ''}`);
}

test('special files as inputs are named errors: --config /dev/zero, preview /dev/zero, predict <run> /dev/zero', async () => {
  namedError(
    run('train', '--config', '/dev/zero'),
    'train',
    'Cannot read config file /dev/zero: it is a character device, not a regular file',
    'pass the path of a regular file',
  );
  const out = join(await tempDir('alzbench-bounds-'), 'grid.png');
  namedError(
    run('preview', '/dev/zero', '--pipeline', 'invert', '--out', out),
    'preview',
    'Unreadable file: /dev/zero (it is a character device, not a regular file)',
    undefined,
    1,
  );
  const data = await writeToyDataset({ subjectsPerClass: 4 });
  const runsDir = await tempDir('alzbench-bounds-runs-');
  const result = await train({ data, runsDir, task: 'binary', widths: [4], epochs: 1, batchSize: 8, bootstrap: 0, camSamples: 0 }, { runId: 'p' });
  namedError(
    run('predict', result.dir, '/dev/zero'),
    'predict',
    'Cannot read image /dev/zero: it is a character device, not a regular file',
    'pass the path of a regular file',
  );
});

test('numbers, pipelines and folders beyond their limits are named errors before any work', async () => {
  // The settings' limits and messages are tested in util/schema.test.ts; here one goes through the CLI.
  namedError(
    run('train', '--data', 'd', '--threads', '100000'),
    'train',
    `Expected positive integer <= ${availableParallelism() * 4} for --threads but received "100000" of type string`,
    'more threads than 4 per core only add contention',
  );
  namedError(run('demo', '--workers', '0x2'), 'demo', 'Expected positive integer for --workers but received "0x2" of type string');
  namedError(
    run('sweep', 'experiments/demo-chains.yaml', '--workers', '0x2', '--create-only'),
    'sweep',
    'Expected positive integer for --workers but received "0x2" of type string',
  );
  const steps = Array(1400).fill('invert').join('|');
  const started = Date.now();
  namedError(
    run('preview', 'x.png', '--pipeline', steps, '--out', 'g.png'),
    'preview',
    `Expected a pipeline spec of at most 4096 characters for pipeline but received ${steps.length} characters`,
    'a chain is a few steps, e.g. grayscale|open(k=5)|clahe(clip=2,tile=7)',
  );
  assert.ok(Date.now() - started < 10_000);
  const file = join(await tempDir('alzbench-bounds-'), 'a-file');
  writeFileSync(file, '');
  const data = await writeToyDataset({ subjectsPerClass: 2 });
  namedError(
    run('train', '--data', data, '--runs-dir', file, '--epochs', '1'),
    'train',
    `Expected a folder for runsDir but ${file} is a file`,
    'pass --runs-dir <a folder> (it is created when missing)',
  );
});
