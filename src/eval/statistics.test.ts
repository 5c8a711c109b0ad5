import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../testing/tensor-helpers.js';
import { bootstrapMetrics } from './bootstrap.js';
import { quantile } from '../util/quantile.js';
import { erfc, mcnemar, mcnemarFromCorrectness } from './mcnemar.js';

interface McCase {
  table: { bothRight: number; onlyA: number; onlyB: number; bothWrong: number };
  expected: { statistic: number; pValueChiSquare: number; pValueExact: number };
}
const fixture = readFixture<{ mcnemar: McCase[] }>('src/eval/fixtures/metrics.json');
const rel = (a: number, b: number, tol: number, label: string) => assert.ok(Math.abs(a - b) <= tol * Math.abs(b), `${label}: ${a} vs ${b}`);

test('McNemar on known tables equals the reference (corrected chi-square and exact binomial)', () => {
  for (const { table, expected } of fixture.mcnemar) {
    const r = mcnemar(table);
    rel(r.statistic, expected.statistic, 1e-12, 'statistic');
    rel(r.pValueChiSquare, expected.pValueChiSquare, 1e-9, 'chi-square p');
    rel(r.pValueExact, expected.pValueExact, 1e-9, 'exact p');
    assert.equal(r.method, table.onlyA + table.onlyB < 25 ? 'exact' : 'chi-square');
  }
  // 121 vs 59 discordant pairs: (|121 - 59| - 1)^2 / 180 = 20.672
  assert.equal(mcnemar({ bothRight: 101, onlyA: 121, onlyB: 59, bothWrong: 33 }).statistic.toFixed(3), '20.672');
  assert.equal(mcnemar({ bothRight: 5, onlyA: 0, onlyB: 0, bothWrong: 1 }).pValue, 1);
  const fromVectors = mcnemarFromCorrectness([true, true, false, false, true], [true, false, true, false, false]);
  assert.deepEqual(fromVectors.table, { bothRight: 1, onlyA: 2, onlyB: 1, bothWrong: 1 });
});

test('erfc matches known values', () => {
  rel(erfc(0.5), 0.4795001221869535, 1e-13, 'erfc(0.5)');
  rel(erfc(3), 2.209049699858544e-5, 1e-12, 'erfc(3)');
  rel(erfc(1.96 / Math.SQRT2), 0.04999579029644097, 1e-12, 'two-sided 1.96');
});

test('percentile interpolates linearly like numpy', () => {
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5], 0.025), 1.1);
});

function sample(n: number, accuracy: number, seed: number) {
  // Deterministic labels/probabilities with an exact share of correct predictions.
  const labels: number[] = [];
  const probs: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const label = i % 2;
    const correct = i < accuracy * n;
    const p0 = 0.5 + (s / 2147483648) * 0.5;
    labels.push(label);
    const pLabel = correct ? p0 : 1 - p0;
    probs.push(...(label === 0 ? [pLabel, 1 - pLabel] : [1 - pLabel, pLabel]));
  }
  return { labels, probs };
}

test('bootstrap CIs: fixed seed gives fixed intervals, near the normal approximation', () => {
  const classes = ['Alzheimer', 'NonAlzheimer'];
  const { labels, probs } = sample(400, 0.8, 3);
  const a = bootstrapMetrics(labels, probs, classes, { seed: 11, resamples: 500 });
  const b = bootstrapMetrics(labels, probs, classes, { seed: 11, resamples: 500 });
  assert.deepEqual(a, b, 'same seed, same interval');
  assert.notDeepEqual(bootstrapMetrics(labels, probs, classes, { seed: 12, resamples: 500 }).accuracy, a.accuracy);
  assert.equal(a.unit, 'slice');
  assert.equal(a.accuracy.value, 0.8);
  // Normal approximation: 0.8 +- 1.96 sqrt(0.8 * 0.2 / 400) = [0.7608, 0.8392].
  assert.ok(Math.abs(a.accuracy.low - 0.7608) < 0.012 && Math.abs(a.accuracy.high - 0.8392) < 0.012, JSON.stringify(a.accuracy));
  // Pinned for seed 11 (changes if the resampling or the generator changes).
  assert.deepEqual(
    [a.accuracy.low, a.accuracy.high].map((x) => x.toFixed(4)),
    ['0.7600', '0.8363'],
  );
  assert.ok(a.auc.low < a.auc.value && a.auc.value < a.auc.high);
  const perfect = bootstrapMetrics([0, 1, 0, 1], [0.9, 0.1, 0.2, 0.8, 0.7, 0.3, 0.4, 0.6], classes, { seed: 1, resamples: 50 });
  assert.deepEqual([perfect.accuracy.low, perfect.accuracy.high], [1, 1]);
});

test('bootstrap resamples subjects when IDs exist: correlated slices widen the interval', () => {
  const classes = ['Alzheimer', 'NonAlzheimer'];
  // 40 subjects x 10 slices; a subject's slices are all right or all wrong (80 % of subjects right).
  const labels: number[] = [];
  const probs: number[] = [];
  const groups: string[] = [];
  for (let s = 0; s < 40; s++) {
    for (let k = 0; k < 10; k++) {
      const label = s % 2;
      const right = s % 5 !== 0;
      const pLabel = right ? 0.8 : 0.3;
      labels.push(label);
      probs.push(...(label === 0 ? [pLabel, 1 - pLabel] : [1 - pLabel, pLabel]));
      groups.push(`sub-${s}`);
    }
  }
  const bySubject = bootstrapMetrics(labels, probs, classes, { seed: 5, resamples: 500, groups });
  const bySlice = bootstrapMetrics(labels, probs, classes, { seed: 5, resamples: 500 });
  assert.equal(bySubject.unit, 'subject');
  assert.equal(bySubject.units, 40);
  assert.equal(bySlice.units, 400);
  const width = (i: { low: number; high: number }) => i.high - i.low;
  // Effective sample size is 40 subjects, not 400 slices: about sqrt(10) ~ 3x wider.
  assert.ok(width(bySubject.accuracy) > 2.2 * width(bySlice.accuracy), `${width(bySubject.accuracy)} vs ${width(bySlice.accuracy)}`);
  const partial = bootstrapMetrics(labels, probs, classes, { seed: 5, resamples: 20, groups: groups.map((g, i) => (i === 0 ? undefined : g)) });
  assert.equal(partial.unit, 'slice', 'a missing subject ID means slices are resampled');
});
