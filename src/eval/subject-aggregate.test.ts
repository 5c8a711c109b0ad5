import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregateBySubject, subjectLevelReport } from './subject-aggregate.js';

const close = (a: number, b: number, label: string) => assert.ok(Math.abs(a - b) < 1e-12, `${label}: ${a} vs ${b}`);
const classes = ['Alzheimer', 'NonAlzheimer'];
// Five subjects, 11 slices; p(Alzheimer) per slice. Labels: 0 = Alzheimer (positive), 1 = NonAlzheimer.
const slices = [
  { s: 'a', label: 0, p: 0.9 },
  { s: 'a', label: 0, p: 0.4 },
  { s: 'a', label: 0, p: 0.45 }, // mean 0.5833 -> AD; median 0.45 -> CN; vote 1/3 -> CN
  { s: 'b', label: 0, p: 0.2 },
  { s: 'b', label: 0, p: 0.3 }, // mean 0.25 -> CN (missed)
  { s: 'c', label: 1, p: 0.1 },
  { s: 'c', label: 1, p: 0.7 },
  { s: 'c', label: 1, p: 0.2 }, // mean 0.3333 -> CN; vote 1/3
  { s: 'd', label: 1, p: 0.6 },
  { s: 'd', label: 1, p: 0.55 }, // mean 0.575 -> AD (false positive)
  { s: 'e', label: 0, p: 0.8 }, // 0.8 -> AD
];
const labels = slices.map((x) => x.label);
const probs = slices.flatMap((x) => [x.p, 1 - x.p]);
const subjects = slices.map((x) => x.s);

test('slice probabilities pooled per subject: mean, median and vote by hand', () => {
  const mean = aggregateBySubject(labels, probs, subjects, 2, 'mean');
  assert.deepEqual(mean.subjects, ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(mean.labels, [0, 0, 1, 1, 0]);
  assert.deepEqual(mean.slices, [3, 2, 3, 2, 1]);
  [(0.9 + 0.4 + 0.45) / 3, 0.25, (0.1 + 0.7 + 0.2) / 3, 0.575, 0.8].forEach((p, u) => {
    close(mean.probabilities[2 * u]!, p, `mean p(AD) of ${mean.subjects[u]}`);
    close(mean.probabilities[2 * u + 1]!, 1 - p, `mean p(CN) of ${mean.subjects[u]}`);
  });
  const median = aggregateBySubject(labels, probs, subjects, 2, 'median');
  // a: medians 0.45 and 0.55 (sum 1); b: 0.25/0.75; c: 0.2/0.8; d: 0.575/0.425.
  [0.45, 0.25, 0.2, 0.575, 0.8].forEach((p, u) => close(median.probabilities[2 * u]!, p, `median p(AD) of ${median.subjects[u]}`));
  const vote = aggregateBySubject(labels, probs, subjects, 2, 'vote');
  [1 / 3, 0, 1 / 3, 1, 1].forEach((p, u) => close(vote.probabilities[2 * u]!, p, `vote share AD of ${vote.subjects[u]}`));
});

test('subject-level metrics equal a hand computation, with a bootstrap over subjects', () => {
  const r = subjectLevelReport(labels, probs, subjects, classes, { rule: 'mean', resamples: 200, seed: 3 })!;
  assert.equal(r.subjects, 5);
  assert.equal(r.reconstructed, false);
  // Subjects: AD a (called AD), b (CN), e (AD); CN c (CN), d (AD). Sensitivity 2/3, specificity 1/2.
  assert.deepEqual(r.metrics.confusion, [
    [2, 1],
    [1, 1],
  ]);
  close(r.metrics.accuracy, 3 / 5, 'accuracy');
  close(r.metrics.sensitivity, 2 / 3, 'sensitivity');
  close(r.metrics.specificity, 1 / 2, 'specificity');
  close(r.metrics.balancedAccuracy, (2 / 3 + 1 / 2) / 2, 'balanced accuracy');
  // AUC over subject scores: AD {0.5833, 0.25, 0.8} vs CN {0.3333, 0.575}: pairs won 2 + 0 + 2 = 4 of 6.
  close(r.metrics.auc, 4 / 6, 'auc');
  assert.equal(r.ci!.unit, 'subject');
  assert.equal(r.ci!.units, 5);
  assert.ok(r.ci!.accuracy.low <= 0.6 && r.ci!.accuracy.high >= 0.6);
  // The same slices per slice: 11 samples; slice accuracy differs from the subject figure.
  const vote = subjectLevelReport(labels, probs, subjects, classes, { rule: 'vote', resamples: 0 })!;
  assert.equal(vote.ci, null);
  assert.deepEqual(
    vote.metrics.confusion,
    [
      [1, 2],
      [1, 1],
    ],
    'vote: a has 1 of 3 slices called AD -> CN; d 2 of 2 -> AD',
  );
});

test('no subject-level figure without subjects; a person with two diagnoses is an error', () => {
  assert.equal(
    subjectLevelReport(
      labels,
      probs,
      subjects.map((s, i) => (i === 4 ? undefined : s)),
      classes,
    ),
    null,
  );
  assert.equal(
    subjectLevelReport(
      labels,
      probs,
      subjects.map((s) => `pseudo:${s}`),
      classes,
      { resamples: 0 },
    )!.reconstructed,
    true,
  );
  assert.throws(() => aggregateBySubject([0, 1], [0.5, 0.5, 0.5, 0.5], ['x', 'x'], 2), /Subject x has slices of class 0 and 1: one person has one diagnosis/);
});
