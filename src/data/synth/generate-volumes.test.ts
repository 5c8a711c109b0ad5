import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { synthCommand } from '../../cli/commands/synth.js';
import { readVolume } from '../volume/read-volume.js';
import { assignSplits, assignStages } from './generate.js';
import { generateVolumes } from './generate-volumes.js';
import { drawSubject } from './subject.js';
import { loadTemplate, type Template } from './template.js';
import { renderVolume } from './volume.js';
import { STAGES } from './atrophy.js';

let template: Template;
let root: string;
before(() => {
  template = loadTemplate();
  root = mkdtempSync(join(tmpdir(), 'alzbench-synth-volumes-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

test("generateVolumes writes one RAS+ NIfTI volume per person (BIDS) that the volume reader reads back exactly, with the slice data set's people", async () => {
  const out = join(root, 'v1');
  const summary = await generateVolumes({ out, subjects: 5, seed: 3, depth: 6, downsample: 8, template });
  assert.deepEqual(summary.shape, [22, 26, 6]);
  const stages = assignStages(3, 5, [4, 3, 2, 1]);
  const splits = assignSplits(3, stages, 0.2);
  const tsv = readFileSync(join(out, 'participants.tsv'), 'utf8').trim().split('\n');
  assert.equal(tsv[0], 'participant_id\tgroup\tsplit');
  assert.deepEqual(
    tsv.slice(1),
    stages.map((s, i) => `sub-${String(i + 1).padStart(4, '0')}\t${STAGES[s]}\t${splits[i]}`),
  );
  const volume = await readVolume(join(out, 'sub-0002/anat/sub-0002_T1w.nii.gz'));
  const expected = renderVolume(template, drawSubject(3, 1, stages[1]!, template, { count: 6, zRange: [-32, 50] }), { downsample: 8, zStepMm: 82 / 5 });
  assert.deepEqual(volume.shape, expected.shape);
  assert.equal(volume.sourceAxcodes, 'RAS');
  assert.deepEqual(
    volume.affine.map((v) => Math.round(v * 1e4) / 1e4),
    expected.affine.map((v) => Math.round(Math.fround(v) * 1e4) / 1e4),
  );
  assert.deepEqual([...volume.data], [...expected.data]);
  assert.ok(
    volume.data.some((v) => v > 50),
    'a brain, not an empty volume',
  );
});

test('alzbench synth --volumes: flags, a non-empty folder refused, --downsample only with --volumes', async () => {
  const out = join(root, 'v2');
  assert.equal(await synthCommand.run(['--out', out, '--volumes', '--subjects', '2', '--slices', '4', '--downsample', '16', '--json']), 0);
  assert.deepEqual(readFileSync(join(out, 'participants.tsv'), 'utf8').trim().split('\n').length, 3);
  await assert.rejects(synthCommand.run(['--out', out, '--volumes', '--subjects', '2']), /output folder .* is not empty/);
  await assert.rejects(
    synthCommand.run(['--out', join(root, 'v3'), '--downsample', '2']),
    /Expected no --downsample without --volumes for --downsample but received "2"/,
  );
  await assert.rejects(
    synthCommand.run(['--out', join(root, 'v4'), '--volumes', '--downsample', '3']),
    /Expected 1, 2, 4, 8 or 16 for downsample but received 3/,
  );
});
