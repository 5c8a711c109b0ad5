// The slices-vs-volumes table takes each figure from the right place: row 1 a slice run's own
// (per-slice) metrics, row 2 its subject-level pooled metrics, row 3 a volume run's own metrics;
// CIs from the lowest seed, mean ± SD over seeds, run time from start to finish.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredRun } from '../store/types.js';
import { slicesVsVolumesMarkdown, slicesVsVolumesTable } from './slices-vs-volumes.js';

const ci = (value: number) => ({ value, low: value - 0.1, high: Math.min(1, value + 0.1) });

function run(id: string, input: 'slice' | 'volume', seed: number, perSample: number, perSubject: number, seconds: number, status = 'done'): StoredRun {
  const best = {
    epoch: 3,
    collapsed: status === 'collapsed',
    metrics: { balancedAccuracy: perSample, auc: perSample + 0.05 },
    ci: { balancedAccuracy: ci(perSample), auc: ci(perSample + 0.05), unit: 'subject' },
    subject: {
      rule: 'mean',
      subjects: 29,
      metrics: { balancedAccuracy: perSubject, auc: perSubject + 0.05 },
      ci: { balancedAccuracy: ci(perSubject), auc: ci(perSubject + 0.05) },
    },
  };
  const base: Record<string, unknown> = {
    id,
    name: null,
    status,
    sweepId: 's',
    point: { sample: input, seed: String(seed) },
    config: { input, seed },
    model: input === 'slice' ? 'simple_cnn' : 'simple_cnn_3d',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: new Date(Date.parse('2026-01-01T00:00:00.000Z') + seconds * 1000).toISOString(),
    test: { samples: input === 'slice' ? 290 : 29, best },
  };
  return base as unknown as StoredRun;
}

test('three rows: slice per slice, slice pooled per subject, 3-D per subject, from the right fields', () => {
  const runs = [
    run('s2', 'slice', 2, 0.7, 0.8, 60),
    run('s1', 'slice', 1, 0.6, 0.75, 40),
    run('v1', 'volume', 1, 0.85, 0.85, 200),
    run('v2', 'volume', 2, 0.65, 0.65, 100, 'collapsed'),
    { ...run('x', 'volume', 3, 0, 0, 1, 'failed'), test: null } as StoredRun,
  ];
  const table = slicesVsVolumesTable(runs);
  assert.deepEqual(
    table.rows.map((r) => [r.label, r.unit, r.input, r.runs, r.collapsed, r.seed, r.samples, r.subjects]),
    [
      ['2-D simple_cnn, per slice', 'slice', 'slice', 2, 0, 1, 290, 29],
      ['2-D simple_cnn, per subject (mean of slice probabilities)', 'subject', 'slice', 2, 0, 1, 290, 29],
      ['3-D simple_cnn_3d, per subject (whole volumes)', 'subject', 'volume', 2, 1, 1, 29, 29],
    ],
  );
  const [perSlice, perSubject, volume] = table.rows;
  // The lowest seed's value and CI; mean ± SD over the seeds.
  assert.deepEqual(perSlice!.balancedAccuracy, ci(0.6));
  assert.deepEqual(perSubject!.balancedAccuracy, ci(0.75));
  assert.deepEqual(volume!.auc, ci(0.9));
  assert.ok(Math.abs(perSlice!.overRuns.balancedAccuracy.mean - 0.65) < 1e-12);
  assert.ok(Math.abs(perSubject!.overRuns.balancedAccuracy.mean - 0.775) < 1e-12);
  assert.ok(Math.abs(volume!.overRuns.balancedAccuracy.sd - Math.SQRT2 * 0.1) < 1e-12);
  assert.equal(perSlice!.seconds, 50);
  assert.equal(volume!.seconds, 150);
  assert.deepEqual(table.notes.slice(2), [
    '1 run(s) without a test result left out.',
    '1 run(s) flagged collapsed (one class for >= 95 % of test samples): their figures say little.',
  ]);
  const md = slicesVsVolumesMarkdown(table).split('\n');
  assert.equal(md.filter((l) => /^\| [23]-D /.test(l)).length, 3);
  assert.equal(md[2], '| 2-D simple_cnn, per slice | 0.600 [0.500, 0.700] | 0.650 [0.550, 0.750] | 0.650 ± 0.071 | 0.700 ± 0.071 | 2 | 29 | 290 slices | 50 |');
  assert.match(
    md[4]!,
    /^\| 3-D simple_cnn_3d, per subject \(whole volumes\) \| 0\.850 \[0\.750, 0\.950\] .* \| 2 \(1 collapsed\) \| 29 \| 29 volumes \| 150 \|$/,
  );
  assert.throws(
    () => slicesVsVolumesTable(runs.filter((r) => r.config.input === 'slice')),
    /expected tested slice and volume runs but found 2 slice and 0 volume run\(s\)/,
  );
});
