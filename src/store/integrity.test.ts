// The store's self-check on open: a real SQLite file damaged in the middle (bytes of one page
// overwritten), a file that is not a database, and a PostgreSQL store missing a table are named
// errors, from the library, the CLI and `serve`, never "internal error".
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, statSync, writeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { writeFixtureRun } from '../testing/fixture-run.js';
import { StoreDamagedError } from './integrity.js';
import { openStore } from './open-store.js';
import { startTestPostgres } from '../testing/pg-test-server.js';
import { syncRunsDir } from './sync.js';

const started = await startTestPostgres();
const server = 'skip' in started ? undefined : started;
after(() => server?.stop());
const bin = fileURLToPath(new URL('../../bin/alzbench.js', import.meta.url));

/** A store holding a few fixture runs (predictions make it span many pages). */
async function filledStore(dir: string): Promise<string> {
  const runsDir = join(dir, 'runs');
  for (let i = 0; i < 4; i++) writeFixtureRun({ runsDir, id: `run-${i}`, config: { optimizer: 'sgd', batchSize: 16, epochs: 3, seed: i }, samples: 200 });
  const path = join(dir, 'store.db');
  const store = await openStore(path);
  await syncRunsDir(store, runsDir);
  await store.close();
  return path;
}

test('a SQLite store damaged in the middle is a named error from openStore, the CLI and serve', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-integrity-'));
  const path = await filledStore(dir);
  assert.equal(existsSync(`${path}-wal`), false, 'the WAL was checkpointed into the file on close');
  // Intact, it opens (the check passes on a healthy store).
  await (await openStore(path)).close();
  const pages = statSync(path).size / 4096;
  assert.ok(pages >= 8, `${pages} pages`);
  // Overwrite the head of a page in the middle: its b-tree header and first cell pointers.
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, Math.floor(pages / 2) * 4096);
  closeSync(fd);
  await assert.rejects(openStore(path), (error: Error) => {
    assert.ok(error instanceof StoreDamagedError, `${error.name}: ${error.message}`);
    assert.match(error.message, new RegExp(`^The run store ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged: \\S`));
    assert.ok(error.problems.length >= 1);
    assert.equal(
      error.hint,
      `move it aside (mv ${path} ${path}.damaged) and run the command again: a new store is made and the run folders under --runs-dir are read into it; "sqlite3 ${path}.damaged .recover" may save sweep records kept only in the store`,
    );
    return true;
  });
  const empty = join(dir, 'no-runs');
  mkdirSync(empty);
  for (const args of [['runs'], ['serve', '--port', '0']]) {
    const cli = spawnSync(process.execPath, [bin, ...args, '--db', path, '--runs-dir', empty], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(cli.status, 1, `${args[0]}: ${cli.stderr}`);
    assert.match(cli.stderr, new RegExp(`^alzbench ${args[0]}: error: The run store .* is damaged: `));
    assert.match(cli.stderr, /\nhint: move it aside/);
    assert.doesNotMatch(cli.stderr, /internal error|dashboard on/);
  }
});

test('a file that is not a SQLite database is a named damaged-store error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-integrity-'));
  const path = join(dir, 'notes.db');
  writeFileSync(path, 'these are notes, not a database'.repeat(200));
  await assert.rejects(openStore(path), (error: Error) => {
    assert.ok(error instanceof StoreDamagedError);
    assert.equal(error.message, `The run store ${path} is damaged: file is not a database`);
    return true;
  });
});

test('a PostgreSQL store missing a table is a named error naming the table', { skip: server ? false : (started as { skip: string }).skip }, async () => {
  const url = await server!.createDatabase(`integrity_${Date.now()}`);
  await (await openStore(url)).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('drop table tags');
  await client.end();
  await assert.rejects(openStore(url), (error: Error) => {
    assert.ok(error instanceof StoreDamagedError, error.message);
    assert.match(error.message, /is damaged: table tags: relation "tags" does not exist$/);
    assert.match(error.hint ?? '', /restore the database from a backup/);
    return true;
  });
});
