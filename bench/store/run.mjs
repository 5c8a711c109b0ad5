// Run store write throughput, SQLite file vs PostgreSQL (a server started here in a temp folder):
// whole runs stored (run row, 20 epochs, 1280 predictions, artifacts: one transaction each) and
// single epoch upserts (what a sweep worker writes while a run trains). `npm run build` first.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../dist/store/open-store.js';
import { readRunFolder, epochFromRecord } from '../../dist/store/read-run-folder.js';
import { writeFixtureRun } from '../../dist-test/testing/fixture-run.js';
import { startTestPostgres } from '../../dist-test/testing/pg-test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'alzbench-bench-store-'));
const snapshot = readRunFolder(writeFixtureRun({ runsDir: join(dir, 'runs'), id: 'bench', config: { epochs: 20 }, samples: 1280 }).dir);
const server = await startTestPostgres();
const targets = [['sqlite', join(dir, 'bench.db')], ...('url' in server ? [['postgres', await server.createDatabase('bench')]] : [])];
for (const [kind, ref] of targets) {
  const store = await openStore(ref);
  const runs = 40;
  let t = performance.now();
  for (let i = 0; i < runs; i++) await store.putRun({ ...snapshot, id: `bench-${i}` });
  const perRun = (performance.now() - t) / runs;
  const epochs = 500;
  t = performance.now();
  for (let e = 1; e <= epochs; e++) await store.putEpochs('bench-0', [epochFromRecord({ epoch: 100 + e, val: { accuracy: 0.5 } })]);
  const perEpoch = (performance.now() - t) / epochs;
  t = performance.now();
  for (let i = 0; i < 20; i++) await store.listRuns();
  const perList = (performance.now() - t) / 20;
  console.log(
    `${kind}: store a run (20 epochs, 1280 predictions) ${perRun.toFixed(1)} ms; epoch upsert ${perEpoch.toFixed(2)} ms; list ${runs} runs ${perList.toFixed(1)} ms`,
  );
  await store.close();
}
if ('stop' in server) server.stop();
rmSync(dir, { recursive: true, force: true });
