// Comparison tables and report pieces from fixture runs: differing parameters only, CIs, McNemar
// against a chosen baseline, Holm adjustment, ROC points, self-contained HTML.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/open-store.js';
import { readRunFolder } from '../store/read-run-folder.js';
import { writeFixtureRun } from '../testing/fixture-run.js';
import { mcnemarFromCorrectness } from '../eval/mcnemar.js';
import { compareRuns, holm } from './compare.js';
import { toCsv, toHtml, toMarkdown } from './format.js';
import { rocPoints } from './svg.js';

test('holm adjusts p-values step-down and keeps their order', () => {
  assert.deepEqual(
    holm([0.01, 0.04, 0.03]).map((p) => Number(p.toFixed(6))),
    [0.03, 0.06, 0.06],
  );
  assert.deepEqual(holm([0.5]), [0.5]);
  assert.deepEqual(holm([0.9, 0.8]), [1, 1]);
  assert.deepEqual(holm([0.2, 0.01]), [0.2, 0.02]);
});

test('ROC points step through distinct thresholds from (0,0) to (1,1)', () => {
  assert.deepEqual(rocPoints([0.9, 0.8, 0.7, 0.1], [true, false, true, false]), [
    [0, 0],
    [0, 0.5],
    [0.5, 0.5],
    [0.5, 1],
    [1, 1],
  ]);
  assert.deepEqual(rocPoints([0.5, 0.5], [true, false]), [
    [0, 0],
    [1, 1],
  ]);
});

test('compare: only differing settings as columns, CIs, McNemar vs the baseline, honest notes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-report-'));
  const store = await openStore(join(dir, 'db.sqlite'));
  try {
    const runsDir = join(dir, 'runs');
    const make = (id: string, config: Record<string, unknown>) =>
      store.putRun(readRunFolder(writeFixtureRun({ runsDir, id, config: { epochs: 3, pipeline: 'grayscale', dropout: 0, ...config } }).dir));
    await make('a-sgd16', { optimizer: 'sgd', batchSize: 16 });
    await make('b-adam16', { optimizer: 'adam', batchSize: 16 });
    await make('c-adam25', { optimizer: 'adam', batchSize: 25 });
    const c = await compareRuns(store, ['a-sgd16', 'b-adam16', 'c-adam25'], { baseline: 'b-adam16' });
    assert.deepEqual(c.columns, ['batchSize', 'optimizer']);
    assert.equal(c.baseline, 'b-adam16');
    const [a, b, cc] = c.rows;
    assert.deepEqual(a!.params, { batchSize: '16', optimizer: 'sgd' });
    assert.equal(b!.mcnemar, null);
    assert.equal(b!.verdict, 'baseline');
    // The McNemar numbers are those of the two runs' stored predictions.
    const pa = await store.getPredictions('a-sgd16');
    const pb = await store.getPredictions('b-adam16');
    const expected = mcnemarFromCorrectness(
      pa.map((p) => p.predicted === p.label),
      pb.map((p) => p.predicted === p.label),
    );
    assert.equal(a!.mcnemar!.pValue, expected.pValue);
    assert.equal(a!.mcnemar!.onlyThis, expected.table.onlyA);
    assert.equal(a!.mcnemar!.pHolm, holm([a!.mcnemar!.pValue, cc!.mcnemar!.pValue])[0]);
    assert.ok(a!.best.accuracy! > b!.best.accuracy!);
    assert.ok(a!.ci!.accuracy!.low! <= a!.best.accuracy! && a!.best.accuracy! <= a!.ci!.accuracy!.high!);
    assert.deepEqual(cc!.flags, ['collapsed']);
    assert.match(cc!.verdict, /collapsed to one class/);
    assert.ok(c.notes.some((n) => /percentile bootstrap over test subjects \(200 resamples\)/.test(n)));
    assert.ok(c.notes.some((n) => /1 run\(s\) collapsed/.test(n)));
    const md = toMarkdown(c);
    assert.equal(md.split('\n').filter((l) => /^\| [abc]-/.test(l)).length, 3);
    assert.match(md, /\| run \| batchSize \| optimizer \| status \| sens per slice \[95 % CI\]/);
    assert.match(
      md,
      /\| subjects \| sens per subject \[95 % CI\] \| spec per subject \[95 % CI\] \| bal\. acc per subject \[95 % CI\] \| AUC per subject \[95 % CI\] \|/,
    );
    // 80 test slices, 4 per subject: 20 subjects, each counted once.
    assert.equal(a!.subject!.subjects, 20);
    assert.equal(a!.subject!.ci!.balancedAccuracy!.value, a!.subject!.balancedAccuracy);
    assert.ok(c.notes.some((n) => /"per subject": each test subject counts once/.test(n)));
    const csv = toCsv(c).trim().split('\n');
    assert.equal(csv.length, 4);
    assert.deepEqual(csv[0]!.split(',').slice(0, 6), ['run', 'name', 'batchSize', 'optimizer', 'status', 'flags']);
    const html = toHtml(c);
    assert.equal((html.match(/<svg /g) ?? []).length, 3 + 1 + 3, 'three learning-curve charts, one ROC chart, three confusion matrices');
    assert.ok(!/<script|https?:\/\/(?!www\.w3\.org)/.test(html), 'self-contained: no scripts, no external URLs');
    await assert.rejects(compareRuns(store, ['a-sgd16'], { baseline: 'c-adam25' }), /not among the compared runs/);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
