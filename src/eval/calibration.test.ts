import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../testing/tensor-helpers.js';
import { applyTemperature, calibration, ECE_BINS, fitTemperature, negativeLogLikelihood } from './calibration.js';
import { reliabilityDiagramSvg } from './reliability-diagram.js';
import { correctedResampledTTest, spread } from './group-summary.js';

interface Refs {
  calibration: { name: string; classes: number; labels: number[]; probabilities: number[][]; ece: number; binCounts: number[]; temperature: number }[];
  ttest: { differences: number[]; ratio: number; statistic: number; pValue: number };
  spread: { values: number[]; mean: number; sd: number; low: number; high: number };
}
// Made by scripts/fixtures/eval_references.py (numpy, scipy, scikit-learn).
const refs = readFixture<Refs>('src/eval/fixtures/eval-references.json');

test('ECE by hand: 15 bins, (low, high] edges', () => {
  assert.equal(ECE_BINS, 15);
  // Confidences 0.9 (right), 0.8 (wrong): bins 13 (0.8667, 0.9333] and 12 (0.8, 0.8667]... 0.8 is in (0.7333, 0.8].
  const c = calibration([0, 1], [0.9, 0.1, 0.8, 0.2], 2);
  assert.equal(c.reliability[13]!.count, 1);
  assert.equal(c.reliability[11]!.count, 1, '0.8 = 12/15 sits at the top of bin 11');
  assert.ok(Math.abs(c.ece - (0.5 * 0.1 + 0.5 * 0.8)) < 1e-12, `${c.ece}`);
});

for (const r of refs.calibration) {
  test(`ECE and temperature equal the numpy/scipy reference: ${r.name}`, () => {
    const probs = r.probabilities.flat();
    const c = calibration(r.labels, probs, r.classes);
    assert.ok(Math.abs(c.ece - r.ece) < 1e-12, `ECE ${c.ece} vs ${r.ece}`);
    assert.deepEqual(
      c.reliability.map((b) => b.count),
      r.binCounts,
    );
    const fit = fitTemperature(r.labels, probs, r.classes);
    assert.ok(Math.abs(fit.temperature - r.temperature) < 1e-4 * r.temperature, `T ${fit.temperature} vs ${r.temperature}`);
    assert.ok(fit.nllAfter <= fit.nllBefore + 1e-12);
    assert.ok(
      Math.abs(negativeLogLikelihood(r.labels, applyTemperature(probs, r.classes, 1), r.classes) - fit.nllBefore) < 1e-5,
      'T = 1 changes nothing (up to the fixture rows summing to 1 +- 1e-6)',
    );
    const svg = reliabilityDiagramSvg([{ label: r.name, calibration: c }]);
    assert.match(svg, new RegExp(`ECE ${c.ece.toFixed(3)} \\(15 bins, n=${r.labels.length}\\)`));
    assert.equal((svg.match(/fill="#1f77b4"/g) ?? []).length, c.reliability.filter((b) => b.count > 0).length, 'one bar per non-empty bin');
  });
}

test('corrected resampled t-test and t interval equal scipy', () => {
  const t = correctedResampledTTest(refs.ttest.differences, refs.ttest.ratio);
  assert.ok(Math.abs(t.statistic - refs.ttest.statistic) < 1e-12, `${t.statistic}`);
  assert.ok(Math.abs(t.pValue - refs.ttest.pValue) < 1e-9, `${t.pValue} vs ${refs.ttest.pValue}`);
  assert.equal(t.df, refs.ttest.differences.length - 1);
  const s = spread(refs.spread.values);
  for (const k of ['mean', 'sd', 'low', 'high'] as const) assert.ok(Math.abs(s[k] - refs.spread[k]) < 1e-9, `${k} ${s[k]} vs ${refs.spread[k]}`);
  assert.equal(correctedResampledTTest([0.1, 0.1, 0.1], 0.25).pValue, 0, 'identical non-zero differences');
  assert.equal(correctedResampledTTest([0, 0, 0], 0.25).pValue, 1);
});
