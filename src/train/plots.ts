/** Small dependency-free SVG line charts of a run's curves (plots/*.svg), rewritten after each epoch. */
import { join } from 'node:path';
import { writeFileAtomic, type RunPaths } from '../run-folder/run-folder.js';
import type { EpochRecord } from './events.js';

/** One line of a chart. */
export interface Series {
  readonly label: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * An SVG line chart with axes, ticks at the data range and a legend. Non-finite points are skipped.
 *
 * @example
 * lineChartSvg('loss', 'epoch', [{ label: 'train', points: [[1, 0.7], [2, 0.5]] }]);
 */
export function lineChartSvg(title: string, xLabel: string, series: readonly Series[], width = 560, height = 320): string {
  const pts = series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
  const [x0, x1] = pts.length ? [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))] : [0, 1];
  let [y0, y1] = pts.length ? [Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[1]))] : [0, 1];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const m = { l: 56, r: 120, t: 28, b: 40 };
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (width - m.l - m.r);
  const sy = (y: number) => height - m.b - ((y - y0) / (y1 - y0)) * (height - m.t - m.b);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${esc(title)}</text>`,
    `<line x1="${m.l}" y1="${height - m.b}" x2="${width - m.r}" y2="${height - m.b}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${height - m.b}" stroke="black"/>`,
    `<text x="${(m.l + width - m.r) / 2}" y="${height - 8}" text-anchor="middle">${esc(xLabel)}</text>`,
  ];
  for (const y of [y0, (y0 + y1) / 2, y1]) out.push(`<text x="${m.l - 4}" y="${sy(y) + 4}" text-anchor="end">${y.toPrecision(3)}</text>`);
  for (const x of [...new Set([x0, x1])]) out.push(`<text x="${sx(x)}" y="${height - m.b + 14}" text-anchor="middle">${x}</text>`);
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const valid = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (valid.length)
      out.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${valid.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}"/>`,
      );
    for (const [x, y] of valid) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2.5" fill="${colour}"/>`);
    out.push(`<rect x="${width - m.r + 10}" y="${m.t + i * 16}" width="10" height="10" fill="${colour}"/>`);
    out.push(`<text x="${width - m.r + 24}" y="${m.t + i * 16 + 9}">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Writes plots/loss.svg and plots/val-metrics.svg of a run from its epoch records so far. */
export function writePlots(paths: RunPaths, history: readonly EpochRecord[]): void {
  const series = (label: string, pick: (r: EpochRecord) => number) => ({ label, points: history.map((r) => [r.epoch, pick(r)] as const) });
  writeFileAtomic(
    join(paths.plots, 'loss.svg'),
    lineChartSvg('loss', 'epoch', [series('train loss', (r) => r.trainLoss), series('val loss', (r) => r.val.loss)]),
  );
  writeFileAtomic(
    join(paths.plots, 'val-metrics.svg'),
    lineChartSvg('validation metrics', 'epoch', [
      series('accuracy', (r) => r.val.accuracy),
      series('balanced acc.', (r) => r.val.balancedAccuracy),
      series('sensitivity', (r) => r.val.sensitivity),
      series('specificity', (r) => r.val.specificity),
      series('AUC', (r) => r.val.auc),
    ]),
  );
}
