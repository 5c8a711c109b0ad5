// experiments/slices-vs-volumes.yaml parses at each of its scales into a slice arm and a volume arm
// on the same data, task and seeds, and every point passes the trainer's own input checks (a
// volume point has no slice-only setting), so `alzbench sweep` and `alzbench demo` can run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readSweepFile } from './spec.js';
import { resolveConfig } from '../train/config.js';
import { checkVolumeSettings } from '../train/volume-settings.js';

const FILE = fileURLToPath(new URL('../../experiments/slices-vs-volumes.yaml', import.meta.url));

test('experiments/slices-vs-volumes.yaml: a slice and a volume arm on the same people, seeds and task at every scale', () => {
  for (const [scale, seeds] of [
    ['full', ['1', '2', '3']],
    ['demo', null],
    ['smallest', null],
  ] as const) {
    const spec = readSweepFile(FILE, { scale });
    assert.equal(spec.name, scale === 'full' ? 'slices-vs-volumes' : `slices-vs-volumes-${scale}`);
    assert.deepEqual(spec.axes, seeds ? ['sample', 'seed'] : ['sample'], scale);
    assert.equal(spec.points.length, 2 * (seeds?.length ?? 1), scale);
    const arms = { slice: spec.points.filter((p) => p.point.sample === 'slice'), volume: spec.points.filter((p) => p.point.sample === 'volume') };
    if (seeds)
      assert.deepEqual(
        arms.volume.map((p) => p.point.seed),
        [...seeds],
      );
    for (const [arm, points] of Object.entries(arms)) {
      for (const p of points) {
        const config = checkVolumeSettings(p.settings, resolveConfig(p.settings));
        assert.equal(config.input, arm, `${scale} ${arm}`);
        assert.equal(config.task, 'map:NonDemented=CN,MildDemented=AD,ModerateDemented=AD');
        assert.equal(config.folds, 0, 'the held-out people come from participants.tsv, the same for both arms');
        assert.equal(config.model, arm === 'slice' ? 'simple_cnn' : 'simple_cnn_3d');
      }
    }
    // Same data set and training budget for both arms.
    assert.equal(arms.slice[0]!.settings.data, arms.volume[0]!.settings.data);
    assert.equal(arms.slice[0]!.settings.epochs, arms.volume[0]!.settings.epochs);
  }
  assert.equal(readSweepFile(FILE, { scale: 'demo', overrides: { data: '/x' } }).points[1]!.settings.data, '/x');
});
