import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../testing/tensor-helpers.js';
import { computeMetrics, confusionMatrix } from './metrics.js';
import { rocAuc } from './roc-auc.js';
import { isCollapsed } from './collapse.js';

interface Case {
  name: string;
  classes: string[];
  positiveClass: number;
  labels: number[];
  probabilities: number[][];
  expected: Record<string, unknown> & { confusion: number[][]; macro: Record<string, number>; perClass: Record<string, number | null>[] };
}
const fixture = readFixture<{ cases: Case[] }>('src/eval/fixtures/metrics.json');
const close = (a: number, b: number, label: string) => assert.ok(Math.abs(a - b) < 1e-12, `${label}: ${a} vs ${b}`);

test('metrics on a hand-counted binary confusion matrix', () => {
  // 3 Alzheimer (positive, class 0): 2 called Alzheimer; 5 NonAlzheimer: 4 called NonAlzheimer.
  const labels = [0, 0, 0, 1, 1, 1, 1, 1];
  const p0 = [0.9, 0.8, 0.3, 0.6, 0.2, 0.1, 0.4, 0.35];
  const m = computeMetrics(
    labels,
    p0.flatMap((p) => [p, 1 - p]),
    ['Alzheimer', 'NonAlzheimer'],
  );
  assert.deepEqual(m.confusion, [
    [2, 1],
    [1, 4],
  ]);
  assert.deepEqual(confusionMatrix([0, 1, 2, 2], [0, 2, 2, 1], 3), [
    [1, 0, 0],
    [0, 0, 1],
    [0, 1, 1],
  ]);
  close(m.accuracy, 6 / 8, 'accuracy');
  close(m.sensitivity, 2 / 3, 'sensitivity');
  close(m.specificity, 4 / 5, 'specificity');
  close(m.precision, 2 / 3, 'precision');
  close(m.f1, 2 / 3, 'f1');
  close(m.balancedAccuracy, (2 / 3 + 4 / 5) / 2, 'balanced accuracy');
  // Positives' scores 0.9, 0.8, 0.3 against negatives' 0.6, 0.4, 0.35, 0.2, 0.1: 5 + 5 + 2 = 12 of 15 pairs.
  close(m.auc, 12 / 15, 'auc');
});

test('ROC AUC counts ties as one half, as scikit-learn does', () => {
  close(rocAuc([0.5, 0.5], [true, false]), 0.5, 'one tie');
  close(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 0.75, 'sklearn docs example');
  close(rocAuc([0.2, 0.2, 0.2, 0.7], [true, false, false, true]), (0.5 + 0.5 + 1 + 1) / 4, 'ties among three');
  assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [true, true])), 'undefined with one class');
});

for (const c of fixture.cases) {
  test(`metrics equal the numpy/scikit-learn reference: ${c.name}`, () => {
    const m = computeMetrics(c.labels, c.probabilities.flat(), c.classes, { positiveClass: c.positiveClass });
    const e = c.expected;
    assert.deepEqual(m.confusion, e.confusion);
    close(m.accuracy, e.accuracy as number, 'accuracy');
    close(m.balancedAccuracy, e.balancedAccuracy as number, 'balanced accuracy');
    for (const key of ['recall', 'precision', 'f1', 'specificity', 'auc'] as const) close(m.macro[key], e.macro[key]!, `macro ${key}`);
    c.classes.forEach((name, k) => {
      const pc = e.perClass[k]!;
      for (const key of ['recall', 'precision', 'f1', 'specificity'] as const) close(m.perClass[name]![key], pc[key] as number, `${name} ${key}`);
      if (pc.auc === null) assert.ok(Number.isNaN(m.perClass[name]!.auc));
      else close(m.perClass[name]!.auc, pc.auc, `${name} auc`);
    });
    if (c.classes.length === 2) {
      for (const key of ['sensitivity', 'specificity', 'precision', 'f1', 'auc'] as const) close(m[key], e[key] as number, key);
    } else {
      close(m.sensitivity, e.macro.recall!, 'macro sensitivity');
      close(m.auc, e.macro.auc!, 'macro auc');
    }
  });
}

test('a model predicting one class is flagged collapsed; a mixed one is not', () => {
  const classes = ['Alzheimer', 'NonAlzheimer'];
  const labels = [0, 1, 0, 1, 1, 0, 1, 0, 1, 1];
  const allAlzheimer = computeMetrics(
    labels,
    labels.flatMap(() => [0.6, 0.4]),
    classes,
  );
  assert.equal(allAlzheimer.sensitivity, 1, 'the study\'s "sensitivity 1.000"');
  assert.equal(allAlzheimer.accuracy, 0.4);
  assert.equal(isCollapsed(allAlzheimer), true);
  const mixed = computeMetrics(
    labels,
    labels.flatMap((l, i) => (i === 0 ? [0.4, 0.6] : l === 0 ? [0.7, 0.3] : [0.6, 0.4])),
    classes,
  );
  assert.equal(isCollapsed(mixed, 0.95), false, '9 of 10 in one class is below 0.95');
  assert.equal(isCollapsed(mixed, 0.9), true);
  assert.equal(isCollapsed(computeMetrics([0, 0], [0.9, 0.1, 0.8, 0.2], classes)), false, 'one true class: nothing to collapse from');
});
