import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFixture } from '../testing/tensor-helpers.js';
import { adjustedRandScore, clusterPurity } from './cluster-agreement.js';

interface Case {
  truth: number[];
  predicted: number[];
  ari: number;
  purity: number;
}
// Made once by scripts/fixtures/cluster_agreement.py with scikit-learn.
const fixture = readFixture<{ cases: Case[] }>('src/data/fixtures/cluster-agreement.json');

test('adjusted Rand index and purity equal scikit-learn on every reference case', () => {
  assert.equal(fixture.cases.length, 9);
  for (const c of fixture.cases) {
    assert.ok(Math.abs(adjustedRandScore(c.truth, c.predicted) - c.ari) < 1e-12, `ARI ${adjustedRandScore(c.truth, c.predicted)} vs sklearn ${c.ari}`);
    assert.ok(Math.abs(clusterPurity(c.truth, c.predicted) - c.purity) < 1e-12, `purity ${clusterPurity(c.truth, c.predicted)} vs ${c.purity}`);
  }
});

test('cluster labels may be strings, and the two lists must have one length', () => {
  assert.equal(adjustedRandScore(['a', 'a', 'b'], ['pseudo:0', 'pseudo:0', 'pseudo:1']), 1);
  assert.throws(() => adjustedRandScore([0, 1], [0]), /2 true labels but 1 predicted/);
});
