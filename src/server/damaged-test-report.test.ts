// A run folder whose test.json was damaged after training: the store, the dashboard, compare and
// show keep the run listed, without test figures, with the named error as its reason (no 5xx,
// no crash, no silent nulls). Last, the store's own JSON columns damaged by hand.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { AlzbenchError } from '../util/errors.js';
import { writeFixtureRun } from '../testing/fixture-run.js';
import { openStore } from '../store/open-store.js';
import { deleteRunWithArtifacts, syncRunsDir } from '../store/sync.js';
import { readRunFolder } from '../store/read-run-folder.js';
import type { RunStore, StoredRun } from '../store/types.js';
import { compareRuns } from '../report/compare.js';
import { captureWarnings } from '../util/warn.js';
import { startServer, type RunningServer } from './server.js';
import type { RunDetail, RunsResponse } from './api-types.js';

const dir = mkdtempSync(join(tmpdir(), 'alzbench-damaged-test-'));
const runsDir = join(dir, 'runs');
const damagedPath = join(runsDir, 'damaged', 'test.json');
const problem = `Expected number or null for best.metrics.accuracy in ${damagedPath} but received "high" of type string`;
let store: RunStore;
let server: RunningServer;
let warnings: string[];

before(async () => {
  writeFixtureRun({ runsDir, id: 'good', config: { epochs: 2 } });
  writeFixtureRun({ runsDir, id: 'damaged', config: { epochs: 2, seed: 1 } });
  writeFileSync(damagedPath, JSON.stringify({ best: { epoch: 2, metrics: { accuracy: 'high' } } }));
  store = await openStore(join(dir, 'store.sqlite'));
  // Read by hand first to see the warning (the sync below then finds it stored and current).
  const read = captureWarnings(() => readRunFolder(join(runsDir, 'damaged')));
  warnings = read.warnings;
  await store.putRun(read.result);
  assert.deepEqual((await syncRunsDir(store, runsDir)).errors, []);
  server = await startServer({ store, runsDir, host: '127.0.0.1', port: 0 });
});

after(async () => {
  await server?.close();
  await store?.close();
});

test('the store keeps the run, without test figures, its reason the named error with the hint', async () => {
  const run = (await store.getRun('damaged'))!;
  assert.equal(run.status, 'done');
  assert.equal(run.test, null);
  assert.equal(run.testAccuracy, null);
  assert.ok(run.reason?.startsWith(`${problem} (test.json is written by the test phase`), run.reason ?? 'no reason');
  const good = (await store.getRun('good'))!;
  assert.equal(good.reason, null);
  assert.equal(typeof good.test?.best.metrics.accuracy, 'number');
  assert.deepEqual(warnings, [`${run.reason}; the run is listed without test results`]);
});

test('dashboard: the run is listed with its problem; its page answers 200', async () => {
  const list = await fetch(`${server.url}/api/runs`);
  assert.equal(list.status, 200);
  const runs = ((await list.json()) as RunsResponse).runs;
  const damaged = runs.find((r) => r.id === 'damaged')!;
  assert.deepEqual(damaged.flags, ['no-test']);
  assert.ok(damaged.reason?.startsWith(problem));
  assert.equal(damaged.test.accuracy, null);
  const page = await fetch(`${server.url}/api/runs/damaged`);
  assert.equal(page.status, 200);
  const detail = (await page.json()) as RunDetail;
  assert.equal(detail.testReport, null);
  assert.deepEqual(detail.cam, []);
  const compare = await fetch(`${server.url}/api/compare?runs=good,damaged`);
  assert.ok(compare.status < 500, `compare answered ${compare.status}`);
});

test('compare: the run gets a row whose verdict says why it has no test result', async () => {
  const comparison = await compareRuns(store, ['good', 'damaged']);
  const row = comparison.rows.find((r) => r.id === 'damaged')!;
  assert.deepEqual(row.flags, ['no-test']);
  assert.ok(row.verdict.startsWith(`no test result: ${problem}`), row.verdict);
  assert.equal(row.best.accuracy, null);
});

test('show: prints the run and its problem, exit 0', () => {
  const bin = fileURLToPath(new URL('../../bin/alzbench.js', import.meta.url));
  const result = spawnSync(process.execPath, [bin, 'show', 'damaged', '--db', join(dir, 'store.sqlite'), '--runs-dir', runsDir], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^run damaged: done — Expected number or null for best\.metrics\.accuracy in /);
  assert.doesNotMatch(result.stdout, /test per slice/);
});

test("the store's JSON columns damaged by hand: test.json's copy leaves the run listed; others are named errors", async () => {
  const db = new Database(join(dir, 'store.sqlite'));
  try {
    db.prepare('UPDATE runs SET test = ? WHERE id = ?').run('{"best": {"epoch": 0, "metrics": {}}}', 'good');
    const good = (await store.getRun('good'))!;
    assert.equal(good.test, null);
    assert.equal(
      good.reason,
      "Expected positive integer for best.epoch in the stored test report of run good but received 0 of type number (the store's copy was edited or damaged; it is stored again from the run folder when the folder's test.json changes)",
    );
    db.prepare('UPDATE runs SET classes = ? WHERE id = ?').run('["NonDemented", 3]', 'good');
    await assert.rejects(store.getRun('good'), (error: AlzbenchError) => {
      assert.equal(error.message, 'Expected string for 1 in the stored classes of run good but received 3 of type number');
      assert.equal(
        error.hint,
        "the store's copy was edited or damaged: remove the run from the store (alzbench runs delete good --keep-files); the next listing reads its run folder again",
      );
      return true;
    });
    db.prepare('UPDATE runs SET config = ? WHERE id = ?').run('[1]', 'damaged');
    await assert.rejects(store.getRun('damaged'), {
      message: 'Expected a mapping (a JSON object) in the stored config of run damaged but received [1 of type number] of type array',
    });
    // A listing still shows every run: the damaged ones with empty columns and the named errors as their reason.
    const listed = await store.listRuns();
    assert.deepEqual(listed.map((r) => r.id).sort(), ['damaged', 'good']);
    const damaged = listed.find((r) => r.id === 'damaged')!;
    assert.deepEqual(damaged.config, {});
    assert.ok(
      damaged.reason?.includes(
        "Expected a mapping (a JSON object) in the stored config of run damaged but received [1 of type number] of type array (the store's copy was edited or damaged: remove the run from the store (alzbench runs delete damaged --keep-files); the next listing reads its run folder again)",
      ),
      damaged.reason ?? 'no reason',
    );
    assert.deepEqual(listed.find((r) => r.id === 'good')!.classes, []);
    db.prepare('UPDATE predictions SET probabilities = ? WHERE run_id = ? AND idx = 0').run('[0.5, "x"]', 'damaged');
    await assert.rejects(store.getPredictions('damaged'), {
      message: 'Expected number or null for 1 in the stored probabilities of run damaged but received "x" of type string',
    });
  } finally {
    db.close();
  }
});

test('deleting a run whose run.json was damaged names the problem and deletes nothing', async () => {
  const runDir = join(runsDir, 'damaged');
  writeFileSync(join(runDir, 'run.json'), '{"format": "alzbench-run", "version": 1, "id": "damaged", "status": "paused"');
  await assert.rejects(deleteRunWithArtifacts(store, { id: 'damaged', dir: runDir } as StoredRun), (error: AlzbenchError) =>
    error.message.startsWith(`Cannot parse run record ${join(runDir, 'run.json')}: `),
  );
  assert.equal(existsSync(runDir), true);
});
