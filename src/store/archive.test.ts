// Run cards: export a stored run to one archive, import it into another store and folder, and get
// the same rows and files back; damaged or clashing archives are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportRun, importRun } from './archive.js';
import { writeFixtureRun } from '../testing/fixture-run.js';
import { openStore } from './open-store.js';
import { readRunFolder } from './read-run-folder.js';

test('export then import round-trips rows and files into another store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-archive-'));
  const a = await openStore(join(dir, 'a.db'));
  const b = await openStore(join(dir, 'b.db'));
  try {
    const paths = writeFixtureRun({
      runsDir: join(dir, 'runs-a'),
      id: 'card-run',
      name: 'shared result',
      config: { optimizer: 'sgd', batchSize: 16, epochs: 2 },
    });
    await a.putRun(readRunFolder(paths.dir));
    await a.addTags('card-run', ['paper', 'table-1']);
    const { path, card } = await exportRun(a, 'card-run', { out: join(dir, 'out', 'card.alzrun.tar.gz'), renderHtml: (c) => `<html>${c.run.id}</html>` });
    assert.ok(existsSync(path));
    assert.equal(card.predictions.length, 80);
    // Any tar opens it: card.json, card.html and the run folder's files.
    const listing = execFileSync('tar', ['tzf', path], { encoding: 'utf8' }).split('\n');
    for (const entry of [
      'card-run/card.json',
      'card-run/card.html',
      'card-run/files/run.json',
      'card-run/files/checkpoints/best.ckpt',
      'card-run/files/predictions.csv',
    ]) {
      assert.ok(listing.includes(entry), `${entry} in ${listing.join(' ')}`);
    }
    const imported = await importRun(b, path, { runsDir: join(dir, 'runs-b') });
    const original = (await a.getRun('card-run'))!;
    const strip = (r: typeof original) => ({ ...r, dir: null, owner: null, pid: null, heartbeatAt: null, updatedAt: null });
    assert.deepEqual(strip(imported), strip(original));
    assert.equal(imported.dir, join(dir, 'runs-b', 'card-run'));
    assert.deepEqual(imported.tags, ['paper', 'table-1']);
    assert.deepEqual(await b.getEpochs('card-run'), await a.getEpochs('card-run'));
    assert.deepEqual(await b.getPredictions('card-run'), await a.getPredictions('card-run'));
    assert.equal(await b.getSplitManifest('card-run'), await a.getSplitManifest('card-run'));
    assert.deepEqual(readFileSync(join(imported.dir!, 'test.json')), readFileSync(paths.test));
    assert.deepEqual(
      (await b.getArtifacts('card-run')).map((x) => x.path),
      (await a.getArtifacts('card-run')).map((x) => x.path),
    );

    await assert.rejects(importRun(b, path, { runsDir: join(dir, 'runs-b') }), /already exists in the store/);
    assert.equal((await importRun(b, path, { runsDir: join(dir, 'runs-b'), replace: true })).id, 'card-run');

    const small = await exportRun(a, 'card-run', { out: join(dir, 'small.tar.gz'), withoutCheckpoints: true });
    assert.ok(!small.card.files.some((f) => f.path.startsWith('checkpoints/')));
    const damaged = join(dir, 'damaged');
    execFileSync('mkdir', ['-p', damaged]);
    execFileSync('tar', ['xzf', small.path, '-C', damaged]);
    writeFileSync(join(damaged, 'card-run', 'files', 'test.json'), '{}');
    execFileSync('tar', ['czf', join(dir, 'damaged.tar.gz'), '-C', damaged, 'card-run']);
    await assert.rejects(importRun(b, join(dir, 'damaged.tar.gz'), { runsDir: join(dir, 'runs-c'), replace: true }), /test.json is missing or damaged/);
    // card.json edited after export: its schema names the field before anything is written.
    execFileSync('tar', ['xzf', small.path, '-C', damaged]);
    const cardPath = join(damaged, 'card-run', 'card.json');
    const saved = JSON.parse(readFileSync(cardPath, 'utf8'));
    writeFileSync(cardPath, JSON.stringify({ ...saved, run: { ...saved.run, test: { ...saved.run.test, best: { ...saved.run.test.best, epoch: '2' } } } }));
    execFileSync('tar', ['czf', join(dir, 'edited.tar.gz'), '-C', damaged, 'card-run']);
    await assert.rejects(importRun(b, join(dir, 'edited.tar.gz'), { runsDir: join(dir, 'runs-d'), replace: true }), (error: Error & { hint?: string }) => {
      assert.equal(error.message, 'Expected positive integer for run.test.best.epoch in edited.tar.gz: card.json but received "2" of type string');
      assert.equal(error.hint, 'card.json is written by alzbench runs export; the archive was edited or damaged: export the run again');
      return true;
    });
    assert.equal(existsSync(join(dir, 'runs-d', 'card-run')), false, 'nothing written');
    writeFileSync(join(dir, 'junk.tar.gz'), 'not an archive');
    await assert.rejects(importRun(b, join(dir, 'junk.tar.gz')), /Cannot read .* as a run card archive|not a run card archive/);
  } finally {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
