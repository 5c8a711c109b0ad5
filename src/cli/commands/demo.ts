import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { parseFlags } from '../command.js';
import { type FlagTable, usageText } from '../../util/flag-table.js';
import { describeRule, flagValue } from '../../util/schema.js';
import { WORKERS } from '../flag-rules.js';
import { openDataset } from '../../data/open-dataset.js';
import { prepareDataset } from '../../data/prepare.js';
import { generateDataset } from '../../data/synth/generate.js';
import { generateVolumes } from '../../data/synth/generate-volumes.js';
import { slicesVsVolumesMarkdown, slicesVsVolumesTable, type SlicesVsVolumesTable } from '../../report/slices-vs-volumes.js';
import { readSweepFile } from '../../sweep/spec.js';
import { runSweep } from '../../sweep/run-sweep.js';
import { openStore } from '../../store/open-store.js';
import { compareRuns, type Comparison } from '../../report/compare.js';
import { toHtml, toMarkdown } from '../../report/format.js';
import { inspectReport, textReport } from './data-inspect.js';

const flags = {
  dir: {
    type: 'string',
    default: 'alzbench-demo',
    value: 'DIR',
    help: `output folder (default alzbench-demo): data/, volumes/, runs/, alzbench.db, report.html`,
  },
  workers: { type: 'string', default: '2', value: 'N', help: `training processes at once (default 2; ${describeRule(WORKERS)})` },
  smallest: {
    type: 'boolean',
    default: false,
    help: `small data, a tiny model, a few epochs (CI: the whole path in a few minutes;
its runs train for real: none may collapse, and the leaky split must win)`,
  },
  json: { type: 'boolean', default: false, help: `print one JSON document (both comparisons) on stdout` },
} satisfies FlagTable;

const usage = usageText({
  synopsis: `usage: alzbench demo [--dir DIR] [--workers N] [--smallest] [--json]`,
  about: `The main job on a fresh machine, in about 5-10 minutes on a 2-core CPU:
  1. makes a demo data set (alzbench synth: 120 synthetic subjects from the Colin27 brain,
     4 stages of atrophy, 12 mid-brain slices each, subject IDs known) unless DIR holds it;
  2. prints its leakage audit;
  3. runs a small version of the study's comparison (experiments/demo-chains.yaml: the study's
     preprocessing chains with one small CNN, subject-grouped split) and prints the comparison
     table with 95 % confidence intervals;
  4. shows the leakage effect: the same model on slice-level random folds vs subject-grouped
     folds of the same slices, 3-fold cross-validation each (experiments/demo-leakage.yaml),
     with per-slice and per-subject figures, mean ± SD over folds and a paired test;
  5. slices vs whole volumes (experiments/slices-vs-volumes.yaml, demo scale): the same generated
     people as 3-D NIfTI volumes (BIDS); a 2-D slice model per slice and per subject vs a 3-D
     model per subject, same held-out people, AD vs CN, with subject-bootstrap CIs;
  6. writes the HTML reports (report.html, report-leakage.html) and says how to open the dashboard.
A second run reuses the data and every finished run. Everything goes under DIR.`,
  flags,
});

const experiments = fileURLToPath(new URL('../../../experiments/', import.meta.url));

/** Makes the demo data set unless `out` already holds one made with the same options. */
async function ensureData(
  out: string,
  options: { subjects: number; slicesPerSubject: number; zRange: [number, number]; testFraction: number },
  log: (s: string) => void,
): Promise<void> {
  const meta = join(out, 'synth.json');
  if (existsSync(meta)) {
    const saved = JSON.parse(readFileSync(meta, 'utf8')) as { options?: Record<string, unknown> };
    const o = saved.options ?? {};
    if (
      o.subjects === options.subjects &&
      o.slicesPerSubject === options.slicesPerSubject &&
      o.testFraction === options.testFraction &&
      o.seed === 1 &&
      JSON.stringify(o.zRange) === JSON.stringify(options.zRange)
    ) {
      log(`data: reusing ${out}`);
      return;
    }
  }
  log(`data: generating ${options.subjects} synthetic subjects in ${out}`);
  await generateDataset({
    out,
    subjects: options.subjects,
    seed: 1,
    slicesPerSubject: options.slicesPerSubject,
    zRange: options.zRange,
    testFraction: options.testFraction,
    force: true,
  });
}

/** Makes the demo's volume data set (BIDS) unless `out` already holds one made with the same options. */
async function ensureVolumes(
  out: string,
  options: { subjects: number; depth: number; downsample: number; testFraction: number },
  log: (s: string) => void,
): Promise<void> {
  const meta = join(out, 'synth.json');
  if (existsSync(meta)) {
    const o = (JSON.parse(readFileSync(meta, 'utf8')) as { options?: Record<string, unknown> }).options ?? {};
    if (
      o.subjects === options.subjects &&
      o.depth === options.depth &&
      o.downsample === options.downsample &&
      o.testFraction === options.testFraction &&
      o.seed === 1
    ) {
      log(`volumes: reusing ${out}`);
      return;
    }
  }
  log(`volumes: generating ${options.subjects} synthetic people as 3-D volumes in ${out}`);
  await generateVolumes({ out, seed: 1, force: true, ...options });
}

/** Runs experiments/slices-vs-volumes.yaml at `scale` on `data` and makes its three-row table. */
async function slicesVsVolumesOf(dir: string, scale: string, data: string, workers: number, log: (s: string) => void): Promise<SlicesVsVolumesTable> {
  const spec = readSweepFile(join(experiments, 'slices-vs-volumes.yaml'), { scale, overrides: { data } });
  const store = await openStore(join(dir, 'alzbench.db'));
  try {
    const summary = await runSweep(store, spec, { workers, runsDir: join(dir, 'runs'), log });
    log(
      `sweep ${summary.sweep.id}: ${Object.entries(summary.statuses)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')} in ${summary.seconds.toFixed(0)} s`,
    );
    return slicesVsVolumesTable(await store.listRuns({ sweepId: summary.sweep.id }));
  } finally {
    await store.close();
  }
}

async function comparisonOf(dir: string, file: string, scale: string, data: string, workers: number, log: (s: string) => void): Promise<Comparison> {
  const spec = readSweepFile(join(experiments, file), { scale, overrides: { data } });
  const store = await openStore(join(dir, 'alzbench.db'));
  try {
    const summary = await runSweep(store, spec, { workers, runsDir: join(dir, 'runs'), log });
    log(
      `sweep ${summary.sweep.id}: ${Object.entries(summary.statuses)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')} in ${summary.seconds.toFixed(0)} s`,
    );
    return await compareRuns(store, [summary.sweep.id]);
  } finally {
    await store.close();
  }
}

/**
 * One line on the leakage comparison: mean balanced accuracy over folds of the slice-level and
 * the subject-grouped arms, per slice and per subject, and the paired test between them.
 */
export function leakageVerdict(c: Comparison): string | null {
  const arm = (label: string) => c.groups?.find((g) => g.params.split === label);
  const leaky = arm('slice-level');
  const honest = arm('subject-grouped');
  if (!leaky || !honest) return null;
  const f = (v: number) => v.toFixed(3);
  const paired = leaky.paired ?? honest.paired;
  return (
    `Leakage effect over ${leaky.runs} folds: balanced accuracy per slice ${f(leaky.perSlice.balancedAccuracy.mean)} (slice-level split) vs ${f(honest.perSlice.balancedAccuracy.mean)} (subject-grouped)` +
    (leaky.perSubject && honest.perSubject
      ? `; per subject ${f(leaky.perSubject.balancedAccuracy.mean)} vs ${f(honest.perSubject.balancedAccuracy.mean)}`
      : '') +
    (paired ? ` (corrected resampled t-test p=${paired.pValue.toFixed(3)})` : '') +
    '.'
  );
}

/** `alzbench demo`: the README's first command ends here. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'make demo data, audit it, run a small version of the study, print the table and report',
  usage,
  flags,
  async run(argv) {
    const { values } = parseFlags('demo', argv, flags);
    const workers = flagValue(WORKERS, '--workers', values.workers, 2);
    const dir = resolve(values.dir);
    const scale = values.smallest ? 'smallest' : 'full';
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const start = performance.now();
    // Many subjects with a few mid-brain slices each (z -10..30 mm, where ventricles and
    // hippocampi show): more subjects make validation and test estimates less noisy.
    const size = values.smallest
      ? { subjects: 36, slicesPerSubject: 6, zRange: [-10, 30] as [number, number] }
      : { subjects: 120, slicesPerSubject: 12, zRange: [-10, 30] as [number, number] };
    // Two views of the same generator: its own subject-wise test/ folder, and all subjects pooled
    // (no test/ folder) so that the trainer carves the split and the grouping can be switched off.
    const data = join(dir, 'data');
    const pooled = join(dir, 'data-pooled');
    await ensureData(data, { ...size, testFraction: 0.2 }, log);
    await ensureData(pooled, { ...size, testFraction: 0 }, log);

    const prepared = await prepareDataset(await openDataset(data), { task: 'binary' });
    log(`\n== 1. the demo data and its leakage audit (alzbench data inspect ${data} --task binary)\n`);
    log(textReport(inspectReport(prepared)));

    log(`\n== 2. the study's preprocessing chains, same small CNN, subject-grouped split (${scale})\n`);
    const chains = await comparisonOf(dir, 'demo-chains.yaml', scale, data, workers, log);
    log(`\n${toMarkdown(chains)}`);

    log(`\n== 3. the leakage effect: slice-level random split vs subject-grouped split, same model and slices\n`);
    const leakage = await comparisonOf(dir, 'demo-leakage.yaml', scale, pooled, workers, log);
    log(`\n${toMarkdown(leakage)}`);
    const verdict = leakageVerdict(leakage);
    if (verdict) log(verdict);
    log(
      'A slice-level split puts slices of one subject on both sides: its test score measures recognising\n' +
        'people already seen, not generalising to new ones. Only the subject-grouped figure is honest.',
    );

    log(`\n== 4. slices vs whole volumes: the same people as 3-D volumes, AD vs CN, same held-out people\n`);
    const volumeData = join(dir, 'volumes');
    await ensureVolumes(volumeData, { subjects: values.smallest ? 40 : 60, depth: 16, downsample: 4, testFraction: 0.3 }, log);
    const volumes = await slicesVsVolumesOf(dir, values.smallest ? 'smallest' : 'demo', volumeData, workers, log);
    log(`\n${slicesVsVolumesMarkdown(volumes)}`);
    log(
      'Rows 2 and 3 count the same held-out people once each. At this size the CIs are wide and the 3-D model\n' +
        'has too few people to learn from (it may stay near chance): the demo shows the path and the per-slice vs\n' +
        'per-subject gap; experiments/slices-vs-volumes.yaml (BENCHMARKS.md) is the comparison at a useful size.',
    );

    const report = join(dir, 'report.html');
    const leakageReport = join(dir, 'report-leakage.html');
    writeFileSync(report, toHtml(chains));
    writeFileSync(leakageReport, toHtml(leakage));
    const minutes = ((performance.now() - start) / 60000).toFixed(1);
    log(`\n== done in ${minutes} min\nreport: ${report}\n        ${leakageReport}`);
    log(`runs:   npx alzbench runs --db ${join(dir, 'alzbench.db')} --runs-dir ${join(dir, 'runs')}`);
    log(`dashboard: npx alzbench serve --db ${join(dir, 'alzbench.db')} --runs-dir ${join(dir, 'runs')}   (then open http://127.0.0.1:8765)`);
    if (values.json) process.stdout.write(`${JSON.stringify({ dir, report, leakageReport, chains, leakage, volumes })}\n`);
    return 0;
  },
};
