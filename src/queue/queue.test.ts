// The job queue with a real PostgreSQL (Debian's, started on 127.0.0.1 in a temp dir) and
// workers as separate OS processes running the stand-in trainer (fixture run folders, one epoch
// every few hundred ms): a 12-run sweep ends with every run trained to completion exactly once
// while a worker is killed with SIGKILL mid-run and another joins late; drained workers finish
// the run in hand and stop; a run taken over without a shared folder restarts.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../store/open-store.js';
import { startTestPostgres, type TestPostgres } from '../testing/pg-test-server.js';
import { processRunning } from '../store/process-running.js';
import type { RunStore, StoredRun } from '../store/types.js';
import { jobIdFor, openRunQueue } from './run-queue.js';

const BIN = fileURLToPath(new URL('../../bin/alzbench.js', import.meta.url));
// With the allocator settings in place the launcher runs the CLI in its own process (no re-run),
// so a SIGKILL below hits the worker itself.
import { allocatorEnv } from '../util/allocator-env.js';
const FIXTURE_TRAINER = fileURLToPath(new URL('../testing/fixture-trainer.js', import.meta.url));

const started = await startTestPostgres();
const server: TestPostgres | null = 'url' in started ? started : null;
const skip = 'skip' in started ? started.skip : false;
after(() => server?.stop());

let databases = 0;
async function setup(sweepYaml: string) {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-queue-'));
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, sweepYaml);
  const url = await server!.createDatabase(`queue${++databases}`);
  const completions = join(dir, 'completions.log');
  writeFileSync(completions, '');
  const env = {
    ...(allocatorEnv() ?? process.env),
    ALZBENCH_SWEEP_TRAINER: FIXTURE_TRAINER,
    ALZBENCH_FIXTURE_EPOCH_MS: '200',
    ALZBENCH_FIXTURE_COMPLETIONS: completions,
    ALZBENCH_DEBUG: '1',
  };
  return { dir, file, url, completions, env, runsDir: join(dir, 'runs') };
}

/** Polls `check` until it returns a value (not undefined/false), or fails after `ms`. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Proc {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
function start(args: string[], env: NodeJS.ProcessEnv): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc: Proc = { child, stdout: '', stderr: '', exit: undefined as never };
  child.stdout!.on('data', (d) => (proc.stdout += d));
  child.stderr!.on('data', (d) => (proc.stderr += d));
  proc.exit = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return proc;
}
const worker = (name: string, url: string, runsDir: string, env: NodeJS.ProcessEnv, extra: string[] = []) =>
  start(['worker', '--db', url, '--name', name, '--runs-dir', runsDir, '--lease', '2', '--poll', '0.1', '--json', ...extra], env);

const TWELVE = `
name: tiny-queue
base: {data: /data/fixture, task: binary, model: simple_cnn, epochs: 4}
grid:
  seed: [0, 1, 2, 3, 4, 5]
  optimizer: [sgd, adam]
`;

test('12 runs on 3 worker processes: one killed with SIGKILL mid-run, one added late; every run completes exactly once', { skip }, async () => {
  const { dir, file, url, completions, env, runsDir } = await setup(TWELVE);
  const procs: Proc[] = [];
  let store: RunStore | undefined;
  try {
    // Enqueue and return.
    const sent = spawnSync(process.execPath, [BIN, 'sweep', file, '--db', url, '--runs-dir', runsDir, '--attempts', '5', '--json'], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(sent.status, 0, sent.stderr);
    const queued = JSON.parse(sent.stdout);
    assert.deepEqual([queued.runs, queued.enqueued, queued.jobsCreated, queued.statuses], [12, 12, 12, null]);
    store = await openStore(url);
    const runs0 = await store.listRuns({ sweepId: 'tiny-queue' });
    assert.deepEqual(new Set(runs0.map((r) => r.status)), new Set(['queued']), 'nothing trains before a worker starts');

    // Follow (sent again: the pending jobs are not duplicated), then the workers.
    const follow = start(['sweep', file, '--db', url, '--runs-dir', runsDir, '--attempts', '5', '--follow', '--json'], env);
    procs.push(follow);
    const a = worker('A', url, runsDir, env);
    const b = worker('B', url, runsDir, env);
    procs.push(a, b);

    // Kill A (the worker process only, like kill -9) once it is part-way through a run.
    const victim = await waitFor('worker A part-way through a run', async () => {
      const runs = await store!.listRuns({ sweepId: 'tiny-queue', status: ['running'] });
      return runs.find((r) => r.worker === 'A' && r.epochsDone >= 1 && r.pid !== null);
    });
    const doneBeforeKill = (await store.listRuns({ sweepId: 'tiny-queue', status: ['done', 'collapsed'] })).length;
    a.child.kill('SIGKILL');
    assert.equal((await a.exit).signal, 'SIGKILL');
    // Its training process noticed (IPC channel closed) and stopped: no orphan writes the folder.
    await waitFor("the killed worker's training process to end", async () => !processRunning(victim.pid!), 10_000);

    // A late worker, on another "device" (the stand-in trainer records it; no GPU is used).
    const c = worker('C', url, runsDir, env, ['--device', 'cuda']);
    procs.push(c);

    const followed = await follow.exit;
    assert.equal(followed.code, 0, follow.stderr);
    const summary = JSON.parse(follow.stdout);
    assert.equal(summary.jobsCreated, 0, 'sending the sweep again created no second job for a pending run');
    assert.equal((summary.statuses.done ?? 0) + (summary.statuses.collapsed ?? 0), 12, JSON.stringify(summary.statuses));
    assert.ok(doneBeforeKill < 12);

    const runs = await store.listRuns({ sweepId: 'tiny-queue' });
    assert.equal(runs.length, 12);
    assert.deepEqual(runs.map((r) => r.id).sort(), runs0.map((r) => r.id).sort(), 'the same 12 runs: none added, none lost');
    // Exactly once to completion: one finished training per run, over all processes.
    const finished = readFileSync(completions, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]);
    assert.deepEqual([...finished].sort(), runs.map((r) => r.id).sort());
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
        (await store.getEpochs(r.id)).map((e) => e.epoch),
        [1, 2, 3, 4],
      );
      assert.ok(['B', 'C'].includes(r.worker ?? '') || (r.worker === 'A' && r.attempts === 1), `${r.id} recorded its worker (${r.worker})`);
      assert.equal(r.device, r.worker === 'C' ? 'cuda' : 'cpu', `${r.id}: the device of the worker that trained it`);
      assert.equal(r.owner, null);
      assert.equal(r.jobId !== null, true);
    }
    // The killed run was taken over after the lease: resumed from its folder (shared runs dir) on
    // B, a CPU worker like A; started again on C, whose device differs.
    const taken = runs.find((r) => r.id === victim.id)!;
    assert.equal(taken.attempts, 2);
    assert.notEqual(taken.worker, 'A');
    const record = JSON.parse(readFileSync(join(runsDir, taken.id, 'run.json'), 'utf8'));
    if (taken.worker === 'B') {
      assert.equal(record.resumed?.length, 1, 'resumed once, from its checkpoint');
      assert.ok(record.resumed[0].fromEpoch >= 1);
    } else {
      assert.equal(record.resumed, undefined, 'another device: started again');
    }
    assert.ok(
      runs.some((r) => r.worker === 'C'),
      'the late worker took runs',
    );
    // The queue agrees: every job completed, none pending or failed.
    const queue = await openRunQueue(url);
    try {
      assert.deepEqual(await queue.counts(), { completed: 12 });
    } finally {
      await queue.close();
    }

    // compare: seconds/epoch by device, so CPU and "GPU" runs are not ranked on speed together.
    const compared = spawnSync(process.execPath, [BIN, 'compare', 'tiny-queue', '--db', url, '--runs-dir', runsDir, '--format', 'json'], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(compared.status, 0, compared.stderr);
    const comparison = JSON.parse(compared.stdout);
    assert.deepEqual(new Set(comparison.rows.map((r: { device: string }) => r.device.split(' ')[0])), new Set(['cpu', 'cuda']));
    assert.equal(comparison.speedByDevice.length, 2);
    assert.ok(
      comparison.notes.some((n: string) => /seconds\/epoch differ by device/i.test(n)),
      comparison.notes.join('\n'),
    );

    // Drain B through the store and C with SIGTERM: both stop cleanly.
    const drained = spawnSync(process.execPath, [BIN, 'worker', 'drain', 'B', '--db', url, '--json'], { env, encoding: 'utf8', timeout: 30_000 });
    assert.equal(drained.status, 0, drained.stderr);
    assert.equal(JSON.parse(drained.stdout).drained.length, 1);
    c.child.kill('SIGTERM');
    for (const [w, name] of [
      [b, 'B'],
      [c, 'C'],
    ] as const) {
      assert.equal((await w.exit).code, 0, w.stderr);
      assert.equal(JSON.parse(w.stdout).name, name);
    }
    const list = spawnSync(process.execPath, [BIN, 'worker', 'list', '--db', url, '--json'], { env, encoding: 'utf8', timeout: 30_000 });
    const workers = JSON.parse(list.stdout) as { name: string; state: string; runsDone: number }[];
    assert.deepEqual(workers.map((w) => [w.name, w.state === 'stopped']).sort(), [
      ['A', false],
      ['B', true],
      ['C', true],
    ]);
    // B and C stopped cleanly with their counts stored (A's count may lag its last run: killed).
    assert.equal(
      workers.filter((w) => w.name !== 'A').reduce((n, w) => n + w.runsDone, 0),
      runs.filter((r) => r.worker !== 'A').length,
    );
  } finally {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a drained worker (SIGTERM) finishes the run in hand, takes no other, and exits 0', { skip }, async () => {
  const { dir, file, url, env, runsDir } = await setup(`name: drain\nbase: {data: /data/fixture, epochs: 3}\ngrid: {seed: [0, 1]}\n`);
  let w: Proc | undefined;
  const store = await openStore(url);
  try {
    const sent = spawnSync(process.execPath, [BIN, 'sweep', file, '--db', url, '--runs-dir', runsDir, '--json'], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(sent.status, 0, sent.stderr);
    w = worker('D', url, runsDir, env);
    const held = await waitFor('a run part-way', async () => (await store.listRuns({ sweepId: 'drain', status: ['running'] })).find((r) => r.epochsDone >= 1));
    w.child.kill('SIGTERM');
    const exit = await w.exit;
    assert.equal(exit.code, 0, w.stderr);
    const summary = JSON.parse(w.stdout);
    assert.deepEqual(
      summary.attempts.map((a: { id: string; status: string }) => [a.id, a.status]),
      [[held.id, 'done']],
    );
    const runs = await store.listRuns({ sweepId: 'drain' });
    assert.deepEqual(runs.map((r: StoredRun) => r.status).sort(), ['done', 'queued']);
    const [worker0] = await store.listWorkers();
    assert.equal(worker0!.state, 'stopped');
    // The other run's job waits for the next worker.
    const queue = await openRunQueue(url);
    try {
      assert.deepEqual(await queue.counts(), { completed: 1, created: 1 });
    } finally {
      await queue.close();
    }
  } finally {
    if (w && w.child.exitCode === null) w.child.kill('SIGKILL');
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("without a shared runs folder, a lost worker's run restarts on another worker (and the job id is stable per run)", { skip }, async () => {
  const { dir, file, url, env, runsDir } = await setup(`name: restart\nbase: {data: /data/fixture, epochs: 4}\ngrid: {seed: [0]}\n`);
  const procs: Proc[] = [];
  const store = await openStore(url);
  try {
    assert.equal(jobIdFor('run-1'), jobIdFor('run-1'));
    assert.match(jobIdFor('run-1'), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(spawnSync(process.execPath, [BIN, 'sweep', file, '--db', url, '--runs-dir', runsDir], { env, encoding: 'utf8', timeout: 60_000 }).status, 0);
    const e = worker('E', url, join(dir, 'e-runs'), env);
    procs.push(e);
    const run = await waitFor('worker E part-way', async () =>
      (await store.listRuns({ sweepId: 'restart', status: ['running'] })).find((r) => r.epochsDone >= 2),
    );
    e.child.kill('SIGKILL');
    await e.exit;
    const f = worker('F', url, join(dir, 'f-runs'), env, ['--exit-when-idle']);
    procs.push(f);
    const done = await waitFor('the run to finish on F', async () => {
      const r = await store.getRun(run.id);
      return r && r.status === 'done' ? r : undefined;
    });
    assert.equal(done.worker, 'F');
    assert.equal(done.attempts, 2);
    const record = JSON.parse(readFileSync(join(dir, 'f-runs', run.id, 'run.json'), 'utf8'));
    assert.equal(record.resumed, undefined, 'F had no checkpoint: it restarted');
    assert.deepEqual(
      readFileSync(join(dir, 'f-runs', run.id, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).epoch),
      [1, 2, 3, 4],
    );
    assert.ok(existsSync(join(dir, 'e-runs', run.id, 'run.json')), "E's partial folder stays on E");
    assert.equal((await f.exit).code, 0);
  } finally {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('end to end with the real trainer: a 2-run sweep through the queue and one worker process', { skip }, async () => {
  const { dir, url, runsDir } = await setup('');
  const env = { ...(allocatorEnv() ?? process.env), ALZBENCH_SWEEP_TRAINER: '' };
  const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  const store = await openStore(url);
  try {
    assert.equal(run(['synth', '--out', 'data', '--subjects', '16', '--slices', '4']).status, 0);
    writeFileSync(
      join(dir, 'real.yaml'),
      `name: real\nbase: {data: ${join(dir, 'data')}, model: simple_cnn, imageSize: 48x40, epochs: 2, bootstrap: 50, camSamples: 0}\ngrid: {optimizer: [sgd, adam]}\n`,
    );
    const sent = run(['sweep', join(dir, 'real.yaml'), '--db', url, '--runs-dir', runsDir, '--json']);
    assert.equal(sent.status, 0, sent.stderr);
    const w = run(['worker', '--db', url, '--runs-dir', runsDir, '--name', 'real', '--poll', '0.2', '--exit-when-idle', '--json']);
    assert.equal(w.status, 0, w.stderr);
    const attempts = JSON.parse(w.stdout).attempts as { status: string; reason: string | null }[];
    assert.deepEqual(
      attempts.map((a) => a.status === 'done' || a.status === 'collapsed'),
      [true, true],
      JSON.stringify(attempts),
    );
    for (const r of await store.listRuns({ sweepId: 'real' })) {
      assert.equal(r.worker, 'real');
      assert.equal(r.device, 'cpu');
      assert.equal((await store.getEpochs(r.id)).length, 2);
      assert.ok(r.testBalancedAccuracy !== null, 'test metrics stored');
      assert.ok(existsSync(join(runsDir, r.id, 'checkpoints', 'last.ckpt')));
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
