import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourcePath } from '../../testing/tensor-helpers.js';

interface Row {
  id: string;
  status: string;
  flags: string[];
  subject: { subjects: number; balancedAccuracy: number } | null;
}
interface Group {
  params: Record<string, string>;
  runs: number;
  perSlice: { balancedAccuracy: { mean: number; sd: number; n: number } };
  perSubject: { balancedAccuracy: { mean: number; n: number } } | null;
  paired: { pValue: number } | null;
}

// The CI job the issue asks for: `alzbench demo` at its smallest setting, end to end through the
// real launcher (synth data, audit, two sweeps with the real trainer, compare, HTML reports).
test('alzbench demo --smallest runs the whole path and a second run reuses everything', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'alzbench-demo-')), 'demo');
  const run = () =>
    JSON.parse(
      execFileSync(process.execPath, [sourcePath('bin/alzbench.js'), 'demo', '--smallest', '--dir', dir, '--json'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as {
      report: string;
      leakageReport: string;
      chains: { rows: Row[] };
      leakage: { rows: Row[]; groups: Group[] | null };
      volumes: {
        rows: {
          label: string;
          unit: string;
          input: string;
          runs: number;
          subjects: number | null;
          samples: number | null;
          balancedAccuracy: { value: number; low: number; high: number } | null;
        }[];
      };
    };
  const first = run();
  assert.equal(first.chains.rows.length, 4, 'one row per preprocessing chain');
  assert.equal(first.leakage.rows.length, 2 * 3, 'slice-level and subject-grouped, 3 folds each');
  // Every run trained for real: a collapsed model (one class for >= 95 % of test slices) fails the demo.
  for (const row of [...first.chains.rows, ...first.leakage.rows]) {
    assert.equal(row.status, 'done', `${row.id}: ${row.status}`);
    assert.deepEqual(row.flags, [], `${row.id}: flags`);
    assert.ok(row.subject && row.subject.subjects > 0, `${row.id}: subject-level figures`);
  }
  // The point of the demo: slices of one person on both sides of the split inflate the score.
  const arm = (label: string) => first.leakage.groups!.find((g) => g.params.split === label)!;
  const leaky = arm('slice-level');
  const honest = arm('subject-grouped');
  assert.equal(leaky.runs, 3);
  assert.equal(honest.perSlice.balancedAccuracy.n, 3, 'spread over 3 folds');
  assert.ok(Number.isFinite(honest.perSlice.balancedAccuracy.sd));
  assert.ok(
    leaky.perSlice.balancedAccuracy.mean > honest.perSlice.balancedAccuracy.mean,
    `leaky split ${leaky.perSlice.balancedAccuracy.mean.toFixed(3)} must score above the subject-grouped ${honest.perSlice.balancedAccuracy.mean.toFixed(3)}`,
  );
  assert.ok((leaky.paired ?? honest.paired) !== null, 'the two arms are paired fold by fold');
  assert.match(readFileSync(first.report, 'utf8'), /<h1>Comparison: sweep demo-chains-smallest<\/h1>/);
  assert.match(readFileSync(first.leakageReport, 'utf8'), /<h2>Configurations over folds and seeds<\/h2>/);
  assert.ok(existsSync(first.leakageReport));
  assert.ok(existsSync(join(dir, 'data', 'subjects.csv')) && existsSync(join(dir, 'data-pooled', 'subjects.csv')));
  // Part 4: slices vs whole volumes on the same generated people, three rows with subject-bootstrap CIs.
  assert.deepEqual(
    first.volumes.rows.map((r) => [r.label, r.input, r.unit, r.runs]),
    [
      ['2-D simple_cnn, per slice', 'slice', 'slice', 1],
      ['2-D simple_cnn, per subject (mean of slice probabilities)', 'slice', 'subject', 1],
      ['3-D simple_cnn_3d, per subject (whole volumes)', 'volume', 'subject', 1],
    ],
  );
  const [perSlice, perSubject, volume] = first.volumes.rows;
  assert.equal(perSubject!.subjects, volume!.subjects, 'the same held-out people on both paths');
  assert.equal(volume!.samples, volume!.subjects, 'one volume per person');
  assert.ok(perSlice!.samples! > perSlice!.subjects!, 'several slices per person');
  for (const r of first.volumes.rows)
    assert.ok(r.balancedAccuracy && r.balancedAccuracy.low <= r.balancedAccuracy.value && r.balancedAccuracy.value <= r.balancedAccuracy.high, r.label);
  assert.ok(existsSync(join(dir, 'volumes', 'participants.tsv')));
  const second = run();
  assert.deepEqual(
    second.chains.rows.map((r) => r.id),
    first.chains.rows.map((r) => r.id),
    'the same runs, not new ones',
  );
});
