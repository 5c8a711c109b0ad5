// Queue and workers (issue 9): a 12-run tiny sweep through the PostgreSQL job queue with 1, 2 and
// 4 worker processes (`alzbench worker --exit-when-idle`), the stand-in trainer (fixture run
// folders: 4 epochs of EPOCH_MS each, no network, so the figures are scheduling, not training),
// the queue's own cost per job (fetch + claim + complete), and the takeover time after a worker is
// killed with SIGKILL (lease 2 s here; 60 s by default). `npm run build` first.
//   node bench/sweep/run.mjs [--epoch-ms 250]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../dist/store/open-store.js';
import { startTestPostgres } from '../../dist-test/testing/pg-test-server.js';
import { openRunQueue } from '../../dist/queue/run-queue.js';
import { allocatorEnv } from '../../dist/util/allocator-env.js';

const BIN = fileURLToPath(new URL('../../bin/alzbench.js', import.meta.url));
const TRAINER = fileURLToPath(new URL('../../dist-test/testing/fixture-trainer.js', import.meta.url));
const arg = process.argv.indexOf('--epoch-ms');
const epochMs = arg > 0 ? Number(process.argv[arg + 1]) : 250;
const server = await startTestPostgres();
if (!('url' in server)) throw new Error(server.skip);
const dir = mkdtempSync(join(tmpdir(), 'alzbench-bench-sweep-'));
// The allocator settings in place, so the launcher does not re-run itself: a SIGKILL below then
// hits the worker process itself, not a launcher in front of it.
const env = { ...(allocatorEnv() ?? process.env), ALZBENCH_SWEEP_TRAINER: TRAINER, ALZBENCH_FIXTURE_EPOCH_MS: String(epochMs) };
const sweepFile = join(dir, 'sweep.yaml');
writeFileSync(sweepFile, 'name: bench\nbase: {data: /data/fixture, epochs: 4}\ngrid: {seed: [0, 1, 2, 3, 4, 5], optimizer: [sgd, adam]}\n');
const cli = (args) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
};
const worker = (url, name, extra = []) => {
  const child = spawn(
    process.execPath,
    [BIN, 'worker', '--db', url, '--name', name, '--runs-dir', join(dir, 'runs'), '--poll', '0.2', '--lease', '2', ...extra],
    { env, stdio: 'ignore' },
  );
  return { child, exit: new Promise((r) => child.once('exit', r)) };
};

console.log(`machine: ${availableParallelism()} cores; stand-in runs of 4 x ${epochMs} ms = ${(4 * epochMs) / 1000} s of "training" each`);
let db = 0;
for (const workers of process.env.BENCH_ONLY_TAKEOVER ? [] : [1, 2, 4]) {
  const url = await server.createDatabase(`bench${++db}`);
  cli(['sweep', sweepFile, '--db', url, '--runs-dir', join(dir, 'runs')]);
  const t = performance.now();
  const all = Array.from({ length: workers }, (_, i) => worker(url, `w${i + 1}`, ['--exit-when-idle']));
  await Promise.all(all.map((w) => w.exit));
  const wall = (performance.now() - t) / 1000;
  const store = await openStore(url);
  const runs = await store.listRuns({ sweepId: 'bench' });
  const busy = runs.reduce((s, r) => s + (Date.parse(r.updatedAt) - Date.parse(r.startedAt)) / 1000, 0);
  await store.close();
  const ideal = (12 * 4 * epochMs) / 1000 / workers;
  console.log(
    `${workers} worker(s): 12 runs in ${wall.toFixed(1)} s (ideal ${ideal.toFixed(1)} s from the stand-in epochs alone; ${runs.filter((r) => r.status === 'done' || r.status === 'collapsed').length} finished; ${(busy / 12).toFixed(2)} s per run claim-to-settle incl. process start)`,
  );
}

// The queue's own cost per run: send, fetch, claim (store compare-and-set), complete.
{
  const url = await server.createDatabase(`bench${++db}`);
  const store = await openStore(url);
  const queue = await openRunQueue(url);
  const n = 200;
  await store.createRuns(
    Array.from({ length: n }, (_, i) => ({ id: `q${i}`, name: null, sweepId: null, point: {}, pointIndex: i, config: {}, model: null, dir: null })),
  );
  let t = performance.now();
  await queue.enqueue(Array.from({ length: n }, (_, i) => ({ runId: `q${i}`, sweepId: null })));
  const send = (performance.now() - t) / n;
  t = performance.now();
  for (let i = 0; i < n; i++) {
    const job = await queue.fetch();
    await store.claimRun(job.data.runId, 'bench', { jobId: job.id });
    await queue.complete(job.id);
  }
  const take = (performance.now() - t) / n;
  console.log(
    `queue cost per run: send ${send.toFixed(2)} ms, fetch + claim + complete ${take.toFixed(2)} ms (${(((send + take) / 60_000) * 100).toFixed(4)} % of a 1-minute run)`,
  );
  await queue.close();
  await store.close();
}

// Takeover: kill -9 a worker mid-run; time until another worker has claimed the run again.
{
  const url = await server.createDatabase(`bench${++db}`);
  writeFileSync(sweepFile, 'name: takeover\nbase: {data: /data/fixture, epochs: 40}\ngrid: {seed: [0]}\n');
  cli(['sweep', sweepFile, '--db', url, '--runs-dir', join(dir, 'runs')]);
  const store = await openStore(url);
  const a = worker(url, 'a');
  let run;
  while (!(run = (await store.listRuns({ sweepId: 'takeover', status: ['running'] })).find((r) => r.epochsDone >= 1 && r.worker === 'a')))
    await new Promise((r) => setTimeout(r, 20));
  const b = worker(url, 'b');
  while (!(await store.listWorkers()).some((w) => w.name === 'b')) await new Promise((r) => setTimeout(r, 20)); // b is up and polling
  a.child.kill('SIGKILL');
  const killed = performance.now();
  let again;
  while ((again = await store.getRun(run.id)).worker !== 'b') await new Promise((r) => setTimeout(r, 20));
  console.log(
    `takeover after SIGKILL (lease 2 s, poll 0.2 s): run claimed again by another worker after ${((performance.now() - killed) / 1000).toFixed(2)} s (attempt ${again.attempts})`,
  );
  b.child.kill('SIGTERM');
  await b.exit;
  await store.close();
}
server.stop();
rmSync(dir, { recursive: true, force: true });
