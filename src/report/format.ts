/**
 * A {@link Comparison} as Markdown, CSV, JSON or a self-contained HTML report (tables, notes, and
 * SVG plots: learning curves, ROC curves, confusion matrices).
 */
import { positiveClassOf } from '../eval/metrics.js';
import { fmtP, type Comparison } from './compare.js';
import type { ComparisonRow } from './comparison-row.js';
import type { Spread } from '../eval/group-summary.js';
import { confusionMatrixSvg, lineChart, rocPoints } from './svg.js';
import { escapeXml } from '../util/escape-xml.js';

export const FORMATS = ['md', 'csv', 'html', 'json'] as const;
export type Format = (typeof FORMATS)[number];

const METRICS = [
  ['sensitivity', 'sens'],
  ['specificity', 'spec'],
  ['accuracy', 'acc'],
  ['balancedAccuracy', 'bal. acc'],
  ['auc', 'AUC'],
] as const;

/**
 * A metric with 3 decimals for tables and cards, `-` when it is missing or not a finite number.
 *
 * @param v a value read back (a number, null, undefined or anything else from stored JSON)
 * @returns e.g. `0.912`, or `-`
 */
export function f3(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '-';
}

function withCi(row: ComparisonRow, key: (typeof METRICS)[number][0]): string {
  const ci = row.ci?.[key];
  const value = f3(row.best[key]);
  return ci && Number.isFinite(ci.low) ? `${value} [${f3(ci.low)}, ${f3(ci.high)}]` : value;
}

function subjectCi(row: ComparisonRow, key: 'balancedAccuracy' | 'auc' | 'sensitivity' | 'specificity'): string {
  if (!row.subject) return '-';
  const ci = row.subject.ci?.[key];
  const value = f3(row.subject[key]);
  return ci && Number.isFinite(ci.low) ? `${value} [${f3(ci.low)}, ${f3(ci.high)}]` : value;
}

const SUBJECT_METRICS = [
  ['sensitivity', 'sens'],
  ['specificity', 'spec'],
  ['balancedAccuracy', 'bal. acc'],
  ['auc', 'AUC'],
] as const;

/** The table's header and cells (shared by Markdown and HTML). */
function table(c: Comparison): { header: string[]; cells: string[][] } {
  const bySubject = c.rows.some((r) => r.subject);
  const header = [
    'run',
    ...c.columns,
    'status',
    ...METRICS.map(([, h]) => `${h} per slice [95 % CI]`),
    ...(bySubject ? ['subjects', ...SUBJECT_METRICS.map(([, h]) => `${h} per subject [95 % CI]`)] : []),
    'loss',
    's/epoch',
    'epoch best/last',
    'acc last',
    'p vs baseline',
    'note',
  ];
  const cells = c.rows.map((r) => [
    r.name && !r.name.startsWith(r.id) && c.columns.length === 0 ? r.name : r.id,
    ...c.columns.map((k) => r.params[k] ?? '-'),
    [r.status, ...r.flags.filter((f) => f !== r.status)].join(', '),
    ...METRICS.map(([k]) => withCi(r, k)),
    ...(bySubject
      ? [r.subject ? `${r.subject.subjects}${r.subject.reconstructed ? ' pseudo' : ''}` : '-', ...SUBJECT_METRICS.map(([k]) => subjectCi(r, k))]
      : []),
    f3(r.best.loss),
    // Seconds/epoch with the device: unlike devices are not comparable on speed.
    r.secondsPerEpoch === null ? '-' : `${r.secondsPerEpoch.toFixed(1)} ${c.speedByDevice.length > 1 ? `(${r.device.split(' ')[0]})` : ''}`.trim(),
    `${r.best.epoch ?? '-'}/${r.last?.epoch ?? r.epochsDone ?? '-'}`,
    f3(r.last?.accuracy),
    r.mcnemar ? fmtP(r.mcnemar.pValue) : r.id === c.baseline ? 'baseline' : '-',
    r.verdict,
  ]);
  return { header, cells };
}

const spreadText = (s: Spread | undefined) =>
  !s || s.n === 0 ? '-' : s.n === 1 ? `${f3(s.mean)} (n=1)` : `${f3(s.mean)} ± ${f3(s.sd)} [${f3(s.low)}, ${f3(s.high)}]`;

/** The configurations-over-folds/seeds table (header and cells), or null without groups. */
export function groupTable(c: Comparison): { header: string[]; cells: string[][] } | null {
  if (!c.groups) return null;
  const columns = [...new Set(c.groups.flatMap((g) => Object.keys(g.params)))];
  const header = [
    'configuration',
    ...columns,
    'runs (folds x seeds)',
    'flagged',
    'bal. acc per slice mean ± SD [95 % CI]',
    'AUC per slice mean ± SD',
    'bal. acc per subject mean ± SD [95 % CI]',
    'AUC per subject mean ± SD',
    'p vs best (corrected t)',
    'note',
  ];
  const cells = c.groups.map((g) => [
    g.group,
    ...columns.map((k) => g.params[k] ?? '-'),
    `${g.runs} (${g.folds} x ${g.seeds.length})`,
    String(g.flagged),
    spreadText(g.perSlice.balancedAccuracy),
    spreadText(g.perSlice.auc),
    spreadText(g.perSubject?.balancedAccuracy),
    spreadText(g.perSubject?.auc),
    g.paired ? fmtP(g.paired.pValue) : '-',
    g.verdict,
  ]);
  return { header, cells };
}

/** Markdown: the table and the notes. */
export function toMarkdown(c: Comparison): string {
  const { header, cells } = table(c);
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `## Comparison: ${c.title}`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...cells.map((row) => `| ${row.map(esc).join(' | ')} |`),
    '',
  ];
  const groups = groupTable(c);
  if (groups)
    lines.push(
      '### Configurations over folds and seeds',
      '',
      `| ${groups.header.join(' | ')} |`,
      `|${groups.header.map(() => '---').join('|')}|`,
      ...groups.cells.map((row) => `| ${row.map(esc).join(' | ')} |`),
      '',
    );
  if (c.notes.length) lines.push(...c.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

/** CSV: one row per run, CI bounds in their own columns. */
export function toCsv(c: Comparison): string {
  const q = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const header = ['run', 'name', ...c.columns, 'status', 'flags'];
  for (const [k] of METRICS) header.push(k, `${k}_low`, `${k}_high`);
  header.push('subjects');
  for (const [k] of SUBJECT_METRICS) header.push(`subject_${k}`, `subject_${k}_low`, `subject_${k}_high`);
  header.push(
    'loss',
    'seconds_per_epoch',
    'device',
    'best_epoch',
    'last_epoch',
    'last_accuracy',
    'last_balanced_accuracy',
    'mcnemar_p',
    'mcnemar_p_holm',
    'baseline',
    'note',
  );
  const rows = c.rows.map((r) => {
    const out: unknown[] = [r.id, r.name, ...c.columns.map((k) => r.params[k]), r.status, r.flags.join(' ')];
    for (const [k] of METRICS) out.push(r.best[k], r.ci?.[k]?.low, r.ci?.[k]?.high);
    out.push(r.subject?.subjects);
    for (const [k] of SUBJECT_METRICS) out.push(r.subject?.[k], r.subject?.ci?.[k]?.low, r.subject?.ci?.[k]?.high);
    out.push(
      r.best.loss,
      r.secondsPerEpoch,
      r.device,
      r.best.epoch,
      r.last?.epoch,
      r.last?.accuracy,
      r.last?.balancedAccuracy,
      r.mcnemar?.pValue,
      r.mcnemar?.pHolm,
      r.id === c.baseline ? 'yes' : '',
      r.verdict,
    );
    return out.map(q).join(',');
  });
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

/** JSON: everything except the per-sample details. */
export function toJson(c: Comparison): string {
  const { details: _details, ...rest } = c;
  return `${JSON.stringify(rest)}\n`;
}

/** Plots of a comparison as SVG strings: learning curves, ROC curves, confusion matrices. */
export function comparisonPlots(c: Comparison): { curves: string[]; roc: string | null; confusion: string[] } {
  const runs = c.rows.map((r) => ({ row: r, d: c.details[r.id]! }));
  const curve = (
    title: string,
    y: string,
    pick: (e: { valBalancedAccuracy: number | null; valLoss: number | null; trainLoss: number | null }) => number | null,
    range?: [number, number],
  ) =>
    lineChart(
      runs.map(({ d }) => ({ label: d.label, points: d.epochs.map((e) => [e.epoch, pick(e) ?? NaN] as const) })),
      { title, xLabel: 'epoch', yLabel: y, ...(range ? { y: range } : {}) },
    );
  const curves = [
    curve('validation balanced accuracy', 'balanced accuracy', (e) => e.valBalancedAccuracy, [0, 1]),
    curve('validation loss', 'loss', (e) => e.valLoss),
    curve('training loss', 'loss', (e) => e.trainLoss),
  ];
  const withPredictions = runs.filter(({ d }) => d.predictions.length > 0);
  let roc: string | null = null;
  if (withPredictions.length > 0) {
    const classes = withPredictions[0]!.d.classes;
    const positive = positiveClassOf(classes);
    roc = lineChart(
      withPredictions.map(({ row, d }) => ({
        label: `${d.label} (AUC ${f3(row.best.auc)})`,
        points: rocPoints(
          d.predictions.map((p) => p.probabilities[positive] ?? NaN),
          d.predictions.map((p) => p.label === positive),
        ),
      })),
      {
        title: `ROC, ${classes[positive] ?? 'positive'} vs rest (test, best epoch)`,
        xLabel: 'false positive rate (1 - specificity)',
        yLabel: 'true positive rate (sensitivity)',
        x: [0, 1],
        y: [0, 1],
        diagonal: true,
      },
    );
  }
  const confusion = runs.filter(({ d }) => d.confusion).map(({ d }) => confusionMatrixSvg(d.confusion!, d.classes, d.label));
  return { curves, roc, confusion };
}

/** A self-contained HTML report: no scripts, no external files, opens offline in any browser. */
export function toHtml(c: Comparison): string {
  const { header, cells } = table(c);
  const plots = comparisonPlots(c);
  const rowClass = (r: ComparisonRow) =>
    r.id === c.baseline ? ' class="baseline"' : r.flags.some((f) => ['collapsed', 'diverged', 'failed'].includes(f)) ? ' class="flagged"' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>alzbench: ${escapeXml(c.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3}tr.baseline td{background:#eef6ff}tr.flagged td{background:#fff1ee}
.plots{display:flex;flex-wrap:wrap;gap:12px}.notes li{margin:4px 0}
</style></head><body>
<h1>Comparison: ${escapeXml(c.title)}</h1>
<p>Test metrics of each run's selected (best validation) epoch, with 95 % confidence intervals; the last epoch beside it. Columns before "status" are the only settings that differ between these runs.</p>
<table><thead><tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead>
<tbody>${cells.map((row, i) => `<tr${rowClass(c.rows[i]!)}>${row.map((v) => `<td>${escapeXml(v)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>
${(() => {
  const g = groupTable(c);
  return g
    ? `<h2>Configurations over folds and seeds</h2><table><thead><tr>${g.header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${g.cells.map((row) => `<tr>${row.map((v) => `<td>${escapeXml(v)}</td>`).join('')}</tr>`).join('\n')}</tbody></table>`
    : '';
})()}
<h2>What the numbers can and cannot say</h2>
<ul class="notes">${c.notes.map((n) => `<li>${escapeXml(n)}</li>`).join('')}</ul>
<h2>Learning curves</h2><div class="plots">${plots.curves.join('\n')}</div>
${plots.roc ? `<h2>ROC curves</h2><div class="plots">${plots.roc}</div>` : ''}
${plots.confusion.length ? `<h2>Confusion matrices (test, best epoch)</h2><div class="plots">${plots.confusion.join('\n')}</div>` : ''}
<p style="color:#777;font-size:12px">Made by alzbench compare. Runs: ${c.rows.map((r) => escapeXml(r.id)).join(', ')}.</p>
</body></html>
`;
}

/** The comparison in a format. */
export function formatComparison(c: Comparison, format: Format): string {
  switch (format) {
    case 'md':
      return toMarkdown(c);
    case 'csv':
      return toCsv(c);
    case 'json':
      return toJson(c);
    case 'html':
      return toHtml(c);
  }
}
