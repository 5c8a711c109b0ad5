// End to end with the real trainer: the small variant of the study's VGG19 grid (16 runs of the
// small CNN on generated slices) through `alzbench sweep`, then `alzbench compare` has one row per
// grid point with CIs; `runs`, `show`, export and import work on its runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'alzbench.js');

function alzbench(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ALZBENCH_SWEEP_TRAINER: '' } });
  assert.equal(result.status, 0, `alzbench ${args.join(' ')}:\n${result.stderr}`);
  return result.stdout;
}

test('the small VGG19 grid runs with the real trainer; compare has one row per grid point with CIs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alzbench-experiments-'));
  try {
    alzbench(['synth', '--out', 'demo-data', '--subjects', '16', '--slices', '4'], dir);
    const started = performance.now();
    const summary = JSON.parse(alzbench(['sweep', join(ROOT, 'experiments', 'vgg19-grid.yaml'), '--scale', 'small', '--workers', '2', '--json'], dir));
    const seconds = (performance.now() - started) / 1000;
    assert.equal(summary.sweep, 'vgg19-grid-small');
    assert.equal(summary.runs, 16);
    assert.equal((summary.statuses.done ?? 0) + (summary.statuses.collapsed ?? 0), 16, JSON.stringify(summary.statuses));
    assert.equal(summary.attempts.length, 16);
    process.stderr.write(`small VGG19 grid: 16 runs in ${seconds.toFixed(1)} s with 2 workers\n`);

    const comparison = JSON.parse(alzbench(['compare', 'vgg19-grid-small', '--format', 'json'], dir));
    assert.deepEqual(comparison.columns, ['invert', 'dropout', 'batchSize', 'optimizer']);
    assert.equal(comparison.rows.length, 16);
    const points = new Set(comparison.rows.map((r: { params: Record<string, string> }) => Object.values(r.params).join('/')));
    assert.equal(points.size, 16, 'one row per grid point');
    for (const row of comparison.rows) {
      for (const key of ['accuracy', 'sensitivity', 'specificity', 'balancedAccuracy']) {
        const ci = row.ci[key];
        assert.ok(
          Number.isFinite(ci.low) && Number.isFinite(ci.high) && ci.low <= row.best[key] + 1e-12 && row.best[key] <= ci.high + 1e-12,
          `${row.id} ${key} ${JSON.stringify(ci)}`,
        );
      }
      assert.ok(row.best.epoch >= 1 && row.best.epoch <= 2);
      assert.equal(row.last.epoch, 2);
      assert.ok(row.secondsPerEpoch > 0);
    }
    assert.ok(comparison.baseline);
    assert.equal(comparison.rows.filter((r: { mcnemar: unknown }) => r.mcnemar !== null).length, 15, 'every other run is tested against the baseline');
    const md = alzbench(['compare', 'vgg19-grid-small'], dir);
    assert.equal(md.split('\n').filter((l) => l.startsWith('| vgg19-grid-small-')).length, 16);
    alzbench(['compare', 'vgg19-grid-small', '--format', 'html', '--out', 'report.html'], dir);
    assert.ok(existsSync(join(dir, 'report.html')));

    const listed = JSON.parse(alzbench(['runs', '--json', '--sweep', 'vgg19-grid-small'], dir));
    assert.equal(listed.runs.length, 16);
    const first = listed.runs.find(
      (r: { point: { invert: string; dropout: string; batchSize: string; optimizer: string } }) =>
        r.point.invert === 'T' && r.point.dropout === 'T' && r.point.batchSize === '16' && r.point.optimizer === 'sgd',
    );
    assert.equal(first.config.pipeline, 'grayscale|open(k=5,shape=rect,iter=1)|clahe(clip=2,tile=7)|invert');
    assert.equal(first.config.dropout, 0.5);
    assert.equal(first.config.model, 'simple_cnn');
    assert.match(first.datasetFingerprint, /^[0-9a-f]{64}$/);
    const shown = JSON.parse(alzbench(['show', first.id, '--json'], dir));
    assert.equal(shown.epochs.length, 2);
    assert.ok(shown.artifacts.some((a: { path: string }) => a.path === 'checkpoints/best.ckpt'));
    assert.match(
      alzbench(['show', first.id], dir),
      /test per slice \(best epoch \d, 95 % CI by subject[\s\S]*test per subject \(\d+ subjects, mean of slice probabilities/,
    );

    const exported = JSON.parse(alzbench(['runs', 'export', first.id, '--out', 'card.tar.gz', '--json'], dir));
    assert.ok(exported.files >= 8);
    alzbench(['runs', 'import', 'card.tar.gz', '--db', 'other.db', '--runs-dir', 'imported', '--json'], dir);
    const imported = JSON.parse(alzbench(['show', first.id, '--json', '--db', 'other.db', '--runs-dir', 'imported'], dir));
    assert.deepEqual(imported.run.test, shown.run.test);
    assert.deepEqual(imported.epochs, shown.epochs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
