import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readInputFile, readInputFileSync, readYamlFile } from './read-input.js';

const dir = mkdtempSync(join(tmpdir(), 'alzbench-read-input-'));

test('special files are refused by name before any read: device, directory, FIFO', async () => {
  assert.throws(() => readInputFileSync('/dev/zero', 'config file', 1024), {
    message: 'Cannot read config file /dev/zero: it is a character device, not a regular file',
    hint: 'pass the path of a regular file',
  });
  await assert.rejects(readInputFile('/dev/zero', 'image', 1024), { message: 'Cannot read image /dev/zero: it is a character device, not a regular file' });
  assert.throws(() => readInputFileSync(dir, 'image', 1024), { message: `Cannot read image ${dir}: it is a directory, not a regular file` });
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  // No writer: a blocking open would hang here; the reader must refuse it at once.
  assert.throws(() => readInputFileSync(fifo, 'config file', 1024), { message: `Cannot read config file ${fifo}: it is a FIFO, not a regular file` });
  assert.throws(() => readInputFileSync(join(dir, 'missing.yaml'), 'config file', 1024), {
    message: `Cannot read config file ${join(dir, 'missing.yaml')}: ENOENT`,
  });
});

test('files over the cap are refused from their size; files whose size is unknown stop at the cap', async () => {
  const big = join(dir, 'big.yaml');
  writeFileSync(big, 'x'.repeat(2048));
  assert.throws(() => readInputFileSync(big, 'config file', 1024), { message: `Cannot read config file ${big}: it is over the 1024 bytes size limit` });
  await assert.rejects(readInputFile(big, 'image', (1 << 20) >> 10), {
    message: `Cannot read image ${big}: it is over the 1024 bytes size limit`,
    hint: `is ${big} really an image?`,
  });
  assert.equal(readInputFileSync(big, 'config file', 2048).length, 2048);
  // /proc files report size 0 but have content: read, and bounded.
  assert.ok(
    readInputFileSync('/proc/self/status', 'config file', 1 << 20)
      .toString()
      .includes('Pid:'),
  );
  assert.throws(() => readInputFileSync('/proc/self/status', 'config file', 16), /over the 16 bytes size limit/);
});

test('YAML: syntax errors name the file and line; alias bombs are refused', () => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'a: 1\nb: [1, 2\n');
  assert.throws(
    () => readYamlFile(bad, 'sweep file'),
    (error: Error) => error.message.startsWith(`Cannot parse sweep file ${bad} at line `),
  );
  const bomb = join(dir, 'bomb.yaml');
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++)
    levels.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(', ')}]`,
    );
  writeFileSync(bomb, `${levels.join('\n')}\n`);
  assert.throws(() => readYamlFile(bomb, 'config file'), /^AlzbenchError: Cannot parse config file .*Excessive alias count/);
});
