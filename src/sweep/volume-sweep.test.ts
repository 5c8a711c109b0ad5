// A sweep of two tiny volume runs (input: volume in the sweep file) trains both with the real
// trainer in worker processes and stores them as volume runs; slice settings in a volume sweep
// fail when the file is read, before any run, naming the file and the point.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateVolumes } from '../data/synth/generate-volumes.js';
import { loadTemplate } from '../data/synth/template.js';
import { tempDir } from '../testing/data-helpers.js';
import { openStore } from '../store/open-store.js';
import { readSweepFile } from './spec.js';
import { runSweep } from './run-sweep.js';

let dir = '';
before(async () => {
  dir = await tempDir('alzbench-volume-sweep-');
  await generateVolumes({
    out: join(dir, 'vols'),
    subjects: 10,
    seed: 4,
    depth: 16,
    downsample: 4,
    stageWeights: [1, 0, 0, 1],
    testFraction: 0.3,
    template: loadTemplate(),
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const sweep = (extra = '') => `
name: tiny-volumes
base: {data: ${JSON.stringify(join(dir, 'vols'))}, input: volume, task: binary, model: simple_cnn_3d, widths: [4, 8], volumeShape: 32x40x16, epochs: 1, batchSize: 4, bootstrap: 0, camSamples: 0${extra}}
grid:
  seed: [0, 1]
`;

test('a sweep with input: volume trains two volume runs in worker processes', async () => {
  const file = join(dir, 'sweep.yaml');
  writeFileSync(file, sweep());
  const store = await openStore(join(dir, 'runs.db'));
  try {
    const summary = await runSweep(store, readSweepFile(file), { workers: 1, runsDir: join(dir, 'runs'), pollMs: 200 });
    assert.equal(summary.runs, 2);
    assert.equal((summary.statuses.done ?? 0) + (summary.statuses.collapsed ?? 0), 2, JSON.stringify(summary.attempts));
    const runs = await store.listRuns({ sweepId: 'tiny-volumes' });
    assert.deepEqual(
      runs.map((r) => [r.point.seed, r.config.input, r.config.volumeShape, r.config.seed]),
      [
        ['0', 'volume', '32x40x16', 0],
        ['1', 'volume', '32x40x16', 1],
      ],
    );
    for (const r of runs) {
      const record = JSON.parse(readFileSync(join(r.dir!, 'run.json'), 'utf8'));
      assert.equal(record.input, 'volume');
      assert.equal(record.dataset.layout, 'bids-volumes');
      assert.equal((await store.getEpochs(r.id)).length, 1);
      assert.equal((await store.getPredictions(r.id)).length, 4, 'one prediction per held-out session');
    }
  } finally {
    await store.close();
  }
  writeFileSync(file, sweep(', pipeline: grayscale'));
  assert.throws(() => readSweepFile(file), { message: `Point seed=0: --pipeline is a slice setting; --input volume does not take it in ${file}` });
});
