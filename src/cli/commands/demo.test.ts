import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourcePath } from '../../testing/tensor-helpers.js';

// The CI job the issue asks for: `alzbench demo` at its smallest setting, end to end through the
// real launcher (synth data, audit, two sweeps with the real trainer, compare, HTML reports).
test('alzbench demo --smallest runs the whole path and a second run reuses everything', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'alzbench-demo-')), 'demo');
  const run = () =>
    JSON.parse(execFileSync(process.execPath, [sourcePath('bin/alzbench.js'), 'demo', '--smallest', '--dir', dir, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as {
      report: string;
      leakageReport: string;
      chains: { rows: { id: string; status: string }[] };
      leakage: { rows: { id: string; status: string }[] };
    };
  const first = run();
  assert.equal(first.chains.rows.length, 4, 'one row per preprocessing chain');
  assert.equal(first.leakage.rows.length, 2, 'slice-level and subject-grouped');
  for (const row of [...first.chains.rows, ...first.leakage.rows]) assert.ok(['done', 'collapsed'].includes(row.status), `${row.id}: ${row.status}`);
  assert.match(readFileSync(first.report, 'utf8'), /<h1>Comparison: sweep demo-chains-smallest<\/h1>/);
  assert.ok(existsSync(first.leakageReport));
  assert.ok(existsSync(join(dir, 'data', 'subjects.csv')) && existsSync(join(dir, 'data-pooled', 'subjects.csv')));
  const second = run();
  assert.deepEqual(second.chains.rows.map((r) => r.id), first.chains.rows.map((r) => r.id), 'the same runs, not new ones');
});
