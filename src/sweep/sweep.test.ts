// Sweeps with a stand-in trainer (fixture run folders, one epoch every few ms): every point runs
// once, a restart skips finished runs, a sweep killed with its workers and started again finishes
// each run exactly once (resuming), a killed worker's run is retried, a failing run is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { openStore } from '../store/open-store.js';
import { parseSweep, readSweepFile } from './spec.js';
import { runSweep } from './run-sweep.js';

const BIN = fileURLToPath(new URL('../../bin/alzbench.js', import.meta.url));
const FIXTURE_TRAINER = fileURLToPath(new URL('../testing/fixture-trainer.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const GRID = `
name: tiny-grid
base: {data: /data/fixture, task: binary, model: simple_cnn, epochs: 4}
grid:
  invert:
    T: {pipeline: "grayscale|invert"}
    F: {pipeline: grayscale}
  batchSize: [16, 25]
  optimizer: [sgd, adam]
scales:
  small: {base: {epochs: 2}, grid: {batchSize: [16, 25]}}
`;

test('sweep files: grid axes (settings or named), lists, scales, errors that name the file and key', () => {
  const spec = parseSweep(parseYaml(GRID), { file: 'grid.yaml' });
  assert.equal(spec.name, 'tiny-grid');
  assert.deepEqual(spec.axes, ['invert', 'batchSize', 'optimizer']);
  assert.equal(spec.points.length, 8);
  assert.deepEqual(spec.points[1]!.point, { invert: 'T', batchSize: '16', optimizer: 'adam' });
  assert.deepEqual(spec.points[1]!.settings, {
    data: '/data/fixture',
    task: 'binary',
    model: 'simple_cnn',
    epochs: 4,
    pipeline: 'grayscale|invert',
    batchSize: 16,
    optimizer: 'adam',
  });
  const small = parseSweep(parseYaml(GRID), { scale: 'small' });
  assert.equal(small.name, 'tiny-grid-small');
  assert.deepEqual(
    small.points.map((p) => [p.point, p.settings.epochs]),
    [
      [{ batchSize: '16' }, 2],
      [{ batchSize: '25' }, 2],
    ],
  );
  const list = parseSweep({
    name: 'models',
    base: { data: 'd' },
    list: [
      { label: 'b0', model: 'efficientnet_b0' },
      { label: 'cnn', model: 'simple_cnn', augment: ['zoom'] },
    ],
    grid: { seed: [0, 1] },
  });
  assert.deepEqual(
    list.points.map((p) => `${p.point.point}/${p.point.seed}/${p.settings.model}`),
    ['b0/0/efficientnet_b0', 'b0/1/efficientnet_b0', 'cnn/0/simple_cnn', 'cnn/1/simple_cnn'],
  );
  assert.throws(
    () => parseSweep({ name: 'x', base: { data: 'd', batchsize: 3 }, grid: { seed: [0] } }, { file: 'x.yaml' }),
    /Unknown key "batchsize" in x.yaml/,
  );
  assert.throws(
    () => parseSweep({ name: 'x', base: { data: 'd' }, grid: { epochs: [0] } }, { file: 'x.yaml' }),
    /Expected positive integer for epochs in x.yaml but received 0/,
  );
  assert.throws(() => parseSweep({ name: 'x', grid: { seed: [0] } }, { file: 'x.yaml' }), /has no data setting in x.yaml/);
  assert.throws(() => parseSweep({ name: 'x', base: { data: 'd' }, grid: { seed: [0] } }, { scale: 'tiny' }), /No scale "tiny"/);
  assert.throws(() => parseSweep({ name: 'x', base: { data: 'd' }, grdi: {} }), /Unknown key "grdi"/);
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-sweep-'));
  const file = join(dir, 'grid.yaml');
  writeFileSync(file, GRID);
  return { dir, file, db: join(dir, 'store.db'), runsDir: join(dir, 'runs') };
}

test('a sweep runs each point once with 2 workers; started again it skips them all', async () => {
  const { dir, file, db, runsDir } = setup();
  const store = await openStore(db);
  try {
    const spec = readSweepFile(file, { scale: 'small' });
    const first = await runSweep(store, spec, { workers: 2, runsDir, trainer: FIXTURE_TRAINER, pollMs: 50 });
    assert.equal(first.runs, 2);
    assert.equal(first.skipped, 0);
    assert.equal(first.attempts.length, 2);
    assert.deepEqual(first.statuses, { done: 2 });
    const runs = await store.listRuns({ sweepId: 'tiny-grid-small' });
    assert.deepEqual(
      runs.map((r) => r.point.batchSize),
      ['16', '25'],
    );
    for (const r of runs) {
      assert.equal(r.attempts, 1);
      assert.equal(r.config.batchSize, Number(r.point.batchSize), 'the folder config (resolved) replaced the queued settings');
      assert.equal(r.config.threads, first.threadsPerWorker);
      assert.equal((await store.getEpochs(r.id)).length, 2);
      assert.equal((await store.getPredictions(r.id)).length, 80);
      assert.equal(r.owner, null);
    }
    const again = await runSweep(store, spec, { workers: 2, runsDir, trainer: FIXTURE_TRAINER, pollMs: 50 });
    assert.equal(again.skipped, 2);
    assert.equal(again.attempts.length, 0);
    assert.deepEqual(
      (await store.listRuns({ sweepId: 'tiny-grid-small' })).map((r) => r.id),
      runs.map((r) => r.id),
    );
    // The same sweep name with changed settings for a stored point is refused.
    writeFileSync(file, GRID.replace('small: {base: {epochs: 2}', 'small: {base: {epochs: 3}'));
    await assert.rejects(
      runSweep(store, readSweepFile(file, { scale: 'small' }), { runsDir, trainer: FIXTURE_TRAINER }),
      /already has point batchSize=16 with other settings/,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a sweep killed with its workers mid-way and started again finishes every run exactly once', async () => {
  const { dir, file, db, runsDir } = setup();
  const env = { ...process.env, ALZBENCH_SWEEP_TRAINER: FIXTURE_TRAINER, ALZBENCH_FIXTURE_EPOCH_MS: '150' };
  const args = [BIN, 'sweep', file, '--workers', '2', '--db', db, '--runs-dir', runsDir, '--json'];
  try {
    // Its own process group, so that the kill takes the sweep and all its training processes.
    const first = spawn(process.execPath, args, { env, detached: true, stdio: 'ignore' });
    const store = await openStore(db);
    let before: { id: string; status: string }[] = [];
    try {
      for (let i = 0; i < 200; i++) {
        await sleep(50);
        before = await store.listRuns({ sweepId: 'tiny-grid' }).catch(() => []);
        // Kill once two runs finished and another is part-way (an epoch in its folder).
        const partWay = before.some(
          (r) =>
            r.status === 'running' &&
            existsSync(join(runsDir, r.id, 'metrics.jsonl')) &&
            readFileSync(join(runsDir, r.id, 'metrics.jsonl'), 'utf8').includes('\n'),
        );
        if (before.filter((r) => r.status === 'done' || r.status === 'collapsed').length >= 2 && partWay) break;
      }
      process.kill(-first.pid!, 'SIGKILL');
      await new Promise((r) => first.once('exit', r));
      assert.equal(before.length, 8);
      const finishedBefore = before.filter((r) => r.status === 'done' || r.status === 'collapsed').length;
      assert.ok(finishedBefore >= 2 && finishedBefore < 8, `killed mid-way (${finishedBefore} of 8 finished)`);
      assert.ok(before.some((r) => r.status === 'running'));
    } finally {
      await store.close();
    }
    const second = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(second.status, 0, second.stderr);
    const summary = JSON.parse(second.stdout);
    assert.equal(summary.runs, 8);
    assert.equal(summary.statuses.done + (summary.statuses.collapsed ?? 0), 8);
    assert.equal(summary.statuses.collapsed, 2, 'Adam with batch 25 collapses in the fixture');
    const after = await openStore(db);
    try {
      const runs = await after.listRuns({ sweepId: 'tiny-grid' });
      assert.deepEqual(runs.map((r) => r.id).sort(), before.map((r) => r.id).sort(), 'the same 8 runs: none added, none lost');
      assert.equal(new Set(runs.map((r) => JSON.stringify(r.point))).size, 8);
      let resumed = 0;
      for (const r of runs) {
        const lines = readFileSync(join(runsDir, r.id, 'metrics.jsonl'), 'utf8')
          .trim()
          .split('\n');
        assert.deepEqual(
          lines.map((l) => JSON.parse(l).epoch),
          [1, 2, 3, 4],
          `${r.id}: each epoch once`,
        );
        assert.deepEqual(
          (await after.getEpochs(r.id)).map((e) => e.epoch),
          [1, 2, 3, 4],
        );
        const record = JSON.parse(readFileSync(join(runsDir, r.id, 'run.json'), 'utf8'));
        if (record.resumed) resumed++;
      }
      assert.ok(resumed >= 1, 'the runs cut off by the kill resumed from their folders');
    } finally {
      await after.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a killed worker's run is retried and finishes; a run that fails cleanly is not retried", async () => {
  const { dir, db, runsDir } = setup();
  const previous = process.env.ALZBENCH_FIXTURE_EPOCH_MS;
  process.env.ALZBENCH_FIXTURE_EPOCH_MS = '150';
  const store = await openStore(db);
  try {
    const spec = parseSweep({
      name: 'retry',
      base: { data: '/data/fixture', epochs: 4 },
      list: [
        { label: 'ok', model: 'simple_cnn' },
        { label: 'broken', model: 'fail' },
      ],
    });
    let killed: number | undefined;
    const sweep = runSweep(store, spec, { workers: 1, runsDir, trainer: FIXTURE_TRAINER, pollMs: 50 });
    for (let i = 0; i < 100 && killed === undefined; i++) {
      await sleep(50);
      const [ok] = await store.listRuns({ sweepId: 'retry' });
      if (ok?.status === 'running' && ok.pid !== null && ok.epochsDone >= 1) {
        killed = ok.pid;
        process.kill(ok.pid, 'SIGKILL');
      }
    }
    assert.ok(killed, 'the worker was killed mid-run');
    const summary = await sweep;
    const [ok, broken] = await store.listRuns({ sweepId: 'retry' });
    assert.equal(ok!.status, 'done');
    assert.equal(ok!.attempts, 2);
    assert.deepEqual(
      (await store.getEpochs(ok!.id)).map((e) => e.epoch),
      [1, 2, 3, 4],
    );
    assert.equal(broken!.status, 'failed');
    assert.equal(broken!.attempts, 1);
    assert.match(broken!.reason ?? '', /always fails/);
    assert.deepEqual(
      summary.attempts.map((a) => a.status),
      ['queued', 'done', 'failed'],
    );
    assert.match(summary.attempts[0]!.reason ?? '', /attempt 1 of 2 ended without finishing \(killed by SIGKILL\)/);
  } finally {
    process.env.ALZBENCH_FIXTURE_EPOCH_MS = previous;
    if (previous === undefined) delete process.env.ALZBENCH_FIXTURE_EPOCH_MS;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("two sweeps on one store share the runs; each waits for the other's last runs, names them, and exits 0", async () => {
  const { file, db, runsDir } = setup();
  const env = { ...process.env, ALZBENCH_SWEEP_TRAINER: FIXTURE_TRAINER, ALZBENCH_FIXTURE_EPOCH_MS: '100' };
  const args = [BIN, 'sweep', file, '--workers', '1', '--db', db, '--runs-dir', runsDir, '--json'];
  const start = () =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  const first = start();
  await sleep(300);
  const [a, b] = await Promise.all([first, start()]);
  for (const r of [a, b]) {
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal((summary.statuses.done ?? 0) + (summary.statuses.collapsed ?? 0), 8, r.stderr);
  }
  // Whichever ran out of queued runs first waited for the other's run, naming it.
  assert.match(a.stderr + b.stderr, /waiting for 1 run\(s\) another process is training: tiny-grid-\S+ \(\S+\/\d+\)/);
  const trained = [a, b].map((r) => (r.stderr.match(/\] tiny-grid-\S+ \(/g) ?? []).length);
  assert.equal(trained[0]! + trained[1]!, 8, 'each run trained once');
});
