// Subject grouping and leakage audit on data with known subjects: calibration of the distances,
// agreement of the pseudo-subjects with the truth (ARI, purity) and the audit's precision, recall
// and false-positive rate. Usage (after `npx tsc -p tsconfig.json`):
//   node bin/alzbench.js synth --out /tmp/synth200 --subjects 200 --seed 7
//   node bench/grouping/run.mjs /tmp/synth200 [--sample ../shared/data/kaggle4-sample] [--grouping-only]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { decodeImage } from '../../dist/data/decode-image.js';
import { sliceSignature, sliceDistance } from '../../dist/data/slice-signature.js';
import { candidatePairs } from '../../dist/data/nearest-slices.js';
import { reconstructSubjects, scanLinkCost } from '../../dist/data/pseudo-subjects.js';
import { auditLeakage, trainTwinPairs } from '../../dist/data/leakage-audit.js';
import { adjustedRandScore, clusterPurity } from '../../dist/data/cluster-agreement.js';
import {
  SAME_SCAN_LINK_DISTANCE,
  TWIN_CONSISTENT_DISTANCE,
  TWIN_CONSISTENT_SHARE,
  TWIN_DISTANCE,
  TWIN_DISTINCT_RATIO,
  TWIN_MIN_SLICES,
} from '../../dist/data/same-subject-thresholds.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node bench/grouping/run.mjs <synth folder with subjects.csv> [--sample <kaggle4-sample folder>]');
const sampleAt = process.argv.indexOf('--sample');
const sampleDir = sampleAt > 0 ? process.argv[sampleAt + 1] : undefined;
// Only the calibration and the grouping (skips the first round's method and the audits).
const groupingOnly = process.argv.includes('--grouping-only');
const quantile = (values, p) => {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))];
};
const f = (v, d = 4) => Number(v).toFixed(d);
const seconds = (t) => ((performance.now() - t) / 1000).toFixed(1);

const rows = readFileSync(join(dir, 'subjects.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));
let t = performance.now();
const slices = [];
for (const [file, subject, stage, split, slice] of rows)
  slices.push({ file, subject, stage, split, slice: Number(slice), image: await decodeImage(join(dir, file)) });
console.log(
  `# ${dir}: ${slices.length} slices, ${new Set(slices.map((s) => s.subject)).size} subjects; decoded in ${seconds(t)} s; CPU: ${cpus()[0].model} x${cpus().length}`,
);

t = performance.now();
const sig = slices.map((s) => sliceSignature(s.image.data ? s.image : s.image));
const pairs = candidatePairs(sig, 6);
console.log(`signatures + candidate pairs (k=6, ${pairs.length} verified at full resolution): ${seconds(t)} s`);

// Calibration: neighbouring slices of one scan vs the closest slice of another person.
const bySubject = new Map();
slices.forEach((s, i) => ((bySubject.get(s.subject) ?? bySubject.set(s.subject, []).get(s.subject))[s.slice] = i));
const adjacent = [];
for (const list of bySubject.values()) for (let k = 0; k + 1 < list.length; k++) adjacent.push(sliceDistance(sig[list[k]], sig[list[k + 1]]));
const closestOther = new Array(slices.length).fill(Infinity);
for (const p of pairs)
  if (slices[p.a].subject !== slices[p.b].subject) {
    closestOther[p.a] = Math.min(closestOther[p.a], p.distance);
    closestOther[p.b] = Math.min(closestOther[p.b], p.distance);
  }
const other = closestOther.filter(Number.isFinite);
const linkCost = [];
for (const list of bySubject.values()) for (let k = 0; k + 1 < list.length; k++) linkCost.push(scanLinkCost(sig[list[k]], sig[list[k + 1]]));
console.log(
  `adjacent slices, link cost (same-frame distance + left-right shift): q50 ${f(quantile(linkCost, 0.5))}  q90 ${f(quantile(linkCost, 0.9))}  q99 ${f(quantile(linkCost, 0.99))}`,
);
console.log(
  `adjacent slices, one scan:        q50 ${f(quantile(adjacent, 0.5))}  q90 ${f(quantile(adjacent, 0.9))}  q99 ${f(quantile(adjacent, 0.99))}  max ${f(quantile(adjacent, 1))}`,
);
console.log(
  `closest slice of another person:  q001 ${f(quantile(other, 0.001))}  q01 ${f(quantile(other, 0.01))}  q05 ${f(quantile(other, 0.05))}  q50 ${f(quantile(other, 0.5))}`,
);
const candidateRecall = adjacent.length
  ? (() => {
      const keys = new Set(pairs.map((p) => `${p.a},${p.b}`));
      let found = 0,
        all = 0;
      for (const list of bySubject.values())
        for (let k = 0; k + 1 < list.length; k++) {
          all++;
          const [a, b] = [list[k], list[k + 1]].sort((x, y) => x - y);
          if (keys.has(`${a},${b}`)) found++;
        }
      return found / all;
    })()
  : 0;
console.log(`adjacent pairs among the coarse candidates: ${f(candidateRecall, 3)}`);

// Grouping.
t = performance.now();
const groups = reconstructSubjects(sig, { pairs });
const truth = slices.map((s) => s.subject);
const byClass = reconstructSubjects(sig, { pairs, labels: slices.map((s) => s.stage) });
console.log(
  `grouping within class folders (as prepare does; cap ${byClass.slicesPerScan}): ${byClass.sizes.length} groups, largest ${Math.max(...byClass.sizes)}; ARI ${f(adjustedRandScore(truth, byClass.group), 3)}, purity ${f(clusterPurity(truth, byClass.group), 3)}`,
);
console.log(
  `grouping (link distance ${groups.maxDistance}, slices per scan ${groups.slicesPerScan}${groups.estimated ? ' estimated' : ''}): ${groups.sizes.length} groups for ${bySubject.size} subjects, largest ${Math.max(...groups.sizes)}; ARI ${f(adjustedRandScore(truth, groups.group), 3)}, purity ${f(clusterPurity(truth, groups.group), 3)}; ${seconds(t)} s`,
);

// The first round's method, side by side: connected components of 16x16-thumbnail near-duplicates
// (mean absolute difference <= 5 gray levels), as src/data/pseudo-subjects.ts did before issue 13.
if (!groupingOnly) {
  t = performance.now();
  const thumb = (im) => {
    const out = new Float32Array(256),
      counts = new Float32Array(256);
    for (let y = 0; y < im.height; y++)
      for (let x = 0; x < im.width; x++) {
        const c = Math.min(15, Math.floor((y * 16) / im.height)) * 16 + Math.min(15, Math.floor((x * 16) / im.width));
        out[c] += im.data[(y * im.width + x) * im.channels];
        counts[c]++;
      }
    return out.map((v, i) => v / counts[i]);
  };
  const th = slices.map((s) => thumb(s.image));
  const parent = th.map((_, i) => i);
  const find = (i) => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const means = th.map((v) => v.reduce((a, b) => a + b, 0) / 256);
  const order = means.map((_, i) => i).sort((a, b) => means[a] - means[b]);
  let nearPairs = 0;
  for (let oi = 0; oi < order.length; oi++)
    for (let oj = oi + 1; oj < order.length; oj++) {
      const i = order[oi],
        j = order[oj];
      if (means[j] - means[i] > 5) break;
      let sum = 0;
      for (let k = 0; k < 256 && sum <= 1280; k++) sum += Math.abs(th[i][k] - th[j][k]);
      if (sum <= 1280) {
        nearPairs++;
        const a = find(i),
          b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  const old = slices.map((_, i) => find(i));
  const sizes = new Map();
  for (const r of old) sizes.set(r, (sizes.get(r) ?? 0) + 1);
  console.log(
    `first-round grouping (thumbnail components, ${nearPairs} near pairs): ${sizes.size} groups, largest ${Math.max(...sizes.values())}; ARI ${f(adjustedRandScore(truth, old), 3)}, purity ${f(clusterPurity(truth, old), 3)}; ${seconds(t)} s`,
  );
}

// Audit on the generator's subject-disjoint split (no twins) and on a leaky slice-level split.
function audit(split, label) {
  if (groupingOnly) return;
  t = performance.now();
  const entries = slices.map((s, i) => ({ id: s.file, hash: s.file, split: split[i], group: s.subject }));
  const verified = [...pairs, ...trainTwinPairs(entries, sig)];
  const a = auditLeakage(entries, verified);
  const truthTwin = new Set();
  for (const s of bySubject.keys()) {
    const sp = new Set(bySubject.get(s).map((i) => split[i]));
    if (sp.has('train') && sp.has('test')) truthTwin.add(s);
  }
  const units = a.twins.subjects;
  const tp = units.filter((u) => u.twin && truthTwin.has(u.subject)).length;
  const fp = units.filter((u) => u.twin && !truthTwin.has(u.subject)).length;
  const negatives = units.filter((u) => !truthTwin.has(u.subject)).length;
  const positives = units.length - negatives;
  const slicePairs = verified.filter((p) => (split[p.a] === 'train') !== (split[p.b] === 'train'));
  const diff = slicePairs.filter((p) => slices[p.a].subject !== slices[p.b].subject);
  const diffFlagged = diff.filter((p) => p.distance <= a.twins.twinDistance).length;
  console.log(
    `audit, ${label}: ${units.length} test subjects (${positives} truly in train); flagged ${tp + fp}: precision ${tp + fp ? f(tp / (tp + fp), 3) : 'n/a'}, recall ${positives ? f(tp / positives, 3) : 'n/a'}, false-positive rate ${negatives ? f(fp / negatives, 3) : 'n/a'} of subjects; different-subject pairs verified ${diff.length}, flagged ${diffFlagged} (${f(diff.length ? diffFlagged / diff.length : 0, 4)}); ${seconds(t)} s`,
  );
}
audit(
  slices.map((s) => (s.split === 'test' ? 'test' : 'train')),
  'subject-disjoint split (synth train/test)',
);
{
  // Three more subject-disjoint splits: each subject in test with probability 1/4.
  const { seededRandom } = await import('../../dist/data/seeded-shuffle.js');
  for (let r = 0; r < 3; r++) {
    const random = seededRandom(r, 'audit-split');
    const test = new Set([...bySubject.keys()].filter(() => random() < 0.25));
    audit(
      slices.map((s) => (test.has(s.subject) ? 'test' : 'train')),
      `subject-disjoint split (random quarter of subjects in test, #${r})`,
    );
  }
}
audit(
  slices.map((s) => (Number(s.subject.replace(/\D/g, '')) % 2 ? 'test' : 'train')),
  'subject-disjoint split (odd-numbered subjects in test)',
);
audit(
  slices.map((s) => (s.slice % 5 === 2 ? 'test' : 'train')),
  'leaky split (every 5th slice of each subject in test)',
);
audit(
  slices.map((s) => (s.slice % 3 === 1 ? 'test' : 'train')),
  'leaky split (every 3rd slice of each subject in test)',
);
if (sampleDir) {
  // The real sample: 38 slices, every 7th file of the Kaggle train folders (few true neighbours).
  const { readdirSync } = await import('node:fs');
  const { seededRandom } = await import('../../dist/data/seeded-shuffle.js');
  const real = [];
  for (const cls of readdirSync(sampleDir)
    .filter((c) => !c.includes('.'))
    .sort()) {
    for (const file of readdirSync(join(sampleDir, cls)).sort()) real.push({ cls, file, image: await decodeImage(join(sampleDir, cls, file)) });
  }
  const g = reconstructSubjects(
    real.map((r) => sliceSignature(r.image)),
    { labels: real.map((r) => r.cls) },
  );
  const blind = reconstructSubjects(real.map((r) => sliceSignature(r.image)));
  const mixedBlind = blind.sizes.map((_, k) => new Set(real.filter((__, i) => blind.group[i] === k).map((r) => r.cls)).size).filter((c) => c > 1).length;
  console.log(`sample without class labels: ${blind.sizes.length} groups, largest ${Math.max(...blind.sizes)}, ${mixedBlind} groups mixing classes`);
  const mixed = g.sizes.map((_, k) => new Set(real.filter((__, i) => g.group[i] === k).map((r) => r.cls)).size).filter((c) => c > 1).length;
  console.log(
    `sample within class folders (${real.length} real slices, ${sampleDir}): ${g.sizes.length} groups, largest ${Math.max(...g.sizes)}, ${mixed} groups mixing classes (slices per scan ${g.slicesPerScan} estimated)`,
  );
  // ModerateDemented: two people; files 2-23 one scan, 30-51 the other; 6 generated slices between neighbours.
  const read = (n) => decodeImage(join(sampleDir, 'ModerateDemented', `moderateDem${n}.jpg`));
  const people = [await Promise.all([2, 9, 16, 23].map(read)), await Promise.all([30, 37, 44, 51].map(read))];
  const items = [];
  people.forEach((scan, person) =>
    scan.forEach((a, k) => {
      items.push({ person, image: a });
      if (k + 1 >= scan.length) return;
      const random = seededRandom(person * 10 + k, 'between');
      for (let s = 1; s < 7; s++) {
        const t = s / 7;
        items.push({
          person,
          image: {
            ...a,
            data: a.data.map((v, i) => {
              const m = (1 - t) * v + t * scan[k + 1].data[i];
              return m < 16 ? Math.round(m) : Math.max(0, Math.min(255, Math.round(m + 28 * (random() - 0.5))));
            }),
          },
        });
      }
    }),
  );
  const m = reconstructSubjects(items.map((x) => sliceSignature(x.image)));
  const mt = items.map((x) => x.person);
  console.log(
    `ModerateDemented pattern (8 real + 36 generated slices, 2 people): ${m.sizes.length} groups ${JSON.stringify(m.sizes)}; ARI ${f(adjustedRandScore(mt, m.group), 3)}, purity ${f(clusterPurity(mt, m.group), 3)}`,
  );
}
console.log(
  `constants: SAME_SCAN_LINK_DISTANCE ${SAME_SCAN_LINK_DISTANCE}, TWIN_DISTANCE ${TWIN_DISTANCE}, TWIN_MIN_SLICES ${TWIN_MIN_SLICES}, TWIN_CONSISTENT_DISTANCE ${TWIN_CONSISTENT_DISTANCE}, TWIN_CONSISTENT_SHARE ${TWIN_CONSISTENT_SHARE}, TWIN_DISTINCT_RATIO ${TWIN_DISTINCT_RATIO}`,
);
