import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bandCoverage, drawAtrophy, STAGES } from './atrophy.js';
import { createRng } from './rng.js';

test('bandCoverage is the share of a 1 mm box inside the band', () => {
  assert.equal(bandCoverage(1, 0, 2), 1);
  assert.equal(bandCoverage(0, 0, 2), 0.5);
  assert.equal(bandCoverage(3, 0, 2), 0);
  assert.ok(Math.abs(bandCoverage(0.5, 0, 0.3) - 0.3) < 1e-12);
  assert.equal(bandCoverage(0.5, 0, 0), 0); // an empty band changes nothing
});

test('stages raise every sign on average, with overlap between neighbours', () => {
  const draws = STAGES.map((_, stage) => Array.from({ length: 2000 }, (_, i) => drawAtrophy(createRng(9, 'a', stage, i), stage)));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  for (const key of ['ventricleMm', 'cortexMm', 'hippocampusMm', 'severity'] as const) {
    const means = draws.map((d) => mean(d.map((a) => a[key])));
    for (let s = 1; s < means.length; s++) assert.ok((means[s] as number) > (means[s - 1] as number), `${key} means ${means}`);
  }
  // Not trivially separable: a sizeable share of VeryMild subjects has less hippocampal loss than
  // the 90th percentile of NonDemented ones (before anatomy and contrast add their own spread).
  const nonDemented = draws[0]!.map((a) => a.hippocampusMm).sort((a, b) => a - b);
  const p90 = nonDemented[Math.floor(0.9 * nonDemented.length)]!;
  const below = draws[1]!.filter((a) => a.hippocampusMm < p90).length / 2000;
  assert.ok(below > 0.15 && below < 0.9, `share below ${below}`);
  assert.equal(
    draws[0]!.every((a) => a.severity >= 0),
    true,
  );
});
