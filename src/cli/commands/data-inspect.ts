import { resolve } from 'node:path';
import { openDataset } from '../../data/open-dataset.js';
import { countProblems } from '../../data/load-items.js';
import { writeManifest } from '../../data/manifest.js';
import { parseSliceRange } from '../../data/nifti-reader.js';
import { DEFAULT_NEAR_THRESHOLD, prepareDataset, type PreparedDataset } from '../../data/prepare.js';
import { invalid } from '../../util/errors.js';
import { type Command, parseFlags } from '../command.js';
import { flagValue, int, number, oneOf } from '../../util/schema.js';

const usage = `usage: alzbench data inspect <dir> [--task 4class|binary|map:A=x,B=y] [--json] [flags]

Reads a data set folder and reports: the layout detected, classes and counts per split, image
sizes, bad input (unreadable, truncated, non-image files, empty class folders, mixed sizes), the
grouping used for splits (subjects, or pseudo-subjects from the near-duplicate graph), and the
leakage audit (exact duplicates by content hash, near-duplicates by thumbnail distance, within and
across splits, and the share of val/test slices with a close train slice).

Layouts: Kaggle 4-class (train/ and test/ with NonDemented, VeryMildDemented, MildDemented,
ModerateDemented), Kaggle binary (Alzheimer / Non Alzheimer), the 128x128 preprocessed variant
(Non_Demented, ...), any <class>/<image> folder, Hugging Face parquet files (image.bytes + label),
and a CSV (subject, label, path) of NIfTI volumes cut into axial slices.

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
  --manifest FILE        write the split manifest (file, hash, class, subject, split) to FILE
  --json                 print one JSON document on stdout (progress goes to stderr)`;

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
        manifest: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      true,
    );
    if (positionals.length !== 1) throw invalid('one data set folder', '<dir>', positionals, 'e.g. alzbench data inspect ../shared/data/kaggle4-sample');
    const seed = flagValue(int({ min: Number.MIN_SAFE_INTEGER, expected: 'integer' }), '--seed', values.seed);
    const grouping = flagValue(oneOf(['auto', 'subject', 'pseudo', 'none'] as const), '--grouping', values.grouping, 'auto');
    const near = flagValue(number({ min: 0, max: 255, expected: 'number in 0..255' }), '--near-threshold', values['near-threshold']);
    const onBad = flagValue(oneOf(['skip', 'stop'] as const, 'skip or stop'), '--on-bad', values['on-bad'], 'skip');
    const progress = (message: string) => process.stderr.write(`data inspect: ${message}\n`);
    const dataset = await openDataset(resolve(positionals[0]!), values.slices ? { sliceRange: parseSliceRange(values.slices) } : {});
    progress(`${dataset.layout}: ${dataset.items.length} slices listed`);
    const prepared = await prepareDataset(dataset, {
      ...(values.task ? { task: values.task } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(near !== undefined ? { nearThreshold: near } : {}),
      grouping,
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
