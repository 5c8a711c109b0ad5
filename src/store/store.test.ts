// The run store suite, run twice: against a real SQLite file and a real PostgreSQL server (started
// here in a temporary data folder). Same assertions on both.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { openStore } from './open-store.js';
import { readRunFolder, epochFromRecord } from './read-run-folder.js';
import { deleteRunWithArtifacts, syncRunFolder, syncRunsDir } from './sync.js';
import { startTestPostgres, type TestPostgres } from '../testing/pg-test-server.js';
import { writeFixtureRun, fixtureSkill } from '../testing/fixture-run.js';
import type { RunStore } from './types.js';

const run = promisify(execFile);
const WRITER = fileURLToPath(new URL('./concurrent-writer.js', import.meta.url));

// Started before the suites are defined, so that their skip flags can depend on it.
const started = await startTestPostgres();
const server: TestPostgres | undefined = 'skip' in started ? undefined : started;
const pgSkip = 'skip' in started ? started.skip : undefined;
// CI installs PostgreSQL: there its absence is a failure, not a skip.
if (!server && process.env.CI) throw new Error(pgSkip);
after(() => server?.stop());

function backendSuite(kind: 'sqlite' | 'postgres') {
  describe(`run store on ${kind}`, () => {
    let dir: string;
    let db: string;
    let store: RunStore;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), `alzbench-store-${kind}-`));
      if (kind === 'postgres') {
        if (!server) return;
        db = await server.createDatabase(`store_${Date.now()}`);
      } else {
        db = join(dir, 'alzbench.db');
      }
      store = await openStore(db);
    });
    after(async () => {
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const skipIfNoServer = () => (kind === 'postgres' && !server ? (pgSkip ?? true) : false);

    test('stores a whole run folder: record, config, epochs, test metrics with CIs, predictions, artifacts', { skip: skipIfNoServer() }, async () => {
      const runsDir = join(dir, 'runs');
      const paths = writeFixtureRun({ runsDir, id: 'r1-sgd', name: 'sgd 16', config: { optimizer: 'sgd', batchSize: 16, epochs: 3, seed: 1 } });
      await store.putRun(readRunFolder(paths.dir));
      const got = await store.getRun('r1-sgd');
      assert.ok(got);
      assert.equal(got.status, 'done');
      assert.equal(got.name, 'sgd 16');
      assert.equal(got.config.optimizer, 'sgd');
      assert.equal(got.config.batchSize, 16);
      assert.equal(got.datasetFingerprint?.slice(0, 8), 'f1x7ure0');
      assert.equal(got.codeVersion, 'fixture');
      assert.equal(got.device, 'cpu');
      assert.deepEqual(got.classes, ['Alzheimer', 'NonAlzheimer']);
      assert.equal(got.epochsDone, 3);
      const test = JSON.parse(readFileSync(paths.test, 'utf8'));
      assert.equal(got.testAccuracy, test.best.metrics.accuracy);
      assert.equal(got.testSensitivity, test.best.metrics.sensitivity);
      assert.deepEqual((got.test as { best: { ci: unknown } }).best.ci, test.best.ci);
      assert.ok(got.testAccuracy! > 0.7 && got.testAccuracy! < 1, `accuracy ${got.testAccuracy} follows skill ${fixtureSkill(got.config)}`);
      const epochs = await store.getEpochs('r1-sgd');
      assert.deepEqual(
        epochs.map((e) => e.epoch),
        [1, 2, 3],
      );
      const lines = readFileSync(paths.metrics, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(epochs[2]!.valAccuracy, lines[2].val.accuracy);
      assert.deepEqual(epochs[1]!.record, lines[1]);
      const predictions = await store.getPredictions('r1-sgd');
      assert.equal(predictions.length, 80);
      assert.equal(predictions[0]!.file, 'test/Alzheimer/slice-000.png');
      assert.equal(predictions[0]!.subject, 'sub-000');
      assert.equal(predictions[4]!.label, 1);
      assert.equal(predictions.filter((p) => p.predicted === p.label).length / 80, got.testAccuracy);
      const artifacts = await store.getArtifacts('r1-sgd');
      assert.deepEqual(
        artifacts.filter((a) => a.kind === 'checkpoint').map((a) => a.path),
        ['checkpoints/best.ckpt', 'checkpoints/last.ckpt'],
      );
      assert.equal(artifacts.find((a) => a.path === 'predictions.csv')?.bytes, readFileSync(paths.predictions).length);
      assert.equal(await store.getSplitManifest('r1-sgd'), readFileSync(paths.split, 'utf8'));
    });

    test('finds runs by id, id prefix or name; says when a reference is ambiguous or unknown', { skip: skipIfNoServer() }, async () => {
      const runsDir = join(dir, 'runs');
      await store.putRun(readRunFolder(writeFixtureRun({ runsDir, id: 'r2-adam', config: { optimizer: 'adam', batchSize: 25 } }).dir));
      assert.equal((await store.resolveRun('r1-s')).id, 'r1-sgd');
      assert.equal((await store.resolveRun('sgd 16')).id, 'r1-sgd');
      await assert.rejects(store.resolveRun('r'), /ambiguous: it matches r1-sgd \(sgd 16\), r2-adam|ambiguous: it matches r2-adam, r1-sgd/);
      await assert.rejects(store.resolveRun('nope'), /No run "nope"/);
      const collapsed = await store.getRun('r2-adam');
      assert.equal(collapsed?.status, 'collapsed');
      assert.match(collapsed?.reason ?? '', /one class/);
      assert.equal(collapsed?.testSpecificity, 0);
    });

    test('tags, names, filters; a re-stored folder keeps the name and tags given in the store', { skip: skipIfNoServer() }, async () => {
      await store.addTags('r1-sgd', ['baseline', 'study', 'baseline']);
      await store.addTags('r2-adam', ['study']);
      await store.updateRun('r1-sgd', { name: 'VGG-like SGD' });
      assert.deepEqual((await store.getRun('r1-sgd'))?.tags, ['baseline', 'study']);
      assert.deepEqual((await store.listRuns({ tag: 'study' })).map((r) => r.id).sort(), ['r1-sgd', 'r2-adam']);
      assert.deepEqual(
        (await store.listRuns({ tag: 'baseline' })).map((r) => r.id),
        ['r1-sgd'],
      );
      assert.deepEqual(
        (await store.listRuns({ status: ['collapsed'] })).map((r) => r.id),
        ['r2-adam'],
      );
      assert.deepEqual(
        (await store.listRuns({ ids: ['r2-adam'] })).map((r) => r.id),
        ['r2-adam'],
      );
      await syncRunFolder(store, join(dir, 'runs', 'r1-sgd'), { force: true });
      const again = await store.getRun('r1-sgd');
      assert.equal(again?.name, 'VGG-like SGD');
      assert.deepEqual(again?.tags, ['baseline', 'study']);
      await store.removeTags('r1-sgd', ['study']);
      assert.deepEqual((await store.getRun('r1-sgd'))?.tags, ['baseline']);
    });

    test('a killed run reads as failed and resumable; once resumed and finished it is re-stored as done', { skip: skipIfNoServer() }, async () => {
      const runsDir = join(dir, 'runs');
      const options = { runsDir, id: 'r3-killed', config: { optimizer: 'sgd', batchSize: 16, epochs: 4 } };
      const paths = writeFixtureRun({ ...options, haltAfterEpoch: 2 });
      // The process that "ran" it is gone: a pid that cannot exist.
      const record = JSON.parse(readFileSync(paths.record, 'utf8'));
      writeFileSync(paths.record, JSON.stringify({ ...record, pid: 2 ** 22 + 12345 }));
      const sync1 = await syncRunsDir(store, runsDir);
      assert.ok(sync1.stored.includes('r3-killed'));
      const killed = await store.getRun('r3-killed');
      assert.equal(killed?.status, 'failed');
      assert.match(killed?.reason ?? '', /ended while the run was running .*alzbench train --resume r3-killed/);
      assert.equal(killed?.epochsDone, 2);
      assert.equal((await store.getEpochs('r3-killed')).length, 2);
      assert.equal(killed?.test, null);
      // Nothing changed: a second sync reads nothing (folder stamps match).
      assert.deepEqual((await syncRunsDir(store, runsDir)).stored, []);
      rmSync(paths.dir, { recursive: true });
      writeFixtureRun(options);
      assert.deepEqual((await syncRunsDir(store, runsDir)).stored, ['r3-killed']);
      const done = await store.getRun('r3-killed');
      assert.equal(done?.status, 'done');
      assert.equal((await store.getEpochs('r3-killed')).length, 4);
    });

    test('a failed write leaves the stored run as it was (no half-written run)', { skip: skipIfNoServer() }, async () => {
      const before = readRunFolder(join(dir, 'runs', 'r1-sgd'));
      const broken = { ...before, status: 'failed' as const, epochs: before.epochs.slice(0, 1), predictions: [before.predictions[0]!, before.predictions[0]!] };
      await assert.rejects(store.putRun(broken));
      const after = await store.getRun('r1-sgd');
      assert.equal(after?.status, 'done');
      assert.equal((await store.getEpochs('r1-sgd')).length, 3);
      assert.equal((await store.getPredictions('r1-sgd')).length, 80);
      const fresh = { ...broken, id: 'r4-never' };
      await assert.rejects(store.putRun(fresh));
      assert.equal(await store.getRun('r4-never'), undefined);
      assert.equal((await store.getEpochs('r4-never')).length, 0);
    });

    test('sweeps: queued runs claimed once each in point order; compare-and-set updates', { skip: skipIfNoServer() }, async () => {
      const sweep = await store.putSweep({
        id: 'sw1',
        name: 'grid',
        scale: 'small',
        file: 'grid.yaml',
        spec: { axes: ['batchSize'] },
        createdAt: new Date().toISOString(),
      });
      assert.equal((await store.putSweep({ ...sweep, name: 'other' })).name, 'grid');
      assert.equal((await store.getSweep('grid'))?.id, 'sw1');
      await store.createRuns(
        [16, 25, 32].map((b, i) => ({
          id: `sw1-${i}`,
          name: null,
          sweepId: 'sw1',
          point: { batchSize: String(b) },
          pointIndex: i,
          config: { batchSize: b },
          model: 'simple_cnn',
          dir: null,
        })),
      );
      // Creating the same runs again changes nothing; the same point under a new id is refused.
      await store.createRuns([{ id: 'sw1-0', name: null, sweepId: 'sw1', point: { batchSize: '16' }, pointIndex: 0, config: {}, model: null, dir: null }]);
      await assert.rejects(
        store.createRuns([{ id: 'sw1-dup', name: null, sweepId: 'sw1', point: { batchSize: '16' }, pointIndex: 0, config: {}, model: null, dir: null }]),
      );
      assert.deepEqual(
        (await store.listRuns({ sweepId: 'sw1' })).map((r) => [r.id, r.status, r.point.batchSize]),
        [
          ['sw1-0', 'queued', '16'],
          ['sw1-1', 'queued', '25'],
          ['sw1-2', 'queued', '32'],
        ],
      );
      const first = await store.claimNextRun('sw1', 'host/1');
      assert.equal(first?.id, 'sw1-0');
      assert.equal(first?.status, 'running');
      assert.equal(first?.attempts, 1);
      assert.equal(first?.owner, 'host/1');
      assert.equal((await store.claimNextRun('sw1', 'host/2'))?.id, 'sw1-1');
      assert.equal(await store.updateRun('sw1-0', { status: 'queued', owner: null }, { status: ['running'], owner: 'host/2' }), false);
      assert.equal(await store.updateRun('sw1-0', { status: 'queued', owner: null }, { status: ['running'], owner: 'host/1' }), true);
      assert.equal((await store.claimNextRun('sw1', 'host/3'))?.attempts, 2);
      assert.equal((await store.claimNextRun('sw1', 'host/3'))?.id, 'sw1-2');
      assert.equal(await store.claimNextRun('sw1', 'host/3'), undefined);
    });

    test('deleting a run removes its rows and its folder', { skip: skipIfNoServer() }, async () => {
      const victim = await store.resolveRun('r2-adam');
      assert.ok(existsSync(victim.dir!));
      const { removedFolder } = await deleteRunWithArtifacts(store, victim);
      assert.equal(removedFolder, victim.dir);
      assert.equal(existsSync(victim.dir!), false);
      assert.equal(await store.getRun('r2-adam'), undefined);
      assert.equal((await store.getPredictions('r2-adam')).length, 0);
      assert.equal((await store.getArtifacts('r2-adam')).length, 0);
    });

    test('two writer processes at once lose no update and never claim the same run', { skip: skipIfNoServer() }, async () => {
      await store.putSweep({ id: 'sw2', name: 'race', scale: 'small', file: null, spec: {}, createdAt: new Date().toISOString() });
      const n = 60;
      await store.createRuns(
        Array.from({ length: n }, (_, i) => ({
          id: `race-${String(i).padStart(3, '0')}`,
          name: null,
          sweepId: 'sw2',
          point: { i: String(i) },
          pointIndex: i,
          config: {},
          model: null,
          dir: null,
        })),
      );
      await store.createRuns([{ id: 'shared', name: null, sweepId: null, point: {}, pointIndex: null, config: {}, model: null, dir: null }]);
      const count = 40;
      const startAt = Date.now() + 2000;
      const outputs = await Promise.all(
        [0, 1].map((w) => run(process.execPath, [WRITER, db, 'sw2', 'shared', String(w), String(count), String(startAt)], { timeout: 60_000 })),
      );
      const claimed = outputs.map((o) => (JSON.parse(o.stdout) as { claimed: string[] }).claimed);
      const all = [...claimed[0]!, ...claimed[1]!];
      assert.equal(all.length, n, `claims: ${claimed[0]!.length} + ${claimed[1]!.length}`);
      assert.equal(new Set(all).size, n, 'no run claimed twice');
      assert.ok(claimed[0]!.length > 0 && claimed[1]!.length > 0, 'both workers got runs');
      const runs = await store.listRuns({ sweepId: 'sw2' });
      assert.ok(runs.every((r) => r.status === 'running' && r.attempts === 1));
      const epochs = await store.getEpochs('shared');
      assert.deepEqual(
        epochs.map((e) => e.epoch),
        Array.from({ length: 2 * count }, (_, i) => i + 1),
      );
      assert.equal(epochs[0]!.record.val && (epochs[0]!.record.val as { accuracy: number }).accuracy, 0);
      assert.equal((await store.getRun('shared'))?.epochsDone, 2 * count);
      assert.equal((await store.getRun('shared'))?.tags.length, 2 * count);
    });

    test('epochs written while a run goes on are upserted by number', { skip: skipIfNoServer() }, async () => {
      await store.putEpochs('sw1-2', [epochFromRecord({ epoch: 1, val: { accuracy: 0.5 } }), epochFromRecord({ epoch: 2, val: { accuracy: 0.6 } })]);
      await store.putEpochs('sw1-2', [epochFromRecord({ epoch: 2, val: { accuracy: 0.7 } })]);
      assert.deepEqual(
        (await store.getEpochs('sw1-2')).map((e) => [e.epoch, e.valAccuracy]),
        [
          [1, 0.5],
          [2, 0.7],
        ],
      );
      assert.equal((await store.getRun('sw1-2'))?.epochsDone, 2);
    });
  });
}

backendSuite('sqlite');
backendSuite('postgres');
