import { resolve } from 'node:path';
import { openDataset } from '../../data/open-dataset.js';
import { countProblems } from '../../data/load-items.js';
import { writeManifest } from '../../data/manifest.js';
import { parseSliceRange } from '../../data/nifti-reader.js';
import { DEFAULT_NEAR_THRESHOLD, EmptyDataError, prepareDataset, type Grouping, type PreparedDataset } from '../../data/prepare.js';
import { invalid } from '../../util/errors.js';
import type { VolumeSummary } from '../../data/dataset.js';
import { type Command, parseFlags } from '../command.js';
import { type FlagTable, usageText } from '../../util/flag-table.js';
import { flagValue, int, number, oneOf } from '../../util/schema.js';

const flags = {
  task: {
    type: 'string',
    value: 'T',
    help: `4class, binary (Alzheimer = VeryMild + Mild + Moderate), folders, or
map:Source=Target,... (default: what the layout suggests)`,
  },
  seed: { type: 'string', value: 'S', help: `split seed (default 42)` },
  grouping: {
    type: 'string',
    value: 'G',
    help: `auto (default: subject IDs when present, else pseudo-subjects), subject,
pseudo, none (image by image: leaks near-duplicates across splits)`,
  },
  'near-threshold': {
    type: 'string',
    value: 'D',
    help: `twin distance of the audit: 1 - normalized cross-correlation at full
resolution, plus a white-matter brightness term (default
${DEFAULT_NEAR_THRESHOLD}, calibrated on known subjects)`,
  },
  'slices-per-scan': { type: 'string', value: 'N', help: `pseudo-subject size cap (default: estimated from the data)` },
  'on-bad': { type: 'string', value: 'skip|stop', help: `leave bad files out and report them (default), or stop on any` },
  slices: { type: 'string', value: 'FROM:TO', help: `axial slice range of NIfTI volumes (indices 40:120 or fractions 0.3:0.7)` },
  spacing: { type: 'string', value: 'MM', help: `resample volumes to MM mm voxels (trilinear, RAS+) before cutting slices` },
  'diagnosis-column': { type: 'string', value: 'C', help: `BIDS: the participants.tsv / sessions.tsv column with the diagnosis` },
  'subject-pattern': {
    type: 'string',
    value: 'RE',
    help: `subject ID from each slice file name: a regular expression with a
(?<subject>...) group or a first group, e.g. '^(?<subject>P\\d+)_'
(default: subjects.csv, else OASIS names OAS1_0001_MR1_..., else
<id>_<slice>.<ext> names when IDs repeat)`,
  },
  manifest: { type: 'string', value: 'FILE', help: `write the split manifest (file, hash, class, subject, split) to FILE` },
  json: { type: 'boolean', default: false, help: `print one JSON document on stdout (progress goes to stderr)` },
} satisfies FlagTable;

const usage = usageText({
  synopsis: `usage: alzbench data inspect <dir> [--task 4class|binary|map:A=x,B=y] [--json] [flags]`,
  about: `Reads a data set folder and reports: the layout detected, classes and counts per split, image
sizes, bad input (unreadable, truncated, non-image files, Git LFS pointers, empty class folders,
mixed sizes), notes (wrappers descended, junk ignored, classes left out, 16-bit scaling), where
the subject IDs came from, the grouping used for splits (subjects, or pseudo-subjects: slices
chained into scans along their slice order at full resolution, at most one scan per group), and
the leakage audit (exact duplicates by content hash, near-duplicates verified at full resolution,
within and across splits, the share of val/test slices with a twin in train, and per val/test
subject or pseudo-subject: does the same person appear in train).

Layouts: Kaggle 4-class (train/ and test/ with NonDemented, VeryMildDemented, MildDemented,
ModerateDemented), Kaggle binary (Alzheimer / Non Alzheimer), the 128x128 preprocessed variant
(Non_Demented, ...), any <class>/<image> folder, Hugging Face parquet files (image.bytes + label),
a CSV (subject, label, path) of volumes, a BIDS folder (participants.tsv, sub-*/[ses-*/]anat/*_T1w.nii.gz)
OASIS-1/OASIS-2 session folders (OAS1_0001_MR1/..., demographic CSV with CDR) and volumes in
class folders (<class>/<volume>.nii.gz; subject from BIDS/OASIS/ADNI IDs in the names). Volumes
(NIfTI-1/2, Analyze .hdr/.img) are reoriented to RAS+ as nibabel does and cut into axial slices.
Class names are matched by synonym, case, spaces, underscores and hyphens (No Impairment, Non
Demented, CN, NC -> normal; AD; MCI left out of binary); wrapper folders are descended; __MACOSX/,
._*, .DS_Store, Thumbs.db and desktop.ini are ignored; side-by-side full class sets (original vs
augmented) must be chosen. A data set with no readable slice, or a --task that keeps no slice of
one of its classes, exits 2 after printing the report.`,
  flags,
});

/** Where subjects came from, and how many subjects and sessions the items name. */
function subjectReport(dataset: PreparedDataset['dataset']) {
  const subjects = new Set(dataset.items.map((i) => i.subject).filter((s) => s !== undefined));
  const sessions = new Set(dataset.items.filter((i) => i.session !== undefined).map((i) => `${i.subject}/${i.session}`));
  // Where the IDs came from (reader, subjects.csv, --subject-pattern, OASIS or <id>_<slice> names), with counts.
  return { ...(dataset.subjectSource ?? { kind: 'none' as const, items: 0 }), subjects: subjects.size, sessions: sessions.size };
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
    classNames: dataset.classNames ?? {},
    notes: prepared.notes,
    sizes,
    problems: { counts: countProblems(prepared.problems), items: prepared.problems },
    grouping: { kind: prepared.grouping, ...prepared.groups, ...(prepared.pseudoSubjects ? { pseudoSubjects: prepared.pseudoSubjects } : {}) },
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
  lines.push(
    `slices     ${report.slices}; sizes ${Object.entries(report.sizes)
      .map(([s, n]) => `${s} x${n}`)
      .join(', ')}`,
  );
  lines.push('', `${'class'.padEnd(20)} ${'train'.padStart(7)} ${'val'.padStart(7)} ${'test'.padStart(7)}`);
  for (const cls of report.classes) {
    const c = report.counts[cls] ?? { train: 0, val: 0, test: 0 };
    lines.push(`${cls.padEnd(20)} ${String(c.train).padStart(7)} ${String(c.val).padStart(7)} ${String(c.test).padStart(7)}`);
  }
  const excluded = Object.entries(report.excluded);
  if (excluded.length) lines.push(`excluded by the task: ${excluded.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  const renamed = Object.entries(report.classNames).filter(([f, c]) => f !== c);
  if (renamed.length) lines.push(`class names read as: ${renamed.map(([f, c]) => `${f} -> ${c}`).join(', ')}`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  const problems = report.problems.items;
  lines.push(
    '',
    `bad input  ${
      problems.length === 0
        ? 'none'
        : Object.entries(report.problems.counts)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ')
    }`,
  );
  for (const p of problems.slice(0, 10)) lines.push(`  ${p.kind}: ${p.path} (${p.detail})`);
  if (problems.length > 10) lines.push(`  ... and ${problems.length - 10} more (--json lists all)`);
  const g = report.grouping;
  const src = report.subjects;
  lines.push(
    '',
    `subjects   ${src.kind === 'none' ? 'none found (no subjects.csv, no subject in the file names; give --subject-pattern REGEX)' : `${src.subjects} subjects for ${src.items} slices, from ${src.detail ?? src.kind}${src.pattern ? ` /${src.pattern}/` : ''}${src.sessions ? `; ${src.sessions} sessions` : ''}`}`,
  );
  lines.push(
    `grouping   ${g.kind}: ${g.groups} groups, largest ${g.largest}, ${g.singletons} single slices; sizes ${Object.entries(g.histogram)
      .map(([b, n]) => `${b}: ${n}`)
      .join(', ')}`,
  );
  if (g.pseudoSubjects) {
    const p = g.pseudoSubjects;
    lines.push(
      `           chains of slices along slice order, link distance <= ${p.maxDistance}, at most ${p.slicesPerScan} slices per group (${p.estimated ? 'estimated from the data' : 'given'})`,
    );
  }
  const a = report.audit;
  const fmt = (r: typeof a.exact) => `${r.pairs} pairs; within ${JSON.stringify(r.withinSplit)}; across ${JSON.stringify(r.acrossSplits)}`;
  lines.push('', 'leakage audit');
  lines.push(`  exact duplicates (same content hash): ${fmt(a.exact)}`);
  lines.push(`  near duplicates (full-resolution distance <= ${a.nearThreshold}): ${fmt(a.near)}`);
  for (const c of a.closeToTrain)
    lines.push(`  ${c.split}: ${c.withCloseTrainItem} of ${c.items} slices (${(c.share * 100).toFixed(1)} %) have an exact or near duplicate in train`);
  const t = a.twins;
  for (const s of t.bySplit) {
    const rule =
      t.unit === 'slice'
        ? `within ${t.twinDistance}`
        : `>= ${t.consistentShare * 100} % of its slices within ${t.consistentDistance} of one train ${t.unit}, each <= ${t.distinctRatio} x as far as any other`;
    lines.push(
      `  ${s.split}: ${s.withTwinInTrain} of ${s.subjects} ${t.unit === 'slice' ? 'slices' : `${t.unit}s`} (${(s.share * 100).toFixed(1)} %) have a twin in train (${rule})`,
    );
  }
  for (const s of t.subjects.filter((x) => x.twin).slice(0, 5)) {
    lines.push(
      `    ${s.subject} [${s.split}]: ${s.consistentSlices} of ${s.slices} slices match train ${s.matchedTrainSubject}; closest ${s.closestTrainItem} (distance ${s.closestDistance})`,
    );
  }
  for (const e of [...a.exact.examples, ...a.near.examples].slice(0, 6)) {
    lines.push(`  e.g. ${e.items.map((i) => `${i.id} [${i.split}]`).join(' ~ ')} (distance ${e.distance})`);
  }
  const v = report.volumes;
  if (v) {
    lines.push(
      `volumes    ${v.count} read, reoriented to RAS+ from ${Object.entries(v.sourceAxcodes)
        .map(([a, n]) => `${a} x${n}`)
        .join(', ')}`,
    );
    if (v.firstVolumeOnly.files)
      lines.push(
        `  ${v.firstVolumeOnly.files} 4-D file(s) read as their first volume (${v.firstVolumeOnly.droppedVolumes} volumes dropped): ${v.items
          .filter((i) => i.droppedVolumes > 0)
          .map((i) => `${i.path} (${i.droppedVolumes})`)
          .join(', ')}`,
      );
    if (v.nonFiniteVoxels.files)
      lines.push(
        `  ${v.nonFiniteVoxels.voxels} NaN/Inf voxels set to background in ${v.nonFiniteVoxels.files} file(s): ${v.items
          .filter((i) => i.nonFiniteCount > 0)
          .map((i) => `${i.path} (${i.nonFiniteCount})`)
          .join(', ')}`,
      );
  }
  lines.push('', `fingerprint ${report.fingerprint}`);
  return lines.join('\n');
}

/** `alzbench data inspect`: layout, counts, bad input, grouping and leakage audit of a data set. */
export const dataInspectCommand: Command = {
  name: 'data inspect',
  summary: 'detect a data set layout; report classes, splits, bad files, duplicates and leakage',
  usage,
  flags,
  async run(argv) {
    const { values, positionals } = parseFlags('data inspect', argv, flags, true);
    if (positionals.length !== 1) throw invalid('one data set folder', '<dir>', positionals, 'e.g. alzbench data inspect ../shared/data/kaggle4-sample');
    const seed = flagValue(int({ min: Number.MIN_SAFE_INTEGER, expected: 'integer' }), '--seed', values.seed);
    const grouping = flagValue(oneOf(['auto', 'subject', 'pseudo', 'none'] as const), '--grouping', values.grouping, 'auto');
    const near = flagValue(number({ min: 0, max: 2, expected: 'number in 0..2 (1 - correlation)' }), '--near-threshold', values['near-threshold']);
    const perScan = flagValue(int({ min: 1, max: 10_000, expected: 'positive integer' }), '--slices-per-scan', values['slices-per-scan']);
    const spacing = flagValue(number({ above: 0, max: 100, expected: 'positive number of mm' }), '--spacing', values.spacing);
    const onBad = flagValue(oneOf(['skip', 'stop'] as const, 'skip or stop'), '--on-bad', values['on-bad'], 'skip');
    const progress = (message: string) => process.stderr.write(`data inspect: ${message}\n`);
    const dataset = await openDataset(resolve(positionals[0]!), {
      ...(values.slices ? { sliceRange: parseSliceRange(values.slices) } : {}),
      ...(spacing !== undefined ? { spacing } : {}),
      ...(values['diagnosis-column'] ? { diagnosisColumn: values['diagnosis-column'] } : {}),
      ...(values['subject-pattern'] !== undefined ? { subjectPattern: values['subject-pattern'] } : {}),
    });
    progress(`${dataset.layout}: ${dataset.items.length} slices listed`);
    let prepared: PreparedDataset;
    try {
      prepared = await prepareDataset(dataset, {
        ...(values.task ? { task: values.task } : {}),
        ...(seed !== undefined ? { seed } : {}),
        ...(near !== undefined ? { nearThreshold: near } : {}),
        ...(perScan !== undefined ? { slicesPerScan: perScan } : {}),
        grouping: grouping as Grouping,
        onBad,
        onProgress: progress,
      });
    } catch (error) {
      // An empty data set or task still gets its report (what was found), then the error (exit 2).
      if (error instanceof EmptyDataError) {
        const report = inspectReport(error.prepared);
        console.log(values.json ? JSON.stringify(report) : textReport(report));
      }
      throw error;
    }
    if (values.manifest) {
      await writeManifest(values.manifest, prepared.manifest);
      progress(`split manifest written to ${values.manifest}`);
    }
    const report = inspectReport(prepared);
    console.log(values.json ? JSON.stringify(report) : textReport(report));
    return 0;
  },
};
