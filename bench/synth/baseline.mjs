#!/usr/bin/env node
// Is the synthetic demo data learnable but not trivial? Generates a data set, then
//  1. times the generation,
//  2. measures the planted signs per stage from the outputs (ventricle dark area from the images,
//     hippocampus volume from re-rendered label masks), and
//  3. fits two non-deep baselines on 8x-downsampled pixels (nearest centroid, multinomial logistic
//     regression), scored with subject-grouped 5-fold cross-validation and on the official
//     train/test split: above chance shows there is signal, below 100 % that it is not trivial.
// Usage: npm run build && node bench/synth/baseline.mjs [--subjects 60] [--seed 1] [--out dir]
// Prints a Markdown summary; writes JSON to bench/results/synth-baseline.json.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { generateDataset } from '../../dist/data/synth/generate.js';
import { loadTemplate } from '../../dist/data/synth/template.js';
import { drawSubject } from '../../dist/data/synth/subject.js';
import { renderSubject, LabelBit } from '../../dist/data/synth/slicer.js';
import { darkCentralArea, labelCount } from '../../dist/data/synth/measure.js';
import { STAGES } from '../../dist/data/synth/atrophy.js';
import { createRng } from '../../dist/data/synth/rng.js';

const { values } = parseArgs({ options: { subjects: { type: 'string', default: '60' }, seed: { type: 'string', default: '1' }, out: { type: 'string' } } });
const subjects = Number(values.subjects);
const seed = Number(values.seed);
const out = values.out ?? join(tmpdir(), `alzbench-synth-bench-${process.pid}`);
rmSync(out, { recursive: true, force: true });

// 1. Generation time, template loading included (what `alzbench synth` costs).
let started = performance.now();
const summary = await generateDataset({ out, subjects, seed });
const generateSeconds = (performance.now() - started) / 1000;
console.error(`generated ${summary.files} slices in ${generateSeconds.toFixed(1)} s`);

// Read every slice back from disk, as a training run would.
const rows = readFileSync(join(out, 'subjects.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [file, subject, stage, split, slice] = line.split(',');
    return { file, subject, stage: STAGES.indexOf(stage), split, slice: Number(slice) };
  });
const W = 176,
  H = 208,
  F = 8,
  w = W / F,
  h = H / F;
const images = [];
const pixelFeatures = [];
const csfFeatures = [];
for (const row of rows) {
  const { data } = await sharp(join(out, row.file)).raw().toBuffer({ resolveWithObject: true });
  images.push(data);
  const f = new Float64Array(w * h);
  for (let v = 0; v < H; v++) for (let u = 0; u < W; u++) f[Math.floor(v / F) * w + Math.floor(u / F)] += data[v * W + u] / (F * F * 255);
  pixelFeatures.push(f);
  csfFeatures.push(csfHistogram(data));
}

// "Radiologist's" features, 18 per slice: the histogram of brain intensities relative to the
// slice's median (16 bins; the low bins are the CSF share), the CSF-dark area in the central
// ventricle box relative to brain area, and the brain area. Contrast-free by construction.
function csfHistogram(data) {
  const values = [];
  for (const v of data) if (v > 0) values.push(v);
  values.sort((a, b) => a - b);
  const median = values[values.length >> 1] || 1;
  const f = new Float64Array(18);
  for (const v of values) f[Math.min(15, Math.floor((v / median) * 10))] += 1 / values.length;
  f[16] = darkCentralArea(data) / Math.max(1, values.length);
  f[17] = values.length / (W * H);
  return f;
}

// 2. Planted signs, measured per subject then summarised per stage.
const template = loadTemplate();
const bySubject = new Map();
rows.forEach((row, i) => {
  const entry = bySubject.get(row.subject) ?? { stage: row.stage, ventricle: 0 };
  // Slices 14-25 of 32 span the lateral ventricles (MNI z ~ 4 to 34).
  if (row.slice >= 14 && row.slice <= 25) entry.ventricle += darkCentralArea(images[i]);
  bySubject.set(row.subject, entry);
});
for (const [id, entry] of bySubject) {
  const index = Number(id.slice(4)) - 1;
  // Same seed and index give the same subject; 45 slices 1 mm apart cover the hippocampi.
  const dense = drawSubject(seed, index, entry.stage, template, { count: 45, zRange: [-32, 12] });
  entry.hippocampus = labelCount(renderSubject(template, dense, true).labels, LabelBit.hippocampus);
}
const signs = STAGES.map((stage, s) => {
  const members = [...bySubject.values()].filter((e) => e.stage === s);
  const stat = (key) => {
    const xs = members.map((e) => e[key]);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
    return { mean: Math.round(mean), sd: Math.round(sd) };
  };
  return { stage, subjects: members.length, ventricleDarkArea: stat('ventricle'), hippocampusVolume: stat('hippocampus') };
});

// 3. Baselines.
let features = pixelFeatures;
const standardise = (trainIdx, allIdx) => {
  const d = features[0].length,
    mean = new Float64Array(d),
    sd = new Float64Array(d);
  for (const i of trainIdx) for (let k = 0; k < d; k++) mean[k] += features[i][k] / trainIdx.length;
  for (const i of trainIdx) for (let k = 0; k < d; k++) sd[k] += (features[i][k] - mean[k]) ** 2 / trainIdx.length;
  const x = new Map();
  for (const i of allIdx)
    x.set(
      i,
      features[i].map((v, k) => (v - mean[k]) / (Math.sqrt(sd[k]) + 1e-6)),
    );
  return x;
};
function nearestCentroid(train, test, x) {
  const d = features[0].length,
    c = STAGES.map(() => new Float64Array(d)),
    n = STAGES.map(() => 0);
  for (const i of train) {
    n[rows[i].stage]++;
    for (let k = 0; k < d; k++) c[rows[i].stage][k] += x.get(i)[k];
  }
  c.forEach((ck, s) => ck.forEach((_, k) => (ck[k] /= Math.max(1, n[s]))));
  return test.map((i) => {
    const scores = c.map((ck, s) => (n[s] === 0 ? -Infinity : -ck.reduce((a, v, k) => a + (v - x.get(i)[k]) ** 2, 0)));
    return scores.map((_v, s) => (s === scores.indexOf(Math.max(...scores)) ? 1 : 0));
  });
}
function logistic(train, test, x, { epochs = 300, lr = 0.1, l2 = 1e-2 } = {}) {
  const d = features[0].length,
    K = STAGES.length,
    D = d + 1;
  const Wt = new Float64Array(K * D);
  // Class-balanced weights, so the model cannot win by always saying NonDemented.
  const counts = STAGES.map((_, s) => train.filter((i) => rows[i].stage === s).length);
  const weight = counts.map((c) => (c ? train.length / (K * c) : 0));
  const z = new Float64Array(K);
  const probs = (xi) => {
    let m = -Infinity;
    for (let c = 0; c < K; c++) {
      let a = Wt[c * D + d];
      for (let k = 0; k < d; k++) a += xi[k] * Wt[c * D + k];
      z[c] = a;
      if (a > m) m = a;
    }
    let s = 0;
    for (let c = 0; c < K; c++) s += z[c] = Math.exp(z[c] - m);
    for (let c = 0; c < K; c++) z[c] /= s;
    return z;
  };
  const grad = new Float64Array(K * D);
  for (let epoch = 0; epoch < epochs; epoch++) {
    grad.fill(0);
    for (const i of train) {
      const xi = x.get(i),
        p = probs(xi),
        y = rows[i].stage;
      for (let c = 0; c < K; c++) {
        const g = weight[y] * (p[c] - (c === y ? 1 : 0));
        for (let k = 0; k < d; k++) grad[c * D + k] += g * xi[k];
        grad[c * D + d] += g;
      }
    }
    for (let j = 0; j < K * D; j++) Wt[j] -= lr * (grad[j] / train.length + (j % D < d ? l2 * Wt[j] : 0));
  }
  const predicted = test.map((i) => {
    const p = probs(x.get(i));
    return [...p];
  });
  return predicted;
}
const argmax = (p) => p.indexOf(Math.max(...p));
const score = (test, outputs) => {
  const predicted = outputs.map(argmax);
  const perClass = STAGES.map((_, s) => {
    const members = test.map((i, j) => [rows[i].stage, predicted[j]]).filter(([y]) => y === s);
    return members.length ? members.filter(([y, p]) => y === p).length / members.length : undefined;
  }).filter((r) => r !== undefined);
  return {
    accuracy: test.filter((i, j) => rows[i].stage === predicted[j]).length / test.length,
    balancedAccuracy: perClass.reduce((a, b) => a + b, 0) / perClass.length,
  };
};
// Subject-level: average the slice outputs of each subject, then score one row per subject.
const scoreSubjects = (test, outputs) => {
  const sums = new Map();
  test.forEach((i, j) => {
    const entry = sums.get(rows[i].subject) ?? { i, sum: STAGES.map(() => 0) };
    outputs[j].forEach((v, c) => (entry.sum[c] += v));
    sums.set(rows[i].subject, entry);
  });
  return score(
    [...sums.values()].map((e) => e.i),
    [...sums.values()].map((e) => e.sum),
  );
};
const subjectIds = [...bySubject.keys()];
// Subject-grouped folds, stratified by stage (seeded), so no subject is on both sides of a fold.
const foldOf = new Map();
const foldRng = createRng(seed, 'bench-folds');
STAGES.forEach((_, s) => foldRng.shuffle(subjectIds.filter((id) => bySubject.get(id).stage === s)).forEach((id, k) => foldOf.set(id, k % 5)));
const results = {};
const featureSets = { 'downsampled pixels (22x26)': pixelFeatures, 'CSF histogram features (18)': csfFeatures };
for (const [featureName, set] of Object.entries(featureSets))
  for (const [name, fit] of [
    ['nearest centroid', nearestCentroid],
    ['logistic regression', logistic],
  ]) {
    features = set;
    started = performance.now();
    const all = rows.map((_, i) => i);
    const outputsCv = new Array(rows.length);
    for (let fold = 0; fold < 5; fold++) {
      const train = all.filter((i) => foldOf.get(rows[i].subject) !== fold);
      const test = all.filter((i) => foldOf.get(rows[i].subject) === fold);
      fit(train, test, standardise(train, all)).forEach((p, j) => (outputsCv[test[j]] = p));
    }
    const train = all.filter((i) => rows[i].split === 'train');
    const test = all.filter((i) => rows[i].split === 'test');
    const officialOutputs = fit(train, test, standardise(train, all));
    // Slice-level random split (the leak the study suffered): the same subjects on both sides.
    const shuffled = createRng(seed, 'bench-leak').shuffle([...all]);
    const cut = Math.floor(0.8 * shuffled.length);
    const leak = score(shuffled.slice(cut), fit(shuffled.slice(0, cut), shuffled.slice(cut), standardise(shuffled.slice(0, cut), all)));
    const key = `${name} on ${featureName}`;
    results[key] = {
      subjectGroupedCv: score(all, outputsCv),
      subjectGroupedCvBySubject: scoreSubjects(all, outputsCv),
      officialTrainTest: score(test, officialOutputs),
      sliceLevelRandomSplit: leak,
      seconds: (performance.now() - started) / 1000,
    };
    console.error(`${key} done in ${results[key].seconds.toFixed(1)} s`);
  }

const pct = (v) => `${(100 * v).toFixed(1)} %`;
const md = [
  `Synthetic data: ${subjects} subjects x ${summary.slicesPerSubject} slices = ${summary.files} slices, seed ${seed}; generated in ${generateSeconds.toFixed(1)} s.`,
  '',
  '| stage | subjects | ventricle dark area, slices 14-25 (px, mean ± sd) | hippocampus volume from labels (mm³, mean ± sd) |',
  '|---|---|---|---|',
  ...signs.map(
    (s) => `| ${s.stage} | ${s.subjects} | ${s.ventricleDarkArea.mean} ± ${s.ventricleDarkArea.sd} | ${s.hippocampusVolume.mean} ± ${s.hippocampusVolume.sd} |`,
  ),
  '',
  '| baseline | subject-grouped 5-fold CV, per slice: acc / bal. acc | same, per subject (mean of its slices) | official test/ split, per slice | slice-level random split (leaky), per slice |',
  '|---|---|---|---|---|',
  ...Object.entries(results).map(
    ([name, r]) =>
      `| ${name} | ${pct(r.subjectGroupedCv.accuracy)} / ${pct(r.subjectGroupedCv.balancedAccuracy)} | ${pct(r.subjectGroupedCvBySubject.accuracy)} / ${pct(r.subjectGroupedCvBySubject.balancedAccuracy)} | ${pct(r.officialTrainTest.accuracy)} / ${pct(r.officialTrainTest.balancedAccuracy)} | ${pct(r.sliceLevelRandomSplit.accuracy)} / ${pct(r.sliceLevelRandomSplit.balancedAccuracy)} |`,
  ),
  '',
  `Chance: balanced accuracy 25 %; always-NonDemented accuracy ${pct(signs[0].subjects / subjects)}.`,
].join('\n');
console.log(md);
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(new URL('../results/synth-baseline.json', import.meta.url), JSON.stringify({ subjects, seed, generateSeconds, signs, results }, null, 2));
if (!values.out) rmSync(out, { recursive: true, force: true });
