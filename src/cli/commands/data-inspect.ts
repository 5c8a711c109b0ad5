import { resolve } from 'node:path';
import { openDataset } from '../../data/open-dataset.js';
import { countProblems } from '../../data/load-items.js';
import { writeManifest } from '../../data/manifest.js';
import { parseSliceRange } from '../../data/nifti-reader.js';
import { DEFAULT_NEAR_THRESHOLD, prepareDataset, type Grouping, type PreparedDataset } from '../../data/prepare.js';
import { invalid } from '../../util/errors.js';
import type { VolumeSummary } from '../../data/dataset.js';
import { type Command, parseFlags } from '../command.js';

const usage = `usage: alzbench data inspect <dir> [--task 4class|binary|map:A=x,B=y] [--json] [flags]

Reads a data set folder and reports: the layout detected, classes and counts per split, image
sizes, bad input (unreadable, truncated, non-image files, empty class folders, mixed sizes), the
grouping used for splits (subjects, or pseudo-subjects from the near-duplicate graph), and the
leakage audit (exact duplicates by content hash, near-duplicates by thumbnail distance, within and
across splits, and the share of val/test slices with a close train slice).

Layouts: Kaggle 4-class (train/ and test/ with NonDemented, VeryMildDemented, MildDemented,
ModerateDemented), Kaggle binary (Alzheimer / Non Alzheimer), the 128x128 preprocessed variant
(Non_Demented, ...), any <class>/<image> folder, Hugging Face parquet files (image.bytes + label),
a CSV (subject, label, path) of volumes, a BIDS folder (participants.tsv, sub-*/[ses-*/]anat/*_T1w.nii.gz)
OASIS-1/OASIS-2 session folders (OAS1_0001_MR1/..., demographic CSV with CDR) and volumes in
class folders (<class>/<volume>.nii.gz; subject from BIDS/OASIS/ADNI IDs in the names). Volumes
(NIfTI-1/2, Analyze .hdr/.img) are reoriented to RAS+ as nibabel does and cut into axial slices.

flags:
  --task T               4class, binary (Alzheimer = VeryMild + Mild + Moderate), folders, or
                         map:Source=Target,... (default: what the layout suggests)
  --seed S               split seed (default 42)
  --grouping G           auto (default: subject IDs when present, else pseudo-subjects), subject,
                         pseudo, none (image by image: leaks near-duplicates across splits)
  --near-threshold D     near-duplicate distance, mean gray-level difference of 16x16
                         thumbnails (default ${DEFAULT_NEAR_THRESHOLD})
  --on-bad skip|stop     leave bad files out and report them (default), or stop on any
  --slices FROM:TO       axial slice range of NIfTI volumes (indices 40:120 or fractions 0.3:0.7)
  --spacing MM           resample volumes to MM mm voxels (trilinear, RAS+) before cutting slices
  --diagnosis-column C   BIDS: the participants.tsv / sessions.tsv column with the diagnosis
  --manifest FILE        write the split manifest (file, hash, class, subject, split) to FILE
  --json                 print one JSON document on stdout (progress goes to stderr)`;

/** Where subjects came from, and how many subjects and sessions the items name. */
function subjectReport(dataset: PreparedDataset['dataset']) {
  const subjects = new Set(dataset.items.map((i) => i.subject).filter((s) => s !== undefined));
  const sessions = new Set(dataset.items.filter((i) => i.session !== undefined).map((i) => `${i.subject}/${i.session}`));
  return { source: dataset.subjectSource ?? (subjects.size > 0 ? 'subject IDs given by the data set' : 'none'), subjects: subjects.size, sessions: sessions.size };
}

/** What the volumes held: orientations, 4-D files read as their first volume, NaN/Inf voxels. */
function volumeReport(volumes: readonly VolumeSummary[]) {
  const axcodes: Record<string, number> = {};
  for (const v of volumes) axcodes[v.sourceAxcodes] = (axcodes[v.sourceAxcodes] ?? 0) + 1;
  const fourD = volumes.filter((v) => v.droppedVolumes > 0);
  return {
    count: volumes.length,
    sourceAxcodes: axcodes,
    firstVolumeOnly: { files: fourD.length, droppedVolumes: fourD.reduce((a, v) => a + v.droppedVolumes, 0) },
    nonFiniteVoxels: { files: volumes.filter((v) => v.nonFiniteCount > 0).length, voxels: volumes.reduce((a, v) => a + v.nonFiniteCount, 0) },
    items: volumes,
  };
}

/** The JSON report of `data inspect`. */
export function inspectReport(prepared: PreparedDataset) {
  const { dataset, task, items } = prepared;
  const counts: Record<string, Record<string, number>> = {};
  const sizes: Record<string, number> = {};
  for (const it of items) {
    const cls = task.classes[it.label]!;
    counts[cls] ??= { train: 0, val: 0, test: 0 };
    counts[cls]![it.split]!++;
    const size = `${it.image.width}x${it.image.height}`;
    sizes[size] = (sizes[size] ?? 0) + 1;
  }
  const ownSplits = [...new Set(dataset.items.map((i) => i.sourceSplit).filter((s) => s !== undefined))];
  return {
    root: dataset.root,
    layout: dataset.layout,
    task: task.name,
    classes: task.classes,
    ownSplits,
    slices: items.length,
    counts,
    excluded: prepared.excluded,
    sizes,
    problems: { counts: countProblems(prepared.problems), items: prepared.problems },
    grouping: { kind: prepared.grouping, ...prepared.groups },
    subjects: subjectReport(dataset),
    ...(dataset.volumes ? { volumes: volumeReport(dataset.volumes) } : {}),
    audit: prepared.audit,
    fingerprint: prepared.fingerprint,
  };
}

export function textReport(report: ReturnType<typeof inspectReport>): string {
  const lines: string[] = [];
  lines.push(`data set   ${report.root}`);
  lines.push(`layout     ${report.layout}${report.ownSplits.length ? ` (own splits: ${report.ownSplits.join(', ')})` : ' (no split folders)'}`);
  lines.push(`task       ${report.task}: ${report.classes.join(', ')}`);
  lines.push(`slices     ${report.slices}; sizes ${Object.entries(report.sizes).map(([s, n]) => `${s} x${n}`).join(', ')}`);
  lines.push('', `${'class'.padEnd(20)} ${'train'.padStart(7)} ${'val'.padStart(7)} ${'test'.padStart(7)}`);
  for (const cls of report.classes) {
    const c = report.counts[cls] ?? { train: 0, val: 0, test: 0 };
    lines.push(`${cls.padEnd(20)} ${String(c.train).padStart(7)} ${String(c.val).padStart(7)} ${String(c.test).padStart(7)}`);
  }
  const excluded = Object.entries(report.excluded);
  if (excluded.length) lines.push(`excluded by the task: ${excluded.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  const problems = report.problems.items;
  lines.push('', `bad input  ${problems.length === 0 ? 'none' : Object.entries(report.problems.counts).map(([k, n]) => `${n} ${k}`).join(', ')}`);
  for (const p of problems.slice(0, 10)) lines.push(`  ${p.kind}: ${p.path} (${p.detail})`);
  if (problems.length > 10) lines.push(`  ... and ${problems.length - 10} more (--json lists all)`);
  const g = report.grouping;
  lines.push('', `grouping   ${g.kind}: ${g.groups} groups, largest ${g.largest}, ${g.singletons} single slices; sizes ${Object.entries(g.histogram).map(([b, n]) => `${b}: ${n}`).join(', ')}`);
  const a = report.audit;
  const fmt = (r: typeof a.exact) =>
    `${r.pairs} pairs; within ${JSON.stringify(r.withinSplit)}; across ${JSON.stringify(r.acrossSplits)}`;
  lines.push('', 'leakage audit');
  lines.push(`  exact duplicates (same content hash): ${fmt(a.exact)}`);
  lines.push(`  near duplicates (thumbnail distance <= ${a.nearThreshold}): ${fmt(a.near)}`);
  for (const c of a.closeToTrain) lines.push(`  ${c.split}: ${c.withCloseTrainItem} of ${c.items} slices (${(c.share * 100).toFixed(1)} %) have an exact or near duplicate in train`);
  for (const e of [...a.exact.examples, ...a.near.examples].slice(0, 6)) {
    lines.push(`  e.g. ${e.items.map((i) => `${i.id} [${i.split}]`).join(' ~ ')} (distance ${e.distance})`);
  }
  lines.push('', `subjects   ${report.subjects.subjects} from ${report.subjects.source}${report.subjects.sessions ? `; ${report.subjects.sessions} sessions` : ''}`);
  const v = report.volumes;
  if (v) {
    lines.push(`volumes    ${v.count} read, reoriented to RAS+ from ${Object.entries(v.sourceAxcodes).map(([a, n]) => `${a} x${n}`).join(', ')}`);
    if (v.firstVolumeOnly.files) lines.push(`  ${v.firstVolumeOnly.files} 4-D file(s) read as their first volume (${v.firstVolumeOnly.droppedVolumes} volumes dropped): ${v.items.filter((i) => i.droppedVolumes > 0).map((i) => `${i.path} (${i.droppedVolumes})`).join(', ')}`);
    if (v.nonFiniteVoxels.files) lines.push(`  ${v.nonFiniteVoxels.voxels} NaN/Inf voxels set to background in ${v.nonFiniteVoxels.files} file(s): ${v.items.filter((i) => i.nonFiniteCount > 0).map((i) => `${i.path} (${i.nonFiniteCount})`).join(', ')}`);
  }
  lines.push('', `fingerprint ${report.fingerprint}`);
  return lines.join('\n');
}

/** `alzbench data inspect`: layout, counts, bad input, grouping and leakage audit of a data set. */
export const dataInspectCommand: Command = {
  name: 'data inspect',
  summary: 'detect a data set layout; report classes, splits, bad files, duplicates and leakage',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      'data inspect',
      argv,
      {
        task: { type: 'string' },
        seed: { type: 'string' },
        grouping: { type: 'string' },
        'near-threshold': { type: 'string' },
        'on-bad': { type: 'string' },
        slices: { type: 'string' },
        spacing: { type: 'string' },
        'diagnosis-column': { type: 'string' },
        manifest: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      true,
    );
    if (positionals.length !== 1) throw invalid('one data set folder', '<dir>', positionals, 'e.g. alzbench data inspect ../shared/data/kaggle4-sample');
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && !Number.isSafeInteger(seed)) throw invalid('integer', '--seed', values.seed);
    const grouping = values.grouping ?? 'auto';
    if (!['auto', 'subject', 'pseudo', 'none'].includes(grouping)) throw invalid('one of auto, subject, pseudo, none', '--grouping', grouping);
    const near = values['near-threshold'] === undefined ? undefined : Number(values['near-threshold']);
    if (near !== undefined && !(near >= 0 && near <= 255)) throw invalid('number in 0..255', '--near-threshold', values['near-threshold']);
    const onBad = values['on-bad'] ?? 'skip';
    if (onBad !== 'skip' && onBad !== 'stop') throw invalid('skip or stop', '--on-bad', onBad);
    const progress = (message: string) => process.stderr.write(`data inspect: ${message}\n`);
    const spacing = values.spacing === undefined ? undefined : Number(values.spacing);
    if (spacing !== undefined && !(Number.isFinite(spacing) && spacing > 0)) throw invalid('positive number of mm', '--spacing', values.spacing);
    const dataset = await openDataset(resolve(positionals[0]!), {
      ...(values.slices ? { sliceRange: parseSliceRange(values.slices) } : {}),
      ...(spacing !== undefined ? { spacing } : {}),
      ...(values['diagnosis-column'] ? { diagnosisColumn: values['diagnosis-column'] } : {}),
    });
    progress(`${dataset.layout}: ${dataset.items.length} slices listed`);
    const prepared = await prepareDataset(dataset, {
      ...(values.task ? { task: values.task } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(near !== undefined ? { nearThreshold: near } : {}),
      grouping: grouping as Grouping,
      onBad,
      onProgress: progress,
    });
    if (values.manifest) {
      await writeManifest(values.manifest, prepared.manifest);
      progress(`split manifest written to ${values.manifest}`);
    }
    const report = inspectReport(prepared);
    console.log(values.json ? JSON.stringify(report) : textReport(report));
    return 0;
  },
};
